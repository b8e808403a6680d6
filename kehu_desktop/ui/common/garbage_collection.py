"""Python's full garbage collections, run by the GUI thread between events.

Left to itself, Python's cyclic garbage collector runs in whichever thread happens to cross its
threshold, holding the interpreter lock throughout. A full collection walks every object the
desks hold (their list rows, tens of thousands on a large store): 25–70 ms. Set off by a worker
reading the store, it froze the window for that long, on top of whatever the window was doing
(in the scripted day, benchmarks/bench_day.py, the stalls after 保存投诉 and a search).

Here the young generations are still collected where they fill up (a few ms at a time); the
full collections are left to a timer on the GUI thread, which runs one between two events,
never inside another piece of the window's work.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

# How often the whole heap is collected (when anything has reached the oldest generation).
FULL_COLLECTION_INTERVAL_MS = 60_000
# A threshold the oldest generation never reaches: Python never starts a full collection.
_NEVER = 2**30


class FullCollections(QObject):
    """Made once, with the app as parent: from then on, full collections on the GUI thread."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        young, middle, _oldest = gc.get_threshold()
        gc.set_threshold(young, middle, _NEVER)
        self._timer = QTimer(self, interval=FULL_COLLECTION_INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> int:
        """A full collection, if anything has been promoted to the oldest generation since
        the last one; returns the number of objects freed."""
        if gc.get_count()[2] == 0:
            return 0
        return gc.collect()
