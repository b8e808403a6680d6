"""The audit log viewer (administrators only): who changed what, when, old → new — fields by
their Chinese labels, records by their names, times to the second; filtered by kind of record,
operator, date range and record."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common import audit
from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import table_view
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.screen import fit_to_screen

PAGE = 500
FIELD_LABELS = audit.field_labels()
COLUMNS = (
    Column("时间", lambda r: f"{r.at:%Y-%m-%d %H:%M:%S}"),
    Column("操作员", lambda r: r.operator),
    Column("操作", lambda r: r.action),
    Column("对象", lambda r: r.kind),
    Column("记录", lambda r: r.record or (f"#{r.record_id}" if r.record_id else "")),
    Column("变更（旧 → 新）", lambda r: r.describe(FIELD_LABELS)),
    Column("批次", lambda r: f"#{r.batch_id}" if r.batch_id else ""),
)
FILTER_DELAY_MS = 300


def _date_box(name: str, day: date) -> QDateEdit:
    box = QDateEdit(QDate(day.year, day.month, day.day), objectName=name, calendarPopup=True)
    box.setDisplayFormat("yyyy-MM-dd")
    return box


class AuditDialog(QDialog):
    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        ops.operator.require_admin()
        self.setWindowTitle("审计日志")
        self.setObjectName("AuditDialog")
        self._ops = ops
        self._layout_memory = layout
        self._offset = 0
        self._generation = 0
        self.model = RecordTableModel(COLUMNS, self)
        self.table = table_view("auditTable", self.model)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.table_filter = QComboBox(objectName="auditTableFilter")
        self.table_filter.addItem("全部对象", None)
        for table_name, label in audit.TABLE_LABELS.items():
            self.table_filter.addItem(label, table_name)
        self.staff_filter = QComboBox(objectName="auditStaffFilter")
        self.staff_filter.addItem("全部操作员", None)
        ops.query(self, lambda s: customer_files.staff_choices(s, everyone=True),
                  self._fill_staff)  # fmt: skip
        today = date.today()
        self.use_dates = QCheckBox("日期(&D)", objectName="auditUseDates")
        self.date_from = _date_box("auditDateFrom", today.replace(day=1))
        self.date_to = _date_box("auditDateTo", today)
        self.record_filter = QLineEdit(objectName="auditRecordFilter", clearButtonEnabled=True)
        self.record_filter.setPlaceholderText("记录：客户编号/名称、投诉编号、操作员")
        self._timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._timer.timeout.connect(self.first_page)
        self.record_filter.textChanged.connect(self._timer.start)
        for combo in (self.table_filter, self.staff_filter):
            combo.currentIndexChanged.connect(lambda _i: self.first_page())
        self.use_dates.toggled.connect(lambda _on: self.first_page())
        for box in (self.date_from, self.date_to):
            box.dateChanged.connect(lambda _d: self.use_dates.isChecked() and self.first_page())

        self.page_label = QLabel(objectName="auditPageLabel")
        self.newer = QPushButton("较新(&N)", objectName="auditNewer")
        self.older = QPushButton("较早(&O)", objectName="auditOlder")
        self.newer.clicked.connect(lambda: self._turn(-PAGE))
        self.older.clicked.connect(lambda: self._turn(PAGE))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        close.rejected.connect(self.reject)

        filters = QHBoxLayout()
        for widget in (self.table_filter, self.staff_filter, self.use_dates, self.date_from,
                       QLabel("至"), self.date_to):  # fmt: skip
            filters.addWidget(widget)
        filters.addWidget(self.record_filter, 1)
        nav = QHBoxLayout()
        nav.addWidget(self.page_label)
        nav.addStretch()
        nav.addWidget(self.newer)
        nav.addWidget(self.older)
        nav.addWidget(close)
        box = QVBoxLayout(self)
        box.addLayout(filters)
        box.addWidget(self.table, 1)
        box.addLayout(nav)
        if not layout.restore_geometry(self.objectName(), self):
            self.resize(1100, 600)
        fit_to_screen(self)
        self.first_page()

    def _fill_staff(self, choices: list[tuple[int, str]]) -> None:
        for staff_id, name in choices:
            self.staff_filter.addItem(name, staff_id)

    def current_filter(self) -> audit.AuditFilter:
        dated = self.use_dates.isChecked()
        return audit.AuditFilter(
            table_name=self.table_filter.currentData(),
            staff_id=self.staff_filter.currentData(),
            date_from=self.date_from.date().toPython() if dated else None,
            date_to=self.date_to.date().toPython() if dated else None,
            record_text=self.record_filter.text(),
        )

    def first_page(self) -> None:
        self._offset = 0
        self._load()

    def _turn(self, delta: int) -> None:
        self._offset = max(0, self._offset + delta)
        self._load()

    def _load(self) -> None:
        self._generation += 1
        generation, offset, flt = self._generation, self._offset, self.current_filter()
        operator = self._ops.operator

        def read(session: Session) -> tuple[int, list[audit.AuditRow]]:
            total = audit.count_entries(session, operator, flt)
            return total, audit.recent_entries(session, operator, PAGE, offset, flt)

        self._ops.query(self, read, lambda page: self._show(generation, offset, page),
                        title="读取审计日志")  # fmt: skip

    def _show(self, generation: int, offset: int, page: tuple[int, list]) -> None:
        if generation != self._generation:
            return
        total, rows = page
        self.model.set_rows(rows)
        shown = len(rows)
        self.page_label.setText(
            f"第 {offset + 1}–{offset + shown} 条，共 {total} 条" if shown else "没有符合条件的记录"
        )
        self.newer.setEnabled(offset > 0)
        self.older.setEnabled(offset + shown < total)
        for column, width in enumerate((150, 80, 60, 80, 200)):
            self.table.setColumnWidth(column, width)
        if shown:
            self.table.selectRow(0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        fit_to_screen(self)

    def done(self, result: int) -> None:
        self._layout_memory.save_geometry(self.objectName(), self)
        super().done(result)
