"""One receipt filter: the receipts a ``ReceiptFilter`` selects are the same through its SQL condition, the
window's register, the batch print and ``vonxoay-cli receipt pdf``."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from desktop.errors import Refused
from desktop.queries.receipts import ReceiptFilter, receipt_condition
from desktop.services import payments
from desktop.services.dashboard import receipt_register
from desktop.services.receipts import receipt_views
from tests.reports.conftest import build_commune

# Every receipt of the commune, as (household, issued on, book); the fourth one is voided.
ALL = {
    ("H001", "2023-03-01", "01"), ("H002", "2023-03-15", "01"), ("H003", "2023-04-01", "01"),
    ("H003", "2023-04-02", "01"), ("H004", "2023-05-01", "01"), ("H006", "2023-06-01", "01"),
    ("H001", "2024-02-01", "01"), ("H004", "2024-05-20", "01"),
    ("H002", "2023-04-02", "02"),  # another receipt book, on the last day of the range below
}


@pytest.fixture
def commune(books):
    build_commune(books)
    payments.record_payment(books, payments.PaymentInput("DA01", "H002", 1_000_000, date(2023, 4, 2), book="02"))
    return books


def by_condition(books, selected: ReceiptFilter) -> set:
    condition, params = receipt_condition(selected, alias="r")
    rows = books.conn.execute(f"""SELECT h.code, r.issued_on, r.book FROM receipt r
                                   JOIN household h ON h.id = r.household_id WHERE {condition}""", params)
    return {tuple(row) for row in rows}


def in_register(books, selected: ReceiptFilter) -> set:
    return {(r["household"], r["issued_on"], r["book"]) for r in receipt_register(books, selected)}


def in_batch(books, selected: ReceiptFilter) -> set:
    return {(v.household_code, v.issued_on.isoformat(), v.book) for v in receipt_views(books, selected)}


@pytest.mark.parametrize(("selected", "expected"), [
    (ReceiptFilter(), ALL),
    (ReceiptFilter(book="02"), {("H002", "2023-04-02", "02")}),
    (ReceiptFilter(book="01"), ALL - {("H002", "2023-04-02", "02")}),
    # Both ends included: the receipts of 15/03 and of 02/04 (voided or in another book) are in.
    (ReceiptFilter(date_from=date(2023, 3, 15), date_to=date(2023, 4, 2)),
     {("H002", "2023-03-15", "01"), ("H003", "2023-04-01", "01"), ("H003", "2023-04-02", "01"),
      ("H002", "2023-04-02", "02")}),
    (ReceiptFilter(date_from=date(2024, 2, 1)), {("H001", "2024-02-01", "01"), ("H004", "2024-05-20", "01")}),
    (ReceiptFilter(date_to=date(2023, 3, 1)), {("H001", "2023-03-01", "01")}),
    (ReceiptFilter(project="DA02"),
     {("H004", "2023-05-01", "01"), ("H006", "2023-06-01", "01"), ("H004", "2024-05-20", "01")}),
    (ReceiptFilter(book="01", project="DA01", date_from=date(2023, 4, 1), date_to=date(2024, 12, 31)),
     {("H003", "2023-04-01", "01"), ("H003", "2023-04-02", "01"), ("H001", "2024-02-01", "01")}),
])
def test_the_register_and_the_batch_print_select_exactly_what_the_filter_says(commune, selected, expected):
    assert by_condition(commune, selected) == expected
    assert in_register(commune, selected) == expected
    assert in_batch(commune, selected) == expected


def test_a_filter_that_selects_nothing_gives_an_empty_register_and_refuses_the_batch(commune):
    nothing = ReceiptFilter(date_from=date(2025, 1, 1))
    assert in_register(commune, nothing) == set()
    with pytest.raises(Refused, match="Không có phiếu thu nào khớp"):
        receipt_views(commune, nothing)


def test_the_batch_print_takes_the_project_code_as_typed_and_refuses_an_unknown_one(commune):
    assert in_batch(commune, ReceiptFilter(project="da02")) == in_batch(commune, ReceiptFilter(project="DA02"))
    with pytest.raises(Refused, match="Không có dự án mã “DA99”"):
        receipt_views(commune, ReceiptFilter(project="DA99"))


def test_the_cli_batch_prints_the_receipts_the_filter_selects(commune, cli, tmp_path):
    out = tmp_path / "batch.pdf"
    result = cli("--json", "receipt", "pdf", "--project", "DA01", "--from", "2023-03-15", "--to", "2023-04-02",
                 "--out", str(out))
    assert result.code == 0, result.stderr
    expected = by_condition(commune, ReceiptFilter(project="DA01", date_from=date(2023, 3, 15),
                                                   date_to=date(2023, 4, 2)))
    assert result.json["receipts"] == len(PdfReader(out).pages) == len(expected) == 4
