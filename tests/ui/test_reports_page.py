"""Báo cáo: every report previews; the periodic report's XLSX from the page carries the totals of
``period_report``; the register filters; printing goes through the PDF preview to a QPrinter."""

from __future__ import annotations

from datetime import date

import openpyxl
from PySide6.QtPrintSupport import QPrinter

from desktop import clock
from desktop.reports.catalogue import REPORTS
from desktop.reports.period import period_report
from desktop.services.households import HouseholdQuery, count_households


def _previewed(qtbot, page, key=None):
    if key:
        page.select(key)
    else:
        page.preview()
    qtbot.waitUntil(lambda: page.shown_generation == page._generation, timeout=15000)
    return page.model


def test_the_chooser_lists_exactly_the_catalogues_reports(window):
    page = window.go("reports")
    listed = [(page.choice.itemData(i), page.choice.itemText(i)) for i in range(page.choice.count())]
    assert listed == [(report.key, report.title) for report in REPORTS]
    assert page.reports is REPORTS


def test_every_report_previews_as_a_table(window, qtbot):
    page = window.go("reports")
    for report in page.reports:
        model = _previewed(qtbot, page, report.key)
        assert model.columnCount() > 3, report.key
        assert model.rowCount() > 0, report.key
        # The page shows the options the catalogue says the report reads (the period chooser gives start and
        # end; the due list keeps the catalogue's horizon), and names the file as the catalogue does.
        shown = {key for key, (_, widget) in page._option_rows.items() if widget.isVisibleTo(page)}
        assert shown == set(report.inputs) - {"end", "within_days"}, report.key
        assert page.default_path("xlsx").name == f"{report.stem(page.values())}.xlsx"
    # The options follow the report: the ledger needs a project, the register its filters.
    page.select("ledger")
    assert page.project.isVisibleTo(page) and not page.period.isVisibleTo(page)
    page.select("households")
    assert page.hamlet.isVisibleTo(page) and not page.project.isVisibleTo(page)


def test_periodic_report_xlsx_from_the_page_matches_period_report(window, qtbot, demo_books, tmp_path):
    page = window.go("reports")
    page.select("period")
    assert page.period.preset.currentText().startswith("6 tháng đầu năm")
    page.period.preset.setCurrentIndex(page.period.preset.findText(f"Cả năm {clock.today().year - 1}"))
    start, end = page.period.period()
    assert (start, end) == (date(clock.today().year - 1, 1, 1), date(clock.today().year - 1, 12, 31))
    page.period.set_period(date(2021, 1, 1), clock.today())  # typed dates: a custom period
    assert page.period.preset.currentData() == "custom"
    model = _previewed(qtbot, page)
    page.last_path = None
    page.export("xlsx", tmp_path / "dinh-ky")
    qtbot.waitUntil(lambda: page.last_path is not None, timeout=20000)
    assert page.last_path.name == "dinh-ky.xlsx"
    expected = period_report(demo_books.conn, date(2021, 1, 1), clock.today()).totals
    sheet = openpyxl.load_workbook(page.last_path).worksheets[0]
    # The formal report: the recovery table's headers, then its totals row.
    headers, totals = {}, None
    for row in sheet.iter_rows(values_only=True):
        if "Thu hồi trong kỳ" in row and not headers:
            headers = {value: index for index, value in enumerate(row) if value}
        elif headers and totals is None and row[1] == "Tổng cộng":
            totals = row
    assert expected.recovered_in_period > 0
    assert totals[headers["Thu hồi trong kỳ"]] == expected.recovered_in_period
    assert totals[headers["Số dư quỹ"]] == expected.fund_balance
    # The preview's totals line shows the same figure.
    kind, values = model.line(model.rowCount() - 1)
    assert kind == "total" and values[model.column_index("Thu hồi trong kỳ")] == expected.recovered_in_period


def test_household_register_filters_and_writes_a_pdf_that_prints(window, qtbot, demo_books, tmp_path):
    page = window.go("reports")
    page.select("households")
    page.category.setCurrentIndex(1)
    category = page.category.currentData()
    model = _previewed(qtbot, page)
    expected = count_households(demo_books, HouseholdQuery(category=category))
    assert sum(1 for r in range(model.rowCount()) if model.line(r)[0] == "row") == expected
    page.last_preview = None
    page.print_report()
    qtbot.waitUntil(lambda: page.last_preview is not None, timeout=20000)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "in.pdf"))
    assert page.last_preview.print_to(printer) >= 1
    assert (tmp_path / "in.pdf").read_bytes().startswith(b"%PDF")
    page.last_preview.close()


def test_a_period_that_ends_before_it_starts_is_refused_on_the_page(window, qtbot):
    page = window.go("reports")
    page.select("period")
    page.period.set_period(date(2026, 6, 30), date(2026, 1, 1))
    _previewed(qtbot, page)
    assert "sau ngày kết thúc" in page.status.text()
    assert page.model.rowCount() == 0


def test_the_periodic_table_gets_the_page_width_under_group_titles_spanning_their_columns(window, qtbot):
    from PySide6.QtCore import Qt

    from desktop.reports.period_doc import HOUSEHOLDS, PERIOD_COLUMNS
    from ui.grouped_header import GROUP_ROLE

    page = window.go("reports")
    model = _previewed(qtbot, page, "period")
    # The chooser is a combo box above the table, so the table has the page's whole width.
    assert page.choice.currentData() == "period"
    assert page.choice.geometry().bottom() < page.table.geometry().top()
    assert page.table.width() > 0.95 * page.width()
    header = page.table.horizontalHeader()
    first = model.column_index("Tổng số", HOUSEHOLDS)
    size = sum(1 for group, *_ in PERIOD_COLUMNS if group == HOUSEHOLDS)
    # The group title is said once, across its columns; each column shows only its own title (tooltip: both).
    assert header.span(first) == (first, first + size - 1)
    assert model.headerData(first, Qt.Orientation.Horizontal) == "Tổng số"
    assert model.headerData(first, Qt.Orientation.Horizontal, GROUP_ROLE) == HOUSEHOLDS
    assert model.headerData(first, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == f"{HOUSEHOLDS} — Tổng số"
    metrics = header.fontMetrics()
    assert header.sectionSize(first) < metrics.horizontalAdvance(HOUSEHOLDS)  # not repeated over each column
    spanned = sum(header.sectionSize(first + i) for i in range(size))
    assert spanned >= metrics.horizontalAdvance(HOUSEHOLDS)  # yet the title fits on one line across them
    for column in range(model.columnCount()):  # every column's own title fits in two lines at its width
        title = model.headerData(column, Qt.Orientation.Horizontal)
        longest = max(metrics.horizontalAdvance(word) for word in title.split())
        assert header.sectionSize(column) >= longest, title
    assert header.height() >= 3 * metrics.height()  # the group row above two lines of titles
