"""Verifying a package completely before anything is written: the container, the manifest and signature,
every part's hash, and every row — types first, then the commune schema's own CHECKs, UNIQUEs and references.

Trust comes before memory: the zip's directory, the manifest (bounded), the signature over it and whether its
key is one the caller accepts are all settled before a single row is read, so a stranger's 100 MB package
costs nothing. Then each part is streamed a chunk of lines at a time, never held whole.

The rows are loaded into a throw-away SQLite file built by the same migration ladder as a commune's own
database, so the upper level accepts exactly what a commune's books could hold. That file lives in the data
folder's staging area (``desktop.staging``), never in the system's temp folder, and is also what the import
copies from, in one ``INSERT … SELECT`` per table.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from db.connection import upgrade
from db.migrations.v004_sync_upper import MIRRORED as FORMAT_1_PARTS
from desktop import signing
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.staging import WorkFolder
from desktop.sync import envelope, soundness
from desktop.sync import format as fmt
from desktop.sync.manifest_checks import check_parts_listed, check_signature, parse_manifest, parts_of


def _as_format_2(table: str, rows: list[list]) -> list[list]:
    """Format 1 rows with the columns format 2 added: a receipt voided then is voided from the day it was
    voided (never before the receipt itself, as the schema's own upgrade does); no support was voidable."""
    if table == "receipt":
        issued, voided_at = (fmt.PART_COLUMNS["receipt"].index(c) for c in ("issued_on", "voided_at"))
        return [[*row, None if row[voided_at] is None else max(row[issued] or "", row[voided_at][:10])]
                for row in rows]
    added = len(fmt.PART_COLUMNS[table]) - len(FORMAT_1_PARTS[table])
    return [[*row, *([None] * added)] for row in rows] if added else rows
_ALLOWED_TYPES = {"INTEGER": (int, type(None)), "TEXT": (str, type(None))}
_PARENT_LABELS = {
    "household": "hộ", "hamlet": "thôn", "project": "dự án", "membership": "lượt hỗ trợ",
    "installment": "kỳ trả", "receipt": "phiếu thu", "programme": "chương trình",
}


@dataclass
class VerifiedPackage:
    """A package that passed every check. ``staging`` holds its rows; ``close()`` removes it."""

    path: Path
    file_sha256: str
    manifest: dict
    rows: dict[str, int]
    staging: Path
    _work: WorkFolder = field(repr=False)
    # Rules earlier versions of the commune's program let through, as its own ``check`` words them.
    notices: tuple[str, ...] = ()
    # The package's reopenings of locked periods, (uuid, at, reason) oldest first.
    unlocks: tuple[tuple[str, str, str], ...] = ()

    @property
    def commune_code(self) -> str:
        return self.manifest["commune"]["code"]

    @property
    def seq(self) -> int:
        return self.manifest["seq"]

    @property
    def public_hex(self) -> str:
        return self.manifest["public_key"]

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(bytes.fromhex(self.public_hex))

    def close(self) -> None:
        self._work.close()

    def __enter__(self) -> VerifiedPackage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def verify_package(path: Path, limits: fmt.Limits = fmt.DEFAULT_LIMITS, *, staging_dir: Path,
                   trust: Callable[[dict], None] | None = None,
                   unsealer: envelope.Unsealer | None = None) -> VerifiedPackage:
    """Check everything about the file at ``path``; refuse with the first reason found.

    An encrypted package is opened with ``unsealer`` into a temporary plain copy in the data folder, checked,
    and the copy removed. ``trust(manifest)`` is asked once the manifest's signature is known good and before
    any part is read; it refuses (raises ``Refused``) a key the caller does not accept. ``staging_dir`` is
    where the rows are unpacked while they are checked: a folder of the data folder, removed by ``close()``."""
    path = Path(path)
    if envelope.is_sealed(path):
        with envelope.unsealed(path, unsealer, limits.max_file_bytes) as plain:
            package = verify_package(plain, limits, staging_dir=staging_dir, trust=trust)
        package.path = path
        return package
    name = path.name
    if not path.is_file():
        raise Refused(f"Không tìm thấy tệp gói {path}.")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise Refused(f"Tệp {name} quá lớn ({format_vnd(size)} byte) so với giới hạn của một gói đồng bộ.")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head != b"PK\x03\x04":
        raise Refused(f"Tệp {name} không phải gói đồng bộ VốnXoay (không phải tệp nén zip).")
    file_digest = _sha256_file(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise Refused(f"Tệp {name} bị hỏng hoặc bị cắt cụt (không đọc được mục lục zip: {exc}).") from exc
    with archive:
        infos = _check_entries(archive, name, limits)
        if fmt.MANIFEST not in infos:
            raise Refused(f"Tệp {name} không phải gói đồng bộ VốnXoay (là tệp zip nhưng không có {fmt.MANIFEST}).")
        budget = [limits.max_total_bytes]
        manifest_bytes = _read_entry(archive, infos, fmt.MANIFEST, name, limits, budget,
                                     cap=limits.max_manifest_bytes)
        signature = _read_entry(archive, infos, fmt.SIGNATURE, name, limits, budget, cap=64)
        manifest = parse_manifest(manifest_bytes, name)
        check_signature(manifest, manifest_bytes, signature, name)
        if trust is not None:
            trust(manifest)  # an unknown or retired key is refused here, before any row costs memory or time
        check_parts_listed(manifest, infos, name)
        work = WorkFolder(Path(staging_dir))
        try:
            staging = _Staging(work.path / "goi.sqlite", name)
            try:
                rows = {part["table"]: _load_part(archive, infos, part, name, limits, budget, staging,
                                                  manifest["format_version"])
                        for part in manifest["parts"]}
                staging.finish(manifest)
            finally:
                staging.close()
        except BaseException:
            work.close()
            raise
    return VerifiedPackage(path, file_digest, manifest, rows, staging.path, work, tuple(staging.notices),
                           tuple(staging.unlocks))


# -- the container -----------------------------------------------------------------------------------

def _check_entries(archive: zipfile.ZipFile, name: str, limits: fmt.Limits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise Refused(f"Gói {name} có {len(infos)} mục, nhiều hơn mức cho phép ({limits.max_entries}).")
    seen: dict[str, zipfile.ZipInfo] = {}
    declared = 0
    for info in infos:
        entry = info.filename
        parts = entry.split("/")
        if (entry.startswith("/") or "\\" in entry or ":" in entry or "\x00" in entry or ".." in parts
                or "" in parts or "." in parts):
            raise Refused(f"Gói {name} chứa đường dẫn không an toàn “{entry}” (tuyệt đối, có “..” hoặc “\\”).")
        if entry in seen:
            raise Refused(f"Gói {name} chứa hai mục cùng tên “{entry}”.")
        seen[entry] = info
        if info.flag_bits & 0x1:
            raise Refused(f"Gói {name}: mục “{entry}” bị mã hóa; gói VốnXoay không dùng mật khẩu.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(f"Gói {name}: mục “{entry}” dùng kiểu nén không được hỗ trợ.")
        if info.file_size > limits.max_entry_bytes:
            raise Refused(f"Gói {name}: mục “{entry}” khai báo {format_vnd(info.file_size)} byte khi giải nén, "
                          "vượt giới hạn (có thể là “bom zip”).")
        if info.compress_size and info.file_size > info.compress_size * limits.max_ratio:
            raise Refused(f"Gói {name}: mục “{entry}” có tỉ lệ nén bất thường (có thể là “bom zip”).")
        declared += info.file_size
    if declared > limits.max_total_bytes:
        raise Refused(f"Gói {name} khai báo tổng cộng {format_vnd(declared)} byte khi giải nén, vượt giới hạn "
                      "(có thể là “bom zip”).")
    return seen


class _BrokenEntry(Refused):
    """The zip itself failed while an entry was read (bomb, CRC, truncation): no row is to blame."""


def _entry_chunks(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], entry: str, name: str,
                  limits: fmt.Limits, budget: list[int], cap: int | None = None) -> Iterator[bytes]:
    """One entry, a bounded chunk at a time: never more than it declared, nor than the limits allow."""
    info = infos.get(entry)
    if info is None:
        raise _BrokenEntry(f"Gói {name} thiếu phần “{entry}”.")
    cap = min(cap or limits.max_entry_bytes, limits.max_entry_bytes, info.file_size)
    if info.file_size > cap:
        raise _BrokenEntry(f"Gói {name}: mục “{entry}” lớn hơn mức cho phép.")
    got = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(limits.chunk_bytes):
                got += len(chunk)
                budget[0] -= len(chunk)
                if got > cap or budget[0] < 0:
                    raise _BrokenEntry(f"Gói {name}: mục “{entry}” giải nén ra nhiều hơn khai báo (có thể là "
                                       "“bom zip”).")
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        why = "sai mã kiểm tra CRC" if "CRC" in str(exc) else "dữ liệu nén không giải được"
        raise _BrokenEntry(f"Gói {name}: mục “{entry}” bị hỏng hoặc bị cắt cụt ({why}).") from exc
    if got != info.file_size:
        raise _BrokenEntry(f"Gói {name}: mục “{entry}” có kích thước khác với khai báo.")


def _read_entry(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], entry: str, name: str,
                limits: fmt.Limits, budget: list[int], cap: int) -> bytes:
    """A small entry whole (the manifest, the signature): ``cap`` bounds it before it is read."""
    return b"".join(_entry_chunks(archive, infos, entry, name, limits, budget, cap))


def _load_part(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], part: dict, name: str,
               limits: fmt.Limits, budget: list[int], staging: _Staging, version: int) -> int:
    """Stream one part into staging, a chunk of whole lines at a time; returns its number of rows.

    Memory holds one chunk's rows, never the part. Rows go into the throw-away staging before the part's hash
    is known; a part that turns out not to match its hash is refused as changed, even when a row of it was
    refused first (the rest is read through to tell)."""
    table = part["table"]
    label = f"Gói {name}, phần “{table}”"
    reader = _PartReader(part, name, version)
    digest = hashlib.sha256()
    size = 0
    chunks = _entry_chunks(archive, infos, part["path"], name, limits, budget)
    pending = bytearray()
    try:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            cut = chunk.rfind(b"\n") + 1
            if not cut:
                pending += chunk
            else:
                # Whole lines straight from the chunk, a batch at a time; the line begun in the chunk before
                # goes with the first batch, the line the chunk ends in waits for the next.
                for start, end in _batches(chunk, cut):
                    lines = bytes(pending) + chunk[start:end] if pending else chunk[start:end]
                    pending.clear()
                    loaded = reader.rows
                    staging.load(table, reader.feed(lines), first=loaded)
                    del lines
                pending += memoryview(chunk)[cut:]
            del chunk
            if len(pending) > limits.max_line_bytes:
                raise Refused(f"{label}, dòng {reader.lines + 1}: dài hơn "
                              f"{format_vnd(limits.max_line_bytes)} byte, không phải một dòng dữ liệu.")
        if pending:
            raise Refused(f"{label}: dòng cuối không kết thúc bằng xuống dòng (phần bị cắt cụt).")
        reader.finish()
    except _BrokenEntry:
        raise
    except Refused:
        for chunk in chunks:  # the zip's own failure while reading on is reported as such
            digest.update(chunk)
            size += len(chunk)
        if size != part["bytes"] or digest.hexdigest() != part["sha256"]:
            raise _changed(name, table) from None
        raise
    if size != part["bytes"] or digest.hexdigest() != part["sha256"]:
        raise _changed(name, table)
    return reader.rows


# Parsed rows take about five times the bytes of their JSON: a quarter of a megabyte of lines at a time keeps
# a part's cost a few megabytes however large it is, at no cost in speed.
_BATCH_BYTES = 256 * 1024


def _batches(data: bytes, stop: int) -> Iterator[tuple[int, int]]:
    """Runs of whole lines in ``data[:stop]`` (which ends with a newline) of about ``_BATCH_BYTES`` each."""
    start = 0
    while start < stop:
        end = data.rfind(b"\n", start, min(start + _BATCH_BYTES, stop)) + 1
        if end <= start:  # one line longer than a batch
            end = data.index(b"\n", start) + 1
        yield start, end
        start = end


def _changed(name: str, table: str) -> Refused:
    return Refused(f"Gói {name}: phần “{table}” không khớp mã băm SHA-256 trong bản kê (tệp đã bị sửa hoặc hỏng).")


# -- rows --------------------------------------------------------------------------------------------

class _PartReader:
    """A part's lines in the order they come: the header first, then rows, a block of whole lines at a time."""

    def __init__(self, part: dict, name: str, version: int):
        self.part, self.name, self.version = part, name, version
        self.label = f"Gói {name}, phần “{part['table']}”"
        self.lines = 0  # lines read so far, the header included
        self.rows = 0

    def feed(self, block: bytes) -> list[list]:
        """``block`` is whole lines, each ending in a newline; returns their rows, checked and in format 2."""
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = self.lines + block.count(b"\n", 0, exc.start) + 1
            raise Refused(f"{self.label}, dòng {line}: không phải văn bản UTF-8.") from exc
        first = self.lines + 1
        if self.lines == 0:
            header, _, text = text.partition("\n")
            columns = [column for column, _ in parts_of(self.version)[self.part["table"]]]
            try:
                named = json.loads(header)
            except json.JSONDecodeError:
                named = None
            if named != columns:
                raise Refused(f"{self.label}: dòng tiêu đề không đúng danh sách cột của định dạng {self.version}.")
            self.lines, first = 1, 2
        rows = _parse_part(self.part, text, self.name, self.version, first) if text else []
        self.lines += len(rows)
        self.rows += len(rows)
        if self.rows > self.part["rows"]:
            raise Refused(f"{self.label}: có hơn {self.part['rows']} dòng nhưng bản kê ghi {self.part['rows']}.")
        return rows

    def finish(self) -> None:
        if self.lines == 0:
            raise Refused(f"{self.label}: trống, thiếu dòng tiêu đề.")
        if self.rows != self.part["rows"]:
            raise Refused(f"{self.label}: có {self.rows} dòng nhưng bản kê ghi {self.part['rows']}.")


def _parse_part(part: dict, text: str, name: str, version: int = fmt.FORMAT_VERSION, first: int = 2) -> list[list]:
    """Rows of a block of whole lines of a part (each ending in a newline; the header already read), checked
    one by one for shape and types. ``first`` is the block's first line number in the part, for messages."""
    table = part["table"]
    label = f"Gói {name}, phần “{table}”"
    lines = text.count("\n")
    # A JSON-lines block whose newlines become commas is one JSON array: one parse instead of one per line.
    # Raw newlines cannot occur inside JSON strings, so a line can only hide another by breaking the count.
    try:
        rows = json.loads("[" + text[:-1].replace("\n", ",") + "]")
    except (json.JSONDecodeError, RecursionError):
        rows = None
    if rows is None or len(rows) != lines:
        # Only on the way to a refusal: parse line by line to name the first bad one.
        for number, line in enumerate(text[:-1].split("\n"), start=first):
            try:
                json.loads(line)
            except json.JSONDecodeError as exc:
                raise Refused(f"{label}, dòng {number}: JSON hỏng ({exc.msg}).") from exc
            except RecursionError:
                raise Refused(f"{label}, dòng {number}: dữ liệu lồng nhau quá sâu, không phải một dòng "
                              "của bảng.") from None
        raise Refused(f"{label}, từ dòng {first}: JSON hỏng (số giá trị khác số dòng).")
    columns = parts_of(version)[table]
    width = len(columns)
    # The whole block at once; row by row only to name the first bad line.
    if set(map(type, rows)) - {list} or set(map(len, rows)) - {width}:
        for index, row in enumerate(rows):
            if type(row) is not list or len(row) != width:
                raise Refused(f"{label}, dòng {first + index}: phải là một mảng JSON {width} giá trị.")
    for position, (column, kind) in enumerate(columns):
        allowed = _ALLOWED_TYPES[kind]
        if not set(map(type, map(itemgetter(position), rows))) <= set(allowed):
            index = next(i for i, row in enumerate(rows) if type(row[position]) not in allowed)
            want = "số nguyên" if kind == "INTEGER" else "chuỗi"
            raise Refused(f"{label}, dòng {first + index}: cột {column} phải là {want}, không phải "
                          f"{json.dumps(rows[index][position], ensure_ascii=False)}.")
    if columns[0][0] == "id":
        # SQLite would number a row without an id itself: the store would hold an id the commune never had.
        missing = next((i for i, row in enumerate(rows) if row[0] is None), None) if None in map(
            itemgetter(0), rows) else None
        if missing is not None:
            raise Refused(f"{label}, dòng {first + missing}: thiếu mã số dòng (cột id).")
    if version == 1:
        rows = _as_format_2(table, rows)
    # Each value in its range (money, counts, real days, the project's policy) before SQLite sees it.
    soundness.check_values(table, fmt.PART_COLUMNS[table], rows, label, first)
    return rows


_IMAGE: list[tuple[bytes, list[str]]] = []


def _schema_image() -> tuple[bytes, list[str]]:
    """The commune schema as the ladder makes it, without its plain indexes, and those indexes' SQL.

    Plain indexes only speed up queries; the UNIQUE ones are the rules to check. The plain ones are built
    again once the rows are in (faster than keeping them up to date row by row), for the commune's own check
    that runs on the staging copy at the end. Made once per process, not once per package."""
    if not _IMAGE:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            upgrade(conn)
            indexes = conn.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                                   "AND sql NOT LIKE 'CREATE UNIQUE%'").fetchall()
            for index, _ in indexes:
                conn.execute(f"DROP INDEX {index}")
            _IMAGE.append((conn.serialize(), [sql for _, sql in indexes]))
        finally:
            conn.close()
    return _IMAGE[0]


