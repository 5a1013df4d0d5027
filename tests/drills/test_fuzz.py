"""Bounded fuzzing of what the program reads from outside: typed amounts, dates and ID numbers, policy files,
and whatever file sits where the books should be. Each either gives a result or a ``Refused`` with a
Vietnamese message; nothing else escapes, and a refused file is not changed by a single byte.

The Excel household import and the sync-package import are fuzzed under the same contract in
``test_fuzz_importers.py``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from drill_commune import file_digest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop.books import Books
from desktop.dates import parse_date
from desktop.errors import Refused
from desktop.fund import amount_to_return, plan_schedule
from desktop.idnumbers import normalise_id_number
from desktop.money import MAX_AMOUNT, format_vnd, parse_amount
from desktop.paths import DataDir
from desktop.policy import load_policy, parse_policy
from desktop.resources import resource_path
from desktop.services.checks import check_books

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TRIED: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def fuzz_figures(drill_figures, module_failures):
    yield
    drill_figures.append(
        f"fuzz: {TRIED['typed']} typed amounts/dates/ID numbers, {TRIED['policy']} policy files and data, "
        f"{TRIED['file']} files opened as books ({TRIED['refused']} refused untouched, {TRIED['opened']} opened "
        f"and checked, {TRIED['damage found']} with the damage reported by check), problems found: {module_failures()}")
QUICK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a clerk could type or paste: digits and the separators that matter, plus anything at all.
typed = st.one_of(
    st.text(alphabet="0123456789 .,-/đồngvnĐ\u00a0\u2212", max_size=30),
    st.text(max_size=40),
)


def refused_in_vietnamese(refusal: Refused) -> None:
    assert refusal.message and refusal.message == str(refusal)
    assert not refusal.message.isascii(), "the clerk reads Vietnamese"


# --------------------------------------------------------------------------- typed values


@QUICK
@given(typed)
def test_amount_parsing_gives_whole_dong_or_a_refusal(text):
    TRIED["typed"] += 1
    try:
        amount = parse_amount(text)
    except Refused as refusal:
        return refused_in_vietnamese(refusal)
    assert isinstance(amount, int) and 0 <= amount <= MAX_AMOUNT


@QUICK
@given(st.integers(min_value=0, max_value=MAX_AMOUNT))
def test_every_amount_survives_being_shown_and_read_back(amount):
    assert parse_amount(format_vnd(amount)) == amount
    assert parse_amount(format_vnd(amount) + " đ") == amount


@QUICK
@given(st.one_of(typed, st.dates().map(lambda d: d.strftime("%d/%m/%Y")), st.dates().map(date.isoformat)))
def test_date_parsing_gives_a_real_date_or_a_refusal(text):
    TRIED["typed"] += 1
    try:
        parsed = parse_date(text)
    except Refused as refusal:
        return refused_in_vietnamese(refusal)
    assert isinstance(parsed, date)


@QUICK
@given(st.one_of(typed, st.from_regex(r"0[0-9]{2}[0-9]{3}[0-9]{6}", fullmatch=True)))
def test_id_number_gives_twelve_digits_nothing_or_a_refusal(text):
    TRIED["typed"] += 1
    try:
        digits = normalise_id_number(text, today=date(2026, 1, 1))
    except Refused as refusal:
        return refused_in_vietnamese(refusal)
    assert digits is None or (len(digits) == 12 and digits.isdigit() and digits.isascii())


# --------------------------------------------------------------------------- policy files

SHIPPED_POLICY = resource_path("policies", "hai-duong-2019.toml").read_text(encoding="utf-8")
# TOML values that could land where a number is expected: typos, units, extremes.
toml_values = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["inf", "-inf", "nan", "1.5", "0.0", "true", "false", '"7.000.000"', '""', "[]", "[0]",
                     "[24, 12]", "[12, 12]", "{}", "1e400", "0x10", "1979-05-27"]),
    st.text(max_size=12).map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
)
policy_values = [line.split("=", 1)[0] for line in SHIPPED_POLICY.splitlines()
                 if "=" in line and not line.startswith("#")]


def checked_policy(text: str, folder: Path):
    path = folder / "quy-dinh.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return load_policy(path)


@QUICK
@given(st.lists(st.tuples(st.sampled_from(policy_values), toml_values), min_size=1, max_size=4))
# Found by this fuzz once, kept as fixed cases: infinity crashed int(); 1.5 was silently cut to 1; a last
# installment 10^11 months away crashed the schedule.
@example([("poor ", "inf")])
@example([("rounding_unit ", "1.5")])
@example([("share_numerator ", "true")])
@example([("installment_months ", "[12, 100000000000]")])
def test_policy_file_with_wrong_values_is_refused_or_plans_whole_schedules(changes):
    TRIED["policy"] += 1
    text = SHIPPED_POLICY
    for key, value in changes:
        text = "\n".join(f"{key}= {value}" if line.startswith(key + "=") else line for line in text.splitlines())
    with tempfile.TemporaryDirectory() as folder:
        try:
            policy = checked_policy(text, Path(folder))
        except Refused as refusal:
            return refused_in_vietnamese(refusal)
    # An accepted policy must be usable: the schedule of a support adds up to what is to be returned.
    support = policy.support["poor"] or 1_000_000
    schedule = plan_schedule(support, date(2025, 1, 1), policy)
    assert sum(i.amount for i in schedule) == amount_to_return(support, policy)
    assert all(i.amount >= 0 for i in schedule)


@QUICK
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_policy_file_of_any_text_is_refused_or_read(text):
    TRIED["policy"] += 1
    with tempfile.TemporaryDirectory() as folder:
        try:
            checked_policy(text, Path(folder))
        except Refused as refusal:
            refused_in_vietnamese(refusal)


# Any shape TOML could produce where a policy is expected: scalars, lists and tables, nested.
policy_shapes = st.deferred(lambda: st.one_of(
    st.integers(), st.text(max_size=5), st.booleans(), st.floats(),
    st.lists(policy_shapes, max_size=3),
    st.dictionaries(st.sampled_from(["code", "name", "support", "poor", "repayment", "limits"]), policy_shapes,
                    max_size=4),
))


@QUICK
@given(policy_shapes)
def test_policy_data_of_any_shape_is_refused_or_read(raw):
    TRIED["policy"] += 1
    try:
        parse_policy(raw if isinstance(raw, dict) else {"support": raw}, "thử.toml")
    except Refused as refusal:
        refused_in_vietnamese(refusal)


# --------------------------------------------------------------------------- whatever sits where the books are


def open_whatever(content: bytes) -> None:
    """Put ``content`` where the books live and open it: books that work, or a refusal that wrote nothing."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = DataDir(Path(folder) / "data")
        data_dir.root.mkdir()
        data_dir.database.write_bytes(content)
        before = file_digest(data_dir.database)
        TRIED["file"] += 1
        try:
            books = Books.open(data_dir)
        except Refused as refusal:
            refused_in_vietnamese(refusal)
            TRIED["refused"] += 1
            assert file_digest(data_dir.database) == before, "a refused file was changed"
            # SQLite may leave its (empty) write-ahead log and index beside a file it could not read to the end;
            # an empty log changes nothing on the next opening.
            wal = data_dir.root / "vonxoay.sqlite-wal"
            assert not wal.exists() or wal.stat().st_size == 0, "a refused file got a write-ahead log"
            assert {p.name for p in data_dir.root.iterdir()} <= {"vonxoay.sqlite", wal.name, "vonxoay.sqlite-shm"}
            return
        TRIED["opened"] += 1
        with books:
            # Opened: the clerk's next step is `check`, which reports damage instead of crashing on it.
            problems = check_books(books)
            assert all(problem["message"] for problem in problems)
            TRIED["damage found"] += bool(problems)


