"""An editable table of text rows (contacts, monthly sales) inside a dialog.

Holds ``list[dict[str, str]]``; the service validates and parses on save, so the model
only keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QStyledItemDelegate,
    QWidget,
)

from kehu_desktop.ui.common.date_edit import DateEdit


@dataclass(frozen=True)
class EditableColumn:
    """``choices``: edited through a drop-down; ``date``: through a date editor."""

    key: str
    label: str
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    date: bool = False


class EditableRowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[EditableColumn], parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[dict[str, str]] = []

    def set_rows(self, rows: Sequence[dict[str, str]]) -> None:
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self.endResetModel()

    def rows(self) -> list[dict[str, str]]:
        return [dict(r) for r in self._rows]

    def add_row(self, values: dict[str, str] | None = None) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(dict(values or {}))
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()].get(self.columns[index.column()].key, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[index.column()].placeholder or None
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        self._rows[index.row()][self.columns[index.column()].key] = str(value or "")
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].label
        return None


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a column through a drop-down of its allowed values."""

    def __init__(self, choices: Sequence[str], parent=None) -> None:
        super().__init__(parent)
        self._choices = list(choices)

    def createEditor(self, parent: QWidget, option, index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(self._choices)
        return combo

    def setEditorData(self, editor: QWidget, index) -> None:
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model, index) -> None:
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class DateDelegate(QStyledItemDelegate):
    """Edits a date column (``2026-11-22`` or blank) with a date editor and its calendar."""

    def createEditor(self, parent: QWidget, option, index) -> QWidget:
        return DateEdit(optional=True, parent=parent)

    def setEditorData(self, editor: QWidget, index) -> None:
        assert isinstance(editor, DateEdit)
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        try:
            editor.set_value(text.strip())
        except ValueError:  # typed before there was a date editor; the save says what is wrong
            editor.set_value(None)

    def setModelData(self, editor: QWidget, model, index) -> None:
        assert isinstance(editor, DateEdit)
        model.setData(index, editor.text_value(), Qt.ItemDataRole.EditRole)


def install_delegates(view: QAbstractItemView, columns: Sequence[EditableColumn]) -> None:
    """Give each column of ``view`` the editor its values need."""
    for column, spec in enumerate(columns):
        if spec.choices:
            view.setItemDelegateForColumn(column, ChoiceDelegate(spec.choices, view))
        elif spec.date:
            view.setItemDelegateForColumn(column, DateDelegate(view))


def row_buttons(
    view: QAbstractItemView, model: EditableRowsModel, add_text: str, remove_text: str
) -> QHBoxLayout:
    """The buttons under an editable table: add a row (and start editing it), remove the
    selected row."""
    add = QPushButton(add_text)
    remove = QPushButton(remove_text)
    add.clicked.connect(lambda: view.edit(model.index(model.add_row(), 0)))
    remove.clicked.connect(lambda: model.remove_row(view.currentIndex().row()))
    buttons = QHBoxLayout()
    buttons.addWidget(add)
    buttons.addWidget(remove)
    buttons.addStretch()
    return buttons
