"""One copy of the program per data folder: a second one says so, brings the first forward and exits.

The lock itself is the core's (desktop.instance_lock); this adds the window's side: a local socket named
after the data folder, on which the open window listens for a second copy's "show".
"""

from __future__ import annotations

import hashlib
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from desktop.instance_lock import DataLock, Holder
from desktop.paths import DataDir

__all__ = ["DataLock", "ShowRequests", "already_open_message", "ask_to_show", "bring_forward", "server_name"]

SHOW = b"show\n"
_WAIT_MS = 1000


def server_name(data_dir: DataDir) -> str:
    """One name per data folder (and per user: two people's windows on one machine never meet)."""
    where = str(data_dir.root.resolve()).encode("utf-8", "surrogatepass")
    return "vonxoay-" + hashlib.sha256(where).hexdigest()[:20]


def ask_to_show(data_dir: DataDir) -> bool:
    """Ask the window already open on ``data_dir`` to come forward; False if none answered."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(_WAIT_MS):
        return False
    socket.write(SHOW)
    sent = socket.waitForBytesWritten(_WAIT_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(_WAIT_MS)
    return sent


def bring_forward(window: QWidget) -> None:
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


class ShowRequests(QObject):
    """Listens while the window is open; ``show_requested`` fires when a second copy asks for it."""

    show_requested = Signal()

    def __init__(self, data_dir: DataDir, parent: QObject | None = None):
        super().__init__(parent)
        self._server = QLocalServer(self)
        name = server_name(data_dir)
        if not self._server.listen(name):
            # A socket left by a copy that crashed: ours now, since this copy holds the folder's lock.
            QLocalServer.removeServer(name)
            self._server.listen(name)
        self._server.newConnection.connect(self._accept)

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def _accept(self) -> None:
        # Read each request at once rather than waiting on the socket's own signals: a second copy writes its
        # one line as soon as it connects, and a socket left half-handled could outlive the server.
        while (socket := self._server.nextPendingConnection()) is not None:
            if not socket.bytesAvailable():
                socket.waitForReadyRead(_WAIT_MS)
            asked = SHOW.strip() in bytes(socket.readAll().data())
            socket.abort()
            socket.deleteLater()
            if asked:
                self.show_requested.emit()

    def close(self) -> None:
        self._server.close()


def already_open_message(holder: Holder, shown: bool) -> str:
    where = " Cửa sổ đó đã được đưa lên trước." if shown else ""
    return (f"VốnXoay đang mở với thư mục dữ liệu này ({holder.describe()}).{where}\n"
            "Hãy dùng cửa sổ đang mở; mở hai bản cùng lúc có thể làm hỏng sổ sách.")


def tell(text: str) -> None:
    """Also on stderr: a copy started from a terminal or a script says why it stopped."""
    if sys.stderr is None:  # no console (a windowed program on Windows): the box is enough
        return
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
