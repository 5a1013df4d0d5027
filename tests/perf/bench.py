"""The benchmark table: each figure beside a floor measured in the same run on the same data.

    python tests/perf/bench.py [--households 100000] [--payments 100000] [--communes 200] [--only NAME ...]

Floors are what the same rows cost with nothing of ours in the way (raw SQLite statements), so the ratio
says what the program's own layers add. Figures are printed, never asserted: wall time depends on the
machine; the ratio much less so.
"""

from __future__ import annotations

import argparse
import platform
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.books import Books  # noqa: E402
from desktop.paths import DataDir  # noqa: E402
from desktop.services import payments, schedules  # noqa: E402
from desktop.services.demo import make_demo  # noqa: E402
from desktop.services.households import HouseholdQuery, list_households  # noqa: E402

AS_OF = date(2026, 6, 30)
RESULTS: list[tuple[str, str, str, str]] = []
PEAKS: list[str] = []


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Best of ``repeat`` runs, in seconds: the least disturbed by whatever else the machine does."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def report(name: str, figure: float, floor: float | None, unit: str = "s", floor_name: str = "") -> None:
    def show(value: float) -> str:
        return f"{value * 1000:.1f} ms" if unit == "s" and value < 1 else f"{value:.2f} {unit}"

    ratio = f"{figure / floor:.2f}×" if floor else "—"
    RESULTS.append((name, show(figure), f"{show(floor)} ({floor_name})" if floor else "—", ratio))
    print(f"  {name}: {show(figure)}; floor {floor_name}: {show(floor) if floor else '—'}; ratio {ratio}",
          flush=True)


def bench_demo(root: Path, households: int) -> DataDir:
    data_dir = DataDir(root / "demo")
    figure = timed(lambda: make_demo(data_dir, households=households, seed=1, as_of=AS_OF))
    # Floor: the very rows the demo wrote (every table), inserted with raw executemany into an empty copy of
    # the same schema (same indexes and constraints), in one transaction, as the demo does.
    with Books.open(data_dir) as books:
        schema = [sql for (sql,) in books.conn.execute(
            "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        tables = [name for (name,) in books.conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        rows = {t: books.conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    floor_db = sqlite3.connect(root / "floor-demo.sqlite", isolation_level=None)
    floor_db.execute("PRAGMA journal_mode = WAL")
    floor_db.execute("PRAGMA synchronous = FULL")
    for sql in schema:
        floor_db.execute(sql)

    def raw():
        floor_db.execute("BEGIN")
        for table in tables:
            if rows[table]:
                floor_db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[table][0]))})",
                                     rows[table])
        floor_db.execute("COMMIT")

    total = sum(len(r) for r in rows.values())
    report(f"`demo --households {households:,}` ({total:,} rows, all tables)", figure, timed(raw),
           floor_name="raw executemany of the same rows")
    floor_db.close()
    return data_dir


def bench_search(data_dir: DataDir) -> None:
    with Books.open(data_dir) as books:
        target = books.conn.execute("SELECT head_name FROM household ORDER BY id LIMIT 1 OFFSET "
                                    "(SELECT count(*) * 7 / 100 FROM household)").fetchone()[0]
        from desktop.text import fold

        folded = fold(target)
        found = []
        figure = timed(lambda: found.append(list_households(books, HouseholdQuery(search=folded))), repeat=5)
        floor = timed(lambda: books.conn.execute(
            "SELECT id FROM household WHERE search_key LIKE ?", (f"%{folded}%",)).fetchall(), repeat=5)
    report(f"search “{folded}” ({len(found[-1])} found)", figure, floor, floor_name="bare LIKE scan")


