"""The 拜访记录 page inside a customer's file: its frequency, next due date and every visit."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kehu_desktop.services.visits import visit_plans, visit_records
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns, navigable_list, selected_row, table_view
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.record_table import RecordTableModel
from kehu_desktop.ui.visits.visit_columns import HISTORY_COLUMNS
from kehu_desktop.ui.visits.visit_dialog import VisitDialog


class VisitHistoryPage(QWidget):
    """Reads its rows when built and whenever a write touches visits.

    Signals: ``loaded(int)`` with the number of visits shown."""

    loaded = Signal(int)

    def __init__(
        self, ops: Operations, layout: LayoutMemory, customer_id: int, parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("visitHistory")
        self._ops = ops
        self._layout_memory = layout
        self._customer_id = customer_id
        self.schedule_label = QLabel(objectName="visitSchedule", wordWrap=True)
        self.model = RecordTableModel(HISTORY_COLUMNS, self)
        self.table = table_view("visitHistoryTable", self.model)
        navigable_list(self.table, None, self.open_current)
        record = QPushButton("记录拜访(&V)", objectName="historyNewVisit")
        record.clicked.connect(self.new_visit)
        open_button = QPushButton("打开拜访记录", objectName="historyOpenVisit")
        open_button.clicked.connect(self.open_current)
        buttons = QHBoxLayout()
        buttons.addWidget(record)
        buttons.addWidget(open_button)
        buttons.addStretch()
        box = QVBoxLayout(self)
        box.addWidget(self.schedule_label)
        box.addWidget(self.table)
        box.addLayout(buttons)
        ops.events.changed.connect(self._store_changed)
        self.reload()

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches("visits", "plans", "customers", "settings"):
            self.reload()

    def reload(self) -> None:
        customer_id = self._customer_id

        def read(session):
            return (
                visit_records.customer_history(session, customer_id),
                visit_plans.schedule_for(session, customer_id),
            )

        self._ops.query(self, read, lambda result: self._show(*result), title="加载拜访记录失败")

    def _show(self, rows: list, schedule) -> None:
        self.model.set_rows(rows)
        self.schedule_label.setText(
            schedule.describe() if schedule else "已归档或曾经交易的客户，不安排定期拜访。"
        )
        fit_columns(self.table)
        self.loaded.emit(len(rows))

    def _open(self, **kwargs) -> VisitDialog:
        dialog = VisitDialog(self._ops, self._layout_memory, parent=self, **kwargs)
        dialog.open()
        return dialog

    def new_visit(self) -> VisitDialog:
        return self._open(customer_id=self._customer_id)

    def open_current(self) -> VisitDialog | None:
        row = selected_row(self.table, self.model)
        return self._open(visit_id=row.id) if row else None
