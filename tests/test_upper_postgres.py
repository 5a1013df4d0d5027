"""The upper store on PostgreSQL: the schema kept in step with SQLite's, set-up and its refusals, several
officers importing at once (different communes side by side, the same commune one after the other, a report
during an import), and the move of a 20-commune SQLite store onto a server, proven equal."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from db import postgres
from db.connection import upgrade
from db.upper_schema import UPPER_TABLES
from desktop.books import Books
from desktop.sync import bulk
from desktop.sync import upper as upper_module
from desktop.sync.consolidate import consolidate
from desktop.sync.upper import import_packages
from desktop.upper_store import POSTGRESQL, contents, engine_of, upper_store
from tests.conftest import POSTGRES_ENV, books_digest
from tests.sync_helpers import AS_OF, UPPER, export, make_commune, make_upper, new_test_database, run, store_state

PERIOD = ("--from", "2025-07-01", "--to", "2026-06-30")


def needs_server():
    import os

    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"no PostgreSQL server for the tests ({POSTGRES_ENV} not set; packaging/dev.py test starts one)")


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Three communes, two packages each (sequence 1 and 2)."""
    root = tmp_path_factory.mktemp("pg")
    made = {}
    for index, code in enumerate(("10601", "10602", "10603")):
        commune = make_commune(root, code, seed=40 + index, households=40)
        made[code] = (export(commune, root / "out"), export(commune, root / "out"))
    return made


@pytest.fixture
def pg_upper(tmp_path, upper_engine_pg):
    return make_upper(tmp_path)


@pytest.fixture
def upper_engine_pg():
    needs_server()
    from tests import sync_helpers

    sync_helpers.UPPER_ENGINE = "postgresql"
    try:
        yield
    finally:
        sync_helpers.UPPER_ENGINE = "sqlite"
        sync_helpers.drop_test_databases()


# --------------------------------------------------------------------------- one schema, two engines


def test_the_postgresql_ladder_makes_the_same_upper_tables_as_the_sqlite_ladder(upper_engine_pg):
    lite = sqlite3.connect(":memory:", isolation_level=None)
    upgrade(lite)
    conn = postgres.open_upper(new_test_database(), create=True)
    try:
        for table in UPPER_TABLES:
            info = lite.execute(f"PRAGMA table_info({table})").fetchall()
            want = [(name, {"INTEGER": "bigint", "TEXT": "text"}[kind]) for _, name, kind, *_ in info]
            got = [tuple(r) for r in conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
                "ORDER BY ordinal_position", (table,))]
            assert got == want, table
            keys = [name for _, name, _, _, _, pk in sorted(info, key=lambda r: r[5]) if pk]
            pg_keys = [r[0] for r in conn.execute(
                """SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
                   AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary
                   ORDER BY array_position(i.indkey, a.attnum)""", (table,))]
            assert pg_keys == keys, table
            checks = lite.execute("SELECT sql FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0].count("CHECK")
            pg_checks = conn.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass "
                                     "AND contype = 'c'", (table,)).fetchone()[0]
            assert pg_checks == checks, table
    finally:
        conn.close()
        lite.close()


# --------------------------------------------------------------------------- set-up


def test_init_on_a_server_keeps_the_store_there_and_the_unit_in_its_folder(pg_upper, packages):
    with Books.open(pg_upper) as books:
        assert engine_of(books) == POSTGRESQL
        assert books.conn.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'upper_commune'").fetchone()[0]
    first = packages["10601"][1]
    result = run(pg_upper, "--json", "upper", "import", str(first))
    assert result.code == 0, result.stderr
    with Books.open(pg_upper) as books:
        # The rows went to the server; the unit's own file holds none of them.
        assert books.conn.execute("SELECT count(*) FROM upper_household").fetchone()[0] == 0
        assert upper_store(books).execute("SELECT count(*) FROM upper_household").fetchone()[0] == 40
    assert run(pg_upper, "--json", "upper", "communes").json["communes"][0]["households"] == 40
    assert run(pg_upper, "--json", "upper", "report", *PERIOD).json["totals"]["communes"] == 1