def bench_search_cli(data_dir: DataDir) -> None:
    """What the clerk's script sees: a whole ``vonxoay-cli household list --search`` process, against a
    bare Python process running the same LIKE query with the sqlite3 module."""
    import subprocess

    with Books.open(data_dir) as books:
        name = books.conn.execute("SELECT head_name FROM household ORDER BY id LIMIT 1 OFFSET "
                                  "(SELECT count(*) * 42 / 100 FROM household)").fetchone()[0]
    from desktop.text import fold

    folded = fold(name)
    command = [sys.executable, "-m", "desktop", "--data-dir", str(data_dir.root), "household", "list",
               "--search", folded, "--json"]
    bare = [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "print(len(c.execute('SELECT * FROM household WHERE search_key LIKE ?', ('%' + sys.argv[2] + '%',))"
            ".fetchall()))", str(data_dir.database), folded]
    root = Path(__file__).resolve().parents[2]
    figure = timed(lambda: subprocess.run(command, check=True, capture_output=True, cwd=root), repeat=3)
    floor = timed(lambda: subprocess.run(bare, check=True, capture_output=True), repeat=3)
    report(f"`household list --search “{folded}” --json` as a process", figure, floor,
           floor_name="bare python + sqlite3 process")


def bench_due(data_dir: DataDir) -> None:
    with Books.open(data_dir) as books:
        result = []
        figure = timed(lambda: result.append(schedules.due_list(books, AS_OF)), repeat=3)
        horizon = date.fromordinal(AS_OF.toordinal() + 30).isoformat()
        # Floor: the same installments (overdue or due within 30 days, money outstanding as of the date)
        # from one raw aggregate query, without the names, hamlets, aging or sorting the report adds.
        floor = timed(lambda: books.conn.execute(
            """WITH paid AS (SELECT a.installment_id, sum(a.amount) AS paid FROM allocation a
                             JOIN receipt r ON r.id = a.receipt_id
                             WHERE r.voided_at IS NULL AND r.issued_on <= ? GROUP BY a.installment_id)
               SELECT i.id, i.due_on, i.amount - coalesce(p.paid, 0) FROM installment i
               LEFT JOIN paid p ON p.installment_id = i.id
               WHERE i.due_on <= ? AND i.amount > coalesce(p.paid, 0)""",
            (AS_OF.isoformat(), horizon)).fetchall(), repeat=3)
    report(f"due/overdue list as of {AS_OF:%d/%m/%Y} ({len(result[-1]['rows']):,} rows)", figure, floor,
           floor_name="raw aggregate query")


