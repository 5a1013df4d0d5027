"""``sync export``: a signed, self-describing snapshot whose sequence only grows, consistent under writes."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile

import pytest

from desktop import clock, signing
from desktop.books import Books
from desktop.sync import format as fmt
from desktop.sync.export import export_package
from desktop.sync.verify import verify_package
from tests.sync_helpers import AS_OF, export, make_commune, make_upper, run, zip_entries


@pytest.fixture(scope="module")
def commune(tmp_path_factory):
    return make_commune(tmp_path_factory.mktemp("export"), seed=3, households=30)


def test_package_is_named_signed_and_describes_itself(commune, tmp_path):
    path = export(commune, tmp_path)
    assert re.fullmatch(r"30-290-10507_\d{6}_20260630\.vxp", path.name)
    entries = zip_entries(path)
    manifest = json.loads(entries[fmt.MANIFEST])
    assert manifest["format"] == "vonxoay-sync" and manifest["format_version"] == fmt.FORMAT_VERSION
    assert manifest["commune"] == {"code": "10507", "name": "Xã Đức Chính"}
    assert manifest["upper"]["code"] == "290" and manifest["province"]["code"] == "30"
    assert manifest["as_of"] == AS_OF.isoformat()
    with Books.open(commune) as books:
        assert manifest["key_fingerprint"] == signing.key_fingerprint(books.conn)
        counts = {t: books.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in fmt.PARTS}
    # The signature is over the manifest's exact bytes, by the key made at init.
    signing.public_key_from_hex(manifest["public_key"]).verify(entries[fmt.SIGNATURE], entries[fmt.MANIFEST])
    assert {p["table"]: p["rows"] for p in manifest["parts"]} == counts
    assert counts["household"] == 30 and counts["receipt"] > 0
    with zipfile.ZipFile(path) as archive:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist() if i.filename != fmt.SIGNATURE)
    # Voided receipts travel too, and the signing key never does.
    assert b"private" not in b"".join(entries.values()).lower()


def test_sequence_only_grows_and_history_is_kept(commune, tmp_path):
    first = run(commune, "--json", "sync", "export", "--unencrypted", "--out", str(tmp_path)).json
    second = run(commune, "--json", "sync", "export", "--unencrypted", "--out", str(tmp_path)).json
    assert second["seq"] == first["seq"] + 1
    assert f"_{second['seq']:06d}_{clock.today():%Y%m%d}.vxp" in second["path"]
    history = run(commune, "--json", "sync", "history").json["exports"]
    assert [h["seq"] for h in history][-2:] == [first["seq"], second["seq"]]
    assert history[-1]["sha256"] == second["sha256"]


def test_export_is_a_consistent_snapshot_while_another_connection_writes(commune, tmp_path):
    """Between reading receipts and reading allocations, another connection commits a new receipt with its
    allocation. The package holds neither (the snapshot began earlier), so every reference still holds."""
    with Books.open(commune) as books:
        receipt = books.conn.execute("SELECT * FROM receipt ORDER BY id LIMIT 1").fetchone()
        installment = books.conn.execute("SELECT installment_id FROM allocation WHERE receipt_id = ?",
                                         (receipt["id"],)).fetchone()[0]
        other = sqlite3.connect(commune.database, isolation_level=None)

        def write_during_export(done, total, table):
            if table == "receipt":
                other.execute("BEGIN IMMEDIATE")
                rid = other.execute(
                    """INSERT INTO receipt (uuid, book, year, number, issued_on, project_id, household_id, amount,
                       method, in_kind, payer, reason, created_at, created_by)
                       VALUES ('snapshot-test', 'ZZ', 2026, 1, '2026-06-01', ?, ?, 1000, 'cash', '', 'A', 'r',
                               'x', 'y')""",
                    (receipt["project_id"], receipt["household_id"])).lastrowid
                other.execute("INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES (?,?,?,1000)",
                              ("snapshot-alloc", rid, installment))
                other.execute("COMMIT")

        result = export_package(books, tmp_path, as_of=AS_OF, encrypt=False, progress=write_during_export)
        other.close()
        live = books.conn.execute("SELECT count(*) FROM allocation").fetchone()[0]
    assert result.rows["allocation"] == live - 1
    with verify_package(result.path, staging_dir=tmp_path / "staging") as package:
        assert package.rows["allocation"] == live - 1
        staged = sqlite3.connect(package.staging)
        assert staged.execute("SELECT count(*) FROM allocation WHERE uuid = 'snapshot-alloc'").fetchone()[0] == 0
        assert staged.execute("PRAGMA foreign_key_check").fetchall() == []
        staged.close()


def test_export_reads_while_another_write_is_in_progress(commune, tmp_path):
    """A write transaction is open in another connection for the whole reading: the export reads on, and
    what that transaction wrote (then rolled back) never reaches the package."""
    other = sqlite3.connect(commune.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE settings SET value = 'chưa lưu' WHERE key = 'signer_cashier'")
    seen = []

    def finish_the_other_write(done, total, table):
        seen.append(table)
        if done == total:
            other.execute("ROLLBACK")

    with Books.open(commune) as books:
        result = export_package(books, tmp_path, as_of=AS_OF, encrypt=False, progress=finish_the_other_write)
    other.close()
    assert seen == list(fmt.PARTS)
    settings = zip_entries(result.path)[fmt.part_path("settings")].decode()
    assert "chưa lưu" not in settings and "signer_cashier" in settings


def test_upper_level_cannot_export_and_commune_cannot_import(tmp_path, commune):
    upper = make_upper(tmp_path)
    refused = run(upper, "sync", "export")
    assert refused.code == 2 and "chỉ dùng ở xã" in refused.stderr
    package = export(commune, tmp_path / "out")
    refused = run(commune, "upper", "import", str(package))
    assert refused.code == 2 and "--mode upper" in refused.stderr
