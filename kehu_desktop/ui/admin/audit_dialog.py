"""The audit log viewer (administrators only): who changed what, when, old → new."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from kehu_desktop.services.common import audit
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.customers.customer_fields import CONTACT_FIELDS, CUSTOMER_FIELDS
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.record_table import Column, RecordTableModel

PAGE = 500
TABLE_NAMES = {
    "customers": "客户", "contacts": "联系人", "important_dates": "重要日期",
    "sales_records": "销售记录", "staff": "操作员", "visits": "拜访", "visit_plans": "拜访计划",
    "follow_up_actions": "跟进事项", "complaints": "投诉", "complaint_events": "投诉进程",
    "key_accounts": "大客户", "key_account_proposals": "大客户申请", "countermeasures": "对策",
    "satisfaction_surveys": "满意度调查", "credit_evaluations": "信用评定", "settings": "设置",
}  # fmt: skip
# Field names as the forms show them; a column not listed keeps its own name.
FIELD_LABELS = {
    **{f.name: f.label for f in CONTACT_FIELDS},
    **{f.name: f.label for f in CUSTOMER_FIELDS},
    "customer_id": "客户", "contact_id": "联系人", "label": "名称", "day": "日期",
    "month": "月份", "amount": "金额", "quantity": "数量", "archived": "已归档",
    "username": "登录名", "role": "角色", "department": "部门", "active": "在职",
    "status": "状态", "version": "版本",
}  # fmt: skip
COLUMNS = (
    Column("时间", lambda r: r.at),
    Column("操作员", lambda r: r.operator),
    Column("操作", lambda r: r.action),
    Column("对象", lambda r: TABLE_NAMES.get(r.table_name, r.table_name)),
    Column("记录号", lambda r: r.record_id),
    Column("变更（旧 → 新）", lambda r: r.describe(FIELD_LABELS)),
)


class AuditDialog(QDialog):
    def __init__(self, context: DeskContext, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        context.operator.require_admin()
        self.setWindowTitle("审计日志")
        self.setObjectName("auditDialog")
        self._context = context
        self._layout_memory = layout
        self._offset = 0
        self.model = RecordTableModel(COLUMNS, self)
        self.table = QTableView(objectName="auditTable")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table_filter = QComboBox(objectName="auditTableFilter")
        self.table_filter.addItem("全部对象", None)
        for table_name, label in TABLE_NAMES.items():
            self.table_filter.addItem(label, table_name)
        self.table_filter.currentIndexChanged.connect(lambda _i: self._turn(-self._offset))
        self.page_label = QLabel()
        self.newer = QPushButton("较新")
        self.older = QPushButton("较早")
        self.newer.clicked.connect(lambda: self._turn(-PAGE))
        self.older.clicked.connect(lambda: self._turn(PAGE))
        nav = QHBoxLayout()
        nav.addWidget(self.table_filter)
        nav.addWidget(self.page_label)
        nav.addStretch()
        nav.addWidget(self.newer)
        nav.addWidget(self.older)
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        box.addLayout(nav)
        self._load()
        if not layout.restore_geometry("audit_dialog", self):
            self.resize(980, 560)

    def _turn(self, delta: int) -> None:
        self._offset = max(0, self._offset + delta)
        self._load()

    def _load(self) -> None:
        with self._context.reader() as session:
            table_name = self.table_filter.currentData()
            operator = self._context.operator
            total = audit.count_entries(session, operator, table_name)
            rows = audit.recent_entries(session, operator, PAGE, self._offset, table_name)
            self.model.set_rows(rows)
        shown = self.model.rowCount()
        self.page_label.setText(f"第 {self._offset + 1}–{self._offset + shown} 条，共 {total} 条")
        self.newer.setEnabled(self._offset > 0)
        self.older.setEnabled(self._offset + shown < total)
        for column, width in enumerate((130, 80, 50, 80, 60)):
            self.table.setColumnWidth(column, width)

    def done(self, result: int) -> None:
        self._layout_memory.save_geometry("audit_dialog", self)
        super().done(result)
