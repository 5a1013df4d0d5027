"""The office's people: named users with a role, an optional password, and who is acting now.

Every record and audit row keeps the name of who made it (``books.actor``). A user may have a password for
offices where several people share the PC; it is kept only as a scrypt hash (memory-hard, a salt per user,
the parameters stored beside it), never the password itself.

Who acts: the name given (``--as`` on the command line, ``VONXOAY_USER``, the sign-in dialog). A name given
explicitly must be a registered, current user. Once any user has a password (sign-in is on), whoever acts
must be a registered user and give that user's password. Books with no passwords keep accepting the
computer's login name, as before users existed.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
import sqlite3
import uuid
from dataclasses import dataclass
from typing import ClassVar

from desktop import audit
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.text import fold, nfc


class Role(enum.StrEnum):
    CLERK = "clerk"
    ACCOUNTANT = "accountant"
    CASHIER = "cashier"
    CHAIRMAN = "chairman"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: "Cán bộ phụ trách",
    Role.ACCOUNTANT: "Kế toán",
    Role.CASHIER: "Thủ quỹ",
    Role.CHAIRMAN: "Chủ tịch / Phó chủ tịch",
}

# Who may confirm what another user asked (a void under ``two_person_voids``).
APPROVING_ROLES = frozenset({Role.ACCOUNTANT, Role.CHAIRMAN})

# scrypt parameters: 2^15 × 8 × 128 bytes = 32 MiB of memory per guess, about 0.1 s on an office PC.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
_MAXMEM = 64 * 1024 * 1024
MIN_PASSWORD = 6


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """``scrypt$n$r$p$salt$hash`` (hex): everything needed to check a password later, and not the password."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(nfc(password).encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(nfc(password).encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               maxmem=_MAXMEM, dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found.hex(), digest)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    has_password: bool


@dataclass(frozen=True)
class UserAdded(Outcome):
    id: int
    name: str
    role: Role

    changes: ClassVar[Changes] = Changes.SETTINGS


def _user(row: sqlite3.Row) -> User:
    return User(row["id"], row["name"], Role(row["role"]), row["password_hash"] is not None)


def parse_role(text: str) -> Role:
    key = fold(text or "").replace(" ", "_")
    aliases = {"can_bo": Role.CLERK, "can_bo_phu_trach": Role.CLERK, "ke_toan": Role.ACCOUNTANT,
               "thu_quy": Role.CASHIER, "chu_tich": Role.CHAIRMAN, "pho_chu_tich": Role.CHAIRMAN}
    try:
        return Role(key)
    except ValueError:
        if key in aliases:
            return aliases[key]
    choices = ", ".join(f"{r.value} ({r.label})" for r in Role)
    raise Refused(f"Vai trò “{text}” không có; chọn một trong: {choices}.")


def add_user(books: Books, name: str, role: Role | str, password: str | None = None) -> UserAdded:
    name = nfc(name)
    role = parse_role(role) if not isinstance(role, Role) else role
    if not name:
        raise Refused("Chưa nhập tên người dùng.")
    if find_user(books.conn, name) is not None:
        raise Refused(f"Đã có người dùng tên “{name}”; hãy ghi thêm chữ để phân biệt (ví dụ chức vụ).")
    if password is not None and len(password) < MIN_PASSWORD:
        raise Refused(f"Mật khẩu quá ngắn ({len(password)} ký tự): cần ít nhất {MIN_PASSWORD} ký tự.")
    _require_manager(books, "thêm người dùng")
    stored = hash_password(password) if password else None
    now = audit.now_iso()
    row = {"uuid": str(uuid.uuid4()), "name": name, "name_key": fold(name), "role": role.value,
           "password_hash": stored, "created_at": now, "created_by": books.actor}
    with books.transaction() as tx:
        user_id = tx.execute(f"INSERT INTO app_user ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})",
                             row).lastrowid
        audit.record(tx, books.actor, "app_user", row["uuid"], "create", None,
                     {"name": name, "role": role.value, "password": bool(stored)}, at=now)
    return UserAdded(user_id, name, role)


def _require_manager(books: Books, what: str) -> None:
    """With sign-in on, only a signed-in chairman or accountant manages the office's people (without it,
    anyone may say they are anyone, and a check would only pretend)."""
    if not sign_in_required(books.conn):
        return
    actor = find_user(books.conn, books.actor)
    if actor is None or Role(actor["role"]) not in APPROVING_ROLES:
        raise Refused(f"Chỉ kế toán hoặc chủ tịch (đăng nhập bằng --as) mới được {what}; "
                      f"người đang làm: {books.actor}.")


