"""The shipped fonts, embedded in every PDF so diacritics print the same on any machine.

Liberation Serif is metric-compatible with Times New Roman, the face Vietnamese administrative documents
are set in; Liberation Sans serves tables. Both cover every Vietnamese letter (SIL OFL 1.1).
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from desktop.resources import resource_path

SERIF = "VXSerif"
SERIF_BOLD = "VXSerif-Bold"
SERIF_ITALIC = "VXSerif-Italic"
SERIF_BOLD_ITALIC = "VXSerif-BoldItalic"
SANS = "VXSans"
SANS_BOLD = "VXSans-Bold"

_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
    SANS: "LiberationSans-Regular.ttf",
    SANS_BOLD: "LiberationSans-Bold.ttf",
}


@cache
def register_fonts() -> None:
    """Register once per process; reportlab subsets and embeds what each document uses."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
    for family, regular, bold, italic, bold_italic in (
        (SERIF, SERIF, SERIF_BOLD, SERIF_ITALIC, SERIF_BOLD_ITALIC),
        (SANS, SANS, SANS_BOLD, SANS, SANS_BOLD),
    ):
        addMapping(family, 0, 0, regular)
        addMapping(family, 1, 0, bold)
        addMapping(family, 0, 1, italic)
        addMapping(family, 1, 1, bold_italic)
