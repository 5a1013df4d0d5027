"""Screenshots of every page of the window over a demo commune, for the README and for review.

``python -m ui.screenshots [OUT_DIR]`` (default docs/screenshots); runs offscreen, needs no display. It then
makes the same set at 125% scale in OUT_DIR/125 (a child process with ``QT_SCALE_FACTOR=1.25``): the window
is drawn 1366×768 screen pixels wide as on the office's laptop set to 125%, so every label must fit in 1093×614.
Besides the pages it shows the payment dialog and a receipt preview, the management spending form, its
confirmation and its voucher's preview, the screens used most, the Excel
import's dry run, the first-run wizard (a commune, an upper level), and an upper level's window over three demo
communes' packages.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def _laptop_screen() -> str:
    """The offscreen platform with a 1366×768 screen: dialogs size themselves to the screen they open on, and
    the offscreen default (800×800) would draw them smaller than the office's laptop shows them."""
    path = Path(tempfile.gettempdir()) / "vonxoay-screen-1366x768.json"
    path.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                                             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}),
                    encoding="utf-8")
    return f"offscreen:configfile={path}"


if os.environ.get("QT_QPA_PLATFORM") in (None, "", "offscreen"):
    os.environ["QT_QPA_PLATFORM"] = _laptop_screen()

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop import clock  # noqa: E402
from desktop.books import Books  # noqa: E402
from desktop.paths import DataDir  # noqa: E402
from desktop.services.demo import make_demo  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.theme import apply_theme  # noqa: E402
from ui.widgets import fit_to_screen  # noqa: E402

SCREEN = (1366, 768)  # the commune office's usual laptop screen
SCALED = "1.25"  # Windows' "125 %" setting, common on such laptops


def _scale() -> float:
    try:
        return float(os.environ.get("QT_SCALE_FACTOR", "1") or 1)
    except ValueError:
        return 1.0


# The window fills the screen: at 125 % the same screen holds fewer (larger) logical pixels.
SIZE = (round(SCREEN[0] / _scale()), round(SCREEN[1] / _scale()))


def shoot_scaled(out: Path) -> int:
    """The whole set again at 125 %, in a child process (Qt reads the scale factor once, at start)."""
    import subprocess

    env = {**os.environ, "QT_SCALE_FACTOR": SCALED}
    return subprocess.run([sys.executable, "-m", "ui.screenshots", str(out / "125")], env=env).returncode


def slug(title: str) -> str:
    from desktop.text import fold

    return fold(title).replace(" ", "-")


def fold_name(name: str) -> str:
    from desktop.text import fold

    return fold(name)


