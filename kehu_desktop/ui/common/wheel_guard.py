"""The mouse wheel scrolls the page; it changes a combo box or spin box only when the user has
put the focus there first (turning the wheel over 基础资料 must not change 负责业务员).

The guard sits on each combo and spin box only, put there as Qt polishes the widget (a proxy
style sees every widget once): an application-wide event filter would run Python for every
event of every widget, which made building the main window take twice as long.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QProxyStyle,
    QWidget,
)


class WheelGuard(QObject):
    """The event filter on a combo or spin box: a wheel turn over it while it has no focus
    goes to its parent (the page scrolls)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False
        parent = watched.parentWidget()
        if parent is not None:
            QCoreApplication.sendEvent(parent, event)
        return True


class _GuardingStyle(QProxyStyle):
    """The application's style, which also guards each combo and spin box it polishes."""

    def __init__(self, guard: WheelGuard) -> None:
        super().__init__()
        self._guard = guard

    def polish(self, target):  # one override for Qt's three: widget, palette, application
        if isinstance(target, QComboBox | QAbstractSpinBox):
            # Focus by click or Tab, not by the wheel passing over it.
            if target.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                target.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            target.installEventFilter(self._guard)
        return super().polish(target)


_guards: list[WheelGuard] = []


def install_wheel_guard(app: QApplication) -> None:
    if not _guards:
        guard = WheelGuard(app)
        app.setStyle(_GuardingStyle(guard))
        _guards.append(guard)
