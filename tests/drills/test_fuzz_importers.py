"""Bounded fuzzing of the two importers that read files from outside: the Excel household list
(``desktop/importing``) and the upper level's sync-package import (``desktop/sync``).

Inputs: any bytes; real, valid files damaged in every way a USB stick, an e-mail or a clerk can damage them
(flipped bytes, cut short, an entry of the zip rewritten, random cell values and types under random header
rows; package entries duplicated, renamed, dropped or added, rows of random JSON signed again with the
commune's own key so that only the row checks stand between them and the store).

What must hold: each attempt gives a ``Refused`` with a Vietnamese message or a correct result, never
another exception; the target database is byte-for-byte unchanged after every refusal and every dry run; a
result that was written is exactly what the file held (Excel: the planned households are in the books, the
books check clean and importing the same file again changes nothing; package: the upper store holds
exactly the package's rows for that commune).
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import warnings
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from drill_commune import file_digest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop import signing
from desktop.books import Books
from desktop.errors import Refused
from desktop.importing.households_xlsx import apply_import, plan_import
from desktop.importing.sheet import FIELD_ALIASES
from desktop.paths import DataDir
from desktop.services.checks import check_books
from desktop.sync import format as fmt
from desktop.sync.consolidate import commune_database
from desktop.sync.upper import ImportStatus, import_packages
from tests.sync_helpers import build_zip, export, make_commune, make_upper

# Doubled entries are one of the damages tried: zipfile warns while building them.
pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
TODAY = date(2026, 6, 30)
TRIED: Counter[str] = Counter()
QUICK = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module", autouse=True)
def importer_fuzz_figures(drill_figures, module_failures):
    yield
    drill_figures.append(
        f"importer fuzz: {TRIED['xlsx']} Excel files ({TRIED['xlsx refused']} refused, {TRIED['xlsx planned']} "
        f"planned and imported, {TRIED['xlsx rows']} rows written), {TRIED['vxp']} sync packages "
        f"({TRIED['vxp refused']} refused, {TRIED['vxp imported']} imported), databases changed by a refusal "
        f"or a dry run: {TRIED['changed']}, problems found: {module_failures()}")


def refused_in_vietnamese(refusal: Refused) -> None:
    assert refusal.message and refusal.message == str(refusal)
    assert not refusal.message.isascii(), "the clerk reads Vietnamese"


def settled_database(make) -> bytes:
    """The bytes of a database as the program leaves it after opening and closing it: the base every trial
    starts from, so that "unchanged" means unchanged by the import and nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = make(Path(folder))
        Books.open(data_dir).close()
        return data_dir.database.read_bytes()


def assert_untouched(data_dir: DataDir, before: str, what: str) -> None:
    wal = data_dir.database.with_name(data_dir.database.name + "-wal")
    changed = file_digest(data_dir.database) != before or (wal.exists() and wal.stat().st_size > 0)
    TRIED["changed"] += changed
    assert not changed, f"the database was changed by {what}"


# =========================================================================== Excel household list

HEADER = ["STT", "Mã hộ", "Họ và tên chủ hộ", "Số CCCD", "Thôn/Ấp", "Phân loại hộ", "Dân tộc", "Giới tính",
          "Số nhân khẩu", "Số điện thoại", "Ngày xếp loại"]
ROWS = [
    [1, "H101", "Nguyễn Văn An", "030185001234", "Thôn Đông", "Hộ nghèo", "Kinh", "Nam", 4, "0912345678",
     datetime(2025, 1, 1)],
    [2, "H102", "Trần Thị Bình", 30185001235, "Thôn Đông", "Cận nghèo", "Tày", "Nữ", 3, 912345679, "01/02/2025"],
    [3, "", "Lê Văn Cường", "", "Thôn Mới", "hộ mới thoát nghèo", "", "", "", "", None],
    [4, "H104", "Phạm Thị Dung", "", "Thôn Tây", "Không nghèo", "Kinh", "Nữ", 2, "", None],
]


