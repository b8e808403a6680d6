"""Reloading a desk after a write: at once while it is on screen, else when it is next shown.

Every desk hears ``StoreEvents.changed`` after each write. Reloading all six at once made a
save stall the window for a second on a large store, for lists nobody was looking at. A desk
hidden behind another tab (or behind the lock screen) only notes that it is stale, and
reloads when it is shown again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

_SHOWN = (QEvent.Type.Show, QEvent.Type.ShowToParent)


class ReloadWhenShown(QObject):
    """``request()`` reloads ``widget`` now if it is on screen (or would be once its window
    shows), else marks it ``stale`` and reloads it when it is next shown."""

    def __init__(self, widget: QWidget, reload: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._reload = reload
        self.stale = False
        widget.installEventFilter(self)

    def shown(self) -> bool:
        """On screen, or the page its window shows (even before the window is): not a tab
        page behind another, nor behind the lock screen. A desk standing on its own counts as
        shown."""
        widget = self._widget
        return widget.isWindow() or widget.isVisibleTo(widget.window())

    def request(self) -> None:
        if self.shown():
            self.stale = False
            self._reload()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.stale and event.type() in _SHOWN and self.shown():
            self.stale = False
            self._reload()
        return False
