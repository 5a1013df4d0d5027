"""The upper level: thirty communes imported, re-imported and an older package; key registry; dry run;
replacement by a newer snapshot; the import log; the cross-commune duplicate check."""

from __future__ import annotations

import hashlib
import json

import pytest

from desktop.books import Books
from desktop.sync import format as fmt
from desktop.upper_store import upper_store
from tests.sync_helpers import export, make_commune, make_upper, run, store_state

# Every test here runs on both engines of the upper store (PostgreSQL when a test server is given).
pytestmark = pytest.mark.usefixtures("upper_engine")


@pytest.fixture(scope="module")
def thirty(tmp_path_factory):
    """Thirty small demo communes, each with two packages (the first older than the second)."""
    root = tmp_path_factory.mktemp("thirty")
    communes, first, second = [], [], []
    for index in range(30):
        commune = make_commune(root, f"{10600 + index:05d}", seed=100 + index, households=25)
        first.append(export(commune, root / "out"))
        second.append(export(commune, root / "out"))
        communes.append(commune)
    return root, communes, first, second


def test_thirty_communes_import_reimport_and_older(thirty, tmp_path):
    root, communes, first, second = thirty
    upper = make_upper(tmp_path)
    imported = run(upper, "--json", "upper", "import", *map(str, second))
    assert imported.code == 0, imported.stderr
    assert [r["status"] for r in imported.json["results"]] == ["imported"] * 30
    after_import = store_state(upper)

    again = run(upper, "--json", "upper", "import", *map(str, second))
    assert [r["status"] for r in again.json["results"]] == ["unchanged"] * 30
    older = run(upper, "--json", "upper", "import", str(first[4]))
    assert older.json["results"][0]["status"] == "older"
    assert "số 2" in older.json["results"][0]["reason"]
    assert store_state(upper) == after_import

    # Every commune's rows are in the store, table by table, exactly as many as in its own books.
    with Books.open(upper) as books:
        for commune in communes[:5]:
            with Books.open(commune) as own:
                code = own.setting("commune_code")
                for table in fmt.PARTS:
                    expected = own.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    got = upper_store(books).execute(
                        f"SELECT count(*) FROM upper_{table} t JOIN upper_commune c ON c.id = t.commune_id "
                        "WHERE c.code = ?", (code,)).fetchone()[0]
                    assert got == expected, (code, table)
    listed = run(upper, "--json", "upper", "communes").json["communes"]
    assert len(listed) == 30 and {c["last_seq"] for c in listed} == {2}
    assert all(c["households"] == 25 for c in listed)

    # The consolidated totals are the sum of each commune's own `report period` totals, field by field.
    period = ("--from", "2025-07-01", "--to", "2026-06-30")
    own = {}
    for commune in communes:
        result = run(commune, "--json", "report", "period", *period)
        assert result.code == 0, result.stderr
        own[result.json["commune_code"]] = result.json["totals"]
    consolidated = run(upper, "--json", "upper", "report", *period)
    assert consolidated.code == 0, consolidated.stderr
    report = consolidated.json
    numbers = [key for key, value in report["totals"].items() if key not in ("communes", "households_distinct")]
    assert "recovered_in_period" in numbers and "fund_balance" in numbers
    for key in numbers:
        assert report["totals"][key] == sum(totals[key] for totals in own.values()), key
    assert report["totals"]["recovered_in_period"] > 0 and report["totals"]["communes"] == 30
    for row in report["communes"]:
        assert {key: row[key] for key in numbers} == {key: own[row["commune_code"]][key] for key in numbers}
    # Drilling down to one commune shows its projects, as the commune's own report does.
    code = report["communes"][3]["commune_code"]
    drill = run(upper, "--json", "upper", "report", *period, "--commune", code).json
    assert len(drill["communes"]) == 1 and drill["commune"]["commune_code"] == code
    assert [p["code"] for p in drill["commune"]["projects"]] == ["DA01", "DA02"]


