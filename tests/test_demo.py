"""The demo commune looks alive whatever day it is made for: dues coming up, no project left empty, no household
supported twice by the same programme except the few the demo plants to show the warning."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from desktop.books import Books
from desktop.paths import DataDir
from desktop.services import schedules
from desktop.services.demo import make_demo


@pytest.mark.parametrize("as_of", [date(2026, 1, 10), date(2026, 8, 31), date(2027, 12, 24), date(2029, 3, 3)])
def test_a_demo_made_for_any_day_has_installments_due_in_the_next_thirty_days(tmp_path, as_of):
    data_dir = DataDir(tmp_path / "demo")
    make_demo(data_dir, households=600, seed=5, as_of=as_of)
    with Books.open(data_dir) as books:
        due = schedules.due_list(books, as_of, within_days=30)
    coming = [row for row in due["rows"] if row["days_overdue"] == 0 and row["outstanding"] > 0]
    assert coming, f"nothing falls due in the 30 days after {as_of}"
    assert all(as_of.isoformat() <= str(row["due_on"]) for row in coming)


def test_duplicate_support_within_a_programme_stays_rare(tmp_path):
    data_dir = DataDir(tmp_path / "demo")
    make_demo(data_dir, households=3000, seed=2, as_of=date(2026, 6, 30))
    conn = sqlite3.connect(data_dir.database)
    try:
        supported, twice = conn.execute(
            """SELECT count(*), sum(projects > 1) FROM (
                   SELECT m.household_id, p.programme_code, count(DISTINCT m.project_id) AS projects
                   FROM membership m JOIN project p ON p.id = m.project_id
                   GROUP BY m.household_id, p.programme_code)""").fetchone()
    finally:
        conn.close()
    assert supported > 300
    assert twice <= supported // 50
