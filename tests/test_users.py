"""The office's people: users with roles, ``--as`` naming who acts in every record, optional passwords kept as
scrypt hashes, and two-person voids. Every refusal: exit 2, the message, the books unchanged."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from desktop import clock
from desktop.domain import Category
from desktop.services import payments, projects, support, users
from desktop.services.households import HouseholdInput, add_household
from tests.conftest import books_digest

TODAY = date(2026, 11, 1)


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield


@pytest.fixture(autouse=True)
def no_password(monkeypatch):
    monkeypatch.delenv("VONXOAY_PASSWORD", raising=False)
    monkeypatch.delenv("VONXOAY_NEW_PASSWORD", raising=False)


def refused(cli, data_dir, *args: str) -> str:
    before = books_digest(data_dir.database)
    result = cli(*args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert books_digest(data_dir.database) == before
    return result.stderr


def rows(data_dir, sql: str) -> list[tuple]:
    conn = sqlite3.connect(data_dir.database)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_user_add_and_list(books, cli, data_dir):
    made = cli("user", "add", "--name", "Nguyễn Thị Lan", "--role", "accountant", "--json")
    assert made.code == 0 and made.json == {"id": 1, "name": "Nguyễn Thị Lan", "role": "accountant"}
    assert cli("user", "add", "--name", "Trần Văn Nam", "--role", "chủ tịch", "--json").json["role"] == "chairman"
    listed = cli("user", "list", "--json").json["users"]
    assert [(u["name"], u["role"], u["password"]) for u in listed] == [
        ("Nguyễn Thị Lan", "accountant", False), ("Trần Văn Nam", "chairman", False)]
    assert "Đã có người dùng tên “nguyen thi lan”" in refused(
        cli, data_dir, "user", "add", "--name", "nguyen thi lan", "--role", "clerk")
    assert "Vai trò “boss” không có" in refused(cli, data_dir, "user", "add", "--name", "X", "--role", "boss")
    assert "Chưa nhập tên" in refused(cli, data_dir, "user", "add", "--name", " ", "--role", "clerk")


def test_as_names_who_acts_in_every_record(books, cli, data_dir):
    cli("user", "add", "--name", "Nguyễn Thị Lan", "--role", "clerk")
    assert "Không có người dùng “Ai Đó”" in refused(cli, data_dir, "--as", "Ai Đó", "hamlet", "add", "Thôn Bắc")
    assert "Nguyễn Thị Lan" in refused(cli, data_dir, "hamlet", "add", "Thôn Bắc", "--as", "Lan")  # lists who exists
    assert cli("hamlet", "add", "Thôn Bắc", "--as", "nguyen thi lan").code == 0
    assert rows(data_dir, "SELECT actor FROM audit_log WHERE entity = 'hamlet' ORDER BY id DESC LIMIT 1") == [
        ("Nguyễn Thị Lan",)]


def test_password_is_kept_as_a_scrypt_hash_and_checked(books, cli, data_dir, monkeypatch):
    monkeypatch.setenv("VONXOAY_NEW_PASSWORD", "mật-khẩu-123")
    assert cli("user", "add", "--name", "Trần Văn Nam", "--role", "chairman", "--password").code == 0
    monkeypatch.delenv("VONXOAY_NEW_PASSWORD")
    [(stored,)] = rows(data_dir, "SELECT password_hash FROM app_user")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", users.SCRYPT_N, users.SCRYPT_R, users.SCRYPT_P)
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 32
    assert "mật-khẩu-123" not in stored
    assert users.password_matches("mật-khẩu-123", stored) and not users.password_matches("mật-khẩu-124", stored)
    # The same password twice gives two different hashes (a salt per user).
    assert users.hash_password("mật-khẩu-123") != users.hash_password("mật-khẩu-123")
    # Sign-in is on now: nobody acts without a user and the password.
    assert "Không có người dùng “kiểm thử”" in refused(cli, data_dir, "hamlet", "add", "Thôn Bắc")  # VONXOAY_USER
    monkeypatch.delenv("VONXOAY_USER")
    assert "yêu cầu đăng nhập" in refused(cli, data_dir, "hamlet", "add", "Thôn Bắc")
    assert "có mật khẩu" in refused(cli, data_dir, "--as", "Trần Văn Nam", "hamlet", "add", "Thôn Bắc")
    monkeypatch.setenv("VONXOAY_PASSWORD", "sai-mật-khẩu")
    assert "Sai mật khẩu của Trần Văn Nam" in refused(cli, data_dir, "--as", "Trần Văn Nam", "hamlet", "add",
                                                      "Thôn Bắc")
    monkeypatch.setenv("VONXOAY_PASSWORD", "mật-khẩu-123")
    assert cli("--as", "Trần Văn Nam", "hamlet", "add", "Thôn Bắc").code == 0


def test_with_sign_in_only_an_approving_role_adds_users(books, cli, data_dir, monkeypatch):
    monkeypatch.setenv("VONXOAY_NEW_PASSWORD", "thu-quy-456")
    assert cli("user", "add", "--name", "Phạm Thị Thu", "--role", "cashier", "--password").code == 0
    monkeypatch.setenv("VONXOAY_PASSWORD", "thu-quy-456")
    monkeypatch.setenv("VONXOAY_NEW_PASSWORD", "ngan")
    assert "quá ngắn" in refused(cli, data_dir, "--as", "Phạm Thị Thu", "user", "password", "--name",
                                 "Phạm Thị Thu")
    assert "Chỉ kế toán hoặc chủ tịch" in refused(cli, data_dir, "--as", "Phạm Thị Thu", "user", "add",
                                                   "--name", "Lê Minh Đức", "--role", "clerk")


@pytest.fixture
def owing(books):
    projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản"))
    add_household(books, HouseholdInput("H001", "Nguyễn Văn Dũng", "Thôn Đông", Category.POOR,
                                        category_on=date(2022, 1, 1)))
    support.record_support(books, support.SupportInput("DA01", "H001", date(2023, 3, 10)))
    payments.record_payment(books, payments.PaymentInput("DA01", "H001", 1_000_000, date(2024, 3, 1)))
    for name, role in (("Phạm Thị Thu", "cashier"), ("Nguyễn Thị Lan", "accountant"), ("Lê Minh Đức", "clerk")):
        users.add_user(books, name, role)
    return books


def test_two_person_void_of_a_receipt(owing, cli, data_dir):
    assert cli("settings", "--set", "two_person_voids", "1").code == 0
    void = ("receipt", "void", "--book", "01", "--number", "1", "--year", "2024", "--reason", "ghi nhầm hộ",
            "--on", "2024-03-05")
    assert "người yêu cầu phải là người dùng" in refused(cli, data_dir, *void)
    asked = cli("--as", "Phạm Thị Thu", *void, "--json")
    assert asked.code == 0, asked.stderr
    assert asked.json["pending"] is True and asked.json["voided"] is False and asked.json["request_id"] == 1
    assert rows(data_dir, "SELECT voided_at FROM receipt") == [(None,)]  # not voided yet
    assert "đang chờ xác nhận" in refused(cli, data_dir, "--as", "Lê Minh Đức", *void)
    pending = cli("void", "list", "--json").json["requests"]
    assert [(r["id"], r["requested_by"], r["void_on"]) for r in pending] == [(1, "Phạm Thị Thu", "2024-03-05")]
    assert "người xác nhận phải là một người khác" in refused(cli, data_dir, "--as", "Phạm Thị Thu", "void",
                                                              "confirm", "1")
    assert "chỉ kế toán hoặc chủ tịch" in refused(cli, data_dir, "--as", "Lê Minh Đức", "void", "confirm", "1")
    assert "phải là người dùng đã đăng ký" in refused(cli, data_dir, "void", "confirm", "1")
    assert "Không có yêu cầu hủy số 9" in refused(cli, data_dir, "--as", "Nguyễn Thị Lan", "void", "confirm", "9")
    # A direct void (the window's old path) is refused while the setting is on.
    with pytest.raises(Exception, match="cần hai người"):
        payments.void_receipt(owing, "01", 1, "thử", year=2024, on=date(2024, 3, 5))
    done = cli("--as", "Nguyễn Thị Lan", "void", "confirm", "1", "--json")
    assert done.code == 0, done.stderr
    assert done.json["confirmed_by"] == "Nguyễn Thị Lan" and done.json["result"]["voided_on"] == "2024-03-05"
    assert rows(data_dir, "SELECT voided_on, voided_by, void_reason FROM receipt") == [
        ("2024-03-05", "Nguyễn Thị Lan", "ghi nhầm hộ")]
    assert cli("void", "list", "--json").json["requests"] == []
    assert "đã được Nguyễn Thị Lan xác nhận" in refused(cli, data_dir, "--as", "Nguyễn Thị Lan", "void",
                                                         "confirm", "1")
    with sqlite3.connect(data_dir.database) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM void_request")


def test_a_confirmation_the_rules_refuse_leaves_the_request_pending(owing, cli, data_dir):
    assert cli("settings", "--set", "two_person_voids", "1").code == 0
    # The support has a valid receipt: the request is taken, the confirmation is refused by the void's own rule.
    asked = cli("--as", "Phạm Thị Thu", "support", "void", "--project", "DA01", "--household", "H001",
                "--reason", "nhầm", "--on", "2024-03-05", "--json")
    assert asked.code == 0 and asked.json["kind"] == "support"
    assert "hộ đã nộp tiền hoàn trả bằng phiếu thu" in refused(cli, data_dir, "--as", "Nguyễn Thị Lan", "void",
                                                                "confirm", "1")
    assert [r["id"] for r in cli("void", "list", "--json").json["requests"]] == [1]


def test_without_the_setting_a_void_is_immediate(owing, cli):
    result = cli("receipt", "void", "--book", "01", "--number", "1", "--year", "2024", "--reason", "nhầm",
                 "--on", "2024-03-05", "--json")
    assert result.code == 0 and result.json["voided"] is True
