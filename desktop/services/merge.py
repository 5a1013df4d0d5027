"""Merging the books of old communes into the new commune's books (the 2025 reform: two or three communes
became one; the new commune's data folder is the one open).

What moves, table by table (``MERGED_TABLES``, parents first): hamlets, households and their category
history, projects, supports, schedules, fund draws and transfers, receipts, their allocations and print log,
project leads, and the audit log. Every row keeps its UUID, so the upper level can map an old commune's
packages onto the new books; integer ids are renumbered and every reference follows. Codes are prefixed with
the old commune's code so nothing collides: household "H001" of commune 10507 becomes "10507-H001", project
"DA01" becomes "10507-DA01", receipt book "01" becomes "10507-01" with every number kept (the original book
stays in ``receipt.original_book``, the commune in ``origin_commune``); voucher books likewise. Vouchers,
handover records, management spending, meetings and decisions move the same way; a table added later is
merged by adding one ``MergedTable`` line.

A person found in two old communes' books (or already in the new one) by ID number is never merged
silently: the clerk says "same person" (one household is kept, the other's UUID becomes an alias of it) or
"different people" (the first keeps the ID number, the others are kept without it and with a note). The
merge is refused while any is undecided. The old books are opened read-only and never changed; a refusal
writes nothing in the new books either.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from db.connection import APPLICATION_ID
from db.migrations import LATEST_VERSION
from desktop import audit, signing
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.dates import format_date
from desktop.domain import Mode
from desktop.errors import Cancelled, Refused
from desktop.paths import DB_FILE
from desktop.services.period_lock import locked_to
from desktop.text import fold

SAME, DIFFERENT = "same", "different"


@dataclass(frozen=True)
class MergedTable:
    """One table that moves: ``refs`` maps a column to the table whose (renumbered) id it holds."""

    name: str
    refs: dict[str, str] = field(default_factory=dict)


# Parents before children. Tables not listed (settings, signing key, sync history, period locks, setting
# history, operation requests) describe the old commune itself: they are kept in ``merged_commune``.
MERGED_TABLES: tuple[MergedTable, ...] = (
    MergedTable("hamlet"),
    MergedTable("household", {"hamlet_id": "hamlet"}),
    MergedTable("household_category", {"household_id": "household"}),
    MergedTable("project"),
    MergedTable("membership", {"project_id": "project", "household_id": "household"}),
    MergedTable("installment", {"membership_id": "membership"}),
    MergedTable("fund_draw", {"membership_id": "membership", "source_membership_id": "membership"}),
    MergedTable("fund_transfer", {"project_id": "project"}),
    MergedTable("receipt", {"project_id": "project", "household_id": "household"}),
    MergedTable("allocation", {"receipt_id": "receipt", "installment_id": "installment"}),
    MergedTable("receipt_print", {"receipt_id": "receipt"}),
    MergedTable("project_lead", {"project_id": "project"}),
    MergedTable("project_lead_member", {"lead_id": "project_lead", "household_id": "household"}),
    MergedTable("management_spend", {"project_id": "project"}),
    MergedTable("voucher", {"membership_id": "membership", "fund_transfer_id": "fund_transfer",
                            "management_spend_id": "management_spend", "receipt_id": "receipt",
                            "project_id": "project"}),
    MergedTable("voucher_print", {"voucher_id": "voucher"}),
    MergedTable("handover", {"membership_id": "membership"}),
    MergedTable("payout_before_vouchers"),  # entity_id follows the table its entity names (below)
    MergedTable("approval_meeting", {"project_id": "project", "hamlet_id": "hamlet"}),
    MergedTable("approval_meeting_household", {"meeting_id": "approval_meeting", "household_id": "household"}),
    MergedTable("approval_decision", {"project_id": "project", "meeting_id": "approval_meeting",
                                      "supersedes_id": "approval_decision"}),
    MergedTable("approval_decision_household", {"decision_id": "approval_decision", "household_id": "household"}),
    MergedTable("audit_log"),
)
# What stays with the old commune (recorded in merged_commune, not copied row by row).
KEPT_ASIDE = frozenset({
    "settings", "signing_key", "sync_export", "period_lock", "setting_history", "operation_request",
    "programme", "programme_component", "catalogue_version", "merged_commune", "merged_duplicate",
    "household_alias", "sync_recipient",
    # The old office's people and its pending void requests, and the texts of its own reports.
    "app_user", "void_request", "report_text",
})
# Dates of what an old commune's books recorded: the new books must be open on every one of them.
_FIRST_DATE_SQL = """
    SELECT min(d) FROM (SELECT min(supported_on) AS d FROM membership UNION ALL SELECT min(issued_on) FROM receipt
                        UNION ALL SELECT min(decided_on) FROM fund_transfer)