def test_first_import_registers_the_key_the_commune_shows(tmp_path):
    commune = make_commune(tmp_path, seed=5)
    shown = run(commune, "--json", "settings")
    assert shown.code == 0
    with Books.open(commune) as books:
        from desktop import signing

        fingerprint = signing.key_fingerprint(books.conn)
    upper = make_upper(tmp_path)
    result = run(upper, "--json", "upper", "import", str(export(commune, tmp_path / "out"))).json["results"][0]
    assert result["status"] == "imported" and result["new_key"] is True
    assert result["fingerprint"] == fingerprint and fingerprint in result["reason"]
    assert run(upper, "--json", "upper", "communes").json["communes"][0]["fingerprint"] == fingerprint


def test_a_new_key_needs_explicit_acceptance(tmp_path):
    """A commune that re-installed (new database, new key, sequence from 1 again) is refused until the
    operator accepts its new key by fingerprint; then its fresh package replaces the old data."""
    old = make_commune(tmp_path / "old", seed=11, households=20)
    upper = make_upper(tmp_path)
    for _ in range(3):
        package = export(old, tmp_path / "out-old")
    assert run(upper, "upper", "import", str(package)).code == 0
    fresh = make_commune(tmp_path / "new", seed=12, households=22)
    new_package = export(fresh, tmp_path / "out-new")
    before = store_state(upper)
    refused = run(upper, "upper", "import", str(new_package))
    assert refused.code == 2 and "khóa khác" in refused.stderr and "upper key accept" in refused.stderr
    assert store_state(upper) == before
    with Books.open(fresh) as books:
        from desktop import signing

        fingerprint = signing.key_fingerprint(books.conn)
    accepted = run(upper, "--json", "upper", "key", "accept", "--commune", "10507", "--fingerprint", fingerprint)
    assert accepted.code == 0, accepted.stderr
    assert accepted.json == {"commune_code": "10507", "fingerprint": fingerprint}
    imported = run(upper, "--json", "upper", "import", str(new_package))
    assert imported.json["results"][0]["status"] == "imported"
    listed = run(upper, "--json", "upper", "communes").json["communes"]
    assert listed[0]["households"] == 22 and listed[0]["keys"] == 2 and listed[0]["last_seq"] == 1


def test_dry_run_says_what_would_happen_and_writes_nothing(tmp_path):
    commune = make_commune(tmp_path, seed=21)
    upper = make_upper(tmp_path)
    package = export(commune, tmp_path / "out")
    before = store_state(upper)
    result = run(upper, "--json", "upper", "import", "--dry-run", str(package))
    assert result.code == 0 and result.json["dry_run"] is True
    assert result.json["results"][0]["status"] == "imported"
    assert store_state(upper) == before
    assert not (upper.logs / "upper-import.log").exists()


def test_newer_package_replaces_the_commune_data_and_every_attempt_is_logged(tmp_path):
    commune = make_commune(tmp_path, seed=31, households=20)
    upper = make_upper(tmp_path)
    first = export(commune, tmp_path / "out")
    assert run(upper, "upper", "import", str(first)).code == 0
    with Books.open(commune) as books:
        hamlet = books.conn.execute("SELECT name FROM hamlet LIMIT 1").fetchone()[0]
    added = run(commune, "household", "add", "--code", "HMOI", "--head", "Lò Thị Mới", "--hamlet", hamlet,
                "--category", "poor")
    assert added.code == 0, added.stderr
    second = export(commune, tmp_path / "out")
    result = run(upper, "--json", "upper", "import", str(second), str(first))
    assert [r["status"] for r in result.json["results"]] == ["imported", "older"]
    with Books.open(upper) as books:
        heads = [r[0] for r in upper_store(books).execute("SELECT head_name FROM upper_household")]
        log = [dict(r) for r in upper_store(books).execute("SELECT actor, file_name, seq, status FROM upper_import")]
    assert len(heads) == 21 and "Lò Thị Mới" in heads
    assert log == [{"actor": "kiểm thử", "file_name": first.name, "seq": 1, "status": "imported"},
                   {"actor": "kiểm thử", "file_name": second.name, "seq": 2, "status": "imported"}]
    shown = run(upper, "--json", "upper", "log").json
    assert [(r["seq"], r["file_sha256"]) for r in shown["imports"]] == [
        (1, hashlib.sha256(first.read_bytes()).hexdigest()), (2, hashlib.sha256(second.read_bytes()).hexdigest())]
    assert shown["log_file"].endswith("upper-import.log")
    lines = [json.loads(line) for line in (upper.logs / "upper-import.log").read_text().splitlines()]
    assert [(entry["status"], entry["seq"]) for entry in lines] == [("imported", 1), ("imported", 2), ("older", 1)]
    assert all(entry["actor"] == "kiểm thử" and len(entry["file_sha256"]) == 64 for entry in lines)


