"""The demo commune's office and its approvals: the people with their roles, and for every support the
hamlet's selection meeting and the chairman's decision that covers it, so that ``check`` is clean with
``require_approval`` on. Written in bulk after the rest of the demo, from the supports it made."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from desktop.services import demo_names as names
from desktop.text import fold

_ROLES = {"signer_chairman": "chairman", "signer_accountant": "accountant", "signer_cashier": "cashier",
          "signer_clerk": "clerk"}


def write(conn, demo, seed: int) -> int:
    """Users, meetings and decisions for ``demo``'s supports; returns the number of decisions."""
    rng = random.Random(seed * 7919 + 1)  # its own stream: the rest of the demo stays as it was
    now = demo.now
    conn.executemany(
        "INSERT INTO app_user (uuid, name, name_key, role, created_at, created_by) VALUES (?,?,?,?,?,?)",
        [(str(uuid.uuid4()), names.SIGNERS[key], fold(names.SIGNERS[key]), role, now, "demo")
         for key, role in _ROLES.items()])
    amounts = {row[0]: row[7] for row in demo.rows["membership"]}
    # Round 1 of a project is decided once, before its first support; each later lending day's re-lends of
    # one round are decided on that day (the commune lends what came back, to the next households).
    groups: dict[tuple, list] = {}
    for m in demo.memberships:
        key = (m.project, 1, None) if m.round == 1 else (m.project, m.round, m.supported_on)
        groups.setdefault(key, []).append(m)
    numbers: dict[int, int] = {}
    decisions = 0
    for (pid, round_no, _), members in sorted(groups.items(), key=lambda g: (min(m.supported_on for m in g[1]),
                                                                             g[0][0], g[0][1])):
        decided_on = min(m.supported_on for m in members)
        held_on = decided_on - timedelta(days=rng.randint(3, 10))
        meeting = conn.execute(
            """INSERT INTO approval_meeting (uuid, project_id, hamlet_id, held_on, chair, attendees, recorded_at,
               recorded_by) VALUES (?,?,?,?,?,?,?,?)""",
            (str(uuid.uuid4()), pid, None, held_on.isoformat(), names.SIGNERS["signer_clerk"],
             rng.randint(25, 90), now, "demo")).lastrowid
        conn.executemany(
            "INSERT INTO approval_meeting_household (meeting_id, household_id, category, amount) VALUES (?,?,?,?)",
            [(meeting, m.household, demo.category_on(m.household, held_on).value, amounts[m.id])
             for m in _one_per_household(members)])
        numbers[decided_on.year] = numbers.get(decided_on.year, 200) + 1
        decision = conn.execute(
            """INSERT INTO approval_decision (uuid, project_id, number, decided_on, round, signer, meeting_id,
               recorded_at, recorded_by) VALUES (?,?,?,?,?,?,?,?,?)""",
            (str(uuid.uuid4()), pid, f"{numbers[decided_on.year]}/QĐ-UBND", decided_on.isoformat(), round_no,
             names.SIGNERS["signer_chairman"], meeting, now, "demo")).lastrowid
        conn.executemany(
            "INSERT INTO approval_decision_household (decision_id, household_id, amount) VALUES (?,?,?)",
            [(decision, m.household, amounts[m.id]) for m in _one_per_household(members)])
        decisions += 1
    return decisions


def _one_per_household(members: list) -> list:
    seen: dict[int, object] = {}
    for m in members:
        seen.setdefault(m.household, m)
    return list(seen.values())
