"""``sync export``: the commune's data as of a date, as one signed package file.

Everything is read inside one read transaction, so the package is a consistent snapshot even while the
clerk (or another program) keeps writing: WAL lets the reader see the database as it was when it began.

A package "as of D" holds nothing dated after D (``_AS_OF``): the books as their own dates say they stood
on D. By default D is today, so an ordinary export holds everything.

The signed zip is then encrypted to the upper level's public key (``desktop.sync.envelope``): packages carry
citizen ID numbers and travel on USB sticks and chat apps. Only the clerk's explicit choice gives a package
in clear. The package's SHA-256 (kept in ``sync_export`` and named by the upper level's acknowledgement) is the
signed zip's, whatever envelope carried it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

from db.migrations import LATEST_VERSION
from desktop import __version__, clock, signing
from desktop.audit import now_iso
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.sync import envelope, merged
from desktop.sync import format as fmt

Progress = Callable[[int, int, str], None]

# What a package as of :as_of leaves out or shows as it was on that day, per part: (WHERE, {column: value}).
# Dates are the ones the books act on (issued, supported, decided, effective, voided from); the print log,
# the lock history and the audit log by the day of their UTC timestamp. A receipt or support voided after
# :as_of travels as still valid, its void columns empty; a row that belongs to something left out (an
# installment of a later support, the allocations and prints of a later receipt) is left out with it.
_KEPT_RECEIPTS = "SELECT id FROM receipt WHERE issued_on <= :as_of"
_KEPT_SUPPORTS = "SELECT id FROM membership WHERE supported_on <= :as_of"
_NOT_YET_VOIDED = "CASE WHEN voided_on > :as_of THEN NULL ELSE {0} END"
_AS_OF: dict[str, tuple[str, dict[str, str]]] = {
    "household_category": ("effective_on <= :as_of", {}),
    "membership": ("supported_on <= :as_of",
                   {c: _NOT_YET_VOIDED.format(c) for c in ("voided_on", "voided_at", "voided_by", "void_reason")}),
    "installment": (f"membership_id IN ({_KEPT_SUPPORTS})", {}),
    "fund_draw": (f"membership_id IN ({_KEPT_SUPPORTS}) AND source_membership_id IN ({_KEPT_SUPPORTS})", {}),
    "fund_transfer": ("decided_on <= :as_of", {}),
    "receipt": ("issued_on <= :as_of",
                {c: _NOT_YET_VOIDED.format(c) for c in ("voided_on", "voided_at", "voided_by", "void_reason")}),
    "allocation": (f"receipt_id IN ({_KEPT_RECEIPTS}) AND installment_id IN (SELECT id FROM installment WHERE "
                   f"membership_id IN ({_KEPT_SUPPORTS}))", {}),
    "receipt_print": (f"receipt_id IN ({_KEPT_RECEIPTS}) AND substr(printed_at, 1, 10) <= :as_of", {}),
    "period_lock": ("substr(at, 1, 10) <= :as_of", {}),
    "audit_log": ("substr(at, 1, 10) <= :as_of", {}),
}


def part_query(table: str, columns: list[str]) -> str:
    """The SELECT that writes one part of a package as of ``:as_of``, in id order."""
    where, shown = _AS_OF.get(table, ("1", {}))
    select = ", ".join(f"{shown[c]} AS {c}" if c in shown else c for c in columns)
    key = "key" if table == "settings" else "id"
    return f"SELECT {select} FROM {table} WHERE {where} ORDER BY {key}"


@dataclass(frozen=True)
class ExportResult(Outcome):
    path: Path
    seq: int
    sha256: str
    bytes: int
    rows: dict[str, int]
    key_fingerprint: str
    encrypted: bool = False
    recipient_fingerprint: str | None = None  # the upper level's key it was encrypted to
    recipient_name: str | None = None

    changes: ClassVar[Changes] = Changes.SYNC


def export_package(books: Books, out_dir: Path | None = None, *, as_of: date | None = None,
                   encrypt: bool | None = None, progress: Progress | None = None) -> ExportResult:
    """Write ``<province>-<upper>-<commune>_<seq>_<yyyymmdd>.vxp`` into ``out_dir`` (default: exports/).

    ``encrypt``: None or True encrypt to the upper level's key the commune loaded (refused when there is none);
    False writes the signed package in clear, only when the clerk asked for it."""
    settings = books.settings()
    if settings.get("mode") == Mode.UPPER.value:
        raise Refused("Đây là dữ liệu cấp trên (chế độ tổng hợp): chỉ xã mới xuất gói đồng bộ.")
    for key in ("commune_code", "upper_code", "province_code"):
        if not settings.get(key):
            raise Refused(f"Chưa có {key} trong cài đặt: hãy khởi tạo xã đầy đủ trước khi xuất gói.")
    # Codes edited behind the program are refused before any work, not after the package is built.
    fmt.package_name(settings["province_code"], settings["upper_code"], settings["commune_code"], 1,
                     as_of or clock.today())
    if signing.public_key_hex(books.conn) is None:
        raise Refused("Dữ liệu chưa có khóa ký của xã; không thể ký gói đồng bộ.")
    recipient = envelope.require_recipient(books) if encrypt is not False else None
    as_of = as_of or clock.today()
    out_dir = Path(out_dir) if out_dir else books.data_dir.exports
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Refused(f"Không tạo được thư mục {out_dir}: {exc.strerror or exc}.") from exc

    # The sequence number comes from the same snapshot as the data, and is recorded only once the file is
    # written: the export never holds the write lock while it reads, so the clerk can keep working.
    created_at = now_iso()
    partial = out_dir / f".vonxoay-export-{uuid.uuid4().hex}.part"
    # Sign, then encrypt. The signed zip in clear is written inside the data folder, never in ``out_dir``
    # (often a USB stick, where a deleted file can still be read back), and removed below.
    plain = books.data_dir.root / partial.name if recipient is not None else partial
    try:
        seq, rows = _write_zip(books, plain, as_of, created_at, progress)
        name = fmt.package_name(settings["province_code"], settings["upper_code"], settings["commune_code"],
                                seq, as_of)
        digest = file_sha256(plain)
        if recipient is not None:
            envelope.seal(plain, partial, recipient)  # fsyncs what it wrote
        else:
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
        size = partial.stat().st_size
        try:
            with books.transaction() as conn:
                conn.execute(
                    """INSERT INTO sync_export (seq, file_name, as_of, created_at, created_by, sha256, bytes)
                       VALUES (?,?,?,?,?,?,?)""", (seq, name, as_of.isoformat(), created_at, books.actor, digest, size))
        except sqlite3.IntegrityError as exc:
            raise Refused("Một lần xuất gói khác vừa dùng cùng số thứ tự; hãy xuất lại.") from exc
        target = out_dir / name
        partial.replace(target)
    except OSError as exc:
        raise Refused(f"Không ghi được gói vào {out_dir}: {exc.strerror or exc}. Dữ liệu của xã không đổi.") from exc
    finally:
        partial.unlink(missing_ok=True)
        plain.unlink(missing_ok=True)
    return ExportResult(target, seq, digest, size, rows, signing.key_fingerprint(books.conn) or "",
                        encrypted=recipient is not None,
                        recipient_fingerprint=recipient.fingerprint if recipient else None,
                        recipient_name=recipient.name if recipient else None)


def _write_zip(books: Books, path: Path, as_of: date, created_at: str,
               progress: Progress | None) -> tuple[int, dict[str, int]]:
    conn = books.conn
    stamp = datetime.fromisoformat(created_at).timetuple()[:6]
    parts, counts = [], {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        # BEGIN (deferred) + the first SELECT fix the snapshot every later SELECT of this export sees.
        conn.execute("BEGIN")
        try:
            settings = dict(conn.execute("SELECT key, value FROM settings").fetchall())
            seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM sync_export").fetchone()[0]
            day = {"as_of": as_of.isoformat()}
            for index, (table, columns) in enumerate(fmt.PART_COLUMNS.items()):
                info = zipfile.ZipInfo(fmt.part_path(table), date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                digest, count, size = hashlib.sha256(), 0, 0
                with archive.open(info, "w", force_zip64=True) as out:
                    line = fmt.encode_line(columns)
                    digest.update(line)
                    out.write(line)
                    size += len(line)
                    cursor = conn.execute(part_query(table, columns), day)
                    while batch := cursor.fetchmany(5000):
                        chunk = b"".join(fmt.encode_line(row) for row in batch)
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
                        count += len(batch)
                parts.append({"table": table, "path": fmt.part_path(table), "rows": count, "bytes": size,
                              "sha256": digest.hexdigest()})
                counts[table] = count
                if progress:
                    progress(index + 1, len(fmt.PART_COLUMNS), table)
            # The lock in force on the package's date (the period_lock part holds its whole history to then).
            lock = conn.execute("SELECT locked_to FROM period_lock WHERE substr(at, 1, 10) <= :as_of "
                                "ORDER BY id DESC LIMIT 1", day).fetchone()
            public_hex = conn.execute("SELECT public_hex FROM signing_key WHERE id = 1").fetchone()[0]
            key = signing.load_private_key(conn)
            # Whatever the package's date: the old communes' rows travel in it, so the list always does too.
            merged_communes = merged.manifest_entries(conn)
        finally:
            conn.execute("COMMIT")
        manifest = {
            "format": fmt.FORMAT_NAME,
            "format_version": fmt.FORMAT_VERSION,
            "program": "VốnXoay",
            "program_version": __version__,
            "schema_version": LATEST_VERSION,
            "commune": {"code": settings["commune_code"], "name": settings.get("commune_name", "")},
            "upper": {"code": settings["upper_code"], "name": settings.get("upper_name", "")},
            "province": {"code": settings["province_code"], "name": settings.get("province_name", "")},
            "seq": seq,
            "created_at": created_at,
            "as_of": as_of.isoformat(),
            "locked_to": lock[0] if lock else None,
            "public_key": public_hex,
            "key_fingerprint": signing.fingerprint(bytes.fromhex(public_hex)),
            "parts": parts,
        }
        if merged_communes:  # an additive key: only a commune that merged others' books carries it
            manifest[merged.MANIFEST_KEY] = merged_communes
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
        archive.writestr(zipfile.ZipInfo(fmt.MANIFEST, date_time=stamp), manifest_bytes,
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(zipfile.ZipInfo(fmt.SIGNATURE, date_time=stamp), key.sign(manifest_bytes),
                         compress_type=zipfile.ZIP_STORED)
    return seq, counts


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def export_history(books: Books) -> list[dict]:
    return [dict(r) for r in books.conn.execute(
        "SELECT seq, file_name, as_of, created_at, created_by, sha256, bytes, acked_at, acked_by "
        "FROM sync_export ORDER BY seq")]
