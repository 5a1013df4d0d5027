"""Many strings on one page written as a single PDF text object.

reportlab's ``drawString`` builds a text object per string: it sets the font again, measures the string
again, splits it into font subsets and escapes it again, and formats the coordinates through its slow
float formatter. A thousand receipts drew 57 000 strings that way, most of them the same labels. This
writes the very same operators reportlab would (same origin, font subset, size and glyph codes), all
strings of a run inside one ``BT … ET``, and remembers each string's encoded form for the document.

Only for TrueType fonts registered with reportlab (the bundled fonts), left to right, no shaping.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from desktop.reports.pdfkit import text_width


@lru_cache(maxsize=65536)
def _origin(x: float, y: float) -> str:
    return f"1 0 0 1 {fp_str(x, y)} Tm"


@lru_cache(maxsize=256)
def _size(size: float) -> str:
    return fp_str(size)


class TextRun:
    """Collects strings for one canvas and writes them as one text object on ``flush``.

    Flush before any other drawing that must come after the text, and before the page ends. One run per
    document: the encoded strings it remembers name that document's font subsets."""

    def __init__(self, canvas: Canvas):
        self.canvas = canvas
        self._doc = canvas._doc  # noqa: SLF001 — the document whose font subsets the strings use
        self._ops: list[str] = []
        self._encoded: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._font, self._size_text, self._current = "", "", ""

    def font(self, name: str, size: float) -> None:
        self._font, self._fontsize, self._size_text = name, size, _size(size)

    def _pieces(self, text: str) -> list[tuple[str, str]]:
        """(subset font name, escaped glyph codes) for each font subset the string falls into."""
        key = (self._font, text)
        pieces = self._encoded.get(key)
        if pieces is None:
            font = getFont(self._font)
            pieces = [(font.getSubsetInternalName(subset, self._doc), self.canvas._escape(codes))  # noqa: SLF001
                      for subset, codes in font.splitString(text, self._doc)]
            self._encoded[key] = pieces
        return pieces

    def left(self, x: float, y: float, text: str) -> None:
        ops = self._ops
        ops.append(_origin(x, y))
        for name, codes in self._pieces(text):
            selected = f"{name} {self._size_text}"
            if selected != self._current:
                ops.append(f"{selected} Tf")
                self._current = selected
            ops.append(f"({codes}) Tj")

    def centred(self, x: float, y: float, text: str) -> None:
        self.left(x - 0.5 * text_width(text, self._font, self._fontsize), y, text)

    def right(self, x: float, y: float, text: str) -> None:
        self.left(x - text_width(text, self._font, self._fontsize), y, text)

    def flush(self) -> None:
        if self._ops:
            self.canvas._code.append("BT " + " ".join(self._ops) + " ET")  # noqa: SLF001 — the page stream
            self._ops = []
        self._current = ""  # a new text object starts with no font selected


class CanvasText:
    """The same calls as ``TextRun`` made straight on the canvas, a reportlab text object per string: for the
    documents drawn a few at a time, which mix text with other drawing freely."""

    def __init__(self, canvas: Canvas):
        self.canvas = canvas

    def font(self, name: str, size: float) -> None:
        self.canvas.setFont(name, size)

    def left(self, x: float, y: float, text: str) -> None:
        self.canvas.drawString(x, y, text)

    def centred(self, x: float, y: float, text: str) -> None:
        self.canvas.drawCentredString(x, y, text)

    def right(self, x: float, y: float, text: str) -> None:
        self.canvas.drawRightString(x, y, text)

    def flush(self) -> None:
        pass