def settle(app: QApplication, until=lambda: True, timeout: float = 20.0) -> None:
    """Let queued work (the dashboard's worker, layouts) finish before grabbing."""
    from ui.workers import idle

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if until() and idle():
            break
        time.sleep(0.02)
    app.processEvents()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    paths = [a for a in argv if not a.startswith("--")]
    out = Path(paths[0] if paths else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    from ui.app import install_qt_translation

    install_qt_translation(app)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = DataDir(Path(tmp))
        make_demo(data_dir, households=3000, seed=7)
        with Books.open(data_dir) as books:
            window = MainWindow(books)
            window.resize(*SIZE)
            window.show()
            for row, key in enumerate(window.keys):
                page = window.go(key)
                if key == "dashboard":
                    settle(app, lambda p=page: p.figures is not None)
                elif key == "reports":
                    page.period.set_period(date(clock.today().year, 1, 1), clock.today())
                    page.preview()
                    settle(app, lambda p=page: p.shown_generation == p._generation)
                elif key == "cashbook":
                    settle(app, lambda p=page: p.book is not None)
                elif key == "sync":
                    page.export()
                    settle(app, lambda p=page: p.last_export is not None)
                settle(app)
                path = out / f"{row + 1:02d}-{slug(window.nav.item(row).text())}.png"
                window.grab().save(str(path))
                print(path)
            dashboard = window.page("dashboard")
            due = dashboard.due_model.row(0) if dashboard.due_model.rowCount() else None
            dialog = window.open_payment(due["household"] if due else "", due["project"] if due else "")
            if due:  # show the search list as the clerk sees it after typing the name without diacritics
                dialog.search.setText(fold_name(due["head_name"]))
                dialog.picker.find()
            settle(app)
            dialog.grab().save(str(out / "09-thu-tien.png"))
            print(out / "09-thu-tien.png")
            if due:
                dialog.record()  # Enter shows the confirmation; the receipt is issued from it
                settle(app)
                dialog.confirmation.grab().save(str(out / "09-xac-nhan-thu-tien.png"))
                print(out / "09-xac-nhan-thu-tien.png")
                dialog.confirmation.confirm.click()
                settle(app)
                preview = window.last_preview
                fit_to_screen(preview, 760, 740)  # as the program opens it
                settle(app)
                preview.grab().save(str(out / "10-xem-phieu-thu.png"))
                print(out / "10-xem-phieu-thu.png")
                preview.close()
            extra = (("11-du-an-chi-tiet.png", lambda: window.go("projects").open_project("DA01")),
                     ("12-ho-chi-tiet.png", lambda: window.go("households").open_household(due["household"])
                      if due else None))
            for name, opener in extra:
                dialog = opener()
                if dialog is None:
                    continue
                settle(app)
                dialog.tabs.setCurrentIndex(2)
                settle(app)
                dialog.grab().save(str(out / name))
                print(out / name)
                dialog.close()
            shoot_approvals(app, window, out)
            shoot_vouchers(app, window, out)
            shoot_import(app, window, out, Path(tmp))
            window.close()
        shoot_wizard(app, out, Path(tmp) / "moi")
        shoot_upper(app, out, Path(tmp) / "cap-tren")
    if _scale() == 1.0 and "--no-scaled" not in argv:
        return shoot_scaled(out)
    return 0


def save(widget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def shoot_approvals(app: QApplication, window: MainWindow, out: Path) -> None:
    """A project's Phê duyệt tab, and the form that records a decision (a household already picked)."""
    view = window.go("projects").open_project("DA01")
    view.tabs.setCurrentWidget(view.approvals)
    settle(app)
    save(view, out / "11-du-an-phe-duyet.png")
    dialog = view.record_approval()
    dialog.number.setText("25/QĐ-UBND")
    from desktop.domain import Category
    from desktop.services.households import HouseholdQuery, list_households

    for row in list_households(window.books, HouseholdQuery(category=Category.POOR), limit=2):
        dialog.add_household(row)
    dialog.picker.search.setText("nguyen")
    dialog.picker.find()
    settle(app)
    save(dialog, out / "11-ghi-quyet-dinh.png")
    dialog.close()
    if view.handover_table is not None:  # the demo's supports in kind, with their handover records
        view.tabs.setCurrentIndex(view.tabs.count() - 1)
        view.handover_table.selectRow(0)
        settle(app)
        save(view, out / "11-du-an-ban-giao.png")
    view.close()
def shoot_vouchers(app: QApplication, window: MainWindow, out: Path) -> None:
    """Management spending: its form, its confirmation, then the phiếu chi it issued in the preview (the demo's
    supports are all in kind, documented by handover records)."""
    page = window.go("cashbook")
    settle(app, lambda: page.management is not None)
    dialog = page.spend_management()
    dialog.amount.setText("350.000")
    dialog.reason.setText("Văn phòng phẩm cho họp bình xét thôn")
    settle(app)
    save(dialog, out / "16-chi-quan-ly.png")
    dialog.submit()
    settle(app)
    if dialog.confirmation is None:  # too little accrued in this demo: the form says why
        save(dialog, out / "16-chi-quan-ly.png")
        dialog.reject()
        return
    save(dialog.confirmation, out / "16-xac-nhan-chi-quan-ly.png")
    dialog.confirmation.confirm.click()
    settle(app, lambda: getattr(dialog, "last_preview", None) is not None)
    preview = dialog.last_preview
    fit_to_screen(preview, 760, 740)  # as the program opens it
    settle(app)
    save(preview, out / "10-xem-phieu-chi.png")
    preview.close()
    settle(app)
    save(window, out / "08-so-quy.png")  # again, with the spending in the book


def shoot_import(app: QApplication, window: MainWindow, out: Path, tmp: Path) -> None:
    """The Excel import's dry run: valid rows, a refused one, a column to map."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH HỘ NGHÈO, CẬN NGHÈO NĂM 2026"])
    sheet.append(["STT", "Họ và tên chủ hộ", "Số CCCD", "Thôn/Ấp", "Phân loại hộ", "SĐT liên lạc"])
    rows = [("Nguyễn Thị Xuyến", "030190007771", "Thôn Mới Lập", "Hộ nghèo", "0912000111"),
            ("", "030190007772", "Thôn Mới Lập", "Hộ nghèo", ""),
            ("Trần Văn Yên", "03019000777", "Thôn Mới Lập", "Cận nghèo", ""),
            ("Lò Văn Sáng", "", "Thôn Mới Lập", "Cận nghèo", "0912000444"),
            ("Hà Thị Thu", "", "Thôn Mới Lập", "Hộ khá", "")]
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    path = tmp / "danh-sach-ho.xlsx"
    workbook.save(path)
    dialog = window.go("households").open_import()
    dialog.path.setText(str(path))
    dialog.check()
    settle(app, lambda: dialog.plan is not None)
    save(dialog, out / "13-nhap-excel.png")
    dialog.reject()


def shoot_wizard(app: QApplication, out: Path, folder: Path) -> None:
    from ui.dialogs.first_run import FirstRunWizard

    wizard = FirstRunWizard(DataDir(folder))
    wizard.show()
    wizard.go_next()
    wizard.choose_province("31")
    wizard.fields["commune_code"].setText("11311")
    wizard.fields["commune_name"].setText("Xã An Hưng")
    settle(app)
    save(wizard, out / "14-khoi-tao.png")
    # The same step for a district that consolidates its communes: the fields name the district itself.
    wizard.choose_level(upper=True)
    wizard.old_provinces.setChecked(True)
    wizard.choose_province("30")
    for key, value in (("commune_code", "290"), ("commune_name", "Huyện Cẩm Giàng"), ("upper_code", "30"),
                       ("upper_name", "Tỉnh Hải Dương")):
        wizard.fields[key].setText(value)
    settle(app)
    save(wizard, out / "15-khoi-tao-cap-tren.png")
    wizard.reject()


def shoot_upper(app: QApplication, out: Path, root: Path) -> None:
    """An upper level that imported three demo communes' packages: its five pages."""
    from desktop.domain import Mode
    from desktop.services.demo import DEMO_SETUP
    from desktop.services.households import HouseholdChanges, edit_household
    from desktop.services.settings import CommuneSetup, init_books
    from desktop.sync.envelope import set_recipient, write_key_file
    from desktop.sync.export import export_package

    # The upper level first: its key file is what each commune loads once to encrypt its packages.
    upper = DataDir(root / "huyen")
    books, _ = init_books(upper, CommuneSetup("290", "Huyện Cẩm Giàng", "30", "Tỉnh Hải Dương", "30",
                                              "Tỉnh Hải Dương", mode=Mode.UPPER))
    with books:
        key_file = write_key_file(books, root / "khoa-huyen.vxk").path
    packages, moved = [], None
    for index, (code, name) in enumerate((("10507", "Xã Đức Chính"), ("10510", "Xã Cẩm Hưng"),
                                          ("10513", "Xã Lương Điền"))):
        setup = dataclasses.replace(DEMO_SETUP, commune_code=code, commune_name=name)
        commune = DataDir(root / code)
        make_demo(commune, households=400, projects=3, seed=20 + index, setup=setup)
        with Books.open(commune) as books:
            supported = books.conn.execute(
                """SELECT h.code, h.id_number FROM household h JOIN membership m ON m.household_id = h.id
                   WHERE h.id_number IS NOT NULL ORDER BY h.id LIMIT 1""").fetchone()
            if moved is None:
                moved = supported["id_number"]
            elif index == 2:
                # Someone supported in the first commune moved here and was supported again: what only the
                # upper level can see.
                edit_household(books, supported["code"], HouseholdChanges(id_number=moved))
            set_recipient(books, key_file)
            packages.append(export_package(books, root / "goi").path)
    with Books.open(upper) as books:
        window = MainWindow(books)
        window.resize(*SIZE)
        window.show()
        importer = window.go("upper_import")
        importer.import_files(packages[:2])
        settle(app, lambda: len(importer.results) == 2, timeout=60)
        # Then the three again with a file that is not a package: two unchanged, one new commune (its key's
        # fingerprint shown), one refused with its reason.
        bogus = root / "goi" / "bao-cao-thang-10.vxp"
        bogus.write_bytes(b"PK\x03\x04 not a package")
        importer.results = []
        importer.import_files([*packages, bogus])
        settle(app, lambda: len(importer.results) == len(packages) + 1, timeout=60)
        for row, key in enumerate(window.keys):
            page = window.go(key)
            if key == "duplicates":
                settle(app, lambda p=page: p.found is not None, timeout=60)
            if key == "consolidated":
                page.period.set_period(date(2021, 1, 1), clock.today())
                page.report = None
                page.compute()
                settle(app, lambda p=page: p.report is not None, timeout=60)
                page.drill_down("10510")
            settle(app)
            save(window, out / f"2{row + 1}-cap-tren-{slug(window.nav.item(row).text())}.png")
        window.close()


if __name__ == "__main__":
    raise SystemExit(main())
