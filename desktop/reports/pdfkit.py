"""Small drawing helpers shared by the PDF documents: wrapping text in a width, and writing a file
atomically so that a failed or cancelled export never leaves half a PDF behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from desktop.errors import Refused, os_error_text
from desktop.reports.fonts import register_fonts


@lru_cache(maxsize=65536)
def text_width(text: str, font: str, size: float) -> float:
    """``stringWidth``, remembered: a batch of receipts measures the same labels and words again and again."""
    return stringWidth(text, font, size)


def wrap(text: str, font: str, size: float, width: float, first_width: float | None = None,
         max_lines: int | None = None) -> list[str]:
    """Greedy word wrap; a word longer than a line is cut; beyond ``max_lines`` the last line ends in "…".

    Widths add up (the fonts have no kerning), so a candidate line is measured as the line so far, a space
    and the word, each measured once."""
    lines: list[str] = []
    current, current_width = "", 0.0
    space = text_width(" ", font, size)
    limit = first_width if first_width is not None else width
    for word in text.split():
        word_width = text_width(word, font, size)
        candidate_width = current_width + space + word_width if current else word_width
        if candidate_width <= limit:
            current, current_width = (f"{current} {word}" if current else word), candidate_width
            continue
        if current:
            lines.append(current)
            limit = width
        while word_width > limit:
            cut = len(word)
            while cut > 1 and stringWidth(word[:cut], font, size) > limit:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
            word_width = text_width(word, font, size)
            limit = width
        current, current_width = word, word_width
    if current or not lines:
        lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and stringWidth(last + "…", font, size) > (width if max_lines > 1 else limit):
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def write_atomic(path: Path, produce: Callable[[str], None]) -> Path:
    """Let ``produce`` write a temporary file beside ``path``, then rename it into place when complete."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise Refused(f"Thư mục {folder} không tồn tại; hãy chọn nơi lưu khác.")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".part", dir=folder)
    except OSError as exc:
        raise Refused(f"Không ghi được vào {folder}: {os_error_text(exc)}. Hãy chọn nơi lưu khác.") from exc
    os.close(handle)
    try:
        produce(temp_name)
        os.replace(temp_name, path)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise Refused(f"Không ghi được tệp {path}: {os_error_text(exc)}.") from exc
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path


def write_pdf(path: Path, draw: Callable[[Canvas], None], *, title: str, pagesize) -> Path:
    """Draw on a canvas and write the PDF atomically."""
    register_fonts()

    def produce(temp_name: str) -> None:
        from reportlab import rl_config

        # Compressed page streams stay binary: ASCII85 (reportlab's default, for 7-bit mail) made every page
        # a quarter larger and cost a fifth of a batch of receipts in reportlab's pure-Python encoder.
        ascii85, rl_config.useA85 = rl_config.useA85, 0
        try:
            canvas = Canvas(temp_name, pagesize=pagesize, pageCompression=1)
            canvas.setTitle(title)
            canvas.setAuthor("VốnXoay")
            canvas.setCreator("VốnXoay")
            draw(canvas)
            canvas.save()
        finally:
            rl_config.useA85 = ascii85

    return write_atomic(path, produce)


def write_story(path: Path, story: list, *, title: str, pagesize, margin: float) -> Path:
    """Lay out flowables (tables split across pages, header rows repeated) with page numbers."""
    from reportlab.platypus import SimpleDocTemplate

    from desktop.reports.fonts import SERIF_ITALIC

    register_fonts()

    def number(canvas: Canvas, doc) -> None:
        canvas.setFont(SERIF_ITALIC, 8.5)
        canvas.drawRightString(pagesize[0] - margin, margin * 0.6, f"Trang {doc.page}")

    def produce(temp_name: str) -> None:
        doc = SimpleDocTemplate(temp_name, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
                                topMargin=margin, bottomMargin=margin, title=title, author="VốnXoay",
                                creator="VốnXoay")
        doc.build(story, onFirstPage=number, onLaterPages=number)

    return write_atomic(path, produce)