@FILES
@given(st.binary(max_size=4096))
def test_any_bytes_where_the_books_should_be_are_refused_untouched(content):
    open_whatever(content)


@FILES
@given(st.binary(min_size=0, max_size=4096))
def test_sqlite_looking_garbage_is_refused_untouched(tail):
    open_whatever(b"SQLite format 3\x00" + tail)


def books_as_the_program_leaves_them() -> bytes:
    """The v3 fixture after the program opened and closed it: upgraded, in WAL mode, catalogue current."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = DataDir(Path(folder))
        shutil.copyfile(FIXTURES / "schema_v3.sqlite", data_dir.database)
        Books.open(data_dir).close()
        return data_dir.database.read_bytes()


BOOKS_BYTES = books_as_the_program_leaves_them()
damage = st.lists(st.tuples(st.integers(min_value=0, max_value=len(BOOKS_BYTES) - 1),
                            st.binary(min_size=1, max_size=64)), min_size=1, max_size=6)


def damaged(changes) -> bytes:
    data = bytearray(BOOKS_BYTES)
    for offset, chunk in changes:
        data[offset:offset + len(chunk)] = chunk
    return bytes(data[: len(BOOKS_BYTES)])


# Found by this fuzz once, kept as fixed cases: a table definition that is not UTF-8 (a UnicodeDecodeError
# escaped), and a negative user_version (the upgrade ladder was indexed with it).
SCHEMA_TEXT = BOOKS_BYTES.find(b"CREATE TABLE allocation")


@FILES
@given(damage)
@example([(SCHEMA_TEXT + 20, b"\x80")])
@example([(60, b"\x80\x00\x00\x00")])
def test_damaged_books_open_and_check_or_are_refused_untouched(changes):
    open_whatever(damaged(changes))


@pytest.mark.slow
@LONG
@given(damage)
def test_damaged_books_long_fuzz(changes):
    open_whatever(damaged(changes))


def test_undamaged_books_open_and_check_clean():
    """The base of the damage fuzz is sound, so what the fuzz finds is the damage's doing."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = DataDir(Path(folder))
        data_dir.database.write_bytes(BOOKS_BYTES)
        with Books.open(data_dir) as books:
            assert check_books(books) == []