def workbook_bytes(rows: list[list], above: int = 0) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    for _ in range(above):
        sheet.append(["DANH SÁCH HỘ NĂM 2026"] if _ == 0 else [])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def small_commune(folder: Path) -> DataDir:
    return make_commune(folder, households=12, projects=1)


GOOD_XLSX = workbook_bytes([HEADER, *ROWS], above=2)
COMMUNE_BYTES = settled_database(small_commune)


def import_workbook(content: bytes) -> None:
    """Plan (the dry run) and, if the file is readable, import it into a copy of a small commune."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = DataDir(Path(folder) / "xa")
        data_dir.root.mkdir()
        data_dir.database.write_bytes(COMMUNE_BYTES)
        before = file_digest(data_dir.database)
        path = Path(folder) / "danh sách hộ.xlsx"
        path.write_bytes(content)
        TRIED["xlsx"] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about odd styles, data validation, …
            with Books.open(data_dir) as books:
                try:
                    plan = plan_import(books, path, today=TODAY)
                except Refused as refusal:
                    refused_in_vietnamese(refusal)
                    TRIED["xlsx refused"] += 1
                    books.close()
                    return assert_untouched(data_dir, before, "a refused Excel file")
                households = books.conn.execute("SELECT count(*) FROM household").fetchone()[0]
            assert_untouched(data_dir, before, "an Excel dry run")
            TRIED["xlsx planned"] += 1
            assert all(p.reason.startswith(f"Dòng {p.row}:") and not p.reason.isascii() for p in plan.rejected)
            with Books.open(data_dir) as books:
                try:
                    result = apply_import(books, plan, today=TODAY)
                except Refused as refusal:
                    # Only a row the books refuse at write time may stop it, and then nothing is written.
                    refused_in_vietnamese(refusal)
                    books.close()
                    return assert_untouched(data_dir, before, "a refused import")
                assert (result.inserted, result.updated) == (plan.count("insert"), plan.count("update"))
                after = books.conn.execute("SELECT count(*) FROM household").fetchone()[0]
                assert after == households + result.inserted
                assert check_books(books) == []
                TRIED["xlsx rows"] += result.inserted + result.updated
                again = plan_import(books, path, today=TODAY)
                assert again.count("insert") == again.count("update") == 0, "importing twice changed something"


def test_the_base_workbook_imports_every_row():
    """The mutations start from a file that imports cleanly, so what they find is their doing."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = DataDir(Path(folder))
        data_dir.database.write_bytes(COMMUNE_BYTES)
        path = Path(folder) / "ds.xlsx"
        path.write_bytes(GOOD_XLSX)
        with Books.open(data_dir) as books:
            plan = plan_import(books, path, today=TODAY)
            assert (plan.count("insert"), plan.rejected) == (len(ROWS), ())
    import_workbook(GOOD_XLSX)


flips = st.lists(st.tuples(st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1),
                           st.integers(min_value=1, max_value=255)), min_size=1, max_size=8)


def flipped(content: bytes, changes) -> bytes:
    data = bytearray(content)
    for offset, mask in changes:
        data[offset % len(data)] ^= mask
    return bytes(data)


