"""The consolidated figures computed by SQL in the upper store equal, field by field, each commune's own
period report: run over the commune's snapshot in the store (a copy of its books with the commune schema)
and over the commune's own books. Demo communes with receipts and supports voided from a date, communes
whose packages carry what earlier versions let through, several periods (one ending the day before the
voids), on both engines."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from desktop import clock
from desktop.books import Books
from desktop.errors import Refused
from desktop.reports.period import period_report
from desktop.services.payments import void_receipt
from desktop.services.support_void import void_support
from desktop.sync.consolidate import REPORT_TABLES, commune_database, consolidate
from desktop.upper_store import upper_store
from tests.sync_helpers import AS_OF, export, make_commune, make_upper, run
from tests.test_sync_meaning import LEGACY, _hostile

pytestmark = pytest.mark.usefixtures("upper_engine")

VOID_DAY = date(2026, 3, 16)
PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2026, 1, 1), VOID_DAY - timedelta(days=1)),  # ends the day before the voids take effect
    (date(2026, 1, 1), VOID_DAY),
    (date(2025, 7, 1), AS_OF),
    (date(2000, 1, 1), date(2030, 12, 31)),
    (VOID_DAY, VOID_DAY),
]


def _void_some(commune) -> dict[str, int]:
    """Void a few receipts and supports in the commune's own books, from VOID_DAY, through the services."""
    done = {"receipts": 0, "supports": 0}
    with clock.frozen(AS_OF), Books.open(commune) as books:
        receipts = books.conn.execute(
            "SELECT book, number, year FROM receipt WHERE issued_on <= ? ORDER BY issued_on DESC, id DESC",
            (VOID_DAY.isoformat(),)).fetchall()
        for receipt in receipts:
            if done["receipts"] == 3:
                break
            try:
                void_receipt(books, receipt["book"], receipt["number"], "Thu nhầm", year=receipt["year"],
                             on=VOID_DAY)
                done["receipts"] += 1
            except Refused:
                continue
        supports = books.conn.execute(
            """SELECT p.code AS project, h.code AS household, m.round FROM membership m
               JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
               WHERE m.supported_on <= ? AND m.voided_on IS NULL ORDER BY m.supported_on DESC, m.id DESC""",
            (VOID_DAY.isoformat(),)).fetchall()
        for support in supports:
            if done["supports"] == 2:
                break
            try:
                void_support(books, support["project"], support["household"], "Ghi nhầm hộ",
                             round=support["round"], on=VOID_DAY)
                done["supports"] += 1
            except Refused:
                continue
    return done


@pytest.fixture(scope="module")
def communes(tmp_path_factory):
    root = tmp_path_factory.mktemp("figures")
    made = [make_commune(root, f"{10700 + index:05d}", seed=70 + index, households=30, projects=2 + index % 2)
            for index in range(4)]
    voided = _void_some(made[0])
    assert voided["receipts"] > 0 and voided["supports"] > 0, voided
    packages = [export(commune, root / "out") for commune in made]
    return made, packages


@pytest.fixture(scope="module")
def upper(communes, tmp_path_factory):
    made, packages = communes
    data_dir = make_upper(tmp_path_factory.mktemp("figures-upper"))
    result = run(data_dir, "--json", "upper", "import", *map(str, packages))
    assert result.code == 0, result.stderr
    return data_dir


def _reference(books: Books, commune_id: int, start: date, end: date, made_on: date):
    conn = commune_database(books, commune_id, tables=REPORT_TABLES)
    try:
        return period_report(conn, start, end, made_on=made_on)
    finally:
        conn.close()


def _assert_equal_to_snapshots(books: Books, start: date, end: date) -> int:
    report = consolidate(books, start, end)
    ids = {row["code"]: row["id"] for row in upper_store(books).execute("SELECT id, code FROM upper_commune")}
    for line in report.communes:
        want = _reference(books, ids[line.code], start, end, line.report.made_on)
        assert line.report == want, (line.code, start, end, _difference(line.report, want))
    return len(report.communes)


def _difference(got, want) -> dict:
    a, b = dataclasses.asdict(got), dataclasses.asdict(want)
    return {key: (a[key], b[key]) for key in a if a[key] != b[key]}


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_figures_computed_in_the_store_equal_each_communes_own_report(upper, communes, start, end):
    made, _ = communes
    with Books.open(upper) as books:
        assert _assert_equal_to_snapshots(books, start, end) == len(made)
        report = consolidate(books, start, end)
    # And the commune's own books say the same (the snapshot is as of AS_OF, so up to it).
    if end <= AS_OF:
        by_code = {line.code: line.report for line in report.communes}
        for commune in made:
            with Books.open(commune) as own:
                mine = period_report(own.conn, start, end)
                code = own.setting("commune_code")
            assert by_code[code] == dataclasses.replace(mine, made_on=by_code[code].made_on), code