@pytest.mark.parametrize(("extra", "words"), [
    (("--mode", "commune", "--database", "postgresql://x@/y"), "--database chỉ dùng khi khởi tạo cấp trên"),
    (("--mode", "upper", "--database", "mysql://x@y/z"), "không đúng dạng"),
    (("--mode", "upper", "--database", "postgresql://nobody@/none?host=/nonexistent&port=1"),
     "Không kết nối được cơ sở dữ liệu PostgreSQL"),
])
def test_init_refuses_a_database_it_cannot_use_and_creates_nothing(tmp_path, extra, words):
    from desktop.paths import DataDir

    target = DataDir(tmp_path / "cap-tren")
    result = run(target, "--json", "init", "--commune-code", UPPER.commune_code, "--commune-name",
                 UPPER.commune_name, "--province-code", UPPER.province_code, "--province-name",
                 UPPER.province_name, *extra)
    assert result.code == 2
    assert words in result.stderr
    assert not target.database.exists()


def test_init_refuses_another_programs_database(tmp_path, upper_engine_pg):
    from desktop.paths import DataDir

    url = new_test_database()
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    target = DataDir(tmp_path / "cap-tren")
    result = run(target, "--json", "init", "--mode", "upper", "--commune-code", UPPER.commune_code,
                 "--commune-name", UPPER.commune_name, "--province-code", UPPER.province_code,
                 "--province-name", UPPER.province_name, "--database", url)
    assert result.code == 2 and "chương trình khác" in result.stderr
    assert not target.database.exists()
    with psycopg.connect(url) as conn:
        assert [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'public'")] == ["invoices"]


# --------------------------------------------------------------------------- several officers at once


def _import_in_thread(upper, paths, results, index, start: threading.Barrier | None = None):
    def work():
        with Books.open(upper) as books:
            if start is not None:
                start.wait()
            results[index] = [r.status.value for r in import_packages(books, paths)]
    thread = threading.Thread(target=work)
    thread.start()
    return thread


def test_imports_of_different_communes_do_not_wait_for_each_other(pg_upper, packages):
    """Commune A's import is held inside its transaction (after its rows are in); commune B's goes in and
    commits meanwhile; then A finishes. Neither saw the other's lock."""
    inside, release = threading.Event(), threading.Event()
    real = bulk.copy_rows

    def held(store, staging, commune_id):
        moved = real(store, staging, commune_id)
        if store.execute("SELECT code FROM upper_commune WHERE id = ?", (commune_id,)).fetchone()[0] == "10601":
            inside.set()
            assert release.wait(30)
        return moved

    results: dict[int, list[str]] = {}
    upper_module.copy_rows = held
    try:
        a = _import_in_thread(pg_upper, [packages["10601"][1]], results, 0)
        assert inside.wait(30)
        started = time.monotonic()
        b = _import_in_thread(pg_upper, [packages["10602"][1]], results, 1)
        b.join(30)
        assert not b.is_alive() and results[1] == ["imported"]
        assert time.monotonic() - started < 20
        # While A is still inside its transaction, the store shows B and not A: the report sees the state
        # before A's import, never half of it.
        with Books.open(pg_upper) as books:
            assert [c["code"] for c in upper_module.communes(books)] == ["10602"]
            during = consolidate(books, AS_OF.replace(year=2025), AS_OF)
            assert [line.code for line in during.communes] == ["10602"]
        release.set()
        a.join(30)
    finally:
        release.set()
        upper_module.copy_rows = real
    assert results[0] == ["imported"]
    with Books.open(pg_upper) as books:
        assert [c["code"] for c in upper_module.communes(books)] == ["10601", "10602"]


def test_imports_of_the_same_commune_wait_for_each_other(pg_upper, packages):
    """A's second package is held inside its transaction; an import of the same package from another
    session waits for it, then finds it "unchanged": applied once."""
    first, second = packages["10603"]
    assert run(pg_upper, "upper", "import", str(first)).code == 0
    inside, release = threading.Event(), threading.Event()
    real = bulk.copy_rows

    def held(store, staging, commune_id):
        moved = real(store, staging, commune_id)
        if not inside.is_set():
            inside.set()
            assert release.wait(30)
        return moved

    results: dict[int, list[str]] = {}
    upper_module.copy_rows = held
    try:
        a = _import_in_thread(pg_upper, [second], results, 0)
        assert inside.wait(30)
        b = _import_in_thread(pg_upper, [second], results, 1)
        time.sleep(1.5)
        assert b.is_alive(), "the second import of the same commune did not wait for the first"
        release.set()
        a.join(30)
        b.join(30)
    finally:
        release.set()
        upper_module.copy_rows = real
    assert results == {0: ["imported"], 1: ["unchanged"]}
    log = run(pg_upper, "--json", "upper", "log").json["imports"]
    assert [(r["commune_code"], r["seq"]) for r in log] == [("10603", 1), ("10603", 2)]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_racing_imports_of_one_commune_lose_nothing_and_never_go_back(tmp_path, packages, engine, request):
    """Packages 1 and 2 of one commune, and 2 again, imported at the same instant from three sessions, five
    times over: the store always ends on package 2 with its rows once, and the log never has 1 after 2."""
    if engine == "postgresql":
        request.getfixturevalue("upper_engine_pg")
    first, second = packages["10601"]
    for attempt in range(5):
        upper = make_upper(tmp_path / f"try{attempt}")
        results: dict[int, list[str]] = {}
        start = threading.Barrier(3)
        racing = (first, second, second)
        threads = [_import_in_thread(upper, [path], results, i, start) for i, path in enumerate(racing)]
        for thread in threads:
            thread.join(60)
        assert sorted(results[1] + results[2]) == ["imported", "unchanged"], results
        assert results[0] in (["imported"], ["older"])
        log = [r["seq"] for r in run(upper, "--json", "upper", "log").json["imports"]]
        assert log in ([1, 2], [2]), log
        with Books.open(upper) as books:
            store = upper_store(books)
            assert store.execute("SELECT last_seq FROM upper_commune").fetchall()[0][0] == 2
            assert store.execute("SELECT count(*) FROM upper_household").fetchone()[0] == 40


# --------------------------------------------------------------------------- moving up


def test_a_twenty_commune_sqlite_store_moves_to_postgresql_equal(tmp_path_factory, upper_engine_pg):
    from tests import sync_helpers

    root = tmp_path_factory.mktemp("move")
    sync_helpers.UPPER_ENGINE = "sqlite"
    upper = make_upper(root)
    paths = [export(make_commune(root, f"{10700 + i:05d}", seed=200 + i, households=12), root / "out")
             for i in range(20)]
    assert run(upper, "upper", "import", *map(str, paths)).code == 0
    before_report = run(upper, "--json", "upper", "report", *PERIOD).json
    before_duplicates = run(upper, "--json", "upper", "duplicates").json
    with Books.open(upper) as books:
        original = contents(upper_store(books))
    lite_rows = books_digest(upper.database)

    url = new_test_database()
    moved = run(upper, "--json", "upper", "migrate", "--to", url)
    assert moved.code == 0, moved.stderr
    assert moved.json["equal"] is True and moved.json["communes"] == 20
    assert moved.json["tables"] == {table: len(rows) for table, rows in original.items()}
    assert moved.json["tables"]["upper_commune"] == 20 and moved.json["tables"]["upper_household"] == 240

    with Books.open(upper) as books:
        assert engine_of(books) == POSTGRESQL
        assert contents(upper_store(books)) == original
        # The SQLite store's rows are all still there (only the unit's setting named the server).
        assert books.conn.execute("SELECT count(*) FROM upper_household").fetchone()[0] == 240
    assert lite_rows != books_digest(upper.database)  # the setting
    assert run(upper, "--json", "upper", "report", *PERIOD).json == before_report
    assert run(upper, "--json", "upper", "duplicates").json == before_duplicates
    # A newer package still goes in after the move, with a fresh id.
    again = run(upper, "--json", "upper", "import",
                str(export(make_commune(root, "10799", seed=299, households=5), root / "out")))
    assert again.code == 0 and again.json["results"][0]["status"] == "imported"

    refused = run(upper, "--json", "upper", "migrate", "--to", url)
    assert refused.code == 2 and "đã ở trên máy chủ PostgreSQL" in refused.stderr


def test_migrate_refuses_a_store_that_already_holds_communes(tmp_path, packages, upper_engine_pg):
    from tests import sync_helpers

    on_server = make_upper(tmp_path / "server")
    assert run(on_server, "upper", "import", str(packages["10601"][1])).code == 0
    with Books.open(on_server) as books:
        url = books.setting("upper_database")
    sync_helpers.UPPER_ENGINE = "sqlite"
    local = make_upper(tmp_path / "local")
    assert run(local, "upper", "import", str(packages["10602"][1])).code == 0
    before = store_state(local), store_state(on_server)
    refused = run(local, "--json", "upper", "migrate", "--to", url)
    assert refused.code == 2 and "đã có 1 xã" in refused.stderr
    assert (store_state(local), store_state(on_server)) == before