def find_user(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    """The current (not retired) user of that name, with or without diacritics and case."""
    return conn.execute("SELECT * FROM app_user WHERE name_key = ? AND retired_at IS NULL",
                        (fold(nfc(name)),)).fetchone()


def list_users(conn: sqlite3.Connection) -> list[User]:
    return [_user(r) for r in conn.execute(
        "SELECT * FROM app_user WHERE retired_at IS NULL ORDER BY name COLLATE vi")]


def list_everyone(conn: sqlite3.Connection) -> list[dict]:
    """Every user ever registered, the retired ones too (they still name the records they made)."""
    return [{"name": r["name"], "role": Role(r["role"]), "role_label": Role(r["role"]).label,
             "has_password": r["password_hash"] is not None, "retired_at": r["retired_at"]}
            for r in conn.execute("SELECT * FROM app_user ORDER BY retired_at IS NOT NULL, name COLLATE vi")]


def sign_in_required(conn: sqlite3.Connection) -> bool:
    """Sign-in is on once any current user has a password."""
    return conn.execute("SELECT 1 FROM app_user WHERE retired_at IS NULL AND password_hash IS NOT NULL "
                        "LIMIT 1").fetchone() is not None


def require_user(conn: sqlite3.Connection, name: str) -> User:
    row = find_user(conn, name)
    if row is None:
        known = ", ".join(u.name for u in list_users(conn))
        listed = f" Người dùng hiện có: {known}." if known else " Sổ chưa có người dùng nào (thêm bằng “user add”)."
        raise Refused(f"Không có người dùng “{nfc(name)}”.{listed}")
    return _user(row)


def acting_user(conn: sqlite3.Connection, name: str | None, *, explicit: bool,
                password: str | None = None) -> str | None:
    """Who acts, as recorded in the books; ``None`` keeps the computer's login name (books without sign-in).

    ``explicit``: the name was given with ``--as``, so it must be a current user. A name from
    ``VONXOAY_USER`` that is no user is kept as written, as before users existed, unless sign-in is on: then
    a user and the right password are needed in every case.
    """
    signing_in = sign_in_required(conn)
    if not name:
        if signing_in:
            raise Refused("Sổ này yêu cầu đăng nhập: hãy cho biết ai làm (--as TÊN hoặc biến môi trường "
                          "VONXOAY_USER) và mật khẩu (hỏi khi chạy, hoặc VONXOAY_PASSWORD).")
        return None
    row = find_user(conn, name)
    if row is None:
        if explicit or signing_in:
            _refuse_unknown(conn, name)
        return None
    if row["password_hash"] is not None:
        if password is None:
            raise Refused(f"Người dùng {row['name']} có mật khẩu: hãy nhập mật khẩu (hỏi khi chạy, hoặc "
                          "VONXOAY_PASSWORD).")
        if not password_matches(password, row["password_hash"]):
            raise Refused(f"Sai mật khẩu của {row['name']}. Không có gì được ghi.")
    elif signing_in:
        raise Refused(f"Sổ này yêu cầu đăng nhập nhưng {row['name']} chưa có mật khẩu: hãy nhờ kế toán hoặc "
                      "chủ tịch đặt mật khẩu cho người này (user password).")
    return row["name"]


def _refuse_unknown(conn: sqlite3.Connection, name: str) -> None:
    require_user(conn, name)  # raises with the list of users


def needs_password(conn: sqlite3.Connection, name: str | None) -> bool:
    """Whether acting as ``name`` asks for a password (the command line prompts only then)."""
    if not name:
        return False
    row = find_user(conn, name)
    return row is not None and row["password_hash"] is not None


@dataclass(frozen=True)
class PasswordSet(Outcome):
    name: str
    has_password: bool

    changes: ClassVar[Changes] = Changes.SETTINGS


def set_password(books: Books, name: str, password: str | None) -> PasswordSet:
    """Set (or with ``None`` remove) a user's password. Only the user, or a chairman or accountant, may."""
    user = require_user(books.conn, name)
    actor = find_user(books.conn, books.actor)
    if actor is None or (actor["name"] != user.name and Role(actor["role"]) not in APPROVING_ROLES):
        raise Refused(f"Chỉ {user.name} hoặc kế toán, chủ tịch (đã đăng nhập bằng --as) mới đặt được mật khẩu "
                      f"của {user.name}.")
    if password is not None and len(password) < MIN_PASSWORD:
        raise Refused(f"Mật khẩu quá ngắn ({len(password)} ký tự): cần ít nhất {MIN_PASSWORD} ký tự.")
    stored = hash_password(password) if password else None
    with books.transaction() as tx:
        tx.execute("UPDATE app_user SET password_hash = ? WHERE id = ?", (stored, user.id))
        audit.record(tx, books.actor, "app_user", str(user.id), "password", None, {"password": bool(stored)})
    return PasswordSet(user.name, bool(stored))
