"""The upper level's store: register each commune's key, import its packages, keep its latest snapshot.

Keys are taken deliberately. A commune seen for the first time is registered with the key its package is
signed by (trust on first use, fingerprint shown), unless that key already belongs to another commune. After
that only the commune's current key is accepted; a new key is taken only by ``accept_key``, which names the
commune and the fingerprint read out by the commune over the phone. Every other key of a commune is retired
and never current again, so an old package, or a stolen old key, can never win over the new one.

Each package is verified completely (``verify.verify_package``) before its commune's data is replaced in one
transaction. The same package twice is "unchanged", an older sequence is "older": neither writes anything,
and neither does a refused package, so the store stays byte-for-byte as it was. Every attempt, whatever its
result, is appended to ``logs/upper-import.log`` in the data folder; imports that changed the store are also
in the ``upper_import`` table.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3
import traceback
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from db import postgres
from db.connection import is_damage
from desktop import signing
from desktop.audit import now_iso
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.staging import staging_root
from desktop.sync import format as fmt
from desktop.sync import merged
from desktop.sync.bulk import copy_rows
from desktop.sync.envelope import Unsealer
from desktop.sync.verify import VerifiedPackage, verify_package
from desktop.upper_store import SQLITE, UpperStore, upper_store

log = logging.getLogger("vonxoay.sync")
CLI_NAME = "vonxoay-cli"


class ImportStatus(StrEnum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    OLDER = "older"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"imported": "Đã nhập", "unchanged": "Không đổi (đã nhận gói này)", "older": "Cũ hơn, bỏ qua",
                "rejected": "Bị từ chối"}[self.value]


@dataclass(frozen=True)
class ImportResult:
    package: str
    status: ImportStatus
    reason: str = ""
    commune_code: str = ""
    commune_name: str = ""
    seq: int | None = None
    as_of: str = ""
    fingerprint: str = ""
    file_sha256: str = ""
    rows: int = 0
    new_key: bool = False
    key_changed: bool = False  # refused only because the key is new to its commune: ``accept_key`` would take it
    locked_to: str | None = None  # the commune's books locked up to this day when the package was made
    # Reopenings of the commune's locked books the upper level had not seen yet: {"at", "reason"} each.
    # A report already received for a reopened period may since have changed.
    reopened: tuple[dict, ...] = ()
    # A package that broke the reader in a way no check foresaw: the exception's type and text, for support
    # staff (the reason says it in Vietnamese; the traceback is in the logs).
    unexpected: str = ""
    # What the commune's books hold against rules its earlier program versions did not enforce yet.
    notices: tuple[str, ...] = ()

    def to_json(self) -> dict:
        data = asdict(self)
        data["status"] = self.status.value
        return data


Progress = Callable[[int, int, str], None]


class KeyChanged(Refused):
    """A package of a known commune signed by a key the upper level has never seen: a re-installed computer,
    or someone else. ``accept_key`` takes it once the fingerprint was checked with the commune."""

    def __init__(self, message: str, commune_code: str, commune_name: str, fingerprint: str):
        super().__init__(message)
        self.commune_code, self.commune_name, self.fingerprint = commune_code, commune_name, fingerprint


class Admission(StrEnum):
    """Why a package's key is accepted."""

    FIRST = "first"  # a commune seen for the first time: its key is registered with its data
    CURRENT = "current"  # the commune's current key
    ACCEPTED = "accepted"  # the new key accepted for the commune, its first package


def require_upper(books: Books) -> None:
    if books.setting("mode") != Mode.UPPER.value:
        raise Refused("Dữ liệu này là của một xã. Chỉ đơn vị cấp trên (khởi tạo với --mode upper) mới nhập và "
                      "tổng hợp gói của các xã.")


@dataclass(frozen=True)
class PackagesImported(Outcome):
    """A batch of packages checked and imported at the upper level, one result per package."""

    results: tuple[ImportResult, ...]

    @property
    def changes(self) -> Changes:  # type: ignore[override] - the store changed only if a package went in
        imported = any(r.status is ImportStatus.IMPORTED for r in self.results)
        return Changes.UPPER if imported else Changes.NONE


