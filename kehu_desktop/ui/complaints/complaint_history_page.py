"""The 投诉记录 page in a customer's file: their complaints, each opened on double-click."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kehu_desktop.services.complaints import ledger
from kehu_desktop.services.complaints.ledger import ComplaintFilter
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns, navigable_list, table_view
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.record_table import RecordTableModel
from kehu_desktop.ui.complaints.complaint_dialog import ComplaintDialog
from kehu_desktop.ui.complaints.complaint_registration_dialog import ComplaintRegistrationDialog
from kehu_desktop.ui.complaints.complaints_tab import COLUMNS

HISTORY_COLUMNS = tuple(c for c in COLUMNS if c.label != "客户")


class ComplaintHistoryPage(QWidget):
    """The customer's complaints, read when built and whenever a write touches complaints.

    Signals: ``loaded(int)`` with the number of complaints shown."""

    loaded = Signal(int)

    def __init__(
        self, ops: Operations, layout: LayoutMemory, customer_id: int, parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerComplaints")
        self._ops = ops
        self._layout_memory = layout
        self._customer_id = customer_id
        self.model = RecordTableModel(HISTORY_COLUMNS, self)
        self.table = table_view("customerComplaintTable", self.model)
        self.table.setAlternatingRowColors(False)  # the tints carry the meaning here
        navigable_list(self.table, None, self.open_current)
        new_button = QPushButton("登记投诉(&T)", objectName="customerNewComplaint")
        new_button.clicked.connect(self.new_complaint)
        buttons = QHBoxLayout()
        buttons.addWidget(new_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addLayout(buttons)
        box.addWidget(self.table)
        ops.events.changed.connect(self._store_changed)
        self.reload()

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches("complaints"):
            self.reload()

    def reload(self) -> None:
        flt = ComplaintFilter(customer_id=self._customer_id)
        self._ops.query(
            self,
            lambda session: ledger.list_complaints(session, flt),
            self._show,
            title="加载投诉记录失败",
        )

    def _show(self, rows: list) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)
        self.loaded.emit(len(rows))

    def open_current(self) -> ComplaintDialog | None:
        index = self.table.currentIndex()
        return self.open_row(index.row()) if index.isValid() else None

    def open_row(self, row: int) -> ComplaintDialog:
        complaint_id = self.model.row_at(row).id
        dialog = ComplaintDialog(self._ops, self._layout_memory, complaint_id, self)
        dialog.open()
        return dialog

    def new_complaint(self) -> ComplaintRegistrationDialog:
        dialog = ComplaintRegistrationDialog(
            self._ops, self._layout_memory, self._customer_id, self
        )
        dialog.open()
        return dialog
