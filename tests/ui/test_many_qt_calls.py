"""The window survives the tens of thousands of Qt calls a day of work makes.

PySide6 6.12.0 on Python 3.11 drops a reference to None/True/False on every such call and aborts the
interpreter after a few thousand ("none_dealloc"); the pinned version must not, and this test says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MANY_CALLS = """
import sys
import ui
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()

class Source(QObject):
    changed = Signal()

source = Source()
source.changed.connect(lambda: None)
for i in range(30000):
    label.setText(str(i))  # returns None
    label.isVisible()      # returns False
    source.changed.emit()
    app.processEvents()
print("ok")
"""


def test_thirty_thousand_qt_calls_do_not_abort_the_interpreter():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", MANY_CALLS], env=env, capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).parents[2])
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "ok"
