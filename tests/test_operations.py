"""The operations helper: work off the GUI thread, failures never dropped, one change signal."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QScrollArea, QVBoxLayout, QWidget
from sqlalchemy import func, select

from kehu_desktop.models import Customer
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.ui.common import operations
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.wheel_guard import install_wheel_guard
from tests.helpers.customers import make_customer


@pytest.fixture
def ops(context):
    return Operations(context)


def test_query_runs_off_the_gui_thread_and_answers_on_it(qtbot, ops, context):
    make_customer(context, "北京华达电子有限公司")
    threads = {}

    def count(session):
        threads["op"] = threading.current_thread()
        return session.scalar(select(func.count()).select_from(Customer))

    results = []
    ops.query(None, count, lambda n: results.append((n, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(results))
    assert results[0][0] == 1
    assert threads["op"] is not threading.main_thread()
    assert results[0][1] is threading.main_thread()


def test_write_commits_then_announces_what_changed(qtbot, ops, context):
    seen: list[object] = []
    ops.events.changed.connect(lambda change: seen.append(change))

    def add(session):
        session.add(Customer(code="KH900001", name="测试客户", name_pinyin="ceshi"))
        return "done"

    results = []
    ops.write(None, add, {"customers"}, lambda r: results.append((r, list(seen))))
    qtbot.waitUntil(lambda: bool(results))
    result, seen_before_success = results[0]
    assert result == "done"
    assert seen_before_success and isinstance(seen_before_success[0], StoreChange)
    assert seen_before_success[0].touches("customers")
    assert not seen_before_success[0].touches("complaints")
    with context.reader() as session:
        assert session.scalar(select(Customer.name).where(Customer.code == "KH900001"))


def test_failed_write_rolls_back_and_calls_the_failure_handler(qtbot, ops, context):
    def add_then_refuse(session):
        session.add(Customer(code="KH900002", name="不该保存", name_pinyin="bu"))
        session.flush()
        raise UserError("拒绝保存")

    failures, changes = [], []
    ops.events.changed.connect(changes.append)
    ops.write(None, add_then_refuse, {"customers"}, lambda _r: None, failure=failures.append)
    qtbot.waitUntil(lambda: bool(failures))
    assert str(failures[0]) == "拒绝保存"
    assert not changes
    with context.reader() as session:
        assert session.scalar(select(Customer).where(Customer.code == "KH900002")) is None


def test_without_a_failure_handler_the_error_is_shown(qtbot, ops, monkeypatch):
    shown = []
    monkeypatch.setattr(operations, "show_error", lambda parent, title, error: shown.append(error))

    def broken(_session):
        raise RuntimeError("bug")

    ops.query(None, broken, lambda _r: None)
    qtbot.waitUntil(lambda: bool(shown))
    assert isinstance(shown[0], RuntimeError)


def test_unknown_change_kind_is_a_programming_error(ops):
    with pytest.raises(ValueError):
        ops.write(None, lambda s: None, {"customer"})


def test_cancelled_work_reports_nothing(qtbot, ops):
    started = threading.Event()
    release = threading.Event()
    outcome = []

    def slow(progress):
        started.set()
        release.wait(5)
        progress(1, 2)  # raises Cancelled once cancel() was called
        return "finished"

    handle = ops.run(None, slow, outcome.append, failure=outcome.append)
    assert started.wait(5)
    handle.cancel()
    release.set()
    qtbot.waitUntil(lambda: handle.finished)
    assert outcome == []
    assert handle.cancelled


def test_partial_results_arrive_before_the_whole(qtbot, ops):
    parts, whole = [], []

    def pages(progress):
        for page in range(3):
            progress.partial(page)
        return "all"

    ops.run(None, pages, lambda r: whole.append((r, list(parts))), on_partial=parts.append)
    qtbot.waitUntil(lambda: bool(whole))
    assert whole[0] == ("all", [0, 1, 2])


def test_results_for_a_closed_widget_are_dropped(qtbot, ops):
    widget = QWidget()
    got = []
    release = threading.Event()

    def wait(_session):
        release.wait(5)
        return 1

    ops.query(widget, wait, got.append)
    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    assert operations.wait_for_running()
    assert got == []


def test_work_asked_for_while_a_window_is_built_starts_once_it_is(qtbot, ops):
    started = threading.Event()
    results = []
    with operations.started_once_built():
        with operations.started_once_built():  # nested: the outer one decides
            ops.query(None, lambda _session: started.set() or 1, results.append)
        assert not started.wait(0.2)  # held while the window is being built
    qtbot.waitUntil(lambda: results == [1])
    assert started.is_set()


def test_wheel_over_an_unfocused_combo_does_not_change_it(qtbot):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    install_wheel_guard(QApplication.instance())
    page = QWidget()
    inner = QWidget()
    box = QVBoxLayout(inner)
    combo = QComboBox()
    combo.addItems(["张丽", "王强", "李明"])
    other = QLineEdit()
    box.addWidget(other)
    box.addWidget(combo)
    inner.setMinimumHeight(2000)
    scroll = QScrollArea(page, widgetResizable=True)
    scroll.setWidget(inner)
    scroll.resize(300, 200)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    other.setFocus()

    def wheel(widget):
        event = QWheelEvent(
            QPointF(5, 5), QPointF(widget.mapToGlobal(QPoint(5, 5))), QPoint(0, 0),
            QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(widget, event)

    wheel(combo)
    assert combo.currentIndex() == 0
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo)
    assert combo.currentIndex() == 1


class _Painted(QWidget):
    painted = False

    def paintEvent(self, event) -> None:
        self.painted = True
        super().paintEvent(event)


def test_reads_held_until_painted_start_after_the_first_paint(qtbot, monkeypatch):
    """A dialog's pages not on screen yet (a customer's visits, complaints, attachments) read
    once the dialog has been painted, so their Python work does not compete with it."""
    monkeypatch.setattr(operations, "PAINT_WAIT_MS", 60_000)  # only the paint starts them
    widget = _Painted()
    qtbot.addWidget(widget)
    seen: list[bool] = []
    with operations.started_once_painted(widget):
        operations.start(None, lambda _p: widget.painted, seen.append)
    widget.show()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [True]


def test_reads_held_for_a_widget_never_shown_start_all_the_same(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    seen: list[int] = []
    with operations.started_once_painted(widget):
        operations.start(None, lambda _p: 1, seen.append)
    qtbot.wait(operations.PAINT_WAIT_MS // 2)
    assert not seen
    qtbot.waitUntil(lambda: bool(seen), timeout=operations.PAINT_WAIT_MS * 4)
