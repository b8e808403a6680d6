"""Keeping windows within the screen they are on: a 1366×768 laptop, or 1920×1080 at 150 %
(1280×720 logical pixels), minus the task bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Below this available height the main window starts maximized.
SMALL_SCREEN_HEIGHT = 800


def available_geometry(widget: QWidget) -> QRect:
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget) -> None:
    """Shrink ``widget`` (frame included) to the available screen and move it fully onto it."""
    area = available_geometry(widget)
    frame = widget.frameGeometry()
    extra_w = max(frame.width() - widget.width(), 0)
    extra_h = max(frame.height() - widget.height(), 0)
    width = min(widget.width(), area.width() - extra_w)
    height = min(widget.height(), area.height() - extra_h)
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.top()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


class _AfterFirst(QObject):
    """Calls ``then`` once the first event of ``kind`` the widget gets has been handled."""

    def __init__(self, widget: QWidget, kind: QEvent.Type, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._kind, self._then = kind, then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self._kind:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._then)
        return False


def _fit_unless_maximized(widget: QWidget) -> None:
    if not widget.isMaximized():
        fit_to_screen(widget)


def after_first_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """Call ``then`` once ``widget`` has been painted for the first time."""
    widget.installEventFilter(_AfterFirst(widget, QEvent.Type.Paint, then))


def fit_when_shown(widget: QWidget) -> None:
    """Fit ``widget`` to the screen once, when it is first shown (a remembered or default
    size from a bigger screen shrinks to this one). After the show is done: only then is
    the frame (title bar) known."""
    fit = _AfterFirst(widget, QEvent.Type.Show, lambda: _fit_unless_maximized(widget))
    widget.installEventFilter(fit)


def is_small_screen(widget: QWidget) -> bool:
    return available_geometry(widget).height() < SMALL_SCREEN_HEIGHT
