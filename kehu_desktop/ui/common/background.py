"""Running slow work off the GUI thread and hearing back on it.

``run_in_background(fn, on_done)`` calls ``fn(progress)`` on a pool thread; ``on_done`` gets the
result on the GUI thread, ``on_failed`` the exception. ``progress(done, total)`` may be called
from ``fn`` to report how far it got.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class BackgroundTask(QObject):
    """Signals: ``done(object)``, ``failed(object)``, ``progress(int, int)``."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


_running: set[BackgroundTask] = set()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any], task: BackgroundTask):
        super().__init__()
        self._fn = fn
        self._task = task

    def run(self) -> None:
        try:
            try:
                result = self._fn(self._task.progress.emit)
            except Exception as error:  # handed to the GUI thread, which decides what to show
                self._task.failed.emit(error)
            else:
                self._task.done.emit(result)
        except RuntimeError:
            pass  # the widget that asked is gone (its window closed): nobody to tell


def _owner_of(callback: Callable) -> QObject | None:
    """The widget a callback belongs to: a bound method's object, or a QObject the closure
    holds (``lambda r: self._show(r)`` holds ``self``)."""
    target = getattr(callback, "__self__", None)
    if isinstance(target, QObject):
        return target
    for cell in getattr(callback, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if isinstance(value, QObject):
            return value
    return None


def run_in_background(
    fn: Callable[[Callable[[int, int], None]], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[Exception], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> BackgroundTask:
    """Run ``fn`` on the pool. The task lives as long as the widget ``on_done`` belongs to:
    when that widget is deleted (its window closed), the result is dropped, not delivered to
    a widget that no longer exists."""
    task = BackgroundTask(_owner_of(on_done))
    _running.add(task)
    task.done.connect(on_done)
    if on_failed is not None:
        task.failed.connect(on_failed)
    if on_progress is not None:
        task.progress.connect(on_progress)
    task.done.connect(lambda _r: _running.discard(task))
    task.failed.connect(lambda _e: _running.discard(task))
    task.destroyed.connect(lambda _o=None: _running.discard(task))
    QThreadPool.globalInstance().start(_Job(fn, task))
    return task