def rewritten_entry(content: bytes, entry_index: int, changes, cut: int | None) -> bytes:
    """A valid zip whose one entry (a sheet's XML, the shared strings, the styles, …) is damaged inside:
    the zip's own checks pass, so only the reader of that entry can notice."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    name, data = entries[entry_index % len(entries)]
    data = flipped(data, changes) if data else data
    entries[entry_index % len(entries)] = (name, data[:cut] if cut is not None else data)
    return build_zip(entries)


# What a cell can hold once Excel, LibreOffice or a clerk had it: every type openpyxl writes.
cells = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
    st.sampled_from(["x", "X", "có", "Hộ nghèo", "cận nghèo", "Nữ", "Kinh", "Thôn Đông", "030185001234",
                     "=1+1", "=A1", "#N/A", "  ", "01/02/2025", "31/02/2025", "0"]),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
)
# Header titles: the names the reader knows (in their usual spelling and shouted), and anything else.
titles = st.one_of(st.sampled_from(HEADER), st.sampled_from([a for aliases in FIELD_ALIASES.values() for a in aliases]),
                   st.sampled_from(HEADER).map(str.upper), st.text(max_size=12), st.none())
# Illegal XML characters are refused by openpyxl when writing, so they cannot come from a real file.
ILLEGAL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


def writable(value):
    if isinstance(value, str):
        return "".join(ch for ch in value if ch not in ILLEGAL and not 0xD800 <= ord(ch) <= 0xDFFF)
    return value


@QUICK
@given(st.binary(max_size=2048), st.booleans())
def test_excel_import_of_any_bytes(content, zip_like):
    import_workbook((b"PK\x03\x04" if zip_like else b"") + content)


@QUICK
@given(flips)
def test_excel_import_of_a_workbook_with_flipped_bytes(changes):
    import_workbook(flipped(GOOD_XLSX, changes))


@QUICK
@given(st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1))
def test_excel_import_of_a_workbook_cut_short(length):
    import_workbook(GOOD_XLSX[:length])


@QUICK
@given(st.integers(min_value=0, max_value=50), flips, st.one_of(st.none(), st.integers(min_value=0, max_value=4000)))
def test_excel_import_of_a_workbook_with_one_entry_damaged_inside(entry, changes, cut):
    import_workbook(rewritten_entry(GOOD_XLSX, entry, changes, cut))


@QUICK
@given(st.integers(min_value=0, max_value=35), st.lists(titles, min_size=1, max_size=14),
       st.lists(st.lists(cells, max_size=14), max_size=8))
def test_excel_import_of_random_headers_cells_and_types(above, header, rows):
    import_workbook(workbook_bytes([[writable(v) for v in row] for row in [header, *rows]], above=above))


@QUICK
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(ROWS) - 1),
                          st.integers(min_value=0, max_value=len(HEADER) - 1), cells), min_size=1, max_size=10))
def test_excel_import_of_the_good_list_with_random_cells(changes):
    rows = [list(row) for row in ROWS]
    for row, column, value in changes:
        rows[row][column] = writable(value)
    import_workbook(workbook_bytes([HEADER, *rows], above=1))


@pytest.mark.slow
@LONG
@given(st.one_of(
    flips.map(lambda c: flipped(GOOD_XLSX, c)),
    st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1).map(lambda n: GOOD_XLSX[:n]),
    st.tuples(st.integers(0, 50), flips, st.one_of(st.none(), st.integers(0, 4000))).map(
        lambda t: rewritten_entry(GOOD_XLSX, *t)),
    st.tuples(st.integers(0, 35), st.lists(titles, min_size=1, max_size=14),
              st.lists(st.lists(cells, max_size=14), max_size=8)).map(
        lambda t: workbook_bytes([[writable(v) for v in row] for row in [t[1], *t[2]]], above=t[0])),
))
def test_excel_import_long_fuzz(content):
    import_workbook(content)


# =========================================================================== sync packages at the upper level


def commune_and_package(folder: Path) -> tuple[bytes, object]:
    commune = make_commune(folder, households=12, projects=1)
    package = export(commune, folder / "out")
    with Books.open(commune) as books:
        key = signing.load_private_key(books.conn)
    return package.read_bytes(), key


_setup = tempfile.TemporaryDirectory()
GOOD_VXP, KEY = commune_and_package(Path(_setup.name))
PACKAGE_NAME = "30-290-10507_000001_20260630.vxp"
UPPER_BYTES = settled_database(make_upper)
_setup.cleanup()


def entries_of(content: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


GOOD_ENTRIES = entries_of(GOOD_VXP)


def lines_of(part: bytes) -> list[str]:
    """A part's JSON lines. Not ``splitlines()``: that also splits at U+2028 and other characters JSON strings
    may hold as they are."""
    return part.decode().split("\n")[:-1]


def package_rows(content: bytes) -> dict[str, list[tuple]]:
    entries = dict(entries_of(content))
    return {table: sorted((tuple(json.loads(line)) for line in lines_of(entries[fmt.part_path(table)])[1:]),
                          key=repr) for table in fmt.PARTS}


def import_package(content: bytes) -> None:
    """A dry run, then the import, of one package into a fresh upper-level store."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = DataDir(Path(folder) / "cap-tren")
        data_dir.root.mkdir()
        data_dir.database.write_bytes(UPPER_BYTES)
        before = file_digest(data_dir.database)
        path = Path(folder) / PACKAGE_NAME
        path.write_bytes(content)
        TRIED["vxp"] += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Books.open(data_dir) as books:
                [dry] = import_packages(books, [path], dry_run=True)
            assert_untouched(data_dir, before, "a dry run of a package")
            with Books.open(data_dir) as books:
                [result] = import_packages(books, [path])
                if result.status is ImportStatus.REJECTED:
                    # The batch turns any exception into a refusal; here none may escape the checks.
                    assert not result.unexpected, result.unexpected
                    assert dry.status is ImportStatus.REJECTED and dry.reason == result.reason
                    assert result.reason and not result.reason.isascii()
                    TRIED["vxp refused"] += 1
                    books.close()
                    return assert_untouched(data_dir, before, "a refused package")
                assert result.status is ImportStatus.IMPORTED and dry.status is ImportStatus.IMPORTED
                TRIED["vxp imported"] += 1
                [(commune_id,)] = books.conn.execute("SELECT id FROM upper_commune").fetchall()
                snapshot = commune_database(books, commune_id)
                try:
                    held = {table: sorted((tuple(r) for r in snapshot.execute(
                        f"SELECT {', '.join(columns)} FROM {table}")), key=repr)
                        for table, columns in fmt.PART_COLUMNS.items()}
                finally:
                    snapshot.close()
                sent = package_rows(content)
                differ = {t: (set(held[t]) ^ set(sent[t])) for t in held if held[t] != sent[t]}
                assert not differ, f"the store does not hold exactly the package's rows: {differ}"
                assert result.rows == sum(len(rows) for rows in held.values())


