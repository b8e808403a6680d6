"""The base of a dialog that shows what the store holds and keeps up with it — a case, the
after-sales feedback, the product catalogue (a dialog that edits a record is an EditDialog)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget

from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.screen import fit_to_screen


class ViewDialog(QDialog):
    """Reads what it shows again (``reload``) whenever a write ``touches`` it, fits the screen
    when shown, and remembers its size under ``geometry_key`` (``size`` the first time).

    A dialog builds its layout, calls ``restore_size`` and then ``reload``; it emits ``loaded``
    once what it read is shown.

    Signals: ``loaded()`` each time what the dialog shows has been read and shown.
    """

    loaded = Signal()

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        *,
        geometry_key: str,
        size: tuple[int, int],
        touches: tuple[str, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self._ops = ops
        self._layout_memory = layout
        self._geometry_key = geometry_key
        self._size = size
        self._touches = touches

    def restore_size(self) -> None:
        """The size remembered, else the dialog's own; from now on writes reload it."""
        if not self._layout_memory.restore_geometry(self._geometry_key, self):
            self.resize(*self._size)
        self._ops.events.changed.connect(self._store_changed)

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches(*self._touches):
            self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def showEvent(self, event) -> None:
        super().showEvent(event)
        fit_to_screen(self)

    def done(self, result: int) -> None:
        self._layout_memory.save_geometry(self._geometry_key, self)
        super().done(result)
