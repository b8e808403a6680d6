"""A read-only table model over a list of small row records (dataclasses with an ``id``).

For lists of modest size (a customer's visits, the audit page, the key accounts); the customer
list, which can hold 100,000 rows, has its own lazy model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

WARNING_BACKGROUND = QColor("#fde2e1")
NOTICE_BACKGROUND = QColor("#fff4d6")


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any], object]
    # Returns "warning", "notice" or "" to tint the cell.
    tint: Callable[[Any], str] | None = None


def display_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


class CellInOneCall:
    """A table model that gives a view a cell in two calls from Qt into Python.

    Each call from Qt into Python has to take Python's interpreter lock: while a worker is
    reading the store, each can wait for it, and a screenful of a list took a tenth of a second
    to paint. To paint a cell, Qt's item delegate asks for seven roles (text, alignment,
    colours, font …); it asks through ``multiData`` first, answered here in one call. Qt's own
    ``index()`` asks ``rowCount()`` and ``columnCount()`` of the model for every cell; this
    one asks them inside Python."""

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roles) -> None:
        for role_data in roles:
            role_data.setData(self.data(index, role_data.role()))  # type: ignore[attr-defined]

    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()
    ) -> QModelIndex:
        model: Any = self
        if (
            parent.isValid()
            or not 0 <= row < model.rowCount()
            or not 0 <= column < model.columnCount()
        ):
            return QModelIndex()
        return model.createIndex(row, column)


class RecordTableModel(CellInOneCall, QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(column.value(record))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if isinstance(column.value(record), Decimal | int) and not isinstance(
                column.value(record), bool
            ):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and column.tint is not None:
            tint = column.tint(record)
            if tint == "warning":
                return QBrush(WARNING_BACKGROUND)
            if tint == "notice":
                return QBrush(NOTICE_BACKGROUND)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].label
        return None