class _Staging:
    """A fresh database with the commune schema: every CHECK, UNIQUE and reference of the commune's own
    books applies to the package's rows. Nothing of the upper store is touched. The file is thrown away
    once the import is done, so it is written with no journal and no syncing."""

    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name
        self.notices: list[str] = []
        self.unlocks: list[tuple[str, str, str]] = []
        # The commune schema is built by the ladder once per process and written out as the file's first
        # image: the same database the ladder makes, without climbing it again for every package.
        image, self._indexes = _schema_image()
        Path(path).write_bytes(image)
        self.conn = sqlite3.connect(path, isolation_level=None)
        conn = self.conn
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("PRAGMA cache_size = -65536")
        # References are checked all at once at the end, so the message can name the row.
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN")

    def load(self, table: str, rows: list[list], first: int = 0) -> None:
        """``first``: how many rows of ``table`` earlier blocks loaded (a part comes a block at a time)."""
        columns = fmt.PART_COLUMNS[table]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        try:
            self.conn.executemany(sql, rows)
        except (sqlite3.IntegrityError, OverflowError, UnicodeEncodeError) as exc:
            # executemany stops at the first bad row, after inserting the ones before it.
            index = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            raise Refused(f"Gói {self.name}, phần “{table}”, dòng {index + 2}: "
                          f"{_explain(exc, columns, rows[index - first] if index - first < len(rows) else None)}."
                          ) from exc

    def finish(self, manifest: dict) -> None:
        conn, name = self.conn, self.name
        conn.execute("COMMIT")
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken:
            table, rowid, parent = broken[0], broken[1], broken[2]
            # Parts are written in id order, so a row's rank is its line (after the header line).
            line = conn.execute(f"SELECT count(*) FROM {table} WHERE rowid <= ?", (rowid,)).fetchone()[0] + 1
            raise Refused(f"Gói {name}, phần “{table}”, dòng {line} (id {rowid}): tham chiếu tới "
                          f"{_PARENT_LABELS.get(parent, parent)} không có trong gói.")
        settings = dict(conn.execute("SELECT key, value FROM settings").fetchall())
        for unit in ("commune", "upper", "province"):
            if settings.get(f"{unit}_code") != manifest[unit]["code"]:
                raise Refused(f"Gói {name}: mã {unit} trong dữ liệu ({settings.get(f'{unit}_code')}) khác bản kê "
                              f"({manifest[unit]['code']}).")
        if settings.get("mode") != "commune":
            raise Refused(f"Gói {name} không phải dữ liệu của một xã (chế độ {settings.get('mode')}).")
        # Sound in meaning: nothing after the package's date, totals the store can add up, and every
        # invariant of the commune's own check.
        if manifest["format_version"] >= 2:
            soundness.check_as_of(conn, manifest["as_of"], name)
        soundness.check_totals(conn, name)
        conn.execute("BEGIN")
        for sql in self._indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        self.notices = soundness.check_invariants(conn, name)
        # The reopenings the import reports, read while the file is open (opening it again parses its schema).
        self.unlocks = conn.execute("SELECT uuid, at, reason FROM period_lock WHERE action = 'unlock' "
                                    "ORDER BY id").fetchall()

    def close(self) -> None:
        self.conn.close()


