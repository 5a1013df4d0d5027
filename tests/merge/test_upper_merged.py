"""The upper level and merged communes: the new commune's package names the old communes it absorbed; once it
is imported the old communes' last packages are no longer counted, a person is not reported twice because of the
merge, and a late package of an old commune is refused. On both engines of the upper store."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from desktop import signing
from desktop.books import Books
from desktop.paths import DataDir
from desktop.services.demo import DEMO_SETUP
from desktop.services.settings import init_books
from desktop.sync import format as fmt
from tests.sync_helpers import (
    AS_OF,
    build_zip,
    export,
    make_commune,
    make_upper,
    resign,
    run,
    store_state,
    zip_entries,
)

pytestmark = pytest.mark.usefixtures("upper_engine")

A, B, N, C = "10507", "10510", "10520", "10530"
PERIODS = [("2021-01-01", "2026-06-30"), ("2024-01-01", "2024-12-31"), ("2025-07-01", "2026-06-30")]
ATTRIBUTE_COUNTS = {"households_female_head", "households_ethnic_minority"}


def ok(result):
    assert result.code == 0, result.stderr
    return result.json


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Old communes A and B (a person of A also supported in B), their packages; the new commune N that merged
    their books, its package; a late package A exported after the merge; a stranger commune C's package."""
    mp = pytest.MonkeyPatch()
    mp.setenv("VONXOAY_TODAY", AS_OF.isoformat())
    root = tmp_path_factory.mktemp("upper-merged")
    out = root / "out"
    a = make_commune(root, A, seed=11, households=30)
    b = make_commune(root, B, seed=12, households=30)
    conn = sqlite3.connect(a.database)
    person = conn.execute("SELECT h.id_number, h.head_name FROM household h JOIN membership m ON m.household_id = h.id "
                          "WHERE h.id_number IS NOT NULL ORDER BY h.id LIMIT 1").fetchone()
    conn.close()
    hamlet = sqlite3.connect(b.database).execute("SELECT name FROM hamlet ORDER BY id LIMIT 1").fetchone()[0]
    ok(run(b, "household", "add", "--code", "H9001", "--head", person[1], "--hamlet", hamlet, "--category",
           "poor", "--category-on", "2024-01-01", "--id-number", person[0], "--json"))
    ok(run(b, "project", "add", "--code", "DA90", "--name", "Nuôi gà", "--programme", "GNBV", "--component",
           "Dự án 2", "--approved-on", "2024-02-01", "--budget-central", "50000000", "--json"))
    ok(run(b, "approval", "add", "--project", "DA90", "--decision", "12/QĐ-UBND", "--on", "2024-02-20",
           "--households", "H9001", "--json"))
    ok(run(b, "support", "add", "--project", "DA90", "--household", "H9001", "--on", "2024-03-01", "--json"))
    packages = {A: export(a, out), B: export(b, out)}

    n = DataDir(root / "xa-moi")
    books, _ = init_books(n, replace(DEMO_SETUP, commune_code=N, commune_name="Xã Cẩm Giàng"))
    books.close()
    dry = ok(run(n, "books", "merge", str(a.root), str(b.root), "--dry-run", "--json"))
    same = [arg for d in dry["duplicates"] for arg in ("--same-person", d["id_number"])]
    ok(run(n, "books", "merge", str(a.root), str(b.root), *same, "--json"))
    packages[N] = export(n, out)
    packages["late"] = export(a, out)  # the old office kept its computer and exported once more
    packages[C] = export(make_commune(root, C, seed=13, households=20), out)
    yield {"root": root, "a": a, "b": b, "n": n, "packages": packages, "id_number": person[0]}
    mp.undo()


def manifest_of(path: Path) -> dict:
    return json.loads(zip_entries(path)[fmt.MANIFEST])


def totals(upper: DataDir, start: str, end: str) -> dict:
    report = ok(run(upper, "--json", "upper", "report", "--from", start, "--to", end))
    return report


