"""Support in kind from the window: once the clerk describes the goods, the support form takes what the
handover record needs (quantity, unit, unit price, supplier, witnesses) as the command line does; the unit
price follows the amount over the quantity until the clerk types one; a price that does not make the amount
is refused on the form, before the confirmation, with nothing written; the confirmation names the items."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from tests.conftest import books_digest
from tests.ui.approving import approve
from tests.ui.confirming import confirm_now
from tests.ui.test_payout_window import _outside, pdf_text

SUPPLIER = "HTX Chăn nuôi Tân Lập"
WITNESSES = "Ông Trần Văn Bình, trưởng thôn"


def _support_form(window, books, *, amount: str = "7.000.000"):
    household = _outside(books, "DA01")
    approve(books, "DA01", household["code"])
    view = window.go("projects").open_project("DA01")
    dialog = view.add_support()
    dialog.set_household(household["code"])
    dialog.amount.setText(amount)
    return dialog, household


def _type_into(qtbot, widget, text: str) -> None:
    """As the clerk does: select what is there and type over it (textEdited fires, as it does for a person)."""
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def test_a_support_in_kind_carries_its_items_to_the_handover_record(qtbot, window, demo_books, settle):
    dialog, household = _support_form(window, demo_books)
    fields = dialog.handover
    dialog.in_kind.setText("2 con bò cái lai Sind")
    assert fields.quantity.isEnabled() and fields.unit_price.isEnabled() and fields.witnesses.isEnabled()
    assert fields.quantity.value() == 1 and fields.unit_price.text() == "7.000.000"  # the whole, for one
    fields.quantity.setValue(2)
    assert fields.unit_price.text() == "3.500.000"  # follows the quantity while the clerk typed no price
    _type_into(qtbot, fields.unit, "con")
    fields.supplier.setText(SUPPLIER)  # (QTest types Latin-1 only)
    fields.witnesses.setText(WITNESSES)
    before = books_digest(demo_books.data_dir.database)

    dialog.save.click()
    assert dialog.confirmation is not None and dialog.confirmation.isVisible(), dialog.error.text()
    shown = dialog.confirmation.plain_text()
    assert "2 con × 3.500.000 đ" in shown and "2 con bò cái lai Sind" in shown and SUPPLIER in shown
    assert books_digest(demo_books.data_dir.database) == before  # nothing before the confirmation
    confirm_now(dialog)
    settle()
    settle()  # the support, then its handover record
    assert dialog.result_info is not None, dialog.error.text()
    ref = dialog.result_info.handover
    assert (ref.quantity, ref.unit, ref.unit_price, ref.value) == (2, "con", 3_500_000, 7_000_000)
    assert (ref.supplier, ref.witnesses, ref.receiver) == (SUPPLIER, WITNESSES, household["head_name"])

    text = pdf_text(dialog.last_preview.path)
    assert "BIÊN BẢN BÀN GIAO" in text and SUPPLIER in text and WITNESSES in text
    # The line of the table: item, unit, quantity, unit price, value (no longer "", 1 and the whole value).
    assert re.search(r"lai Sind\s+con\s+2\s+3\.500\.000\s+7\.000\.000", " ".join(text.split())), text


def test_a_price_that_does_not_make_the_amount_is_refused_on_the_form(qtbot, window, demo_books):
    dialog, _ = _support_form(window, demo_books)
    fields = dialog.handover
    dialog.in_kind.setText("2 con bò cái lai Sind")
    fields.quantity.setValue(2)
    _type_into(qtbot, fields.unit_price, "3.000.000")
    fields.quantity.setValue(3)
    assert fields.unit_price.text() == "3.000.000"  # the clerk's own price is theirs: the quantity leaves it
    fields.quantity.setValue(2)
    before = books_digest(demo_books.data_dir.database)

    dialog.save.click()
    assert dialog.confirmation is None  # refused on the form, before any confirmation
    error = dialog.error.text()
    assert "6.000.000" in error and "khác giá trị hỗ trợ 7.000.000" in error and "--unit-price" not in error
    assert fields.unit_price.property("invalid") == "true"
    assert books_digest(demo_books.data_dir.database) == before

    # A price that is not an amount at all is refused too, and named.
    _type_into(qtbot, fields.unit_price, "3,5")
    dialog.save.click()
    assert dialog.confirmation is None and dialog.error.text().startswith("Đơn giá")
    assert books_digest(demo_books.data_dir.database) == before

    # Emptied, the price follows the amount again at the next change; then the support goes to confirmation.
    _type_into(qtbot, fields.unit_price, "")
    qtbot.keyClick(fields.unit_price, Qt.Key.Key_Backspace)
    dialog.amount.setText("8.000.000")
    assert fields.unit_price.text() == "4.000.000"
    dialog.save.click()
    assert dialog.confirmation is not None and "2 × 4.000.000 đ" in dialog.confirmation.plain_text()
    dialog.confirmation.reject()
    assert books_digest(demo_books.data_dir.database) == before


def test_the_handover_fields_are_for_goods_only_and_reached_by_keyboard(qtbot, window, demo_books):
    dialog, _ = _support_form(window, demo_books)
    fields = dialog.handover
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=20000)
    assert not any(w.isEnabled() for w in fields.widgets())  # cash: a phiếu chi, no handover
    dialog.in_kind.setFocus()
    qtbot.keyClicks(dialog.in_kind, "1 con bo")  # (QTest types Latin-1 only)
    assert all(w.isEnabled() for w in fields.widgets())

    # Tab follows the form: goods, then the handover fields as they read, then the household's own money.
    seen = []
    for _ in range(6):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        seen.append(focus.parentWidget() if focus.parentWidget() is fields.quantity else focus)
    assert seen == [*fields.widgets(), dialog.counterpart]

    # Each field has a label with its own Alt letter, unique among the form's labels and buttons.
    letters: dict[str, str] = {}
    for widget in [*dialog.findChildren(QLabel), *dialog.findChildren(QPushButton)]:
        found = re.search(r"&([^&])", widget.text().replace("&&", ""))
        if found and widget.isVisibleTo(dialog):
            letter = found.group(1).lower()
            assert letter not in letters, f"«{widget.text()}» and «{letters[letter]}» share Alt+{letter}"
            letters[letter] = widget.text()
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy() is not None}
    assert set(fields.widgets()) <= buddies and dialog.in_kind in buddies
    for key, field in ((Qt.Key.Key_L, fields.quantity), (Qt.Key.Key_N, fields.unit_price),
                       (Qt.Key.Key_K, fields.witnesses), (Qt.Key.Key_C, fields.supplier)):
        qtbot.keyClick(QApplication.focusWidget(), key, Qt.KeyboardModifier.AltModifier)
        focus = QApplication.focusWidget()
        assert focus is field or focus.parentWidget() is field

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    dialog.in_kind.clear()  # back to cash
    assert not any(w.isEnabled() for w in fields.widgets())


def test_the_form_still_fits_a_laptop_at_125_percent(qtbot, window, demo_books):
    """1366×768 at 125 % leaves 1093×614 logical pixels; the dialog and its title bar must fit in that."""
    dialog, _ = _support_form(window, demo_books)
    dialog.in_kind.setText("2 con bò cái lai Sind")
    dialog.handover.quantity.setValue(2)
    _type_into(qtbot, dialog.handover.unit_price, "3.000.000")
    dialog.save.click()  # the refusal and the warnings both on the form
    assert dialog.error.text()
    QApplication.processEvents()
    title_bar = 40
    assert dialog.minimumSizeHint().height() + title_bar <= 614
    assert dialog.height() + title_bar <= 614 and dialog.width() <= 1093
