"""Two-person voids: with the setting ``two_person_voids``, one user asks for a void and it takes effect only
when a second, different user with an approving role (accountant or chairman) confirms it.

The request keeps what and why and from which date; confirming runs the very same void (``void_receipt`` or
``void_support``, every rule checked again on the requested date) and completes the request in that one
transaction, so a void refused at confirmation leaves the request pending and nothing written. While the
setting is on, a void without a confirmed request is refused, whichever way it is asked for.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from desktop import audit, clock
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.errors import Refused
from desktop.services.households import require_household
from desktop.services.payments import void_receipt
from desktop.services.period_lock import require_open_on
from desktop.services.projects import require_project
from desktop.services.receipts import find_receipt
from desktop.services.support_void import pick_membership, void_support
from desktop.services.two_person import two_person_voids  # noqa: F401 - read by the commands from here
from desktop.services.users import APPROVING_ROLES, Role, find_user
from desktop.text import nfc


@dataclass(frozen=True)
class VoidRequested(Outcome):
    request_id: int
    kind: str
    label: str
    void_on: date
    requested_by: str
    voided: bool = False
    pending: bool = True

    changes: ClassVar[Changes] = Changes.RECEIPTS | Changes.SUPPORTS


@dataclass(frozen=True)
class VoidConfirmed(Outcome):
    request_id: int
    kind: str
    label: str
    void_on: date
    requested_by: str
    confirmed_by: str
    result: dict[str, Any]
    voided: bool = True

    changes: ClassVar[Changes] = (Changes.RECEIPTS | Changes.SUPPORTS | Changes.SCHEDULES | Changes.FUND
                                  | Changes.PROJECTS)


def _requester(books: Books) -> str:
    user = find_user(books.conn, books.actor)
    if user is None:
        raise Refused(f"Hủy cần hai người: người yêu cầu phải là người dùng đã đăng ký (--as TÊN); "
                      f"“{books.actor}” không phải.")
    return user["name"]


def _require_not_pending(conn: sqlite3.Connection, kind: str, target: dict) -> None:
    text = json.dumps(target, sort_keys=True, ensure_ascii=False)
    row = conn.execute("SELECT id, requested_by FROM void_request WHERE kind = ? AND target = ? "
                       "AND confirmed_at IS NULL", (kind, text)).fetchone()
    if row:
        raise Refused(f"Đã có yêu cầu hủy số {row['id']} của {row['requested_by']} đang chờ xác nhận cho chứng từ "
                      "này.")


def _record(books: Books, kind: str, target: dict, label: str, reason: str, on: date) -> VoidRequested:
    requester = _requester(books)
    _require_not_pending(books.conn, kind, target)
    now = audit.now_iso()
    row = {"uuid": str(uuid.uuid4()), "kind": kind, "target": json.dumps(target, sort_keys=True, ensure_ascii=False),
           "label": label, "reason": reason, "void_on": on.isoformat(), "requested_at": now,
           "requested_by": requester}
    with books.transaction() as tx:
        request_id = tx.execute(f"INSERT INTO void_request ({', '.join(row)}) VALUES "
                                f"({', '.join(':' + k for k in row)})", row).lastrowid
        audit.record(tx, requester, "void_request", row["uuid"], "request", None, row, at=now)
    return VoidRequested(request_id, kind, label, on, requester)


def request_receipt_void(books: Books, book: str, number: int, reason: str, *, year: int | None = None,
                         on: date | None = None, today: date | None = None) -> VoidRequested:
    """Ask for a receipt's void; the cheap rules are checked now, all of them again at confirmation."""
    reason = nfc(reason)
    if not reason:
        raise Refused("Phải ghi lý do hủy phiếu thu.")
    receipt = find_receipt(books.conn, book, number, year)
    label = f"phiếu thu quyển {receipt['book']} số {receipt['number']}/{receipt['year']}"
    if receipt["voided_at"]:
        raise Refused(f"Phiếu thu quyển {receipt['book']} số {receipt['number']}/{receipt['year']} đã bị hủy trước "
                      f"đó (lý do: {receipt['void_reason']}).")
    on = on or today or clock.today()
    if on < date.fromisoformat(receipt["issued_on"]):
        raise Refused(f"Ngày hủy phiếu {on:%d/%m/%Y} trước ngày lập {label} "
                      f"({date.fromisoformat(receipt['issued_on']):%d/%m/%Y}).")
    require_open_on(books.conn, on, "Ngày hủy phiếu", today=today)
    target = {"book": receipt["book"], "number": receipt["number"], "year": receipt["year"]}
    return _record(books, "receipt", target, label, reason, on)