def test_the_voids_are_dated(upper, communes):
    """Before VOID_DAY the voided receipts and supports still count; from it they do not, and the period
    holding it lists them."""
    with Books.open(upper) as books:
        before = consolidate(books, *PERIODS[1]).communes[0].report
        on = consolidate(books, *PERIODS[2]).communes[0].report
    assert not before.voided_receipts and not before.voided_supports
    assert len(on.voided_receipts) >= 1 and len(on.voided_supports) >= 1
    assert on.totals.recovered_to_date < before.totals.recovered_to_date + on.totals.recovered_in_period


def test_one_commune_alone_has_the_same_figures_as_in_the_whole(upper):
    with Books.open(upper) as books:
        whole = consolidate(books, *PERIODS[3])
        for line in whole.communes:
            alone = consolidate(books, *PERIODS[3], only=line.code)
            assert alone.communes == (line,)


def test_figures_the_commune_could_not_make_are_computed_alike(communes, tmp_path):
    """The store's rows changed by hand (receipts voided on the day they were issued, voids on a period's last
    day, categories reviewed in the middle of a period): the SQL and the commune's report still agree."""
    data_dir = make_upper(tmp_path)
    assert run(data_dir, "--json", "upper", "import", *map(str, communes[1])).code == 0
    with Books.open(data_dir) as books:
        store = upper_store(books)
        with store.transaction():
            store.execute("""UPDATE upper_receipt SET voided_at = '2026-05-01T00:00:00+00:00',
                             voided_on = issued_on, voided_by = 'x', void_reason = 'hủy cùng ngày'
                             WHERE id % 7 = 0 AND voided_on IS NULL""")
            store.execute("""UPDATE upper_receipt SET voided_at = '2026-05-01T00:00:00+00:00',
                             voided_on = '2025-12-31', voided_by = 'x', void_reason = 'hủy cuối kỳ'
                             WHERE id % 11 = 0 AND voided_on IS NULL AND issued_on <= '2025-12-31'""")
            store.execute("""UPDATE upper_membership SET voided_at = '2026-05-01T00:00:00+00:00',
                             voided_on = '2025-12-31', voided_by = 'x', void_reason = 'hủy'
                             WHERE id % 13 = 0 AND voided_on IS NULL AND supported_on <= '2025-12-31'""")
            top = store.execute("SELECT max(id) FROM upper_household_category").fetchone()[0]
            # A review in the middle of the periods moves a third of the households.
            for index, row in enumerate(store.execute(
                    "SELECT commune_id, household_id, '2026-03-17', category FROM upper_household_category c "
                    "WHERE id % 3 = 0 AND id = (SELECT max(id) FROM upper_household_category o "
                    "WHERE o.commune_id = c.commune_id AND o.household_id = c.household_id) "
                    "ORDER BY commune_id, id").fetchall()):
                other = {"poor": "non_poor", "near_poor": "poor", "escaped": "near_poor", "non_poor": "escaped"}
                store.execute("INSERT INTO upper_household_category (commune_id, id, uuid, household_id, category, "
                              "effective_on, note, created_at) VALUES (?, ?, ?, ?, ?, ?, '', '2026-01-01')",
                              (row[0], top + 1 + index, f"review-{index}", row[1], other[row[3]], row[2]))
        for start, end in PERIODS:
            assert _assert_equal_to_snapshots(books, start, end) == 4


@pytest.fixture(scope="module")
def legacy_base(tmp_path_factory):
    """A commune's good package and its signing key, to sign the legacy cases with (``_hostile``'s setting)."""
    from desktop import signing

    root = tmp_path_factory.mktemp("legacy")
    commune = make_commune(root, "10507", seed=7, households=40)
    with Books.open(commune) as books:
        key = signing.load_private_key(books.conn)
    return root, None, export(commune, root / "out"), None, key


@pytest.mark.parametrize("case", LEGACY)
def test_figures_of_books_earlier_versions_let_through_are_computed_alike(legacy_base, case, tmp_path):
    """The packages the store takes with a notice (rules only enforced since schema 6: receipts out of date
    order, a fund negative on a day, budget overrun, over the cap, ineligible or doubled supports)."""
    package = _hostile(legacy_base, case, tmp_path)
    data_dir = make_upper(tmp_path)
    result = run(data_dir, "--json", "upper", "import", str(package))
    assert result.code == 0 and result.json["results"][0]["status"] == "imported", result.stderr
    with Books.open(data_dir) as books:
        for start, end in PERIODS:
            assert _assert_equal_to_snapshots(books, start, end) == 1