def figures(row: dict) -> dict:
    return {k: v for k, v in row.items() if isinstance(v, int) and not k.startswith("outcome_")
            and k not in ATTRIBUTE_COUNTS and k not in {"communes", "households_distinct", "seq"}}


def imported(upper: DataDir, *paths: Path) -> list[dict]:
    return ok(run(upper, "--json", "upper", "import", *map(str, paths)))["results"]


# --------------------------------------------------------------------------- the manifest


def test_the_new_communes_package_lists_the_old_communes_and_an_ordinary_one_does_not(world):
    manifest = manifest_of(world["packages"][N])
    listed = {m["code"]: m for m in manifest["merged_communes"]}
    assert set(listed) == {A, B}
    for code, data_dir in ((A, world["a"]), (B, world["b"])):
        with Books.open(data_dir) as books:
            fingerprint = signing.key_fingerprint(books.conn)
        assert listed[code]["key_fingerprint"] == fingerprint
        assert listed[code]["last_seq"] == 1  # the books were merged after their first package
        assert listed[code]["merged_at"][:10] == AS_OF.isoformat()
    assert listed[B]["name"] == f"Xã Thử {B}"
    assert "merged_communes" not in manifest_of(world["packages"][A])


# --------------------------------------------------------------------------- the upper level maps them


def test_the_old_communes_are_counted_once_then_only_in_the_new_commune(world, tmp_path):
    upper = make_upper(tmp_path)
    packages = world["packages"]
    imported(upper, packages[A], packages[B])
    before = {period: totals(upper, *period) for period in PERIODS}

    [result] = imported(upper, packages[N])
    assert result["status"] == "imported"
    assert any(f"Xã Cẩm Giàng ({N}) đã gộp sổ của Xã Đức Chính ({A})" in n for n in result["notices"])

    for period in PERIODS:
        old, new = before[period], totals(upper, *period)
        assert [c["commune_code"] for c in old["communes"]] == [A, B]
        assert [c["commune_code"] for c in new["communes"]] == [N]
        # No đồng twice: the new commune alone holds what the two old ones held.
        assert figures(new["totals"]) == figures(old["totals"]), period
        assert figures(new["communes"][0]) == {k: old["communes"][0][k] + old["communes"][1][k]
                                               for k in figures(new["communes"][0])}, period
        assert [(m["commune_code"], m["into_code"]) for m in new["merged_communes"]] == [(A, N), (B, N)]
        assert "đã sáp nhập vào Xã Cẩm Giàng (10520) từ 30/06/2026" in new["merged_communes"][0]["note"]

    text = run(upper, "upper", "report", "--from", "2021-01-01", "--to", "2026-06-30").stdout
    assert f"{A} Xã Đức Chính: đã sáp nhập vào Xã Cẩm Giàng ({N})" in text
    listed = {c["code"]: c for c in ok(run(upper, "--json", "upper", "communes"))["communes"]}
    assert listed[A]["merged_into"]["code"] == N and listed[B]["merged_into"]["code"] == N
    assert listed[N]["merged_into"] is None
    shown = run(upper, "upper", "communes").stdout
    assert f"đã sáp nhập vào Xã Cẩm Giàng ({N}) từ 30/06/2026" in shown

    drill = run(upper, "--json", "upper", "report", "--commune", A)
    assert drill.code == 2 and "đã sáp nhập vào Xã Cẩm Giàng" in drill.stderr and f"hãy xem xã {N}" in drill.stderr

    # The same package again changes nothing; the mapping is written once.
    [again] = imported(upper, packages[N])
    assert again["status"] == "unchanged"


def test_the_new_commune_first_then_the_old_ones_never_come_in(world, tmp_path):
    """The old communes never sent anything: they are recorded all the same, so their packages stay out."""
    upper = make_upper(tmp_path)
    packages = world["packages"]
    imported(upper, packages[N])
    state = store_state(upper)
    refused = run(upper, "--json", "upper", "import", str(packages[A]))
    assert refused.code == 2
    assert refused.json["results"][0]["status"] == "rejected"
    assert store_state(upper) == state


