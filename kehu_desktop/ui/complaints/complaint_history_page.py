"""The 投诉记录 page in a customer's file: their complaints, each opened on double-click."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.complaints import ledger
from kehu_desktop.services.complaints.ledger import ComplaintFilter
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import RecordTableModel
from kehu_desktop.ui.complaints.complaint_dialog import ComplaintDialog
from kehu_desktop.ui.complaints.complaint_registration_dialog import ComplaintRegistrationDialog
from kehu_desktop.ui.complaints.complaints_tab import COLUMNS

HISTORY_COLUMNS = tuple(c for c in COLUMNS if c.label != "客户")


class ComplaintHistoryPage(QWidget):
    def __init__(
        self, context: DeskContext, layout: LayoutMemory, customer_id: int, parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("customerComplaints")
        self._context = context
        self._layout_memory = layout
        self._customer_id = customer_id
        self.model = RecordTableModel(HISTORY_COLUMNS, self)
        self.table = QTableView(objectName="customerComplaintTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        new_button = QPushButton("登记投诉", objectName="customerNewComplaint")
        new_button.clicked.connect(self.new_complaint)
        buttons = QHBoxLayout()
        buttons.addWidget(new_button)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addLayout(buttons)
        box.addWidget(self.table)
        self.reload()

    def reload(self) -> None:
        with self._context.reader() as session:
            rows = ledger.list_complaints(session, ComplaintFilter(customer_id=self._customer_id))
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()

    def open_row(self, row: int) -> ComplaintDialog:
        complaint_id = self.model.row_at(row).id
        dialog = ComplaintDialog(Operations(self._context), self._layout_memory, complaint_id, self)
        dialog.ops.events.changed.connect(lambda _change: self.reload())
        dialog.open()
        return dialog

    def new_complaint(self) -> ComplaintRegistrationDialog:
        dialog = ComplaintRegistrationDialog(
            Operations(self._context), self._layout_memory, self._customer_id, self
        )
        dialog.saved.connect(lambda _id: self.reload())
        dialog.open()
        return dialog