def bench_payments(data_dir: DataDir, count: int) -> None:
    """``count`` payments of 1 000 đ through the service (one transaction each, as the clerk records
    them), against raw inserts of the same receipt and allocation rows, one transaction each."""
    with Books.open(data_dir) as books:
        debtors = books.conn.execute(
            """SELECT p.code, h.code, sum(i.amount) - coalesce(sum(paid.amount), 0) AS owed
               FROM installment i JOIN membership m ON m.id = i.membership_id
               JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
               LEFT JOIN (SELECT a.installment_id, sum(a.amount) AS amount FROM allocation a
                          JOIN receipt r ON r.id = a.receipt_id AND r.voided_at IS NULL
                          GROUP BY a.installment_id) paid ON paid.installment_id = i.id
               GROUP BY m.project_id, m.household_id HAVING owed >= 1000""").fetchall()
        # Spread the payments over every debtor, never more than one owes.
        capacity = {(p, h): owed // 1000 for p, h, owed in debtors}
        plan = []
        while len(plan) < count and capacity:
            for key in list(capacity):
                if len(plan) == count:
                    break
                plan.append(key)
                capacity[key] -= 1
                if capacity[key] == 0:
                    del capacity[key]
        today = date.today()
        start = time.perf_counter()
        for project, household in plan:
            payments.record_payment(books, payments.PaymentInput(project, household, 1000, today, book="BM"))
        figure = time.perf_counter() - start
        receipts = books.conn.execute(
            """SELECT r.*, a.installment_id, a.amount AS allocated FROM receipt r
               JOIN allocation a ON a.receipt_id = r.id WHERE r.book = 'BM' ORDER BY r.id""").fetchall()
        conn = books.conn
        start = time.perf_counter()
        for row in receipts:
            conn.execute("BEGIN IMMEDIATE")
            rid = conn.execute(
                """INSERT INTO receipt (uuid, book, year, number, issued_on, project_id, household_id, amount,
                   method, in_kind, payer, reason, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (str(uuid.uuid4()), "FL", row["year"], row["number"], row["issued_on"], row["project_id"],
                 row["household_id"], row["amount"], row["method"], row["in_kind"], row["payer"], row["reason"],
                 row["created_at"], row["created_by"])).lastrowid
            conn.execute("INSERT INTO allocation (uuid, receipt_id, installment_id, amount) VALUES (?,?,?,?)",
                         (str(uuid.uuid4()), rid, row["installment_id"], row["allocated"]))
            conn.execute("COMMIT")
        floor = time.perf_counter() - start
    count = len(plan)
    per = figure / count * 1e6
    report(f"{count:,} payments through the service ({per:.0f} µs each)", figure, floor,
           floor_name="raw INSERTs, one transaction each")


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
    figure = timed(lambda: write_receipts(root / "receipts.pdf", views, {}))

    def bare() -> None:
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
            _qr(canvas, v.qr_payload, 330, 300, 62)
            canvas.showPage()
        canvas.save()

    floor = timed(bare)
    size_kb = (root / "receipts.pdf").stat().st_size / 1024
    report(f"{len(views):,} receipts into one PDF ({size_kb:.0f} KB)", figure, floor,
           floor_name="bare reportlab canvas, same strings and QR")


def _commune_packages(root: Path, count: int, households: int, bases: int = 4) -> list[Path]:
    """``count`` signed packages of distinct communes, made cheaply: ``bases`` demo communes are generated
    and exported, then each package is re-issued under a new commune code and name and signed by that
    commune's own new key (the rows are the base's; ID numbers therefore repeat across communes)."""
    import hashlib
    import json
    import zipfile

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from desktop import signing
    from desktop.sync import format as fmt
    from desktop.sync.export import export_package

    sources = []
    for seed in range(1, bases + 1):
        data_dir = DataDir(root / f"base-{seed}")
        make_demo(data_dir, households=households, seed=seed, as_of=AS_OF)
        with Books.open(data_dir) as books:
            sources.append(export_package(books, root / "bases", as_of=AS_OF).path)
    base_entries = []
    for source in sources:
        with zipfile.ZipFile(source) as archive:
            base_entries.append({i.filename: archive.read(i) for i in archive.infolist()})
    out = root / "packages"
    out.mkdir()
    paths = []
    for index in range(count):
        entries = dict(base_entries[index % bases])
        code = f"{11000 + index:05d}"
        settings_path = fmt.part_path("settings")
        lines = entries[settings_path].decode().splitlines()
        for n, line in enumerate(lines[1:], start=1):
            key, value = json.loads(line)
            if key == "commune_code":
                lines[n] = json.dumps([key, code])
            elif key == "commune_name":
                lines[n] = json.dumps([key, f"Xã Mẫu {index + 1}"], ensure_ascii=False)
        data = ("\n".join(lines) + "\n").encode()
        entries[settings_path] = data
        manifest = json.loads(entries[fmt.MANIFEST])
        manifest["commune"] = {"code": code, "name": f"Xã Mẫu {index + 1}"}
        for part in manifest["parts"]:
            if part["table"] == "settings":
                part.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        key = Ed25519PrivateKey.generate()
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        manifest.update(public_key=raw.hex(), key_fingerprint=signing.fingerprint(raw))
        entries[fmt.MANIFEST] = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        entries[fmt.SIGNATURE] = key.sign(entries[fmt.MANIFEST])
        path = out / fmt.package_name("30", "290", code, 1, AS_OF)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, value in entries.items():
                archive.writestr(name, value)
        paths.append(path)
    return paths


def bench_upper_import(root: Path, communes: int, households: int) -> None:
    """``upper import`` of ``communes`` packages (verification, row checks, one transaction each), against
    raw executemany of the same rows into the same upper-store tables, one transaction, rows pre-parsed."""
    import json
    import zipfile

    from desktop.domain import Mode
    from desktop.services.settings import CommuneSetup, init_books
    from desktop.sync import format as fmt
    from desktop.sync.upper import ImportStatus, import_packages

    paths = _commune_packages(root, communes, households)
    setup = CommuneSetup("290", "Huyện Cẩm Giàng", "30", "Tỉnh Hải Dương", "30", "Tỉnh Hải Dương", Mode.UPPER)
    upper, _ = init_books(DataDir(root / "upper"), setup, actor="bench")
    with upper:
        start = time.perf_counter()
        results = import_packages(upper, paths)
        figure = time.perf_counter() - start
        assert all(r.status is ImportStatus.IMPORTED for r in results), results[0]
        rows = sum(r.rows for r in results)
    floor_books, _ = init_books(DataDir(root / "floor-upper"), setup, actor="bench")
    conn = floor_books.conn
    statements = {table: f"INSERT INTO upper_{table} (commune_id, {', '.join(cols)}) "
                         f"VALUES ({', '.join('?' * (len(cols) + 1))})" for table, cols in fmt.PART_COLUMNS.items()}
    floor = 0.0
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN")
    for number, path in enumerate(paths, start=1):
        with zipfile.ZipFile(path) as archive:
            parsed = {table: [(number, *json.loads(line)) for line in
                              archive.read(fmt.part_path(table)).decode().splitlines()[1:]]
                      for table in fmt.PARTS}
        start = time.perf_counter()
        for table, values in parsed.items():
            conn.executemany(statements[table], values)
        floor += time.perf_counter() - start
    start = time.perf_counter()
    conn.execute("COMMIT")
    floor += time.perf_counter() - start
    floor_books.close()
    size_mb = sum(p.stat().st_size for p in paths) / communes / 1024 / 1024
    report(f"upper import, {communes} communes × {households:,} households ({rows:,} rows, "
           f"{rows / figure:,.0f} rows/s; floor {rows / floor:,.0f} rows/s; {size_mb:.2f} MB a package)",
           figure, floor, floor_name="raw executemany of the same rows, one transaction")
def peak_memory(fn: Callable[[], object]) -> float:
    """Peak Python heap while ``fn`` runs, in MB (tracemalloc, in a separate run: it slows the code down)."""
    import tracemalloc

    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


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


BENCHMARKS = ["search", "due", "payments", "receipts", "period", "register", "window", "upper-import"]


_WINDOW_CHILD = """
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
start = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
if sys.argv[1] == "bare":
    from PySide6.QtWidgets import QLabel, QMainWindow
    window = QMainWindow()
    window.setCentralWidget(QLabel("VốnXoay"))
else:
    from desktop.books import Books
    from desktop.paths import DataDir
    from pathlib import Path
    from ui.main_window import MainWindow
    from ui.theme import apply_theme
    apply_theme(app)
    books = Books.open(DataDir(Path(sys.argv[2])))
    window = MainWindow(books, start_page=sys.argv[3])
window.resize(1366, 768)
window.show()
app.processEvents()
usable = time.perf_counter() - start
if sys.argv[1] != "bare" and sys.argv[3] == "dashboard":
    from PySide6.QtCore import QEventLoop
    page = window.page("dashboard")
    if page.figures is None:
        loop = QEventLoop()
        page.figures_loaded.connect(loop.quit)
        loop.exec()
def peak_kb():
    # VmHWM belongs to this program image; ru_maxrss would carry over the parent's size from before exec.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(usable, time.perf_counter() - start, peak_kb())
"""


def bench_window(data_dir: DataDir) -> None:
    """Start-up to a usable main window on this database (a fresh process each time, interpreter
    included), beside a bare PySide6 window started the same way in the same run."""
    import subprocess

    root = Path(__file__).resolve().parents[2]

    peak_kb = {}

    def run(*args: str) -> tuple[float, float]:
        best = (float("inf"), float("inf"))
        for _ in range(3):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", _WINDOW_CHILD, *args], check=True, capture_output=True,
                                 text=True, cwd=root).stdout.split()
            wall = time.perf_counter() - start
            # Whole process until usable = wall time minus what the child spent after it was usable.
            usable = wall - (float(out[1]) - float(out[0]))
            best = min(best, (usable, wall))
            peak_kb[args[0]] = max(peak_kb.get(args[0], 0), int(out[2]))
        return best

    bare, _ = run("bare")
    households_usable, _ = run("vonxoay", str(data_dir.root), "households")
    dashboard_usable, dashboard_full = run("vonxoay", str(data_dir.root), "dashboard")
    report("window usable, Hộ gia đình page (process start to shown)", households_usable, bare,
           floor_name="bare PySide6 window process")
    report("window usable, Tổng quan page (figures still computing)", dashboard_usable, bare,
           floor_name="bare PySide6 window process")
    report("Tổng quan with every figure shown", dashboard_full, bare, floor_name="bare PySide6 window process")
    # Measured inside each child, as its own high-water mark (see peak_kb in the child script).
    line = (f"window process on this database: {peak_kb['vonxoay'] / 1024:.0f} MB "
            f"(bare PySide6 window process: {peak_kb['bare'] / 1024:.0f} MB)")
    print(f"  peak memory (max RSS), {line}", flush=True)
    PEAKS.append(line)


def bench_search_as_you_type(data_dir: DataDir) -> None:
    """Each keystroke of a name typed without diacritics, from the query starting to the household table
    showing its count and first page (worker thread, own connection), beside the same LIKE count and first
    page as bare SQL on an open connection."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from desktop.text import fold
    from ui.pages.households import HouseholdsPage

    _app = QApplication.instance() or QApplication([])  # kept alive while the page exists
    with Books.open(data_dir) as books:
        name = books.conn.execute("SELECT head_name FROM household ORDER BY id LIMIT 1 "
                                  "OFFSET (SELECT count(*) / 3 FROM household)").fetchone()[0]
        typed = fold(name)
        prefixes = [typed[:i] for i in range(1, len(typed) + 1)]
        page = HouseholdsPage(books)
        shown: list[int] = []
        page.results_shown.connect(shown.append)

        def keystroke(prefix: str) -> None:
            page.search.blockSignals(True)  # no debounce timer: measure the query itself
            page.search.setText(prefix)
            page.search.blockSignals(False)
            loop = QEventLoop()
            page.results_shown.connect(loop.quit)
            page.apply_filters()
            loop.exec()
            page.results_shown.disconnect(loop.quit)

        per_key = [timed(lambda p=prefix: keystroke(p), repeat=3) for prefix in prefixes]
        conn = books.conn

        def bare(prefix: str) -> None:
            conn.execute("SELECT count(*) FROM household WHERE search_key LIKE ?", (f"%{prefix}%",)).fetchone()
            conn.execute("SELECT * FROM household WHERE search_key LIKE ? ORDER BY code LIMIT 500",
                         (f"%{prefix}%",)).fetchall()

        floor = [timed(lambda p=prefix: bare(p), repeat=3) for prefix in prefixes]
    report(f"search as you type “{typed}”, mean per keystroke ({len(prefixes)} keys, {shown[-1]} found)",
           sum(per_key) / len(per_key), sum(floor) / len(floor), floor_name="bare LIKE count + first 500 rows")
    report("search as you type, slowest keystroke", max(per_key), max(floor), floor_name="bare, slowest keystroke")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--communes", type=int, default=200, help="communes for the upper import benchmark")
    parser.add_argument("--commune-households", type=int, default=3000)
    parser.add_argument("--only", nargs="*", default=[], choices=BENCHMARKS)
    args = parser.parse_args()
    print(f"VốnXoay benchmark — {platform.node()}, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}", flush=True)
    wanted = set(args.only) or set(BENCHMARKS)
    if "upper-import" in wanted:
        with tempfile.TemporaryDirectory() as tmp:
            bench_upper_import(Path(tmp), args.communes, args.commune_households)
        wanted.discard("upper-import")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = bench_demo(Path(tmp), args.households) if wanted else None
        if "window" in wanted:
            bench_window(data_dir)
            bench_search_as_you_type(data_dir)
        if "search" in wanted:
            bench_search(data_dir)
            bench_search_cli(data_dir)
        if "due" in wanted:
            bench_due(data_dir)
        if "receipts" in wanted:
            bench_receipts(data_dir, Path(tmp))
        if "period" in wanted:
            bench_period(data_dir, Path(tmp))
        if "register" in wanted:
            bench_register(data_dir, Path(tmp))
        if "payments" in wanted:
            bench_payments(data_dir, args.payments)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("| measure | figure | floor (same run) | ratio |")
    print("|---|---|---|---|")
    for row in RESULTS:
        print("| " + " | ".join(row) + " |")
    print(f"\nPeak memory (max RSS) of the whole run: {peak_mb:.0f} MB")
    for line in PEAKS:
        print(f"Peak memory (max RSS), {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