def test_a_person_is_not_reported_twice_because_of_the_merge(world, tmp_path):
    upper = make_upper(tmp_path)
    packages = world["packages"]
    imported(upper, packages[A], packages[B])
    person = world["id_number"]
    before = {d["id_number"]: d for d in ok(run(upper, "--json", "upper", "duplicates"))["duplicates"]}
    assert before[person]["communes"] == [A, B]

    imported(upper, packages[N])
    after = ok(run(upper, "--json", "upper", "duplicates"))["duplicates"]
    for duplicate in after:
        assert duplicate["communes"] == [N], duplicate
        assert "communes" not in duplicate["kinds"]
    # Supported in two projects of the new commune: still listed when they are of one programme, never as two
    # communes.
    assert all(d["id_number"] != person or d["kinds"] == ["projects"] for d in after)


def test_a_late_package_of_an_old_commune_is_refused_and_writes_nothing(world, tmp_path):
    upper = make_upper(tmp_path)
    packages = world["packages"]
    imported(upper, packages[A], packages[B], packages[N])
    state = store_state(upper)
    result = run(upper, "--json", "upper", "import", str(packages["late"]))
    assert result.code == 2
    reason = result.json["results"][0]["reason"]
    assert (f"Xã Đức Chính ({A}) đã sáp nhập vào Xã Cẩm Giàng ({N}) từ 30/06/2026; gói của xã cũ không "
            "nhập nữa") in reason
    assert reason in result.stderr
    assert store_state(upper) == state


# --------------------------------------------------------------------------- refused at the boundary


def _key_of(data_dir: DataDir):
    with Books.open(data_dir) as books:
        return signing.load_private_key(books.conn)


def _tampered(world, tmp_path: Path, change, *, commune: str = N, data_dir: DataDir | None = None) -> Path:
    source = world["packages"][commune]
    entries = resign(zip_entries(source), _key_of(data_dir or world["n"]), change=change)
    path = tmp_path / source.name
    path.write_bytes(build_zip(entries))
    return path


def _set(index: int, key: str, value):
    return lambda manifest: manifest["merged_communes"][index].__setitem__(key, value)


@pytest.mark.parametrize(("change", "words"), [
    (lambda m: m.__setitem__("merged_communes", "10507"), "merged_communes (phải là danh sách"),
    (lambda m: m.__setitem__("merged_communes", [{"code": "1"}] * 51), "quá 50 xã"),
    (_set(0, "code", N), "là chính xã gửi gói"),
    (_set(1, "code", A), f"xã {A} được ghi hai lần"),
    (_set(0, "code", "../.."), "mã xã cũ phải gồm 5 chữ số"),
    (_set(0, "name", "  "), "tên xã cũ trống"),
    (_set(0, "key_fingerprint", "abc"), "vân tay khóa phải có dạng"),
    (_set(0, "last_seq", -1), "số gói cuối của xã cũ phải là số nguyên từ 0 đến 1.000.000"),
    (_set(0, "last_seq", 2**60), "số gói cuối của xã cũ"),
    (_set(0, "last_seq", 2**53), "số gói cuối của xã cũ phải là số nguyên từ 0 đến 1.000.000"),
    (_set(0, "merged_at", "2026-02-30T10:00:00+00:00"), "thời điểm gộp sổ không đọc được"),
    (_set(0, "merged_at", "9999-01-01T00:00:00+00:00"), "thời điểm gộp sổ"),
])
def test_absurd_merged_communes_are_refused_in_vietnamese(world, tmp_path, change, words):
    upper = make_upper(tmp_path)
    path = _tampered(world, tmp_path, change)
    state = store_state(upper)
    result = run(upper, "--json", "upper", "import", str(path))
    assert result.code == 2
    assert "bản kê thiếu hoặc sai các mục: merged_communes" in result.stderr
    assert words in result.stderr
    assert store_state(upper) == state


