"""Reading a PDF back as a person would: its text (pdftotext) and whether any word lies outside its page."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path


def pdftext(path: Path, *, layout: bool = False) -> str:
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    text = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", text)


def flat(text: str) -> str:
    """Whitespace collapsed: a phrase wrapped over two lines still reads as one."""
    return " ".join(text.split())


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def boxes_inside_pages(path: Path, *, slack: float = 0.5) -> list[str]:
    """The words whose box reaches past the page's edges (clipped when printed): none is expected."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    outside = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        size = _PAGE.match("<page " + page)
        width, height = float(size.group(1)), float(size.group(2))
        for x0, y0, x1, y1, word in _WORD.findall(page):
            if float(x0) < -slack or float(y0) < -slack or float(x1) > width + slack or float(y1) > height + slack:
                outside.append(f"trang {number}: {word}")
    return outside