"""


@dataclass
class OldBooks:
    path: Path
    conn: sqlite3.Connection
    settings: dict[str, str]
    version: int

    @property
    def code(self) -> str:
        return self.settings.get("commune_code", "")

    @property
    def name(self) -> str:
        return self.settings.get("commune_name", "")

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def open_old_books(folder: Path) -> OldBooks:
    """An old commune's books, read-only; refuses what is not a commune's books at this program's version."""
    folder = Path(folder)
    path = folder if folder.is_file() else folder / DB_FILE
    if not path.is_file():
        raise Refused(f"{folder} không phải thư mục dữ liệu VốnXoay (không có tệp {DB_FILE}). "
                      "Hãy chọn thư mục dữ liệu của xã cũ.")
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise Refused(f"Tệp {path} không phải cơ sở dữ liệu VốnXoay hoặc bị hỏng ({exc}); không gộp được.") from exc
    if app_id != APPLICATION_ID:
        conn.close()
        raise Refused(f"Tệp {path} không phải cơ sở dữ liệu VốnXoay; không gộp được.")
    if version < LATEST_VERSION:
        conn.close()
        raise Refused(f"Sổ ở {folder} là phiên bản dữ liệu {version}, cũ hơn phiên bản {LATEST_VERSION} của "
                      "chương trình này. Hãy mở thư mục đó bằng chương trình này một lần (để nâng cấp, có sao "
                      "lưu) rồi gộp lại.")
    if version > LATEST_VERSION:
        conn.close()
        raise Refused(f"Sổ ở {folder} là phiên bản dữ liệu {version}, mới hơn chương trình này "
                      f"({LATEST_VERSION}). Hãy cập nhật VốnXoay rồi gộp lại.")
    settings = {r[0]: r[1] for r in conn.execute("SELECT key, value FROM settings")}
    if settings.get("mode", Mode.COMMUNE.value) != Mode.COMMUNE.value:
        conn.close()
        raise Refused(f"Dữ liệu ở {folder} là của cấp trên (chế độ tổng hợp), không phải sổ của một xã.")
    return OldBooks(path, conn, settings, version)


# ------------------------------------------------------------------------------------------ duplicates


def _people(conn: sqlite3.Connection, commune: str, source: str) -> list[dict]:
    return [{**dict(r), "commune_code": commune, "source": source} for r in conn.execute(
        """SELECT h.uuid, h.code, h.head_name, h.id_number, hm.name AS hamlet
           FROM household h JOIN hamlet hm ON hm.id = h.hamlet_id WHERE h.id_number IS NOT NULL ORDER BY h.id""")]


def find_duplicates(books: Books, olds: list[OldBooks], decisions: dict[str, str]) -> list[dict]:
    """The same ID number in more than one of: the new books, each old commune's books."""
    own = books.setting("commune_code", "")
    by_number: dict[str, list[dict]] = {}
    for person in _people(books.conn, own, "new"):
        by_number.setdefault(person["id_number"], []).append(person)
    for old in olds:
        for person in _people(old.conn, old.code, "old"):
            by_number.setdefault(person["id_number"], []).append(person)
    found = []
    for number, people in sorted(by_number.items()):
        if len({p["commune_code"] for p in people}) > 1:
            found.append({"id_number": number, "decision": decisions.get(number),
                          "households": [{k: p[k] for k in ("commune_code", "code", "head_name", "hamlet", "uuid")}
                                         for p in people]})
    return found