def test_an_old_commune_known_with_another_key_is_refused(world, tmp_path):
    upper = make_upper(tmp_path)
    imported(upper, world["packages"][A])
    path = _tampered(world, tmp_path, _set(0, "key_fingerprint", "0000-1111-2222-3333"))
    assert manifest_of(path)["merged_communes"][0]["code"] == A
    state = store_state(upper)
    result = run(upper, "--json", "upper", "import", str(path))
    assert result.code == 2
    assert f"ghi đã gộp sổ của Xã Đức Chính ({A}) có khóa vân tay 0000-1111-2222-3333" in result.stderr
    assert "hãy gọi điện cho xã để kiểm tra" in result.stderr
    assert store_state(upper) == state


def test_an_old_commune_already_merged_into_another_is_refused(world, tmp_path):
    upper = make_upper(tmp_path)
    imported(upper, world["packages"][A], world["packages"][N])
    listed = manifest_of(world["packages"][N])["merged_communes"][0]
    stranger = world["root"] / f"xa-{C}-13"
    path = _tampered(world, tmp_path, lambda m: m.__setitem__("merged_communes", [listed]), commune=C,
                     data_dir=DataDir(stranger))
    state = store_state(upper)
    result = run(upper, "--json", "upper", "import", str(path))
    assert result.code == 2
    assert f"nhưng xã đó đã sáp nhập vào Xã Cẩm Giàng ({N})" in result.stderr
    assert store_state(upper) == state


def test_a_package_of_the_old_commune_seen_later_than_the_merged_books_is_noted(world, tmp_path):
    upper = make_upper(tmp_path)
    imported(upper, world["packages"]["late"])  # A's second package, made after its books were copied
    [result] = imported(upper, world["packages"][N])
    assert result["status"] == "imported"
    assert any(f"đã nhận gói số 2 của Xã Đức Chính ({A}), nhưng sổ được gộp chỉ đến gói số 1" in n
               for n in result["notices"])


def test_an_old_communes_receipt_is_checked_in_the_new_communes_books(world, tmp_path):
    """The QR of a receipt printed by an old commune is answered from the new commune's rows once the merge is
    known here: a void made in the new books after the merge shows, and a forged amount is still caught."""
    import shutil

    from desktop.receipt_view import QR_FORMAT, receipt_hash

    n = DataDir(tmp_path / "xa-moi")
    shutil.copytree(world["n"].root, n.root)
    old = sqlite3.connect(world["a"].database)
    kept, voided = old.execute("SELECT uuid, book, year, number, issued_on, amount FROM receipt "
                               "WHERE voided_on IS NULL ORDER BY id LIMIT 2").fetchall()
    old.close()
    ok(run(n, "receipt", "void", "--book", f"{A}-{voided[1]}", "--number", str(voided[3]), "--year",
           str(voided[2]), "--reason", "Ghi trùng sau khi gộp sổ", "--on", AS_OF.isoformat(), "--json"))
    upper = make_upper(tmp_path / "tren")
    packages = world["packages"]
    imported(upper, packages[A], packages[B], export(n, tmp_path / "out"))

    def check(row, amount=None):
        uuid_, book, year, number, issued_on, real = row
        digest = receipt_hash(A, book, year, number, issued_on, real, uuid_)
        text = f"{QR_FORMAT}|{A}|{book}|{year}|{number}|{issued_on}|{amount or real}|{digest}"
        return ok(run(upper, "--json", "receipt", "verify", text))

    assert check(kept)["status"] == "valid"
    assert check(voided)["status"] == "voided"  # A's own last package still has it valid: the new books decide
    assert check(kept, amount=kept[5] + 1_000_000)["status"] == "altered"