def _explain(exc: Exception, columns: list[str], row: list | None) -> str:
    text = str(exc)
    if isinstance(exc, OverflowError):
        return "có số quá lớn"
    if isinstance(exc, UnicodeEncodeError):
        # JSON may write half of a UTF-16 pair ("\ud800"): Python reads it, but it is not text.
        return "có ký tự không hợp lệ (nửa cặp ký tự UTF-16, không phải văn bản)"
    if text.startswith("NOT NULL constraint failed: "):
        return f"thiếu giá trị cột {text.rsplit('.', 1)[-1]}"
    if text.startswith("UNIQUE constraint failed: "):
        return f"trùng giá trị ({text.split(': ', 1)[1]})"
    if text.startswith("CHECK constraint failed: "):
        rule = text.split(": ", 1)[1]
        if row is not None:
            negative = [c for c, v in zip(columns, row, strict=True)
                        if type(v) is int and v < 0 and re.search(rf"\b{c}\b", rule)]
            if negative:
                return f"số âm không hợp lệ ở cột {negative[0]} ({format_vnd(row[columns.index(negative[0])])})"
            value = dict(zip(columns, row, strict=True))
            if (found := re.search(r"date\((\w+)\) IS \1", rule)) and found[1] in value:
                return f"ngày không hợp lệ ở cột {found[1]} (“{value[found[1]]}”, cần dạng YYYY-MM-DD)"
            if (found := re.fullmatch(r"(\w+) IN \((.*)\)", rule)) and found[1] in value:
                allowed = found[2].replace("'", "")
                return f"cột {found[1]} có giá trị “{value[found[1]]}” không nằm trong danh sách cho phép ({allowed})"
        return f"giá trị không hợp lệ (vi phạm điều kiện {rule})"
    return text


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
