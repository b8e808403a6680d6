"""The base of dialogs that edit one record: unsaved changes are never lost silently."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from kehu_desktop.ui.common.layout_memory import LayoutMemory


class RecordDialog(QDialog):
    """Asks before closing with unsaved changes (save, discard or keep editing) and
    remembers its size.

    Subclasses set ``record_label`` (e.g. "客户档案") and ``geometry_key``, keep their field
    editors in ``_editors`` and what was loaded or last saved in ``_initial``, and implement
    ``current_input()`` and ``save() -> bool`` (which accepts the dialog when it saved).
    """

    record_label = "记录"
    geometry_key = "record_dialog"

    def __init__(self, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self._layout_memory = layout
        self._editors: dict[str, QWidget] = {}
        self._initial: object = None

    def current_input(self) -> object:
        raise NotImplementedError

    def is_dirty(self) -> bool:
        return self.current_input() != self._initial

    def editor(self, name: str) -> QWidget:
        """The editor of one field, by its name (for tests and for focusing an error)."""
        return self._editors[name]

    def save(self) -> bool:
        raise NotImplementedError

    def remember_geometry(self) -> None:
        self._layout_memory.save_geometry(self.geometry_key, self)

    def reject(self) -> None:
        if self.is_dirty():
            answer = QMessageBox.question(
                self,
                "未保存的修改",
                f"{self.record_label}有未保存的修改。要保存吗？",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save:
                self.save()
                return
        self.remember_geometry()
        super().reject()

    def closeEvent(self, event) -> None:
        if self.is_dirty() and self.isVisible():
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