def test_package_of_a_commune_under_another_upper_level_is_refused(tmp_path):
    commune = make_commune(tmp_path, seed=41)
    with Books.open(commune) as books, books.transaction() as conn:
        conn.execute("UPDATE settings SET value = '291' WHERE key = 'upper_code'")
    package = export(commune, tmp_path / "out")
    upper = make_upper(tmp_path)
    refused = run(upper, "upper", "import", str(package))
    assert refused.code == 2 and "không thuộc đơn vị này (290)" in refused.stderr


def test_duplicates_across_communes_and_projects_of_one_programme(tmp_path):
    """The same ID number supported in two communes, and in two projects of one programme in a third:
    both found; people supported once are not."""
    upper = make_upper(tmp_path)
    communes = [make_commune(tmp_path, code, seed=seed, households=20)
                for code, seed in (("10701", 51), ("10702", 52), ("10703", 53))]

    def supported(commune, code, id_number, projects):
        with Books.open(commune) as books:
            hamlet = books.conn.execute("SELECT name FROM hamlet LIMIT 1").fetchone()[0]
        assert run(commune, "household", "add", "--code", code, "--head", "Nguyễn Văn Trùng", "--hamlet", hamlet,
                   "--category", "poor", "--id-number", id_number).code == 0
        for project in projects:
            # The demo commune requires the chairman's decision before a support.
            assert run(commune, "approval", "add", "--project", project, "--decision", f"{code}-{project}/QĐ-UBND",
                       "--on", "2026-03-01", "--households", code).code == 0
            result = run(commune, "support", "add", "--project", project, "--household", code,
                         "--on", "2026-03-01")
            assert result.code == 0, result.stderr

    supported(communes[0], "T1", "030080001111", ["DA01"])
    supported(communes[1], "T2", "030080001111", ["DA02"])
    supported(communes[2], "T3", "030080002222", ["DA01", "DA02"])
    supported(communes[2], "T4", "030080003333", ["DA01"])
    packages = [export(c, tmp_path / "out") for c in communes]
    assert run(upper, "upper", "import", *map(str, packages)).code == 0
    found = {d["id_number"]: d for d in run(upper, "--json", "upper", "duplicates").json["duplicates"]}
    assert found["030080001111"]["kinds"] == ["communes"]
    assert found["030080001111"]["communes"] == ["10701", "10702"]
    assert found["030080002222"]["kinds"] == ["projects"]
    assert found["030080002222"]["programmes"] == ["GNBV"]
    assert "030080003333" not in found
    text = run(upper, "upper", "duplicates").stdout
    assert "030080001111: được hỗ trợ ở 2 xã" in text


