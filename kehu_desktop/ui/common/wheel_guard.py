"""The mouse wheel scrolls the page; it changes a combo box or spin box only when the user has
put the focus there first (turning the wheel over 基础资料 must not change 负责业务员)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

_WHEEL = QEvent.Type.Wheel
_POLISH = QEvent.Type.Polish


class WheelGuard(QObject):
    """Application-wide event filter; install once with ``install_wheel_guard``.

    Every event of the application passes through it: anything but a wheel turn or a
    polish leaves at the first line (compared by identity, the cheapest test)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind is not _WHEEL and kind is not _POLISH:
            return False
        if (
            kind is _WHEEL
            and isinstance(watched, QComboBox | QAbstractSpinBox)
            and not watched.hasFocus()
        ):
            parent = watched.parentWidget()
            if parent is not None:  # the page scrolls instead
                QCoreApplication.sendEvent(parent, event)
            return True
        if kind is _POLISH and isinstance(watched, QComboBox | QAbstractSpinBox):
            # Focus by click or Tab, not by the wheel passing over it.
            widget: QWidget = watched
            if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return False


_guards: list[WheelGuard] = []


def install_wheel_guard(app: QApplication) -> None:
    if not _guards:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
        _guards.append(guard)