def import_batch(books: Books, paths: Iterable[Path], **options) -> PackagesImported:
    """``import_packages`` as an operation of the window: the batch's results with what they changed."""
    return PackagesImported(tuple(import_packages(books, paths, **options)))


def import_packages(books: Books, paths: Iterable[Path], *, dry_run: bool = False,
                    limits: fmt.Limits = fmt.DEFAULT_LIMITS, progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None) -> list[ImportResult]:
    """Verify and import each package in turn; one transaction per imported package. ``cancelled`` is asked
    between packages: what was imported stays, the rest is not touched."""
    require_upper(books)
    paths = [Path(p) for p in paths]
    unsealer = Unsealer.of(books)  # opens packages encrypted to this unit
    results = []
    for index, path in enumerate(paths):
        if cancelled and cancelled():
            break
        failure: Exception | None = None
        try:
            result = _import_one(books, path, limits, dry_run, unsealer)
        except Refused as refusal:
            changed = refusal if isinstance(refusal, KeyChanged) else None
            result = ImportResult(path.name, ImportStatus.REJECTED, refusal.message, key_changed=changed is not None,
                                  **(dict(commune_code=changed.commune_code, commune_name=changed.commune_name,
                                          fingerprint=changed.fingerprint) if changed else {}))
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise  # the store itself is damaged, not the package: stop and say so, as any command does
            failure, result = exc, _unreadable_result(path, exc)
        except postgres.SERVER_FAILURES as exc:
            raise postgres.lost(exc) from exc  # the server, not the package: stop the batch and say so
        except Exception as exc:  # noqa: BLE001 - one unreadable package never stops the batch
            failure, result = exc, _unreadable_result(path, exc)
        results.append(result)
        if not dry_run:
            _log(books, path, result, failure)
        if progress:
            progress(index + 1, len(paths), path.name)
    return results


def _import_one(books: Books, path: Path, limits: fmt.Limits, dry_run: bool,
                unsealer: Unsealer | None) -> ImportResult:
    """Verify, decide and (unless a dry run) write one package; the package's staging copy is removed after.
    The key is judged on the signed manifest alone, before any row is read."""
    with verify_package(path, limits, staging_dir=staging_root(books.data_dir), unsealer=unsealer,
                        trust=lambda manifest, name=path.name: _admit(books, manifest, name)) as package:
        result = _decide(books, package)
        if result.status is ImportStatus.IMPORTED and not dry_run:
            result = _replace(books, package)
    return result


def _unreadable_result(path: Path, exc: Exception) -> ImportResult:
    """A package that broke the reader in a way no check foresaw: refused like any other, its traceback in
    the program's log."""
    log.error("package %s could not be read", path, exc_info=exc)
    return ImportResult(path.name, ImportStatus.REJECTED, f"Gói {path.name} không đọc được: {_unreadable(exc)}.",
                        unexpected=f"{type(exc).__name__}: {exc}")


def _unreadable(exc: BaseException) -> str:
    """What went wrong, in words the operator can pass on."""
    if isinstance(exc, OverflowError):
        return "có một số quá lớn để xử lý"
    if isinstance(exc, RecursionError):
        return "dữ liệu lồng nhau quá sâu"
    if isinstance(exc, MemoryError):
        return "dữ liệu quá lớn để đọc trong bộ nhớ"
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return "tệp nén bị hỏng"
    if isinstance(exc, (sqlite3.Error, OSError)):
        return f"không xử lý được ({type(exc).__name__}: {exc})"
    return f"nội dung không đúng định dạng gói ({type(exc).__name__}: {exc})"


def refusal_text(result: ImportResult) -> str:
    """A rejected package's reason naming the package once: most reasons already begin with it."""
    return result.reason if result.package in result.reason else f"Gói {result.package}: {result.reason}"


