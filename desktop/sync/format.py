"""The package format in one place: names, version, the parts and their columns, the limits a reader keeps.

A package is a zip (deflate) of ``manifest.json``, ``manifest.sig`` (the 64-byte Ed25519 signature of the
manifest's exact bytes) and one JSON-lines part per table under ``data/``. docs/sync-format.md describes it
for anyone writing another reader.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from db.migrations.v006_controls import MIRRORED
from desktop.errors import Refused

FORMAT_NAME = "vonxoay-sync"
FORMAT_VERSION = 2
SUFFIX = ".vxp"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"

# Format 2 carries exactly the tables and columns the upper store mirrors, parents before children
# (format 1, before schema version 6, had no void dates, voided supports or lock history).
PARTS: dict[str, list[tuple[str, str]]] = MIRRORED
PART_COLUMNS: dict[str, list[str]] = {table: [name for name, _ in columns] for table, columns in PARTS.items()}


def part_path(table: str) -> str:
    return f"data/{table}.jsonl"


@dataclass(frozen=True)
class Limits:
    """What a reader accepts before it looks inside; a package over them is refused, never unpacked."""

    # A 3 000-household commune is 0.6 MB packed, 2.3 MB unpacked; these leave room for communes of 100 000
    # households while bounding what a hostile file can make the reader hold in memory.
    max_file_bytes: int = 256 * 1024 * 1024
    max_entries: int = 64
    max_manifest_bytes: int = 1024 * 1024
    max_entry_bytes: int = 256 * 1024 * 1024
    max_total_bytes: int = 512 * 1024 * 1024
    # Deflate of JSON lines is rarely better than 20:1; far beyond it is a bomb, not data.
    max_ratio: int = 200
    chunk_bytes: int = 1024 * 1024
    # Rows are read a chunk at a time; one line longer than this is not a row of ours (a household's notes or
    # a project's policy are a few kilobytes).
    max_line_bytes: int = 4 * 1024 * 1024


DEFAULT_LIMITS = Limits()

_FILE_NAME = re.compile(r"([0-9]{2})-([0-9]{2,3})-([0-9]{5})_([0-9]{6,})_([0-9]{8})\.vxp")


def package_name(province_code: str, upper_code: str, commune_code: str, seq: int, as_of: date) -> str:
    """``30-290-10507_000012_20261122.vxp``: sorts by commune, then by sequence.

    The name is built from settings the clerk can edit: anything but this exact shape (a code edited to
    ``../..``, a separator, a letter) is refused, so a package is never written outside its folder."""
    name = f"{province_code}-{upper_code}-{commune_code}_{seq:06d}_{as_of:%Y%m%d}{SUFFIX}"
    if not _FILE_NAME.fullmatch(name):
        raise Refused(f"Không đặt được tên gói “{name}”: mã tỉnh “{province_code}”, mã cấp trên “{upper_code}” và "
                      f"mã xã “{commune_code}” phải gồm 2, 2–3 và 5 chữ số. Hãy sửa mã trong Cài đặt rồi xuất lại.")
    return name


def encode_line(values) -> bytes:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
