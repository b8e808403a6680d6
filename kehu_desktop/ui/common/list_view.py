"""Read-only list views the desks share, and their small companions (filters, keys)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QStyle, QTableView, QWidget

from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import RecordTableModel

# Rows measured when a view fits its columns to their contents.
FIT_ROWS = 40
# The view property saying its columns were fitted or given remembered widths.
_FITTED = "columnsFitted"
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_DOWN_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_PageDown)


class _ListKeys(QObject):
    """Enter on the list opens its selected row; Down in a search box moves into the list."""

    def __init__(self, view: QTableView, search: QWidget | None, open_row: Callable[[], object]):
        super().__init__(view)
        self._view, self._search, self._open_row = view, search, open_row
        view.installEventFilter(self)
        if search is not None:
            search.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if watched is self._view and event.key() in _ENTER_KEYS:
            if self._view.currentIndex().isValid():
                self._open_row()
            return True
        if watched is self._search and event.key() in _DOWN_KEYS:
            if self._view.model().rowCount():
                if not self._view.currentIndex().isValid():
                    select_first_row(self._view)
                self._view.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False


def navigable_list(
    view: QTableView, search: QWidget | None, open_row: Callable[[], object]
) -> None:
    """Wire a list the way every desk's list behaves: Enter or a double-click opens the
    selected row, Down from ``search`` (a search box or filter) moves into the list."""
    _ListKeys(view, search, open_row)
    view.doubleClicked.connect(lambda _index: open_row())


def replace_rows(view: QTableView, rows: Sequence[Any]) -> None:
    """Show ``rows`` in ``view`` (its model a ``RecordTableModel``) in place of those shown,
    keeping the selected record selected (found again by its ``id``) and the scroll position:
    a reload after a save elsewhere does not move the list under the user."""
    model = view.model()
    assert isinstance(model, RecordTableModel)
    index = view.currentIndex()
    selected = getattr(model.row_at(index.row()), "id", None) if index.isValid() else None
    scrolled = view.verticalScrollBar().value()
    model.set_rows(rows)
    if selected is not None:
        found = next((n for n, row in enumerate(rows) if getattr(row, "id", None) == selected), -1)
        if found >= 0:
            view.selectRow(found)
    view.verticalScrollBar().setValue(scrolled)


def select_first_row(view: QTableView) -> None:
    """Select the first row if there is one and nothing is selected, so Ctrl+P and Enter
    always act on a row the user can see."""
    if view.model().rowCount() and not view.currentIndex().isValid():
        view.selectRow(0)


def restore_columns(layout: LayoutMemory, key: str, view: QTableView) -> bool:
    """Give ``view`` the column widths remembered under ``key``; a view given them is not
    fitted to its contents (``fit_columns_once``)."""
    restored = layout.restore_header(key, view.horizontalHeader())
    view.setProperty(_FITTED, restored)
    return restored


def fit_columns_once(view: QTableView) -> None:
    """Fit the columns to the rows shown the first time there are any. Later reloads keep the
    widths (the user's, or those fitted): measuring rows is GUI-thread time on every reload,
    and a list whose columns jump on each save is hard to read."""
    if view.property(_FITTED) or not view.model().rowCount():
        return
    fit_columns(view)
    view.setProperty(_FITTED, True)


def fit_columns(view: QTableView) -> None:
    """Make each shown column as wide as its title and the widest of its first FIT_ROWS
    rows: what ``resizeColumnsToContents`` does, measured here in one pass over the texts.
    Qt's own measuring asks the Python model for several roles of every cell, and each of
    those calls can wait for Python's lock behind a worker reading the store (tens of
    milliseconds per list on a large store)."""
    header = view.horizontalHeader()
    for column in range(view.model().columnCount()):
        if not view.isColumnHidden(column):
            width = max(column_content_width(view, column), header.sectionSizeHint(column))
            header.resizeSection(column, width)


def column_content_width(view: QTableView, column: int) -> int:
    """The width FIT_ROWS rows of ``column`` need, from the first one on screen
    (``sizeHintForColumn``)."""
    model, metrics = view.model(), view.fontMetrics()
    first = max(view.rowAt(0), 0)
    rows = range(first, min(model.rowCount(), first + FIT_ROWS))
    texts = (model.data(model.index(row, column)) for row in rows)
    # size(): the widest line, rounded up as Qt lays text out (an advance rounded down made
    # a date and time wrap onto two lines)
    widest = max((metrics.size(0, str(text)).width() for text in texts if text), default=0)
    # the item's text margins on both sides (QCommonStyle), and the grid line
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return widest + 2 * margin + (1 if view.showGrid() else 0)


def table_view(name: str, model: RecordTableModel) -> QTableView:
    """A read-only view selecting whole rows, one at a time.

    Fitting the columns to their contents measures a screenful of rows: by default Qt
    measures a thousand rows per column (every row, for a view not on screen), which took
    seconds on the GUI thread for the 30,000 customers due on a large store's 今日."""
    view = QTableView(objectName=name)
    view.setModel(model)
    view.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_row(view: QTableView, model: RecordTableModel):
    """The row record under the view's current index, or None."""
    index = view.currentIndex()
    return model.row_at(index.row()) if index.isValid() else None


def set_rows_keeping_selection(view: QTableView, model: RecordTableModel, rows: list) -> None:
    """Show ``rows`` (records with an ``id``), the row selected before selected again."""
    selected = selected_row(view, model)
    model.set_rows(rows)
    if selected is None:
        return
    for index, row in enumerate(rows):
        if row.id == selected.id:
            view.selectRow(index)
            return


def count_text(count: int, limit: int, unit: str) -> str:
    """共 N 宗 — or, when a list stopped at its ``limit``, that only the newest are shown."""
    if count >= limit:
        return f"最新 {count:,} {unit}（请用筛选缩小范围）"
    return f"共 {count} {unit}"


def fill_staff_filter(
    ops: Operations, combo: QComboBox, label: str, *, everyone: bool = False
) -> None:
    """Refill a staff filter from the store (off the GUI thread); ``everyone``: those who
    left too (their records stay theirs)."""
    ops.query(
        combo,
        lambda session: customer_files.staff_choices(session, everyone=everyone),
        lambda staff: refill_filter(combo, label, staff),
        title="加载业务员失败",
    )


def refill_filter(combo: QComboBox, everything: str, items: list[tuple[int, str]]) -> None:
    """Refill a filter with ``items`` (id, name), keeping the choice and without announcing
    the change; staff and products come and go, so the desks refill it on each reload."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for item_id, name in items:
        combo.addItem(name, item_id)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