def read_decisions(path: Path | None, same: list[str], different: list[str]) -> dict[str, str]:
    """The clerk's decisions: a JSON file {"ID number": "same" | "different"} and/or the two flag lists."""
    decisions: dict[str, str] = {}
    if path is not None:
        try:
            loaded = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Refused(f"Không đọc được tệp quyết định {path}: {exc}. Cần JSON dạng "
                          '{"030085001234": "same", "030085009999": "different"}.') from exc
        if not isinstance(loaded, dict) or any(v not in (SAME, DIFFERENT) for v in loaded.values()):
            raise Refused(f"Tệp quyết định {path}: mỗi số định danh phải ghi “same” (cùng một người) "
                          "hoặc “different” (hai người khác nhau).")
        decisions.update({str(k).strip(): v for k, v in loaded.items()})
    for number in same:
        decisions[number.strip()] = SAME
    for number in different:
        if decisions.get(number.strip()) == SAME and number in same:
            raise Refused(f"Số định danh {number} vừa được ghi là cùng một người vừa là hai người khác nhau.")
        decisions[number.strip()] = DIFFERENT
    return decisions


# ------------------------------------------------------------------------------------------ checks


def _refuse_what_cannot_merge(books: Books, olds: list[OldBooks], folders: list[Path]) -> None:
    if books.setting("mode", Mode.COMMUNE.value) != Mode.COMMUNE.value:
        raise Refused("Dữ liệu đang mở là của cấp trên; chỉ gộp sổ vào sổ của xã mới.")
    own = books.setting("commune_code", "")
    if not olds:
        raise Refused("Chưa chọn sổ của xã cũ nào để gộp.")
    seen_paths: dict[Path, Path] = {}
    seen_codes: dict[str, Path] = {}
    for old, folder in zip(olds, folders, strict=True):
        resolved = old.path.resolve()
        if resolved == books.data_dir.database.resolve():
            raise Refused(f"{folder} là chính sổ của xã mới đang mở; hãy chọn thư mục dữ liệu của các xã cũ.")
        if resolved in seen_paths:
            raise Refused(f"Sổ ở {folder} được chọn hai lần (cùng tệp với {seen_paths[resolved]}).")
        if old.code in seen_codes:
            raise Refused(f"Hai thư mục {seen_codes[old.code]} và {folder} cùng là sổ của xã mã {old.code}; "
                          "mỗi xã cũ chỉ gộp một lần, từ một sổ.")
        seen_paths[resolved], seen_codes[old.code] = folder, folder
        if old.code == own:
            raise Refused(f"Sổ ở {folder} là của xã mã {own}, trùng mã của xã mới đang mở. Xã mới phải có mã "
                          "riêng (init --commune-code) rồi mới gộp sổ các xã cũ vào.")
        done = books.conn.execute("SELECT merged_at FROM merged_commune WHERE commune_code = ?", (old.code,)).fetchone()
        if done:
            raise Refused(f"Sổ của xã {old.name} ({old.code}) đã được gộp vào đây lúc {done[0][:16]}; "
                          "không gộp lần thứ hai.")
        unknown = [t for t in _tables(old.conn) if t not in KEPT_ASIDE and t not in {m.name for m in MERGED_TABLES}
                   and not t.startswith("upper_") and old.count(t)]
        if unknown:
            raise Refused(f"Sổ của xã {old.name} có dữ liệu ở bảng {', '.join(unknown)} mà phiên bản này chưa biết "
                          "cách gộp; hãy cập nhật chương trình.")
    closed = locked_to(books.conn)
    if closed is not None:
        for old in olds:
            first = old.conn.execute(_FIRST_DATE_SQL).fetchone()[0]
            if first and date.fromisoformat(first) <= closed:
                raise Refused(f"Sổ của xã mới đã khóa đến ngày {format_date(closed)}, nhưng sổ của {old.name} "
                              f"({old.code}) có chứng từ từ ngày {format_date(date.fromisoformat(first))}. Hãy mở "
                              "khóa sổ (period unlock --reason …) trước khi gộp, rồi khóa lại sau khi gộp.")


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' ORDER BY name")]