def test_consolidated_report_as_xlsx_and_pdf(thirty, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    root, communes, first, second = thirty
    upper = make_upper(tmp_path)
    assert run(upper, "upper", "import", *map(str, second[:6])).code == 0
    period = ("--from", "2025-07-01", "--to", "2026-06-30")
    totals = run(upper, "--json", "upper", "report", *period).json["totals"]
    xlsx = run(upper, "--json", "upper", "report", *period, "--format", "xlsx", "--out", str(tmp_path / "th.xlsx"))
    assert xlsx.code == 0, xlsx.stderr
    sheet = load_workbook(xlsx.json["path"])["Tổng hợp"]
    rows = list(sheet.iter_rows(values_only=True))
    header, last = rows[3], rows[-1]
    assert last[2] == "Tổng cộng" and len(rows) == 4 + 6 + 1
    assert last[header.index("Thu hồi trong kỳ")] == totals["recovered_in_period"]
    assert last[header.index("Số dư quỹ")] == totals["fund_balance"]
    detail = list(load_workbook(xlsx.json["path"])["Theo dự án"].iter_rows(values_only=True))
    assert len(detail) == 1 + 6 * 2
    pdf = run(upper, "--json", "upper", "report", *period, "--format", "pdf", "--out", str(tmp_path / "th.pdf"))
    assert pdf.code == 0, pdf.stderr
    text = "".join(page.extract_text() for page in PdfReader(pdf.json["path"]).pages)
    assert "BÁO CÁO TỔNG HỢP" in text and "Tổng cộng" in text and "Xã Thử 10600" in text
    from desktop.money import format_vnd

    assert format_vnd(totals["recovered_in_period"]) in text


def test_upper_report_refuses_an_unknown_commune_and_a_commune_database(thirty, tmp_path):
    root, communes, first, second = thirty
    upper = make_upper(tmp_path)
    refused = run(upper, "upper", "report", "--commune", "99999")
    assert refused.code == 2 and "99999" in refused.stderr
    refused = run(communes[0], "upper", "report")
    assert refused.code == 2 and "--mode upper" in refused.stderr


def test_acknowledgement_round_trip(tmp_path):
    """The upper level acknowledges the latest package; the commune shows it against that package, and
    refuses an acknowledgement that was altered or that names a package it never made."""
    commune = make_commune(tmp_path, seed=61)
    upper = make_upper(tmp_path)
    package = export(commune, tmp_path / "out")
    assert run(upper, "upper", "import", str(package)).code == 0
    made = run(upper, "--json", "upper", "ack", "--commune", "10507", "--out", str(tmp_path / "acks"))
    assert made.code == 0, made.stderr
    ack = made.json["path"]
    accepted = run(commune, "--json", "sync", "ack", ack)
    assert accepted.code == 0, accepted.stderr
    assert accepted.json["seq"] == 1 and accepted.json["acked_by"] == "Huyện Cẩm Giàng (290)"
    history = run(commune, "--json", "sync", "history").json["exports"]
    assert history[0]["acked_at"] == accepted.json["acked_at"]

    document = json.loads(open(ack, encoding="utf-8").read())
    document["ack"]["seq"] = 7
    forged = tmp_path / "forged.vxa"
    forged.write_text(json.dumps(document), encoding="utf-8")
    before = store_state(commune)
    refused = run(commune, "sync", "ack", str(forged))
    assert refused.code == 2 and "chữ ký không đúng" in refused.stderr
    other = make_commune(tmp_path / "other", seed=62)
    refused = run(other, "sync", "ack", ack)
    assert refused.code == 2 and "không khớp gói số 1" in refused.stderr
    assert store_state(commune) == before


def test_progress_is_reported_and_cancel_stops_between_packages(thirty, tmp_path):
    from desktop.sync.upper import import_packages

    root, communes, first, second = thirty
    upper = make_upper(tmp_path)
    seen = []
    with Books.open(upper) as books:
        results = import_packages(books, second[:5], progress=lambda done, total, name: seen.append((done, total)),
                                  cancelled=lambda: len(seen) >= 2)
        count = upper_store(books).execute("SELECT count(*) FROM upper_commune").fetchone()[0]
    assert seen == [(1, 5), (2, 5)]
    assert [r.status.value for r in results] == ["imported", "imported"] and count == 2
