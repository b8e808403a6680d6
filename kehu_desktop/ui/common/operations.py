"""The one way the window works on the store: off the GUI thread, failures never lost.

After Anki's ``aqt/operations``. A desk asks ``Operations`` to

* ``query``: read from the store (``op(session) -> result``),
* ``write``: change the store (``op(session) -> result`` in one unit of work, committed on
  success) and say which kinds of record it changed,
* ``run``: any other slow work (rendering pages, writing a file), with progress and cancel.

``op`` runs on a pool thread; ``success`` gets the result on the GUI thread. ``failure`` gets the
exception; when a caller gives none, the error dialog is shown (a refusal's Chinese message for
what the user can act on, a report for a bug), so an error is never dropped silently. After a
write succeeds, ``StoreEvents.changed`` carries a ``StoreChange`` to every desk listening, before
``success`` is called, so the desks refresh themselves instead of calling each other.

Results for a widget that has been deleted meanwhile (its window closed) are dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.screen import after_first_paint

T = TypeVar("T")

# What a write may say it changed; desks listen for the kinds they show.
CHANGE_KINDS = frozenset(
    {
        "customers",
        "contacts",
        "sales",
        "visits",
        "plans",
        "complaints",
        "key_accounts",
        "service",  # the after-sales desk: requests, repair orders, feedback, products
        "attachments",
        "settings",
        "staff",
        "store",  # everything may have changed (demo data, a restore, an import)
    }
)

# A progress dialog appears only for work that takes longer than this.
PROGRESS_DELAY_MS = 400


class Cancelled(Exception):
    """Raised inside ``op`` by ``progress()`` once the user pressed 取消."""


@dataclass(frozen=True)
class StoreChange:
    """What a write changed, and who asked (so a desk can skip its own echo)."""

    kinds: frozenset[str]
    initiator: object | None = None

    def touches(self, *kinds: str) -> bool:
        return "store" in self.kinds or any(kind in self.kinds for kind in kinds)


class StoreEvents(QObject):
    """Signals: ``changed(StoreChange)`` after every successful write."""

    changed = Signal(object)


class Progress:
    """Handed to ``op`` as its ``progress`` argument: ``progress(done, total)`` reports how far
    it got and raises ``Cancelled`` once the user has cancelled."""

    def __init__(self, task: _Task) -> None:
        self._task = task
        self.cancelled = threading.Event()

    def __call__(self, done: int, total: int) -> None:
        if self.cancelled.is_set():
            raise Cancelled
        self._task.progressed.emit(done, total)

    def partial(self, value: object) -> None:
        """Hand a part of the result to the GUI thread before the whole is done (e.g. the first
        page of a preview)."""
        if self.cancelled.is_set():
            raise Cancelled
        self._task.partial.emit(value)


class _Task(QObject):
    """Signals: ``done(object)``, ``failed(object)``, ``progressed(int, int)``,
    ``partial(object)``."""

    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)
    partial = Signal(object)


_running: set[_Task] = set()


class _Job(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], task: _Task, progress: Progress) -> None:
        super().__init__()
        self._fn = fn
        self._task = task
        self._progress = progress

    def run(self) -> None:
        try:
            try:
                result = self._fn(self._progress)
            except Exception as error:  # handed to the GUI thread, which decides what to show
                self._task.failed.emit(error)
            else:
                self._task.done.emit(result)
        except RuntimeError:
            pass  # the widget that asked is gone (its window closed): nobody to tell


class Handle:
    """A started operation: ``cancel()`` asks the work to stop at its next progress report."""

    def __init__(self, task: _Task, progress: Progress) -> None:
        self._task = task
        self._progress = progress
        self.finished = False

    def cancel(self) -> None:
        self._progress.cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._progress.cancelled.is_set()


def _show_progress(dialog: QProgressDialog, done: int, total: int) -> None:
    dialog.setMaximum(total)
    dialog.setValue(done)


def _owner_of(callback: Callable | None, parent: QWidget | None) -> QObject | None:
    """The widget results belong to: ``parent``, else a bound method's object."""
    if parent is not None:
        return parent
    target = getattr(callback, "__self__", None)
    return target if isinstance(target, QObject) else None


def start(
    parent: QWidget | None,
    fn: Callable[[Progress], T],
    success: Callable[[T], None] | None,
    *,
    failure: Callable[[Exception], None] | None = None,
    title: str = "",
    progress_label: str = "",
    on_progress: Callable[[int, int], None] | None = None,
    on_partial: Callable[[Any], None] | None = None,
) -> Handle:
    """Run ``fn(progress)`` on the pool; the lowest level, used by ``Operations``.

    ``progress_label``: show a progress dialog with 取消 if the work takes a while.
    """
    task = _Task(_owner_of(success, parent))
    progress = Progress(task)
    handle = Handle(task, progress)
    _running.add(task)
    dialog: QProgressDialog | None = None
    if progress_label:
        dialog = QProgressDialog(progress_label, "取消", 0, 0, parent)
        dialog.setObjectName("operationProgress")
        dialog.setWindowTitle(title or "请稍候")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        dialog.canceled.connect(handle.cancel)
        task.progressed.connect(lambda done, total: _show_progress(dialog, done, total))

    def finish() -> None:
        handle.finished = True
        _running.discard(task)
        if dialog is not None:
            dialog.canceled.disconnect(handle.cancel)
            dialog.close()
            dialog.deleteLater()

    def succeeded(result: object) -> None:
        finish()
        if success is not None:
            success(result)  # type: ignore[arg-type]

    def failed(error: Exception) -> None:
        finish()
        if isinstance(error, Cancelled):
            return
        if failure is not None:
            failure(error)
        else:
            show_error(parent, title or "操作未完成", error)

    task.done.connect(succeeded)
    task.failed.connect(failed)
    if on_progress is not None:
        task.progressed.connect(on_progress)
    if on_partial is not None:
        task.partial.connect(on_partial)
    task.destroyed.connect(lambda _o=None: _running.discard(task))
    job = _Job(fn, task, progress)
    if _held is not None:
        _held.append(job)
    else:
        QThreadPool.globalInstance().start(job)
    return handle