# ------------------------------------------------------------------------------------------ the merge


@dataclass(frozen=True)
class MergeResult(Outcome):
    dry_run: bool
    projects: int
    households: int
    receipts: int
    duplicates: tuple[dict, ...]
    communes: tuple[dict, ...]

    changes: ClassVar[Changes] = Changes.everything()


def merge_books(books: Books, folders: list[Path], *, dry_run: bool = False,
                decisions: dict[str, str] | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> MergeResult:
    """Bring the old communes' books into these. ``dry_run`` reads only and shows what would move, with the
    duplicates to decide; the merge itself refuses while any is undecided.

    ``progress(done, total)`` is told after each old commune is copied; ``cancelled()`` is asked before each:
    a Cancel stops the merge inside its one transaction, so nothing of it stays."""
    decisions = decisions or {}
    olds: list[OldBooks] = []
    try:
        for folder in folders:
            olds.append(open_old_books(folder))
        _refuse_what_cannot_merge(books, olds, [Path(f) for f in folders])
        duplicates = find_duplicates(books, olds, decisions)
        unknown = sorted(set(decisions) - {d["id_number"] for d in duplicates})
        if unknown:
            raise Refused(f"Số định danh {', '.join(unknown)} không trùng giữa các sổ; bỏ quyết định cho số đó.")
        same = {d["id_number"] for d in duplicates if d["decision"] == SAME}
        communes = []
        for old in olds:
            aliased = sum(1 for d in duplicates if d["id_number"] in same
                          for h in d["households"][1:] if h["commune_code"] == old.code)
            communes.append({"commune_code": old.code, "commune_name": old.name, "path": str(old.path.parent),
                             "projects": old.count("project"), "households": old.count("household") - aliased,
                             "receipts": old.count("receipt"), "supports": old.count("membership")})
        if not dry_run:
            undecided = [d for d in duplicates if d["decision"] is None]
            if undecided:
                shown = "; ".join(f"{d['id_number']}: " + ", ".join(
                    f"{h['head_name']} ({h['commune_code']} {h['code']})" for h in d["households"])
                    for d in undecided[:5])
                raise Refused(f"Có {len(undecided)} người có cùng số định danh ở nhiều sổ, chưa quyết định: {shown}. "
                              "Hãy xem từng người rồi ghi --same-person SỐ (cùng một người) hoặc --different-person "
                              "SỐ (hai người khác nhau), hoặc tệp --decisions; chưa gộp gì.")
            with books.transaction() as tx:
                for done, old in enumerate(olds):
                    if cancelled is not None and cancelled():
                        raise Cancelled()
                    _copy_commune(tx, books.actor, books.setting("commune_code", ""), old, duplicates)
                    if progress is not None:
                        progress(done + 1, len(olds))
                _record_decisions(tx, books.actor, duplicates)
        return MergeResult(dry_run, sum(c["projects"] for c in communes), sum(c["households"] for c in communes),
                           sum(c["receipts"] for c in communes), tuple(duplicates), tuple(communes))
    finally:
        for old in olds:
            old.conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _copy_commune(tx: sqlite3.Connection, actor: str, own: str, old: OldBooks, duplicates: list[dict]) -> None:
    code = old.code
    now = audit.now_iso()
    first_audit = tx.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0] + 1
    ids: dict[str, dict[int, int]] = {t.name: {} for t in MERGED_TABLES}
    # Households of this commune that are a person kept from elsewhere ("same"), or that lose a shared ID
    # number ("different": the first holder keeps it).
    alias_of: dict[str, tuple[str, str]] = {}  # old uuid -> (kept uuid, id_number)
    drop_number: dict[str, dict] = {}
    for duplicate in duplicates:
        first, *others = duplicate["households"]
        for household in others:
            if household["commune_code"] != code:
                continue
            if duplicate["decision"] == SAME:
                alias_of[household["uuid"]] = (first["uuid"], duplicate["id_number"])
            else:
                drop_number[household["uuid"]] = first
    _ensure_programmes(tx, old.conn)
    for table in MERGED_TABLES:
        if table.name not in _tables(old.conn):
            continue
        shared = [c for c in _columns(old.conn, table.name) if c in set(_columns(tx, table.name)) and c != "id"]
        keyed = "id" in _columns(old.conn, table.name)  # link tables (a decision's households) have no id
        for row in old.conn.execute(f"SELECT * FROM {table.name} ORDER BY {'id' if keyed else 'rowid'}"):
            values = {c: row[c] for c in shared}
            for column, parent in table.refs.items():
                if values.get(column) is not None:
                    values[column] = ids[parent][values[column]]
            if table.name == "hamlet":
                kept = tx.execute("SELECT id FROM hamlet WHERE name_key = ?", (values["name_key"],)).fetchone()
                if kept:  # a hamlet of the same name elsewhere is another place: name it by its old commune
                    values["name"] = f"{values['name']} ({old.name})"
                    values["name_key"] = fold(values["name"])
            elif table.name == "household":
                if row["uuid"] in alias_of:
                    kept_uuid, _ = alias_of[row["uuid"]]
                    kept_id = tx.execute("SELECT id FROM household WHERE uuid = ?", (kept_uuid,)).fetchone()[0]
                    ids["household"][row["id"]] = kept_id
                    tx.execute("INSERT INTO household_alias (uuid, household_id, origin_commune, original_code, "
                               "created_at) VALUES (?, ?, ?, ?, ?)", (row["uuid"], kept_id, code, row["code"], now))
                    continue
                values["code"] = f"{code}-{row['code']}"
                values["origin_commune"] = code
                if row["uuid"] in drop_number:
                    first = drop_number[row["uuid"]]
                    values["id_number"] = None
                    values["notes"] = (f"{row['notes']} " if row["notes"] else "") + (
                        f"Số định danh {row['id_number']} trùng với hộ {first['head_name']} ({first['commune_code']} "
                        f"{first['code']}); khi gộp sổ xã quyết định là hai người khác nhau: cần kiểm tra lại.")
            elif table.name == "household_category":
                if tx.execute("SELECT 1 FROM household_category WHERE household_id = ? AND effective_on = ?",
                              (values["household_id"], values["effective_on"])).fetchone():
                    continue  # the kept household already says what its category was on that day
            elif table.name == "project":
                values["code"] = f"{code}-{row['code']}"
                values["origin_commune"] = code
            elif table.name == "receipt":
                values["book"] = f"{code}-{row['book']}"
                values["origin_commune"] = code
                values["original_book"] = row["book"]
            elif table.name == "voucher":
                values["book"] = f"{code}-{row['book']}"  # as receipt books: every number kept, none collides
            elif table.name == "payout_before_vouchers":
                values["entity_id"] = ids[row["entity"]][row["entity_id"]]
            elif table.name == "approval_decision":
                # Numbers restart each year in every commune: the old commune's code keeps them apart.
                values["number"] = f"{code}-{row['number']}"
            elif table.name == "project_lead_member":
                if tx.execute("SELECT 1 FROM project_lead_member WHERE lead_id = ? AND household_id = ?",
                              (values["lead_id"], values["household_id"])).fetchone():
                    continue
            cursor = tx.execute(f"INSERT INTO {table.name} ({', '.join(values)}) VALUES "
                                f"({', '.join('?' for _ in values)})", tuple(values.values()))
            if keyed:
                ids[table.name][row["id"]] = cursor.lastrowid
            else:
                ids[table.name][len(ids[table.name]) + 1] = cursor.lastrowid  # counted, never referred to
    public_hex = signing.public_key_hex(old.conn) or ""
    last_seq = old.conn.execute("SELECT coalesce(max(seq), 0) FROM sync_export").fetchone()[0]
    old_lock = locked_to(old.conn)
    counts = {t.name: len(ids[t.name]) for t in MERGED_TABLES}
    history = [dict(r) for r in old.conn.execute(
        "SELECT key, value, effective_on FROM setting_history ORDER BY key, effective_on, id")]
    record = {
        "uuid": str(uuid.uuid4()), "commune_code": code, "commune_name": old.name,
        "province_code": old.settings.get("province_code", ""), "province_name": old.settings.get("province_name", ""),
        "public_hex": public_hex, "fingerprint": signing.fingerprint(bytes.fromhex(public_hex)) if public_hex else "",
        "last_sync_seq": last_seq, "locked_to": old_lock.isoformat() if old_lock else None,
        "source_sha256": hashlib.sha256(old.path.read_bytes()).hexdigest(), "schema_version": old.version,
        "settings_json": json.dumps({"settings": {k: v for k, v in old.settings.items()},
                                     "history": history}, ensure_ascii=False, sort_keys=True),
        "counts_json": json.dumps({**counts, "first_audit_id": first_audit}, sort_keys=True),
        "merged_at": now, "merged_by": actor,
    }
    tx.execute(f"INSERT INTO merged_commune ({', '.join(record)}) VALUES ({', '.join('?' for _ in record)})",
               tuple(record.values()))
    audit.record(tx, actor, "merged_commune", record["uuid"], "merge", None,
                 {"commune_code": code, "into": own, **counts}, at=now)


