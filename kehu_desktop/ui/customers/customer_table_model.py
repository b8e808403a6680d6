"""The customer list: a lazy model holding only row ids, fetching rows a page at a time.

Pages are fetched off the GUI thread: a row not fetched yet shows empty until its page
arrives (a fraction of a second), so scrolling through 100,000 customers never waits on
the store.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kehu_desktop.services.customers.customer_files import LIST_COLUMNS, CustomerRow
from kehu_desktop.ui.common.record_table import CellInOneCall

PAGE_SIZE = 200
MAX_CACHED_PAGES = 50
ARCHIVED_COLOUR = QColor("#8a8a8a")
OVER_CREDIT_BACKGROUND = QColor("#fde2e1")


def _deleted(customer_id: int) -> CustomerRow:
    return CustomerRow(customer_id, "", "（已删除）", "", "", "", "", "", "", "", "", "", None,
                       Decimal(0), False)  # fmt: skip


# fetch(ids, deliver): read the rows of ``ids`` (off the GUI thread) and call deliver(rows).
PageFetcher = Callable[[list[int], Callable[[list[CustomerRow]], None]], None]


class CustomerTableModel(CellInOneCall, QAbstractTableModel):
    """Rows are fetched through ``fetch(ids, deliver)`` when the view first shows them.

    Signals: ``sort_requested(str, bool)`` when the user clicks a header (key, descending); the
    owner reloads the ids in that order and hands them back with ``set_ids``;
    ``page_arrived()`` each time a page of rows has been fetched and shown.
    """

    sort_requested = Signal(str, bool)
    page_arrived = Signal()

    def __init__(self, fetch: PageFetcher, parent=None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, CustomerRow]] = OrderedDict()
        self._requested: set[int] = set()
        self._generation = 0

    def set_ids(self, ids: list[int], first_rows: list[CustomerRow] | None = None) -> None:
        """Show ``ids``; ``first_rows``, when given, are the rows of the first page, read
        with the ids so the first screenful shows without a second trip to the store.

        ``ids`` that extend the ones shown (the whole list after its first screenful) are
        appended; anything else replaces the list and forgets the rows fetched."""
        old = self._ids
        if first_rows is None and old and len(ids) > len(old) and ids[: len(old)] == old:
            # The whole list after its first screenful: rows are added, nothing else moves,
            # so the selection and the rows already fetched stay.
            self.beginInsertRows(QModelIndex(), len(old), len(ids) - 1)
            self._ids = ids
            self.endInsertRows()
            return
        self.beginResetModel()
        self._generation += 1
        self._ids = ids
        self._pages.clear()
        self._requested.clear()
        if first_rows is not None:
            self._pages[0] = {record.id: record for record in first_rows}
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

    def record(self, row: int) -> CustomerRow | None:
        """The row's record, or None while its page is being fetched (the fetch is started);
        a customer deleted meanwhile (at another desk) shows as such."""
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            self._request(page_no)
            return None
        self._pages.move_to_end(page_no)
        customer_id = self._ids[row]
        return page.get(customer_id) or _deleted(customer_id)

    def _request(self, page_no: int) -> None:
        if page_no in self._requested:
            return
        self._requested.add(page_no)
        generation = self._generation
        ids = self._ids[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
        self._fetch(ids, lambda rows: self._arrived(generation, page_no, rows))

    def _arrived(self, generation: int, page_no: int, rows: list[CustomerRow]) -> None:
        if generation != self._generation:
            return  # the list was replaced meanwhile
        self._requested.discard(page_no)
        self._pages[page_no] = {record.id: record for record in rows}
        if len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        first = page_no * PAGE_SIZE
        last = min(first + PAGE_SIZE, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(LIST_COLUMNS) - 1))
        self.page_arrived.emit()

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
        if row is None:
            return None
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
