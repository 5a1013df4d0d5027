"""A package as of a day holds nothing dated after it; it carries the lock in force; the upper level shows
each commune's lock and reports a reopening; a package of format 1 (older program) still imports."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from desktop import clock, signing
from desktop.books import Books
from desktop.domain import Category
from desktop.services import payments, support
from desktop.services.households import HouseholdInput, add_household
from desktop.services.payments import PaymentInput
from desktop.services.period_lock import lock_period, unlock_period
from desktop.services.projects import ProjectInput, add_project
from desktop.sync import format as fmt
from desktop.sync.manifest_checks import parts_of
from desktop.sync.verify import verify_package
from desktop.upper_store import upper_store
from tests.sync_helpers import build_zip, make_upper, run, zip_entries

# Every test here runs on both engines of the upper store (PostgreSQL when a test server is given).
pytestmark = pytest.mark.usefixtures("upper_engine")

EXPORT = ("--json", "sync", "export", "--unencrypted")  # these tests are about what the package holds
TODAY = date(2026, 8, 1)
AS_OF = date(2026, 6, 30)


@pytest.fixture
def commune(books):
    """Receipts on 01/05/2026 (voided from 20/07/2026) and 15/07/2026; a support of 10/07/2026; a support
    voided from 05/07/2026."""
    with clock.frozen(TODAY):
        for code, name in (("H001", "Đặng Thị Hoa"), ("H002", "Lê Văn Bình"), ("H003", "Trần Thị Cúc")):
            add_household(books, HouseholdInput(code, name, "Thôn Đông", Category.POOR,
                                                category_on=date(2024, 1, 1)))
        add_project(books, ProjectInput("DA01", "Nuôi bò cái sinh sản", programme="GNBV", component="Dự án 2"))
        support.record_support(books, support.SupportInput("DA01", "H001", date(2025, 3, 1)))
        support.record_support(books, support.SupportInput("DA01", "H003", date(2025, 4, 1)))
        support.record_support(books, support.SupportInput("DA01", "H002", date(2026, 7, 10)))
        for on in (date(2026, 5, 1), date(2026, 7, 15)):
            payments.record_payment(books, PaymentInput("DA01", "H001", 100_000, on))
        payments.void_receipt(books, "01", 1, "Ghi nhầm số tiền", year=2026, on=date(2026, 7, 20))
        with books.transaction() as conn:  # a support voided after the day (its own service belongs elsewhere)
            conn.execute("""UPDATE membership SET voided_on = '2026-07-05', voided_at = '2026-07-05T03:00:00+00:00',
                            voided_by = 'kiểm thử', void_reason = 'Ghi nhầm hộ'
                            WHERE household_id = (SELECT id FROM household WHERE code = 'H003')""")
        lock_period(books, date(2026, 6, 30))
    return books


def part(path: Path, table: str) -> list[dict]:
    lines = zip_entries(path)[fmt.part_path(table)].decode().splitlines()
    header = json.loads(lines[0])
    return [dict(zip(header, json.loads(line), strict=True)) for line in lines[1:]]


def test_a_package_as_of_a_day_holds_nothing_dated_after_it(commune, data_dir, tmp_path):
    with clock.frozen(TODAY):
        result = run(data_dir, *EXPORT, "--as-of", "30/06/2026", "--out", str(tmp_path))
    assert result.code == 0, result.stderr
    path = Path(result.json["path"])
    receipts = part(path, "receipt")
    assert [r["issued_on"] for r in receipts] == ["2026-05-01"]  # the 15/07 receipt is not there
    assert all(receipts[0][c] is None for c in ("voided_on", "voided_at", "voided_by", "void_reason"))
    assert {a["receipt_id"] for a in part(path, "allocation")} == {receipts[0]["id"]}
    supports = part(path, "membership")
    assert sorted(m["supported_on"] for m in supports) == ["2025-03-01", "2025-04-01"]
    assert all(m["voided_on"] is None and m["void_reason"] is None for m in supports)
    kept = {m["id"] for m in supports}
    assert {i["membership_id"] for i in part(path, "installment")} == kept
    for table, column in (("period_lock", "at"), ("audit_log", "at"), ("receipt_print", "printed_at")):
        assert all(r[column][:10] <= "2026-06-30" for r in part(path, table)), table
    assert part(path, "period_lock") == []  # locked on 01/08: not yet on 30/06
    manifest = json.loads(zip_entries(path)[fmt.MANIFEST])
    assert manifest["as_of"] == "2026-06-30" and manifest["locked_to"] is None
    # What the package says is a state the books could hold.
    with verify_package(path, staging_dir=tmp_path / "staging") as package:
        assert package.rows["receipt"] == 1


def test_a_package_as_of_today_holds_everything_and_the_lock(commune, data_dir, tmp_path):
    with clock.frozen(TODAY):
        result = run(data_dir, *EXPORT, "--out", str(tmp_path))
    path = Path(result.json["path"])
    receipts = part(path, "receipt")
    assert [(r["issued_on"], r["voided_on"]) for r in receipts] == [("2026-05-01", "2026-07-20"), ("2026-07-15", None)]
    assert len(part(path, "membership")) == 3
    assert json.loads(zip_entries(path)[fmt.MANIFEST])["locked_to"] == "2026-06-30"
    counts = {table: commune.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in fmt.PARTS}
    # (The fixture's own setting up is stamped on the real day, which may be after the day the test is on.)
    counts["audit_log"] = commune.conn.execute("SELECT count(*) FROM audit_log WHERE substr(at, 1, 10) <= ?",
                                               (TODAY.isoformat(),)).fetchone()[0]
    assert result.json["rows"] == counts


def test_the_upper_level_sees_the_lock_and_each_reopening(commune, data_dir, tmp_path):
    upper = make_upper(tmp_path)
    with clock.frozen(TODAY):
        first = Path(run(data_dir, *EXPORT, "--out", str(tmp_path / "1")).json["path"])
        imported = run(upper, "--json", "upper", "import", str(first)).json["results"][0]
        assert imported["status"] == "imported" and imported["locked_to"] == "2026-06-30"
        assert imported["reopened"] == []
        assert run(upper, "--json", "upper", "communes").json["communes"][0]["locked_to"] == "2026-06-30"
        unlock_period(commune, "Sửa phiếu thu ghi nhầm ngày")
        second = Path(run(data_dir, *EXPORT, "--out", str(tmp_path / "2")).json["path"])
        dry = run(upper, "upper", "import", "--dry-run", str(second))
        assert "Xã đã mở khóa sổ lúc 2026-08-01" in dry.stdout and "Sửa phiếu thu ghi nhầm ngày" in dry.stdout
        result = run(upper, "--json", "upper", "import", str(second))
        reopened = result.json["results"][0]["reopened"]
        assert [r["reason"] for r in reopened] == ["Sửa phiếu thu ghi nhầm ngày"]
        assert reopened[0]["at"].startswith("2026-08-01")
        communes = run(upper, "--json", "upper", "communes").json["communes"]
        assert communes[0]["locked_to"] is None
        # The same package again: the store already holds the reopening.
        again = run(upper, "--json", "upper", "import", str(second)).json["results"][0]
        assert again["status"] == "unchanged" and again["reopened"] == []


def as_format_1(path: Path, commune) -> Path:
    """The package as an older program wrote it: no void dates, no voided supports, no lock history."""
    entries = zip_entries(path)
    manifest = json.loads(entries[fmt.MANIFEST])
    old = parts_of(1)
    out, parts = {}, []
    for table, columns in old.items():
        lines = entries[fmt.part_path(table)].decode().splitlines()
        width = len(columns)
        body = "".join(json.dumps(json.loads(line)[:width], ensure_ascii=False, separators=(",", ":")) + "\n"
                       for line in lines).encode()
        assert json.loads(lines[0])[:width] == [c for c, _ in columns]
        out[fmt.part_path(table)] = body
        parts.append({"table": table, "path": fmt.part_path(table), "rows": len(lines) - 1, "bytes": len(body),
                      "sha256": hashlib.sha256(body).hexdigest()})
    manifest.update(format_version=1, schema_version=5, parts=parts)
    del manifest["locked_to"]
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    key = signing.load_private_key(commune.conn)
    target = path.with_name(path.name.replace(".vxp", "-v1.vxp"))
    target.write_bytes(build_zip({fmt.MANIFEST: manifest_bytes, fmt.SIGNATURE: key.sign(manifest_bytes), **out}))
    return target


def test_a_format_1_package_still_imports(commune, data_dir, tmp_path):
    upper = make_upper(tmp_path)
    with clock.frozen(TODAY):
        path = Path(run(data_dir, *EXPORT, "--out", str(tmp_path)).json["path"])
    older = as_format_1(path, commune)
    result = run(upper, "--json", "upper", "import", str(older))
    assert result.code == 0, result.stderr
    assert result.json["results"][0]["status"] == "imported"
    with Books.open(upper) as store:
        voids = upper_store(store).execute("SELECT issued_on, voided_on, voided_at FROM upper_receipt "
                                   "WHERE voided_at IS NOT NULL").fetchall()
        # An older program's void takes effect on the day it was recorded (here 01/08/2026), never before
        # the receipt; the void date format 2 carried (20/07/2026) is not in a format 1 package.
        assert [(v["issued_on"], v["voided_on"]) for v in voids] == [("2026-05-01", voids[0]["voided_at"][:10])]
        assert voids[0]["voided_on"] == "2026-08-01"
        assert upper_store(store).execute("SELECT count(*) FROM upper_membership WHERE voided_on IS NOT NULL"
                                  ).fetchone()[0] == 0
        assert upper_store(store).execute("SELECT count(*) FROM upper_period_lock").fetchone()[0] == 0
        assert run(upper, "--json", "upper", "communes").json["communes"][0]["locked_to"] is None