def _admit(books: Books, manifest: dict, name: str) -> Admission:
    """Whether the package's key may speak for its commune; refuses every other case. Asked with the signed
    manifest alone, before any row of the package is read."""
    own = books.setting("commune_code", "")
    if own not in (manifest["upper"]["code"], manifest["province"]["code"]):
        raise Refused(f"Gói {name} là của {manifest['commune']['name']} thuộc "
                      f"{manifest['upper']['name']} ({manifest['upper']['code']}), không thuộc đơn vị này ({own}).")
    code, commune = manifest["commune"]["code"], manifest["commune"]["name"]
    merged.admit(upper_store(books), manifest, name)
    fingerprint = signing.fingerprint(bytes.fromhex(manifest["public_key"]))
    holder = _key_holder(books, fingerprint, besides=code)
    if holder is not None:
        raise Refused(f"Gói {name} ghi là của {commune} ({code}) và được ký bằng khóa có vân tay {fingerprint}, "
                      f"nhưng khóa này đã đăng ký cho xã {holder['code']} {holder['name']}. Mỗi xã có khóa riêng: "
                      "gói này có thể bị giả mạo hoặc lấy nhầm máy của xã khác. Hãy gọi điện cho xã để kiểm tra.")
    known = upper_store(books).execute("SELECT * FROM upper_commune WHERE code = ?", (code,)).fetchone()
    if known is None:
        return Admission.FIRST
    if known["public_hex"] == manifest["public_key"]:
        return Admission.CURRENT
    if known["public_hex"] == "" and known["fingerprint"] == fingerprint:
        return Admission.ACCEPTED
    if _retired(books, known["id"], fingerprint):
        raise Refused(f"Gói {name} của {commune} được ký bằng khóa đã thay (vân tay {fingerprint}); khóa hiện hành "
                      f"của xã là {known['fingerprint']}. Khóa đã thay không bao giờ được nhận lại: gói cũ hoặc "
                      "khóa cũ bị lộ không thể thay số liệu mới. Hãy yêu cầu xã xuất gói bằng khóa hiện hành.")
    waiting = " (đã chấp nhận, đang chờ gói đầu tiên)" if known["public_hex"] == "" else ""
    raise KeyChanged(
        f"Gói {name} của {commune} được ký bằng khóa khác (vân tay {fingerprint}) với khóa đã đăng ký "
        f"({known['fingerprint']}{waiting}). Nếu xã đã cài lại máy, hãy gọi điện cho xã, nhờ đọc vân tay khóa hiện "
        f"ở máy của xã; chỉ khi đúng là {fingerprint} mới chạy: {CLI_NAME} upper key accept --commune {code} "
        f"--fingerprint {fingerprint} rồi nhập lại gói. Nếu khác, đừng nhận gói này.",
        code, commune, fingerprint)


def _key_holder(books: Books, fingerprint: str, *, besides: str) -> sqlite3.Row | None:
    """The other commune this key was ever registered or accepted for, if any."""
    return upper_store(books).execute(
        """SELECT c.code, c.name FROM upper_commune c
           WHERE c.code != ? AND (c.fingerprint = ? OR EXISTS (
               SELECT 1 FROM upper_commune_key k WHERE k.commune_id = c.id AND k.fingerprint = ?))
           ORDER BY c.code LIMIT 1""", (besides, fingerprint, fingerprint)).fetchone()


def _retired(books: Books, commune_id: int, fingerprint: str) -> bool:
    """A key the commune signed with before its current one. (An accepted key that never signed a package
    and was replaced by another acceptance is not retired: it never spoke for the commune.)"""
    return upper_store(books).execute(
        """SELECT 1 FROM upper_commune_key k JOIN upper_commune c ON c.id = k.commune_id
           WHERE k.commune_id = ? AND k.fingerprint = ? AND k.public_hex != '' AND k.fingerprint != c.fingerprint""",
        (commune_id, fingerprint)).fetchone() is not None