# Jobs asked for while a window is being built, started later (``started_once_built``,
# ``started_once_painted``).
_held: list[_Job] | None = None
# How long ``started_once_painted`` waits at most for the first paint (a dialog never shown).
PAINT_WAIT_MS = 250


@contextmanager
def _holding(release: Callable[[list[_Job]], None]) -> Iterator[None]:
    global _held
    if _held is not None:  # already inside one: the outer one releases
        yield
        return
    _held = []
    try:
        yield
    finally:
        jobs, _held = _held, None
        release(jobs)


def _start_all(jobs: list[_Job]) -> None:
    for job in jobs:
        QThreadPool.globalInstance().start(job)


def started_once_built() -> AbstractContextManager[None]:
    """Hold the work a window's parts ask for while it is built (their first reads) and start
    it at the end: a worker running meanwhile would share Python's lock with the building,
    and the window would take longer to appear."""
    return _holding(_start_all)


def started_once_painted(widget: QWidget) -> AbstractContextManager[None]:
    """Hold the work asked for inside (the first reads of a dialog's pages not on screen yet)
    until ``widget`` has been painted for the first time, or ``PAINT_WAIT_MS`` have passed:
    read meanwhile, their Python work would share the interpreter lock with the painting.
    Inside ``started_once_built`` it holds nothing more (the window's build starts it all).
    Work held for a widget deleted before either is dropped with it, as its results would be."""

    def release(jobs: list[_Job]) -> None:
        if not jobs:
            return
        waiting = [jobs]

        def start() -> None:
            if waiting:
                _start_all(waiting.pop())

        after_first_paint(widget, start)
        QTimer.singleShot(PAINT_WAIT_MS, widget, start)

    return _holding(release)


class Operations:
    """Reads and writes on the store for one signed-in window.

    Widgets get it through their constructor; ``events`` is the one "what changed" signal.
    """

    def __init__(self, context: DeskContext, events: StoreEvents | None = None) -> None:
        self.context = context
        self.events = events or StoreEvents()

    @property
    def operator(self):
        return self.context.operator

    def query(
        self,
        parent: QWidget | None,
        op: Callable[[Session], T],
        success: Callable[[T], None],
        *,
        failure: Callable[[Exception], None] | None = None,
        title: str = "",
        progress_label: str = "",
    ) -> Handle:
        """Read with ``op(session)`` off the GUI thread; ``success(result)`` on it."""

        def work(_progress: Progress) -> T:
            with self.context.reader() as session:
                return op(session)

        return start(
            parent, work, success, failure=failure, title=title, progress_label=progress_label
        )

    def write(
        self,
        parent: QWidget | None,
        op: Callable[[Session], T],
        changes: Iterable[str],
        success: Callable[[T], None] | None = None,
        *,
        failure: Callable[[Exception], None] | None = None,
        title: str = "",
        progress_label: str = "",
    ) -> Handle:
        """Change the store with ``op(session)`` in one unit of work (committed when ``op``
        returns, rolled back when it raises); then ``StoreEvents.changed`` and ``success``."""
        kinds = frozenset(changes)
        unknown = kinds - CHANGE_KINDS
        if unknown:
            raise ValueError(f"unknown change kinds: {sorted(unknown)}")

        def work(_progress: Progress) -> T:
            with self.context.session() as session:
                return op(session)

        def done(result: T) -> None:
            self.events.changed.emit(StoreChange(kinds, parent))
            if success is not None:
                success(result)

        return start(
            parent, work, done, failure=failure, title=title, progress_label=progress_label
        )

    def run(
        self,
        parent: QWidget | None,
        fn: Callable[[Progress], T],
        success: Callable[[T], None],
        *,
        failure: Callable[[Exception], None] | None = None,
        title: str = "",
        progress_label: str = "",
        on_progress: Callable[[int, int], None] | None = None,
        on_partial: Callable[[Any], None] | None = None,
        changes: Iterable[str] = (),
    ) -> Handle:
        """Any other slow work, ``fn(progress)``: rendering, writing files, a backup, an import
        that manages its own sessions. ``changes``: what it changed in the store, if anything."""
        kinds = frozenset(changes)

        def done(result: T) -> None:
            if kinds:
                self.events.changed.emit(StoreChange(kinds, parent))
            success(result)

        return start(
            parent,
            fn,
            done,
            failure=failure,
            title=title,
            progress_label=progress_label,
            on_progress=on_progress,
            on_partial=on_partial,
        )


def wait_for_running(timeout_ms: int = 5000) -> bool:
    """Process events until no operation is running (for closing the window and for tests)."""
    app = QApplication.instance()
    deadline = timeout_ms
    step = 10
    while _running and deadline > 0:
        QThreadPool.globalInstance().waitForDone(step)
        if app is not None:
            app.processEvents()
        deadline -= step
    return not _running
