"""A household's fields as the form and ``household add``/``edit`` give them are held to the rules an imported
list is: names and hamlets of a sane length without invisible characters, a phone of 8 to 15 digits, a
category date neither in the future nor before 1990, a whole number of members. Formula-like text is text."""

from __future__ import annotations

import time
from datetime import date

import pytest

from desktop import clock
from desktop.domain import Category
from desktop.errors import Refused
from desktop.services.hamlets import add_hamlet
from desktop.services.households import HouseholdChanges, HouseholdInput, add_household, edit_household
from desktop.validation import check_members, check_phone, check_text
from tests.conftest import books_digest

TODAY = date(2026, 11, 20)
ADD = ["household", "add", "--code", "H010", "--hamlet", "Thôn Đông", "--category", "poor"]


@pytest.mark.parametrize(("args", "message"), [
    (["--head", "A" * 10_000], "Họ tên chủ hộ “AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…” dài 10.000 ký tự, quá mức "
                               "120 ký tự"),
    (["--head", "Nguyễn\u202eA nĂV"], "Họ tên chủ hộ “Nguyễn[U+202E]A nĂV” có ký tự đảo chiều chữ U+202E ở vị trí 7"),
    (["--head", "Lê\u2067An"], "ký tự đảo chiều chữ U+2067"),
    (["--head", "Lê An", "--phone", "-1"], "Số điện thoại “-1” không hợp lệ: cần 8 đến 15 chữ số"),
    (["--head", "Lê An", "--phone", "9" * 5_000], "Số điện thoại “9999999999999999999999999999999999999999…”"),
    (["--head", "Lê An", "--category-on", "01/01/1900"], "Ngày xếp loại hộ 01/01/1900 trước 01/01/1990"),
    (["--head", "Lê An", "--category-on", "21/11/2026"], "Ngày xếp loại hộ 21/11/2026 ở tương lai"),
    (["--head", "Lê An", "--notes", "x" * 2_001], "Ghi chú “xxxx"),
    (["--head", "Lê An", "--notes", "a\x00b"], "Ghi chú “a[U+0000]b” có ký tự điều khiển U+0000"),
])
def test_household_add_refuses_absurd_values_and_writes_nothing(books, cli, args, message):
    before = books_digest(books.data_dir.database)
    with clock.frozen(TODAY):
        result = cli(*ADD, *args)
    assert result.code == 2, result.stdout
    assert message in result.stderr
    assert books_digest(books.data_dir.database) == before


def test_formula_like_names_and_ordinary_phones_are_accepted(books, cli):
    with clock.frozen(TODAY):
        for code, head, phone in (("H011", '=HYPERLINK("http://x","bấm")', "0912 345 678"),
                                  ("H012", "+1+1", "+84 912.345.678"), ("H013", "-2+3", "024-3825-1234")):
            result = cli("household", "add", "--code", code, f"--head={head}", "--hamlet", "Thôn Đông",
                         "--category", "poor", f"--phone={phone}", "--category-on", "01/01/1990")
            assert result.code == 0, result.stderr
    rows = books.conn.execute("SELECT head_name, phone FROM household ORDER BY code").fetchall()
    assert [tuple(r) for r in rows] == [('=HYPERLINK("http://x","bấm")', "0912 345 678"),
                                        ("+1+1", "+84 912.345.678"), ("-2+3", "024-3825-1234")]


def test_the_form_cannot_store_a_fractional_member_count(books):
    """The form's services are called with what the widgets hold; 4.5 is refused rather than stored as 4."""
    with clock.frozen(TODAY), pytest.raises(Refused, match="Số nhân khẩu 4,5 không phải số nguyên"):
        add_household(books, HouseholdInput("H020", "Lê An", "Thôn Đông", Category.POOR, members=4.5))
    add_household(books, HouseholdInput("H020", "Lê An", "Thôn Đông", Category.POOR, members=4.0))
    assert books.conn.execute("SELECT members FROM household WHERE code = 'H020'").fetchone()[0] == 4


@pytest.mark.parametrize(("changes", "message"), [
    (HouseholdChanges(head_name="B" * 121), "dài 121 ký tự, quá mức 120"),
    (HouseholdChanges(phone="12345"), "Số điện thoại “12345” không hợp lệ"),
    (HouseholdChanges(members=2.5), "không phải số nguyên"),
    (HouseholdChanges(notes="x\u200by"), r"có ký tự ẩn U\+200B"),
])
def test_editing_a_household_is_held_to_the_same_rules(books, changes, message):
    with clock.frozen(TODAY):
        add_household(books, HouseholdInput("H030", "Lê An", "Thôn Đông", Category.POOR))
    before = books_digest(books.data_dir.database)
    with pytest.raises(Refused, match=message):
        edit_household(books, "H030", changes)
    assert books_digest(books.data_dir.database) == before


def test_the_form_may_send_back_a_value_kept_from_before_the_rules(books):
    """The form returns every field; an old phone the rules would refuse does not block changing another."""
    with clock.frozen(TODAY):
        add_household(books, HouseholdInput("H040", "Lê An", "Thôn Đông", Category.POOR))
    with books.transaction() as conn:
        conn.execute("UPDATE household SET phone = '0912 / 0987' WHERE code = 'H040'")
    edited = edit_household(books, "H040", HouseholdChanges(head_name="Lê An", phone="0912 / 0987", members=3))
    assert "members" in edited.changed and "phone" not in edited.changed
    with pytest.raises(Refused, match="Số điện thoại “0912 / 0987 1” không hợp lệ"):
        edit_household(books, "H040", HouseholdChanges(phone="0912 / 0987 1"))


def test_a_new_hamlet_is_held_to_the_same_rules(books):
    with pytest.raises(Refused, match="Tên thôn “TTTT.*dài 10.000 ký tự"):
        add_hamlet(books, "T" * 10_000)
    with pytest.raises(Refused, match=r"ký tự đảo chiều chữ U\+202E"):
        add_hamlet(books, "Thôn \u202eĐông")
    assert add_hamlet(books, "Tổ dân phố số 12, khu phố Tân Lập").name == "Tổ dân phố số 12, khu phố Tân Lập"


def test_the_rules_themselves():
    assert check_text("  Nguyễn\tVăn\nAn ", "Họ tên", max_length=120) == "Nguyễn Văn An"  # white space folded
    assert check_text("x" * 120, "Họ tên", max_length=120) == "x" * 120
    for phone in ("0912345678", "0912 345 678", "+84912345678", "0243.825.1234", "12345678", "1" * 15):
        assert check_phone(phone) == phone
    for phone in ("-1", "1234567", "1" * 16, "0912345678, 0987654321", "09123456789x", "=1+1", "+ 0912345678"):
        with pytest.raises(Refused):
            check_phone(phone)
    started = time.monotonic()
    with pytest.raises(Refused):
        check_phone("1 " * 5_000 + "x")  # no pathological backtracking on a long non-phone
    assert time.monotonic() - started < 1
    assert [check_members(v) for v in (None, "", 1, 4.0, "7", 99)] == [None, None, 1, 4, 7, 99]
    for value in (0, 100, 4.5, "4,5", "bốn", float("nan"), True):
        with pytest.raises(Refused):
            check_members(value)
