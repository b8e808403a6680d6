"""What the GUI thread must not wait for: a worker's full garbage collection, Qt's painting
threads, PySide6 making its classes."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref

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
        assert FullCollections.install(qapp) is FullCollections.install(qapp)
    finally:
        collections._timer.stop()
        collections.deleteLater()
        gc.set_threshold(*thresholds)


def test_the_app_paints_on_the_gui_thread_and_makes_qt_classes_while_the_operator_types(
    tmp_path,
):
    # A process of its own: both are settled before the QApplication exists.
    script = """
import enum, os, sys, threading, time
from pathlib import Path
from kehu_desktop.app import StoreOpening, ensure_application
from kehu_desktop.ui.common.qt_types import ClassMaker
app = ensure_application()
print("POOL", os.environ.get("QT_NO_GUI_THREADPOOL"))
made = []
original = enum.EnumType.__call__
def spy(cls, value, names=None, *args, **kwargs):
    if names is not None:
        made.append(threading.current_thread().name)
    return original(cls, value, names, *args, **kwargs)
enum.EnumType.__call__ = spy
opening = StoreOpening(Path(sys.argv[1]), None)
maker = ClassMaker(opening.opened, app)
opening.start()
deadline = time.monotonic() + 60
while not maker.done and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.001)
print("GUI", made.count("MainThread") if opening.opened() else 0)
made.clear()
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView, QTextEdit, QWidget
QTableView(); QBrush(QColor("red")); QTextEdit().document(); QWidget().findChildren(QTextEdit)
print("LATER", len(made))
"""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    environment.pop("QT_NO_GUI_THREADPOOL", None)
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True, text=True, env=environment, timeout=120, check=True,
    )  # fmt: skip
    said = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert said["POOL"] == "1"
    assert int(said["GUI"]) > 100  # made by the GUI thread, once the store was open
    assert said["LATER"] == "0"
