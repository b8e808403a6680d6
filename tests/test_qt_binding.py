"""The Qt binding the app is pinned to must not corrupt Python's reference counts."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Source(QObject):
    fired = Signal(object)


def test_emitting_a_signal_keeps_the_reference_to_true(qtbot):
    # PySide6 6.12.0's emit() dropped a reference to True on every call; after a few thousand
    # emissions a running window (or a test run) died in bool_dealloc. pyproject excludes it.
    source = _Source()
    received = []
    source.fired.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(200):
        source.fired.emit(n)
    assert len(received) == 200
    assert sys.getrefcount(True) >= before - 10
