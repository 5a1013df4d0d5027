"""Biên bản bàn giao: support given in kind (a cow, seedlings, materials) is documented by a handover record,
not a phiếu chi — the goods change hands, not cash. Written in the same transaction as the support."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date

from desktop import audit
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.text import nfc


@dataclass(frozen=True)
class HandoverInput:
    """What the clerk knows about the delivery; the item is the support's in-kind description."""

    quantity: int = 1
    unit: str = ""
    unit_price: int | None = None  # None: the support's amount over the quantity
    supplier: str = ""
    witnesses: str = ""
    receiver: str = ""  # None given: the head of household


@dataclass(frozen=True)
class HandoverRef:
    id: int
    delivered_on: date
    item: str
    quantity: int
    unit: str
    unit_price: int
    value: int
    supplier: str
    receiver: str
    witnesses: str


def plan(data: HandoverInput, item: str, amount: int) -> tuple[int, int]:
    """(quantity, unit price) after the checks; refuses a price that does not make the support's value."""
    if not isinstance(data.quantity, int) or data.quantity < 1:
        raise Refused("Số lượng hiện vật bàn giao phải từ 1 trở lên.")
    unit_price = data.unit_price if data.unit_price is not None else amount // data.quantity
    if unit_price * data.quantity != amount:
        raise Refused(f"Hiện vật “{item}”: {data.quantity} × đơn giá {format_vnd(unit_price)} đ = "
                      f"{format_vnd(unit_price * data.quantity)} đ, khác giá trị hỗ trợ {format_vnd(amount)} đ. "
                      "Hãy ghi đơn giá (--unit-price) sao cho số lượng × đơn giá bằng số tiền hỗ trợ.")
    return data.quantity, unit_price


def record(tx: sqlite3.Connection, actor: str, now: str, membership_id: int, on: date, item: str, amount: int,
           receiver: str, data: HandoverInput) -> HandoverRef:
    quantity, unit_price = plan(data, item, amount)
    row = {"uuid": str(uuid.uuid4()), "membership_id": membership_id, "delivered_on": on.isoformat(),
           "item": nfc(item), "quantity": quantity, "unit": nfc(data.unit), "unit_price": unit_price,
           "value": amount, "supplier": nfc(data.supplier), "receiver": nfc(data.receiver) or receiver,
           "witnesses": nfc(data.witnesses), "created_at": now, "created_by": actor}
    handover_id = tx.execute(f"INSERT INTO handover ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})",
                             row).lastrowid
    audit.record(tx, actor, "handover", row["uuid"], "create", None, row, at=now)
    return HandoverRef(handover_id, on, row["item"], quantity, row["unit"], unit_price, amount, row["supplier"],
                       row["receiver"], row["witnesses"])


HANDOVER_ROWS = """
    SELECT ho.*, h.code AS household, h.head_name, h.id_number, hm.name AS hamlet, p.code AS project,
           p.name AS project_name, m.round, m.voided_on, m.void_reason
    FROM handover ho JOIN membership m ON m.id = ho.membership_id JOIN household h ON h.id = m.household_id
    JOIN hamlet hm ON hm.id = h.hamlet_id JOIN project p ON p.id = m.project_id
"""


def handovers_of(conn: sqlite3.Connection, *, project_id: int | None = None, household_id: int | None = None,
                 on: date | None = None) -> list[sqlite3.Row]:
    rows = conn.execute(
        HANDOVER_ROWS + """ WHERE (:project IS NULL OR m.project_id = :project)
           AND (:household IS NULL OR m.household_id = :household) AND (:on IS NULL OR ho.delivered_on = :on)
           ORDER BY ho.delivered_on, hm.name, h.code, ho.id""",
        {"project": project_id, "household": household_id, "on": on.isoformat() if on else None}).fetchall()
    if not rows:
        raise Refused("Không có biên bản bàn giao hiện vật nào khớp điều kiện đã chọn.")
    return rows
