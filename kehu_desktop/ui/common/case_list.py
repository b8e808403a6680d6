"""What the two case desks' lists share — the complaint ledger and the after-sales requests:
filters above, the desk's buttons and a summary line, the tinted ledger with remembered
columns, a reload whenever a write touches what the list shows in which only the newest
query's rows are shown, and the desk's report opened once and brought forward after."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kehu_desktop.ui.common.desk_reload import ReloadWhenShown
from kehu_desktop.ui.common.filter_row import FilterRow
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import (
    fit_columns_once,
    navigable_list,
    restore_columns,
    select_first_row,
    selected_row,
    set_rows_keeping_selection,
    table_view,
)
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.record_table import Column, RecordTableModel


class CaseListTab(QWidget):
    """A desk's case list. A desk makes its filters on ``filters`` and its buttons, then calls
    ``lay_out``; it queries in ``reload`` under ``next_generation()`` and hands the rows to
    ``show_rows``, says what its summary line reads in ``summary_text`` and opens a case in
    ``open_current``.

    Signals: ``loaded(int)`` with the row count after each reload.
    """

    loaded = Signal(int)
    # Whether a reload selects the first row when none is, so Enter opens what is seen.
    SELECTS_FIRST_ROW: ClassVar[bool] = False

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        *,
        layout_key: str,
        columns: Sequence[Column],
        touches: tuple[str, ...],
        summary_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._layout_memory = layout
        self._layout_key = layout_key
        self._touches = touches
        self._generation = 0
        self._report: QWidget | None = None
        self.filters = FilterRow(self.reload)
        self.model = RecordTableModel(columns, self)
        self.table = table_view(layout_key, self.model)
        self.summary = QLabel(objectName=summary_name)
        # A write reloads this desk at once while it is shown, else when it is next shown.
        self.reload_when_shown = ReloadWhenShown(self, self.reload)
        ops.events.changed.connect(self._store_changed)

    def lay_out(self, search: QWidget, buttons: Sequence[QPushButton]) -> None:
        """Filters, then the buttons with the summary at the right, then the list; Down from
        ``search`` moves into the list."""
        navigable_list(self.table, search, self.open_current)
        restore_columns(self._layout_memory, self._layout_key, self.table)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.summary)
        box = QVBoxLayout(self)
        box.addLayout(self.filters)
        box.addLayout(row)
        box.addWidget(self.table)

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches(*self._touches):
            self.reload_when_shown.request()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        raise NotImplementedError

    def summary_text(self, rows: list[Any]) -> str:
        raise NotImplementedError

    def next_generation(self) -> int:
        """The number of the query about to start; ``show_rows`` shows only the newest's."""
        self._generation += 1
        return self._generation

    def is_newest(self, generation: int) -> bool:
        return generation == self._generation

    def show_rows(self, generation: int, rows: list[Any]) -> None:
        """Show ``rows`` (the selection kept) unless a newer query is on its way."""
        if not self.is_newest(generation):
            return
        set_rows_keeping_selection(self.table, self.model, rows)
        fit_columns_once(self.table)
        self.summary.setText(self.summary_text(rows))
        if self.SELECTS_FIRST_ROW:
            select_first_row(self.table)
        self.loaded.emit(len(rows))

    def current_id(self) -> int | None:
        row = selected_row(self.table, self.model)
        return row.id if row else None

    # --- actions ---------------------------------------------------------------------------

    def open_current(self) -> QWidget | None:
        """Open the selected case (Enter, a double-click); None when no row is selected."""
        raise NotImplementedError

    def raise_report(self, make: Callable[[], QWidget]) -> QWidget:
        """The desk's report, made on first use and brought forward after (it keeps its
        period and what it shows between openings)."""
        if self._report is None:
            self._report = make()
        self._report.show()
        self._report.raise_()
        return self._report

    def save_layout(self) -> None:
        self._layout_memory.save_header(self._layout_key, self.table.horizontalHeader())
