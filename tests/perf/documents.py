"""Documents: receipts as PDF, the periodic report, the household register as XLSX."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop.books import Books
from desktop.paths import DataDir
from tests.perf.common import AS_OF, peak_memory, report, timed


def bench_receipts(data_dir: DataDir, root: Path, count: int = 1000) -> None:
    """``count`` receipts into one PDF through the receipt module, against reportlab drawing the same
    strings and QR code with bare canvas calls at fixed places (no wrapping, no layout)."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    from desktop.reports.fonts import SERIF, SERIF_BOLD, register_fonts
    from desktop.reports.receipt_pdf import _qr, write_receipts
    from desktop.services.receipts import receipt_views

    register_fonts()
    with Books.open(data_dir) as books:
        views = receipt_views(books)[:count]
    # Best of three each: a shared machine moves a single two-second run by a third.
    figure = timed(lambda: write_receipts(root / "receipts.pdf", views, {}), repeat=3)

    def bare(qr: bool = True) -> None:
        canvas = Canvas(str(root / "floor-receipts.pdf"), pagesize=A5, pageCompression=1)
        for v in views:
            y = 560.0
            canvas.setFont(SERIF_BOLD, 17)
            canvas.drawCentredString(210, y, "PHIẾU THU")
            canvas.setFont(SERIF, 10.5)
            for line in (v.unit_name, v.unit_budget_code, "Mẫu số C40-BB", f"Quyển số: {v.book}", f"Số: {v.number}",
                         v.payer, v.address, v.reason, f"{v.amount}", v.amount_words, v.household_code,
                         v.project_name, f"{v.outstanding_after}", str(v.next_due_on), v.chairman, v.accountant,
                         v.clerk, v.payer, v.cashier, v.amount_words):
                y -= 14
                canvas.drawString(30, y, line)
            if qr:
                _qr(canvas, v.qr_payload, 330, 300, 62)
            canvas.showPage()
        canvas.save()

    floor = timed(bare, repeat=3)
    no_qr = timed(lambda: bare(qr=False), repeat=3)
    size_kb = (root / "receipts.pdf").stat().st_size / 1024
    report(f"{len(views):,} receipts into one PDF ({size_kb:.0f} KB)", figure, floor,
           floor_name="bare reportlab canvas, same strings and QR")
    report(f"{len(views):,} receipts into one PDF, against a bare PDF without QR", figure, no_qr,
           floor_name="bare reportlab canvas, same strings, no QR")


def bench_period(data_dir: DataDir, root: Path) -> None:
    """The periodic report for the demo's last year, computed and written as XLSX and PDF, against one bare
    aggregate query over the same supports and receipts."""
    from desktop.reports import tabular
    from desktop.reports.period import period_report
    from desktop.reports.period_doc import period_doc

    start, end = date(AS_OF.year - 1, 1, 1), date(AS_OF.year - 1, 12, 31)
    with Books.open(data_dir) as books:
        result = []
        figure = timed(lambda: result.append(period_report(books.conn, start, end)), repeat=3)
        floor = timed(lambda: books.conn.execute(
            """SELECT m.project_id, sum(m.support_amount), sum(m.to_return), count(DISTINCT m.household_id),
                      (SELECT sum(a.amount) FROM allocation a JOIN receipt r ON r.id = a.receipt_id
                       WHERE r.project_id = m.project_id AND r.voided_at IS NULL AND r.issued_on <= ?)
               FROM membership m WHERE m.supported_on <= ? GROUP BY m.project_id""",
            (end.isoformat(), end.isoformat())).fetchall(), repeat=3)
        memory = peak_memory(lambda: period_report(books.conn, start, end))
    period = result[-1]
    report(f"periodic report {start:%Y}: {len(period.projects)} projects, {period.households_distinct:,} households "
           f"(peak {memory:.1f} MB)", figure, floor, floor_name="one bare aggregate query")
    doc = period_doc(period)
    xlsx = timed(lambda: tabular.write(root / "period.xlsx", doc, "xlsx"))
    pdf = timed(lambda: tabular.write(root / "period.pdf", doc, "pdf"))
    report(f"periodic report written: XLSX {xlsx * 1000:.0f} ms, PDF", pdf, xlsx, floor_name="the XLSX")


def bench_register(data_dir: DataDir, root: Path) -> None:
    """The household register of every household as XLSX (streamed, styled, totals), against openpyxl's
    write-only mode dumping the same SQL rows with no styles at all."""
    from openpyxl import Workbook

    from desktop.reports import tabular
    from desktop.reports.household_register import _HOUSEHOLD_SQL, household_register_doc

    with Books.open(data_dir) as books:
        settings = books.settings()
        count = books.conn.execute("SELECT count(*) FROM household").fetchone()[0]
        out = root / "register.xlsx"
        figure = timed(lambda: tabular.write(out, household_register_doc(books.conn, settings), "xlsx"))

        def bare() -> None:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("raw")
            for row in books.conn.execute(_HOUSEHOLD_SQL.format(where=""), (AS_OF.isoformat(),)):
                sheet.append(tuple(row))
            workbook.save(root / "floor-register.xlsx")

        floor = timed(bare)
        memory = peak_memory(lambda: tabular.write(out, household_register_doc(books.conn, settings), "xlsx"))
    size_mb = out.stat().st_size / 1e6
    report(f"household register XLSX, {count:,} households ({size_mb:.1f} MB file, peak {memory:.1f} MB)", figure,
           floor, floor_name="write-only dump of the same rows, no styles")