def _decide(books: Books, package: VerifiedPackage) -> ImportResult:
    manifest = package.manifest
    admission = _admit(books, manifest, package.path.name)
    known = upper_store(books).execute("SELECT * FROM upper_commune WHERE code = ?", (package.commune_code,)).fetchone()
    base = dict(package=package.path.name, commune_code=package.commune_code,
                commune_name=manifest["commune"]["name"], seq=package.seq, as_of=manifest["as_of"],
                fingerprint=package.fingerprint, file_sha256=package.file_sha256, rows=sum(package.rows.values()),
                locked_to=manifest.get("locked_to"), reopened=_reopened(books, package, known),
                notices=package.notices + merged.notices(upper_store(books), manifest))
    if admission is Admission.FIRST:
        return ImportResult(status=ImportStatus.IMPORTED, new_key=True,
                            reason=f"Xã mới: đăng ký khóa có vân tay {package.fingerprint}; hãy đối chiếu với "
                                   "vân tay hiển thị ở máy của xã.", **base)
    if admission is Admission.ACCEPTED:
        # A commune that lost its computer starts its sequence again with its new key.
        return ImportResult(status=ImportStatus.IMPORTED, new_key=True,
                            reason=f"Gói đầu tiên ký bằng khóa mới đã chấp nhận (vân tay {package.fingerprint}); "
                                   f"thay dữ liệu gói số {known['last_seq']} của khóa cũ.", **base)
    if package.seq == known["last_seq"]:
        if package.file_sha256 == known["last_sha256"]:
            return ImportResult(status=ImportStatus.UNCHANGED, reason="Gói này đã được nhập trước đây.", **base)
        raise Refused(f"Gói số {package.seq} của {manifest['commune']['name']} đã được nhận trước đây với nội "
                      "dung khác. Hãy yêu cầu xã xuất gói mới.")
    if package.seq < known["last_seq"]:
        return ImportResult(status=ImportStatus.OLDER,
                            reason=f"Đã có gói mới hơn (số {known['last_seq']}); gói số {package.seq} bị bỏ qua.",
                            **base)
    return ImportResult(status=ImportStatus.IMPORTED, reason=f"Thay dữ liệu gói số {known['last_seq']}.", **base)


def _reopened(books: Books, package: VerifiedPackage, known: sqlite3.Row | None) -> tuple[dict, ...]:
    """The package's unlock rows that the store does not hold yet for this commune, oldest first."""
    seen: set[str] = set()
    if known is not None:
        seen = {r[0] for r in upper_store(books).execute(
            "SELECT uuid FROM upper_period_lock WHERE commune_id = ? AND action = 'unlock'", (known["id"],))}
    return tuple({"at": at, "reason": reason} for uuid, at, reason in package.unlocks if uuid not in seen)


def _replace(books: Books, package: VerifiedPackage) -> ImportResult:
    """Swap the commune's snapshot for the package's, all in one transaction. The package is judged again
    inside it, holding the commune's lock: an import of the same commune that finished meanwhile (another
    officer, another window) makes this one "unchanged" or "older" instead of applying twice or going back."""
    store = upper_store(books)
    with _attached(store, package):
        with store.transaction():
            store.lock_commune(package.commune_code)
            result = _decide(books, package)
            if result.status is ImportStatus.IMPORTED:
                _write(books, store, package, result)
    return result


@contextlib.contextmanager
def _attached(store: UpperStore, package: VerifiedPackage):
    """On SQLite the verified staging file is attached, so its rows move with one INSERT … SELECT per table."""
    if store.engine != SQLITE:
        yield
        return
    store.execute("ATTACH DATABASE ? AS stage", (str(package.staging),))
    try:
        yield
    finally:
        store.execute("DETACH DATABASE stage")


