"""PySide6's classes made up front, while the operator types the password.

PySide6 makes the Python side of a Qt class (the type and its enums) only when it is first
used; a class's first use can make a hundred other classes' enums with it (the first ``QBrush``
made 100 enums, 20 ms). When that happened as a desk, a dialog or a list's colours were first
shown, the window stalled 10–20 ms each time. Here the classes are made beforehand, on the GUI
thread (PySide6 does not guard making a class against another thread making one), a few at a
time between events, once the store is open (its imports make many of them themselves).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

# Classes made in one turn of the event loop (about 3 ms).
PER_TURN = 25
# How often to look again while the store is still opening.
WAIT_MS = 20


class ClassMaker(QObject):
    """Makes every class of the PySide6 modules imported by then, ``PER_TURN`` at a time, once
    ``ready()`` is true; deletes itself when done."""

    def __init__(self, ready: Callable[[], bool], parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("qtClassMaker")
        self._ready = ready
        self._waiting: list[tuple[object, str]] | None = None
        self._timer = QTimer(self, interval=WAIT_MS)
        self._timer.timeout.connect(self._turn)
        self._timer.start()

    @property
    def done(self) -> bool:
        return self._waiting == []

    def _turn(self) -> None:
        if self._waiting is None:
            if not self._ready():
                return
            self._waiting = [
                (module, name)
                for key, module in list(sys.modules.items())
                if key.startswith("PySide6.Qt")
                for name in dir(module)
                if name.startswith("Q")
            ]
            self._timer.setInterval(0)
        for module, name in self._waiting[-PER_TURN:]:
            getattr(module, name)
        del self._waiting[-PER_TURN:]
        if not self._waiting:
            self._timer.stop()
            self.deleteLater()
