"""The audit log: who changed which household, project, membership or receipt, when, from what to what."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

from desktop import clock


def now_iso() -> str:
    """UTC timestamps in the books, so that a PC's wrong time zone never reorders events."""
    return clock.now_iso()


def record(conn: sqlite3.Connection, actor: str, entity: str, entity_uuid: str, action: str,
           before: Mapping | None = None, after: Mapping | None = None, *, at: str | None = None) -> None:
    conn.execute(
        "INSERT INTO audit_log (at, actor, entity, entity_uuid, action, before, after) VALUES (?,?,?,?,?,?,?)",
        (at or now_iso(), actor, entity, entity_uuid, action, _dump(before), _dump(after)),
    )


def _dump(row: Mapping | None) -> str | None:
    if row is None:
        return None
    return json.dumps(dict(row), ensure_ascii=False, sort_keys=True, default=str)


def history(conn: sqlite3.Connection, entity_uuid: str) -> list[dict]:
    rows = conn.execute(
        "SELECT at, actor, entity, action, before, after FROM audit_log WHERE entity_uuid = ? ORDER BY id",
        (entity_uuid,),
    )
    return [
        {**dict(r), "before": json.loads(r["before"]) if r["before"] else None,
         "after": json.loads(r["after"]) if r["after"] else None}
        for r in rows
    ]
