"""Taking in a newer programme catalogue the upper level sent (a TOML or JSON file)."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from desktop import audit
from desktop.books import Books
from desktop.catalogue import apply_catalogue, check_version_step, current_version, read_catalogue_file
from desktop.changes import Changes, Outcome
from desktop.errors import Refused


@dataclass(frozen=True)
class CatalogueImported(Outcome):
    version: int
    previous: int
    programmes: int
    components: int
    sha256: str

    changes: ClassVar[Changes] = Changes.PROJECTS


def import_catalogue(books: Books, path: Path) -> CatalogueImported:
    """Refuses a file that is not newer than the catalogue in the books: versions only grow, so two offices
    holding version N hold the same list."""
    catalogue, raw = read_catalogue_file(path)
    previous = current_version(books.conn)
    if catalogue["version"] <= previous:
        raise Refused(f"Danh mục trong tệp {Path(path).name} là phiên bản {catalogue['version']}, không mới hơn "
                      f"phiên bản {previous} đang dùng. Không có gì thay đổi; hãy xin cấp trên tệp danh mục mới hơn.")
    check_version_step(catalogue["version"], previous, Path(path).name)
    sha = hashlib.sha256(raw).hexdigest()
    with books.transaction() as tx:
        return take_catalogue(tx, books.actor, catalogue, Path(path).name, sha, previous)


def take_catalogue(tx: sqlite3.Connection, actor: str, catalogue: dict, file_name: str, sha: str,
                   previous: int) -> CatalogueImported:
    """Inside the caller's transaction: record a validated catalogue newer than ``previous``, with its audit
    row. The one path for a catalogue file and for one the upper level's acknowledgement carries."""
    check_version_step(catalogue["version"], previous, file_name)  # for the acknowledgement's: refused, rolled back
    apply_catalogue(tx, catalogue, source="imported", file_name=file_name, actor=actor)
    audit.record(tx, actor, "catalogue", f"catalogue-{catalogue['version']}", "import",
                 {"version": previous}, {"version": catalogue["version"], "file": file_name, "sha256": sha})
    return CatalogueImported(catalogue["version"], previous, len(catalogue["programme"]),
                             sum(len(p["components"]) for p in catalogue["programme"]), sha)