def signed_again(entries: list[tuple[str, bytes]], manifest_change=None) -> bytes:
    """The package with its parts' sizes, row counts and hashes put right and the manifest signed again with
    the commune's own key: a hostile or buggy exporter, not a damaged file."""
    entries = dict(entries)
    manifest = json.loads(entries[fmt.MANIFEST])
    for part in manifest["parts"]:
        data = entries.get(part["path"], b"")
        part.update(rows=max(0, data.count(b"\n") - 1), bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    if manifest_change:
        manifest_change(manifest)
    entries[fmt.MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    entries[fmt.SIGNATURE] = KEY.sign(entries[fmt.MANIFEST])
    return build_zip(entries)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
              st.sampled_from(["", "0", "10507", "2026-06-30", "DA01", "H0001", "poor", "01"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6)
tables = st.sampled_from(sorted(fmt.PARTS))


@st.composite
def rows_changed(draw) -> bytes:
    """A package whose rows were changed (a cell, a whole line, a row dropped, doubled or added), signed."""
    entries = dict(GOOD_ENTRIES)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        table = draw(tables)
        path = fmt.part_path(table)
        lines = lines_of(entries[path])
        body = len(lines) - 1
        what = draw(st.sampled_from(["cell", "line", "drop", "double", "add"] if body else ["line", "add"]))
        at = draw(st.integers(min_value=1, max_value=max(1, body)))
        row = json.loads(lines[at]) if body else None
        if what == "cell" and isinstance(row, list) and row:
            row[draw(st.integers(min_value=0, max_value=len(row) - 1))] = draw(json_values)
            lines[at] = json.dumps(row, ensure_ascii=False)
        elif what in ("cell", "line"):
            lines[at if body else 0] = json.dumps(draw(json_values), ensure_ascii=False)
        elif what == "drop":
            del lines[at]
        elif what == "double":
            lines.insert(at, lines[at])
        else:
            lines.append(json.dumps(draw(st.lists(json_values, max_size=20)), ensure_ascii=False))
        entries[path] = ("\n".join(lines) + "\n").encode()
    return signed_again(list(entries.items()))


manifest_keys = st.sampled_from(["format", "format_version", "schema_version", "commune", "upper", "province", "seq",
                                 "created_at", "program_version", "as_of", "public_key", "parts"])


@st.composite
def manifest_changed(draw) -> bytes:
    changes = draw(st.lists(st.tuples(manifest_keys, json_values, st.booleans()), min_size=1, max_size=3))

    def change(manifest):
        for key, value, remove in changes:
            if remove:
                manifest.pop(key, None)
            else:
                manifest[key] = value
    return signed_again(GOOD_ENTRIES, change)


ENTRY_NAMES = st.sampled_from([name for name, _ in GOOD_ENTRIES] + [
    "../manifest.json", "/etc/passwd", "data\\household.jsonl", "data/", "data/./x.jsonl", "data/extra.jsonl",
    "MANIFEST.JSON", "manifest.json ", "c:/x"]) | st.text(min_size=1, max_size=12)


@st.composite
def entries_shuffled(draw) -> bytes:
    """Entries doubled, renamed, dropped, added or reordered; the signature itself left as it was."""
    entries = list(GOOD_ENTRIES)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        what = draw(st.sampled_from(["double", "rename", "drop", "add", "swap"]))
        at = draw(st.integers(min_value=0, max_value=len(entries) - 1)) if entries else 0
        if what == "double" and entries:
            entries.insert(at, entries[at])
        elif what == "rename" and entries:
            entries[at] = (draw(ENTRY_NAMES), entries[at][1])
        elif what == "drop" and entries:
            del entries[at]
        elif what == "add":
            entries.append((draw(ENTRY_NAMES), draw(st.binary(max_size=64))))
        elif entries:
            other = draw(st.integers(min_value=0, max_value=len(entries) - 1))
            entries[at], entries[other] = entries[other], entries[at]
    return build_zip(entries)


def test_the_base_package_imports_exactly():
    import_package(GOOD_VXP)
    assert TRIED["vxp imported"] >= 1


@QUICK
@given(st.binary(max_size=2048), st.booleans())
def test_package_import_of_any_bytes(content, zip_like):
    import_package((b"PK\x03\x04" if zip_like else b"") + content)


@QUICK
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=len(GOOD_VXP) - 1),
                          st.integers(min_value=1, max_value=255)), min_size=1, max_size=8))
def test_package_import_with_flipped_bytes(changes):
    import_package(flipped(GOOD_VXP, changes))


@QUICK
@given(st.integers(min_value=0, max_value=len(GOOD_VXP) - 1))
def test_package_import_cut_short(length):
    import_package(GOOD_VXP[:length])


@QUICK
@given(entries_shuffled())
def test_package_import_with_entries_doubled_renamed_dropped_or_added(content):
    import_package(content)


@QUICK
@given(rows_changed())
def test_package_import_with_random_json_rows_signed_again(content):
    import_package(content)


@QUICK
@given(manifest_changed())
def test_package_import_with_random_manifest_values_signed_again(content):
    import_package(content)


@pytest.mark.slow
@LONG
@given(st.one_of(
    st.lists(st.tuples(st.integers(0, len(GOOD_VXP) - 1), st.integers(1, 255)), min_size=1, max_size=8).map(
        lambda c: flipped(GOOD_VXP, c)),
    st.integers(min_value=0, max_value=len(GOOD_VXP) - 1).map(lambda n: GOOD_VXP[:n]),
    entries_shuffled(), rows_changed(), manifest_changed(),
))
def test_package_import_long_fuzz(content):
    import_package(content)

