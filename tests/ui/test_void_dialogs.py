"""Voids in the window: the receipt void takes its date from the dialog; a support is voided from the
project's page and stays listed grey, marked "Đã hủy"."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from desktop import clock
from desktop.domain import Category
from desktop.services import payments, projects, support
from desktop.services.households import HouseholdInput, add_household
from tests.conftest import books_digest
from tests.ui.confirming import confirm

TODAY = date(2026, 11, 1)


@pytest.fixture
def project(books):
    with clock.frozen(TODAY):
        projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản", programme="GNBV",
                                                          component="Dự án 2")).to_json()
        for code, name in (("H001", "Nguyễn Văn Dũng"), ("H002", "Đặng Thị Hoa")):
            add_household(books, HouseholdInput(code, name, "Thôn Đông", Category.POOR, category_on=date(2022, 1, 1)))
            support.record_support(books, support.SupportInput("DA01", code, date(2023, 3, 10)))
        payments.record_payment(books, payments.PaymentInput("DA01", "H001", 1_000_000, date(2024, 3, 1)))
        yield books


def test_receipt_void_dialog_passes_its_date(qtbot, project, settle):
    from ui.dialogs.void_receipt import VoidReceiptDialog

    with clock.frozen(TODAY):
        dialog = VoidReceiptDialog(project, {"book": "01", "number": 1, "year": 2024, "issued_on": "2024-03-01",
                                             "household": "H001", "payer": "Nguyễn Văn Dũng", "amount": 1_000_000})
        qtbot.addWidget(dialog)
        assert dialog.on.value() == TODAY and dialog.on.displayFormat() == "dd/MM/yyyy"
        dialog.reason.setText("Thu nhầm")
        dialog.on.set_date(date(2024, 2, 1))  # before the receipt: refused, shown, nothing written
        before = books_digest(project.data_dir.database)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        confirm(qtbot, dialog)
        settle()
        assert "trước ngày lập phiếu" in dialog.error.text()
        assert books_digest(project.data_dir.database) == before
        dialog.on.set_date(date(2024, 6, 1))
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        confirm(qtbot, dialog)
        settle()
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
    voided_on = project.conn.execute("SELECT voided_on FROM receipt WHERE number = 1").fetchone()[0]
    assert voided_on == "2024-06-01"


def test_project_view_voids_a_support_and_shows_it_grey(qtbot, project, settle):
    from ui.dialogs.project_view import ProjectView

    with clock.frozen(TODAY):
        view = ProjectView(project, "DA01")
        qtbot.addWidget(view)
        view.show()
        dialog = view.void_support()
        assert [m["code"] for m in dialog.choices] == ["H001", "H002"]
        dialog.support.setCurrentIndex(1)
        dialog.reason.setText("Ghi nhầm hộ")
        dialog.on.set_date(date(2024, 1, 15))
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        assert dialog.result() != dialog.DialogCode.Accepted  # not confirmed yet
        confirm(qtbot, dialog)
        settle()
        assert dialog.result() == dialog.DialogCode.Accepted, dialog.error.text()
        qtbot.waitUntil(lambda: view.tabs.count() and "(1)" in view.tabs.tabText(2), timeout=20000)
        model = view.tabs.widget(2).model()
        rows = [model.row(r) for r in range(model.rowCount())]
        assert [(r["code"], r["status"]) for r in rows] == [("H001", ""), ("H002", "Đã hủy từ 15/01/2024: Ghi nhầm hộ")]
        assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is not None
        # H001 paid a receipt still valid: voiding its support is refused with the receipt named.
        dialog = view.void_support()
        assert [m["code"] for m in dialog.choices] == ["H001"]
        dialog.reason.setText("nhầm")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        confirm(qtbot, dialog)
        settle()
        assert "quyển 01 số 1/2024" in dialog.error.text()
        view.close()
