"""The policy editor in Cài đặt reads a version-2 file back as the program does: each category's support,
share or amount, grace, installments and return in kind, in Vietnamese, not cut at 1366×768."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QFontMetrics


def _choose(page, code: str) -> None:
    page.policy.setCurrentIndex(next(i for i in range(page.policy.count()) if page.policy.itemData(i).endswith(
        f"{code}.toml")))


def test_the_editor_shows_what_a_version_2_policy_means_and_refuses_a_bad_share(window, demo_books, qtbot):
    window.resize(1366, 768)
    page = window.go("settings")
    assert page.policy.currentData().endswith("hai-duong-2019.toml")  # the default comes first
    _choose(page, "dak-lak-2023-bo")
    shown = page.policy_text.toPlainText()
    assert "Hộ nghèo: hỗ trợ 15.000.000 đ; trả bằng hiện vật 1 con bê cái (giá thỏa thuận 7.000.000 đ/con bê cái)" \
        in shown and "— Tệp quy định —" in shown
    _choose(page, "soc-trang-2023")
    dialog = page.copy_policy()
    qtbot.waitExposed(dialog)
    summary = dialog.summary.text()
    assert "Hộ cận nghèo: hỗ trợ 8.000.000 đ; hoàn trả 1/2 mức hỗ trợ; 3 kỳ vào tháng 12, 24, 36 sau 6 tháng ân " \
           "hạn, phần 1/4, 1/4, 1/2." in summary
    assert "Hộ mới thoát nghèo: hỗ trợ 6.000.000 đ; hoàn trả 3.000.000 đ" in summary
    # Nothing in the dialog is cut: every line of the summary fits its width (it wraps), the dialog fits the screen.
    assert dialog.width() <= 1366 and dialog.height() <= 768
    metrics = QFontMetrics(dialog.summary.font())
    assert dialog.summary.heightForWidth(dialog.summary.width()) >= metrics.height() * 5
    if folder := os.environ.get("VONXOAY_SHOTS"):
        window.grab().save(str(Path(folder) / "policy-settings.png"))
        dialog.grab().save(str(Path(folder) / "policy-editor.png"))
    text = dialog.editor.toPlainText()
    dialog.editor.setPlainText(text.replace('installment_shares = ["1/4", "1/4", "1/2"]',
                                            'installment_shares = ["1/4", "1/4", "1/4"]'))
    assert dialog.check() is False
    assert "Khóa “installment_shares” (dòng" in dialog.error.text() and "cộng lại đúng bằng 1" in dialog.error.text()
    assert dialog.summary.text() == ""
    dialog.close()
