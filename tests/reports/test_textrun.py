"""Strings written through a TextRun land where reportlab's own drawString puts them, in the same font."""

from __future__ import annotations

import subprocess

from reportlab.pdfgen.canvas import Canvas

from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, register_fonts
from desktop.reports.textrun import TextRun

LINES = [(SERIF_BOLD, 17, "centred", 200, 500, "PHIẾU THU"), (SERIF, 10.5, "left", 30, 460, "Họ và tên: Đặng Thị Hoa"),
         (SERIF_ITALIC, 9.5, "right", 380, 430, "Ngày 01 tháng 03 năm 2023"),
         (SERIF, 10.5, "left", 30, 400, "Ẩm ướt, (ngoặc) \\ gạch — “kép” …"), (SERIF, 10.5, "left", 30, 380, "")]


def _render(path, via_run: bool) -> bytes:
    register_fonts()
    # invariant: no creation time, which would differ when the two renders straddle a second
    canvas = Canvas(str(path), pagesize=(420, 595), invariant=True)
    for _ in range(2):  # the second page reuses the strings already encoded
        run = TextRun(canvas)
        for font, size, how, x, y, text in LINES:
            if via_run:
                run.font(font, size)
                getattr(run, how)(x, y, text)
            else:
                canvas.setFont(font, size)
                {"left": canvas.drawString, "centred": canvas.drawCentredString,
                 "right": canvas.drawRightString}[how](x, y, text)
        run.flush()
        canvas.showPage()
    canvas.save()
    return subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True).stdout


def test_a_text_run_places_each_string_as_draw_string_does(tmp_path):
    ours, theirs = _render(tmp_path / "run.pdf", True), _render(tmp_path / "canvas.pdf", False)
    assert "PHIẾU".encode() in ours and "“kép”".encode() in ours
    assert ours == theirs


def test_a_text_run_writes_one_text_object(tmp_path):
    register_fonts()
    canvas = Canvas(str(tmp_path / "one.pdf"), pagesize=(420, 595))
    run = TextRun(canvas)
    run.font(SERIF, 10)
    for i in range(5):
        run.left(10, 100 + 12 * i, f"dòng {i}")
    run.flush()
    assert sum(code.count("BT") for code in canvas._code) == 1
