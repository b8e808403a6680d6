"""What the GUI thread must not wait for: a worker's full garbage collection, Qt's painting
threads, PySide6 making its classes, a worker at the window's priority."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading
import weakref

from PySide6.QtCore import QThread

from kehu_desktop.ui.common import operations
from kehu_desktop.ui.common.garbage_collection import FULL_COLLECTION_INTERVAL_MS, FullCollections


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_python_never_starts_a_full_collection_and_the_gui_timer_runs_them(qapp):
    thresholds = gc.get_threshold()
    collections = FullCollections(qapp)
    try:
        assert gc.get_threshold()[:2] == thresholds[:2]  # the young generations as before
        assert gc.get_threshold()[2] >= 2**30
        assert collections._timer.isActive()
        assert collections._timer.interval() == FULL_COLLECTION_INTERVAL_MS

        node = Node()
        gone = weakref.ref(node)
        gc.collect(1)  # survives the young collections: now in the oldest generation
        del node
        for _ in range(3):  # young collections, wherever they run, leave it alone
            gc.collect(1)
        assert gone() is not None
        collections._timer.timeout.emit()
        assert gone() is None
        assert collections.collect() == 0  # nothing reached the oldest generation since
    finally:
        collections._timer.stop()
        collections.deleteLater()
        gc.set_threshold(*thresholds)


def test_pool_threads_run_below_the_window(qapp, qtbot):
    seen: list[tuple[QThread.Priority, int | None]] = []

    def read(_progress) -> int:
        niceness = None
        if sys.platform.startswith("linux"):  # Qt's priority has no effect there
            niceness = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        seen.append((QThread.currentThread().priority(), niceness))
        return 1

    done: list[int] = []
    operations.start(None, read, done.append)
    qtbot.waitUntil(lambda: bool(done))
    priority, niceness = seen[0]
    assert priority == QThread.Priority.LowPriority
    if niceness is not None:
        assert niceness >= operations.WORKER_NICENESS
        assert os.getpriority(os.PRIO_PROCESS, 0) < operations.WORKER_NICENESS  # the window's


def test_the_app_paints_on_the_gui_thread_and_makes_qt_classes_while_the_operator_types(
    tmp_path,
):
    # A process of its own: both are settled before the QApplication exists.
    script = """
import enum, os, sys
from pathlib import Path
from kehu_desktop.app import StoreOpening, ensure_application
ensure_application()
print(os.environ.get("QT_NO_GUI_THREADPOOL"))
opening = StoreOpening(Path(sys.argv[1]), None)
opening.database()
made = []
original = enum.EnumType.__call__
def spy(cls, value, names=None, *args, **kwargs):
    if names is not None:
        made.append(value)
    return original(cls, value, names, *args, **kwargs)
enum.EnumType.__call__ = spy
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView, QTextEdit, QWidget
QTableView(); QBrush(QColor("red")); QTextEdit().document(); QWidget().findChildren(QTextEdit)
print(made)
"""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    environment.pop("QT_NO_GUI_THREADPOOL", None)
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True, text=True, env=environment, timeout=120, check=True,
    )  # fmt: skip
    painting_pool, made_later = result.stdout.split("\n")[-3:-1]
    assert painting_pool == "1"
    assert made_later == "[]"
