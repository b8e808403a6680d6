"""A tab that lists one desk's records, read-only, newest first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from kehu_desktop.services.context import DeskContext
from kehu_desktop.ui.background import run_in_background
from kehu_desktop.ui.errors import show_error
from kehu_desktop.ui.layout_memory import LayoutMemory
from kehu_desktop.ui.record_table import Column, RecordTableModel


class RecordListTab(QWidget):
    """Signals: ``loaded(int)`` with the row count after each reload."""

    loaded = Signal(int)

    def __init__(
        self,
        context: DeskContext,
        layout: LayoutMemory,
        *,
        key: str,
        columns: Sequence[Column],
        loader: Callable[[Any], list],
        caption: str,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._layout_memory = layout
        self._key = key
        self._loader = loader
        self.model = RecordTableModel(columns, self)
        self.table = QTableView(objectName=key)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.restore_header(key, self.table.horizontalHeader())
        box = QVBoxLayout(self)
        box.addWidget(QLabel(caption))
        box.addWidget(self.table)

    def reload(self) -> None:
        def query(_progress):
            with self._context.reader() as session:
                return self._loader(session)

        run_in_background(query, self._show, lambda e: show_error(self, "加载失败", e))

    def _show(self, rows: list) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.loaded.emit(len(rows))

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()).id if index.isValid() else None

    def save_layout(self) -> None:
        self._layout_memory.save_header(self._key, self.table.horizontalHeader())