def request_support_void(books: Books, project: str, household: str, reason: str, *, round: int | None = None,
                         on: date | None = None, today: date | None = None) -> VoidRequested:
    reason = nfc(reason)
    if not reason:
        raise Refused("Phải ghi lý do hủy khoản hỗ trợ.")
    project_row = require_project(books.conn, project)
    household_row = require_household(books.conn, household)
    membership = pick_membership(books.conn, project_row, household_row, round)
    label = (f"khoản hỗ trợ vòng {membership['round']} của hộ {household_row['code']} "
             f"trong dự án {project_row['code']}")
    if membership["voided_at"]:
        raise Refused(f"{label[0].upper()}{label[1:]} đã bị hủy (lý do: {membership['void_reason']}).")
    on = on or today or clock.today()
    if on < date.fromisoformat(membership["supported_on"]):
        raise Refused(f"Ngày hủy hỗ trợ {on:%d/%m/%Y} trước ngày hỗ trợ "
                      f"{date.fromisoformat(membership['supported_on']):%d/%m/%Y}.")
    require_open_on(books.conn, on, "Ngày hủy hỗ trợ", today=today)
    target = {"project": project_row["code"], "household": household_row["code"], "round": membership["round"]}
    return _record(books, "support", target, label, reason, on)


class _Confirming(Books):
    """The same open books, acting as the confirming user, whose one write transaction also completes the
    request: the void and its confirmation are written together or not at all."""

    def __init__(self, books: Books, actor: str, request: sqlite3.Row):
        super().__init__(books.conn, books.data_dir, actor)
        self.confirming_request = request

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with super().transaction() as tx:
            yield tx
            now = audit.now_iso()
            request = self.confirming_request
            tx.execute("UPDATE void_request SET confirmed_at = ?, confirmed_by = ? WHERE id = ?",
                       (now, self.actor, request["id"]))
            audit.record(tx, self.actor, "void_request", request["uuid"], "confirm", None,
                         {"requested_by": request["requested_by"], "confirmed_by": self.actor}, at=now)


def require_request(conn: sqlite3.Connection, request_id: int) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM void_request WHERE id = ?", (request_id,)).fetchone()
    if row is None:
        raise Refused(f"Không có yêu cầu hủy số {request_id} (xem “void list”).")
    return row


def confirm_void(books: Books, request_id: int, *, today: date | None = None) -> VoidConfirmed:
    request = require_request(books.conn, request_id)
    if request["confirmed_at"]:
        raise Refused(f"Yêu cầu hủy số {request_id} đã được {request['confirmed_by']} xác nhận lúc "
                      f"{request['confirmed_at'][:16].replace('T', ' ')}.")
    user = find_user(books.conn, books.actor)
    if user is None:
        raise Refused(f"Người xác nhận phải là người dùng đã đăng ký (--as TÊN); “{books.actor}” không phải.")
    if user["name"] == request["requested_by"]:
        raise Refused(f"{user['name']} đã yêu cầu hủy {request['label']}; người xác nhận phải là một người khác "
                      "(kế toán hoặc chủ tịch).")
    if Role(user["role"]) not in APPROVING_ROLES:
        raise Refused(f"{user['name']} là {Role(user['role']).label.lower()}: chỉ kế toán hoặc chủ tịch xác nhận "
                      "được yêu cầu hủy.")
    target = json.loads(request["target"])
    confirming = _Confirming(books, user["name"], request)
    on = date.fromisoformat(request["void_on"])
    if request["kind"] == "receipt":
        result = void_receipt(confirming, target["book"], target["number"], request["reason"], year=target["year"],
                              on=on, today=today)
    else:
        result = void_support(confirming, target["project"], target["household"], request["reason"],
                              round=target["round"], on=on, today=today)
    return VoidConfirmed(request["id"], request["kind"], request["label"], on, request["requested_by"],
                         user["name"], result.to_json())


def list_requests(conn: sqlite3.Connection, *, pending_only: bool = True) -> list[dict]:
    where = "WHERE confirmed_at IS NULL" if pending_only else ""
    return [{"id": r["id"], "kind": r["kind"], "label": r["label"], "reason": r["reason"], "void_on": r["void_on"],
             "requested_by": r["requested_by"], "requested_at": r["requested_at"], "confirmed_by": r["confirmed_by"],
             "confirmed_at": r["confirmed_at"], "pending": r["confirmed_at"] is None}
            for r in conn.execute(f"SELECT * FROM void_request {where} ORDER BY id")]
