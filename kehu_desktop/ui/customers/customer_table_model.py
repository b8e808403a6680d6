"""The customer list: a lazy model holding only row ids, fetching rows a page at a time."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kehu_desktop.services.customers.customer_files import LIST_COLUMNS, CustomerRow

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50
ARCHIVED_COLOUR = QColor("#8a8a8a")
OVER_CREDIT_BACKGROUND = QColor("#fde2e1")


def _deleted(customer_id: int) -> CustomerRow:
    return CustomerRow(customer_id, "", "（已删除）", "", "", "", "", "", "", "", "", "", None,
                       Decimal(0), False)  # fmt: skip


class CustomerTableModel(QAbstractTableModel):
    """Rows are fetched through ``row_loader(ids)`` when the view first shows them.

    Signals: ``sort_requested(str, bool)`` when the user clicks a header (key, descending); the
    owner reloads the ids in that order and hands them back with ``set_ids``.
    """

    sort_requested = Signal(str, bool)

    def __init__(self, row_loader: Callable[[list[int]], list[CustomerRow]], parent=None) -> None:
        super().__init__(parent)
        self._load_rows = row_loader
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, CustomerRow]] = OrderedDict()

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, customer_id: int) -> int:
        try:
            return self._ids.index(customer_id)
        except ValueError:
            return -1

    def record(self, row: int) -> CustomerRow:
        """The row's record; a customer deleted meanwhile (at another desk) shows as such."""
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            ids = self._ids[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
            page = {record.id: record for record in self._load_rows(ids)}
            self._pages[page_no] = page
            if len(self._pages) > MAX_CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        customer_id = self._ids[row]
        return page.get(customer_id) or _deleted(customer_id)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(LIST_COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.record(index.row())
        key = LIST_COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "credit":
                return "超出额度" if row.over_credit else ""
            value = getattr(row, key)
            return f"{value}（已归档）" if key == "name" and row.archived else value
        if role == Qt.ItemDataRole.ForegroundRole and row.archived:
            return QBrush(ARCHIVED_COLOUR)
        if role == Qt.ItemDataRole.BackgroundRole and key == "credit" and row.over_credit:
            return QBrush(OVER_CREDIT_BACKGROUND)
        if role == Qt.ItemDataRole.ToolTipRole and key == "credit" and row.over_credit:
            return f"应收 {row.outstanding_amount:,.2f} 元，超出信用额度 {row.credit_limit:,.2f} 元"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return LIST_COLUMNS[section].label
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(LIST_COLUMNS[column].key, order == Qt.SortOrder.DescendingOrder)