def _write(books: Books, store: UpperStore, package: VerifiedPackage, result: ImportResult) -> None:
    manifest = package.manifest
    now = now_iso()
    known = store.execute("SELECT id, public_hex FROM upper_commune WHERE code = ?",
                          (package.commune_code,)).fetchone()
    details = (manifest["commune"]["name"], manifest["upper"]["code"], manifest["upper"]["name"],
               manifest["province"]["code"], manifest["province"]["name"], package.public_hex,
               package.fingerprint, package.seq, package.file_sha256, manifest["as_of"],
               manifest["created_at"], now, books.actor)
    if known is None:
        commune_id = store.execute(
            """INSERT INTO upper_commune (name, upper_code, upper_name, province_code, province_name,
               public_hex, fingerprint, last_seq, last_sha256, last_as_of, last_created_at, imported_at,
               imported_by, code) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id""",
            (*details, package.commune_code)).fetchall()[0][0]
    else:
        commune_id = known["id"]
        store.execute(
            """UPDATE upper_commune SET name = ?, upper_code = ?, upper_name = ?, province_code = ?,
               province_name = ?, public_hex = ?, fingerprint = ?, last_seq = ?, last_sha256 = ?,
               last_as_of = ?, last_created_at = ?, imported_at = ?, imported_by = ? WHERE id = ?""",
            (*details, commune_id))
        for table in reversed(fmt.PARTS):
            store.execute(f"DELETE FROM upper_{table} WHERE commune_id = ?", (commune_id,))
    if result.new_key and known is None:
        store.execute(
            """INSERT INTO upper_commune_key (commune_id, public_hex, fingerprint, registered_at,
               registered_by, how) VALUES (?,?,?,?,?,?)""",
            (commune_id, package.public_hex, package.fingerprint, now, books.actor, "first"))
    elif result.new_key:
        # The key accepted by fingerprint has now signed a package: its row gets the key itself.
        store.execute("UPDATE upper_commune_key SET public_hex = ? WHERE commune_id = ? AND fingerprint = ? "
                      "AND public_hex = ''", (package.public_hex, commune_id, package.fingerprint))
    if store.engine == SQLITE:
        for table, columns in fmt.PART_COLUMNS.items():
            names = ", ".join(columns)
            store.execute(f"INSERT INTO upper_{table} (commune_id, {names}) SELECT ?, {names} FROM stage.{table}",
                          (commune_id,))
    else:
        copy_rows(store, package.staging, commune_id)
    merged.record(store, manifest, commune_id, now, books.actor)
    store.execute(
        """INSERT INTO upper_import (at, actor, commune_id, file_name, file_sha256, seq, as_of, status, rows)
           VALUES (?,?,?,?,?,?,?,?,?)""",
        (now, books.actor, commune_id, package.path.name, package.file_sha256, package.seq,
         manifest["as_of"], "imported", result.rows))


def _log(books: Books, path: Path, result: ImportResult, failure: BaseException | None = None) -> None:
    """Append the attempt to the import log file; a log that cannot be written never undoes an import.
    A package that could not be read carries the error and its traceback, for support staff."""
    entry = {"at": now_iso(), "actor": books.actor, "file": str(path), **result.to_json()}
    if failure is not None:
        entry["traceback"] = "".join(traceback.format_exception(failure))
    _write_log(books, entry)


def _write_log(books: Books, entry: dict) -> None:
    try:
        books.data_dir.logs.mkdir(parents=True, exist_ok=True)
        with (books.data_dir.logs / "upper-import.log").open("a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError:
        pass


_FINGERPRINT = re.compile(r"^[0-9A-F]{16}$")


def normal_fingerprint(text: str | None) -> str | None:
    """A fingerprint as read out over the phone ("1a2b 3c4d…") in the form the program shows, or None."""
    digits = re.sub(r"[\s-]", "", text or "").upper()
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4)) if _FINGERPRINT.match(digits) else None


@dataclass(frozen=True)
class KeyAccepted(Outcome):
    """A commune's new key taken by its fingerprint; its old key retired."""

    changes: ClassVar[Changes] = Changes.UPPER
    commune_code: str
    fingerprint: str


def accept_key_op(books: Books, commune_code: str, fingerprint: str) -> KeyAccepted:
    """``accept_key`` as an operation of the window."""
    taken = accept_key(books, commune_code, fingerprint)
    return KeyAccepted(taken["commune_code"], taken["fingerprint"])


