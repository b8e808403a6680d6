"""Python's full garbage collections, run by the GUI thread between events.

Left to itself, Python's cyclic garbage collector runs in whichever thread happens to cross its
threshold, holding the interpreter lock throughout. A full collection walks every object the
desks hold (their list rows, tens of thousands on a large store): 25–70 ms. Set off by a worker
reading the store, it froze the window for that long, on top of whatever the window was doing
(in the scripted day, benchmarks/bench_day.py, the stalls after 保存投诉 and a search).

Here the young generations are still collected where they fill up (a few ms at a time); the
full collections are left to a timer on the GUI thread, which runs one between two events,
never inside another piece of the window's work: once a minute, 40–55 ms over a 100,000-customer
store's desks. Python 3.14 collects the oldest generation in small increments instead (and
ignores its threshold), so there it is left as it is.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QTimer

# How often the whole heap is collected (when anything has reached the oldest generation).
FULL_COLLECTION_INTERVAL_MS = 60_000
# A threshold the oldest generation never reaches: Python never starts a full collection.
_NEVER = 2**30


class FullCollections(QObject):
    """Full collections on the GUI thread, from ``install(app)`` on."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("fullCollections")
        young, middle, _oldest = gc.get_threshold()
        gc.set_threshold(young, middle, _NEVER)
        self._timer = QTimer(self, interval=FULL_COLLECTION_INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    @classmethod
    def install(cls, app: QObject) -> FullCollections | None:
        """Once per app (a switch of user or a test starting the app again finds it there);
        None where Python's own collector is incremental."""
        if sys.version_info >= (3, 14):
            return None
        return app.findChild(cls, "fullCollections") or cls(app)

    def collect(self) -> int:
        """A full collection, unless no young collection has run since the last one (then
        nothing can have reached the oldest generation); returns the number of objects freed."""
        if gc.get_count()[2] == 0:
            return 0
        return gc.collect()