def _ensure_programmes(tx: sqlite3.Connection, old: sqlite3.Connection) -> None:
    """A project names its programme by code: an old book may hold one this catalogue lacks (an imported
    newer catalogue). Add it as the old book has it, never changing one already here."""
    for programme in old.execute("SELECT * FROM programme WHERE code IN (SELECT programme_code FROM project)"):
        if tx.execute("SELECT 1 FROM programme WHERE code = ?", (programme["code"],)).fetchone():
            pid = tx.execute("SELECT id FROM programme WHERE code = ?", (programme["code"],)).fetchone()[0]
        else:
            pid = tx.execute("INSERT INTO programme (code, name, period, decision, structure, valid_from, valid_to, "
                             "catalogue_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (programme["code"], programme["name"], programme["period"], programme["decision"],
                              programme["structure"], programme["valid_from"], programme["valid_to"],
                              programme["catalogue_version"])).lastrowid
        for component in old.execute("SELECT * FROM programme_component WHERE programme_id = ?", (programme["id"],)):
            tx.execute("INSERT INTO programme_component (programme_id, code, name, parent_code, valid_from, valid_to, "
                       "assumed, catalogue_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT (programme_id, code) DO NOTHING",
                       (pid, component["code"], component["name"], component["parent_code"], component["valid_from"],
                        component["valid_to"], component["assumed"], component["catalogue_version"]))


def _record_decisions(tx: sqlite3.Connection, actor: str, duplicates: list[dict]) -> None:
    now = audit.now_iso()
    for duplicate in duplicates:
        tx.execute("INSERT INTO merged_duplicate (id_number, decision, households, decided_at, decided_by) "
                   "VALUES (?, ?, ?, ?, ?)", (duplicate["id_number"], duplicate["decision"],
                                             json.dumps(duplicate["households"], ensure_ascii=False), now, actor))