def accept_key(books: Books, commune_code: str, fingerprint: str) -> dict:
    """Take a known commune's new signing key by the fingerprint its clerk read out over the phone. From now
    on only a package signed by that key is imported for the commune (its sequence may start again); the
    key it used until now is retired and never accepted again."""
    require_upper(books)
    typed, fingerprint = fingerprint, normal_fingerprint(fingerprint)
    if fingerprint is None:
        raise Refused(f"Vân tay “{typed}” không đúng dạng: cần 16 chữ số hệ mười sáu (0–9, A–F), như "
                      "1A2B-3C4D-5E6F-7A8B, đúng như máy của xã hiển thị.")
    known = upper_store(books).execute("SELECT * FROM upper_commune WHERE code = ?", (commune_code,)).fetchone()
    if known is None:
        raise Refused(f"Xã {commune_code} chưa có trong số liệu của đơn vị này. Gói đầu tiên của một xã được nhận "
                      "cùng khóa của nó (vân tay hiện khi nhập); chỉ cần chấp nhận khóa mới cho xã đã đăng ký.")
    commune = f"{known['code']} {known['name']}"
    if known["fingerprint"] == fingerprint:
        if known["public_hex"] == "":
            raise Refused(f"Khóa {fingerprint} đã được chấp nhận cho xã {commune}, đang chờ gói đầu tiên ký bằng "
                          "khóa này.")
        raise Refused(f"Khóa {fingerprint} đã là khóa hiện hành của xã {commune}; không cần chấp nhận lại.")
    holder = _key_holder(books, fingerprint, besides=commune_code)
    if holder is not None:
        raise Refused(f"Không chấp nhận: khóa này đã đăng ký cho xã {holder['code']} {holder['name']} (vân tay "
                      f"{fingerprint}). Mỗi xã có khóa riêng; hãy gọi lại cho xã {commune} để đọc đúng vân tay.")
    if _retired(books, known["id"], fingerprint):
        raise Refused(f"Không chấp nhận: khóa {fingerprint} là khóa đã thay của xã {commune}. Khóa đã thay không bao "
                      "giờ được dùng lại; xã cần xuất gói bằng khóa hiện hành ở máy của xã.")
    now = now_iso()
    store = upper_store(books)
    with store.transaction():
        store.lock_commune(commune_code)
        store.execute("UPDATE upper_commune SET public_hex = '', fingerprint = ? WHERE id = ?",
                      (fingerprint, known["id"]))
        store.execute(
            """INSERT INTO upper_commune_key (commune_id, public_hex, fingerprint, registered_at, registered_by, how)
               VALUES (?, '', ?, ?, ?, 'reregister')""", (known["id"], fingerprint, now, books.actor))
    _write_log(books, {"at": now, "actor": books.actor, "action": "key_accept", "commune_code": known["code"],
                       "fingerprint": fingerprint, "replaces": known["fingerprint"]})
    return {"commune_code": known["code"], "fingerprint": fingerprint, "commune_name": known["name"],
            "replaces": known["fingerprint"]}


def communes(books: Books) -> list[dict]:
    """The registry: every commune imported, its key's fingerprint, its latest package and the day its books
    are locked to (the latest row of its lock history; None when open)."""
    require_upper(books)
    rows = upper_store(books).execute(
        """SELECT c.code, c.name, c.upper_code, c.upper_name, c.province_code, c.province_name, c.fingerprint,
                  c.last_seq, c.last_as_of, c.last_created_at, c.imported_at, c.imported_by,
                  CASE WHEN c.public_hex = '' THEN 1 ELSE 0 END AS key_waiting,
                  (SELECT count(*) FROM upper_household h WHERE h.commune_id = c.id) AS households,
                  (SELECT count(*) FROM upper_commune_key k WHERE k.commune_id = c.id) AS keys,
                  (SELECT l.locked_to FROM upper_period_lock l WHERE l.commune_id = c.id
                   ORDER BY l.id DESC LIMIT 1) AS locked_to
           FROM upper_commune c ORDER BY c.code""").fetchall()
    gone = {m["code"]: m for m in merged.merged_list(upper_store(books))}
    # An old commune stays listed, saying where it went ({"code", "name", "merged_at"}), or None.
    return [{**dict(r), "merged_into": ({"code": gone[r["code"]]["into_code"], "name": gone[r["code"]]["into_name"],
                                         "merged_at": gone[r["code"]]["merged_at"]} if r["code"] in gone else None)}
            for r in rows]


def import_log(books: Books) -> list[dict]:
    require_upper(books)
    return [dict(r) for r in upper_store(books).execute(
        """SELECT i.at, i.actor, c.code AS commune_code, i.file_name, i.file_sha256, i.seq, i.as_of, i.status,
                  i.rows FROM upper_import i JOIN upper_commune c ON c.id = i.commune_id ORDER BY i.id""")]


def commune_ids(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return [(r[0], r[1], r[2]) for r in conn.execute("SELECT id, code, name FROM upper_commune ORDER BY code")]
