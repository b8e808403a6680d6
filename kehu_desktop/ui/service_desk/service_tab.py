"""The 售后服务 tab: the service requests with filters, overdue tints and the desk's tools
(products and warranty, feedback to the factory, the report)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.service_desk import ledger, products
from kehu_desktop.services.service_desk.ledger import ServiceFilter, ServiceRow
from kehu_desktop.services.service_desk.lifecycle import STATUS_LABELS
from kehu_desktop.ui.common.desk_reload import ReloadWhenShown
from kehu_desktop.ui.common.filter_row import FilterRow
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import (
    count_text,
    fit_columns_once,
    navigable_list,
    refill_filter,
    restore_columns,
    selected_row,
    set_rows_keeping_selection,
    table_view,
)
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.xlsx_export import export_list

LAYOUT_KEY = "serviceTable"
# The first screenful is read and shown before the rest of the list.
FIRST_ROWS = 60


def row_tint(row: ServiceRow) -> str:
    """Past the dispatch or resolve deadline in red, due today in amber."""
    if row.overdue:
        return "warning"
    return "notice" if row.due_today else ""


def _deadline_text(row: ServiceRow) -> str:
    """The deadline that runs now (派工, then 解决); empty once the repair is recorded."""
    if row.overdue:
        return f"{row.pending_deadline} 已超期"
    return f"{row.pending_deadline} 今日到期" if row.due_today else row.pending_deadline


COLUMNS = (
    Column("服务单号", lambda r: r.number, row_tint),
    Column("受理时间", lambda r: r.received_at, row_tint),
    Column("客户", lambda r: r.customer, row_tint),
    Column("产品", lambda r: r.product, row_tint),
    Column("序列号/批号", lambda r: r.serial_no, row_tint),
    Column("紧急程度", lambda r: r.urgency, row_tint),
    Column("保修", lambda r: r.warranty, row_tint),
    Column("状态", lambda r: r.status, row_tint),
    Column("首问责任人", lambda r: r.first_responsible, row_tint),
    Column("工程师", lambda r: r.engineer, row_tint),
    Column("计划日期", lambda r: r.planned_date, row_tint),
    Column("期限", _deadline_text, row_tint),
)


class ServiceTab(QWidget):
    """The after-sales desk.

    Signals: ``loaded(int)`` with the row count after each reload.
    """

    loaded = Signal(int)

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("serviceTab")
        self._ops = ops
        self._layout_memory = layout
        self._generation = 0
        self._report = None
        filters = FilterRow(self.reload)
        self.status_filter = filters.choice(
            "serviceStatusFilter", "全部状态", [(s.value, t) for s, t in STATUS_LABELS.items()]
        )
        self.month_filter = filters.months("serviceMonthFilter")
        self.engineer_filter = filters.choice("serviceEngineerFilter", "全部工程师")
        self.product_filter = filters.choice("serviceProductFilter", "全部产品")
        self.customer_filter = filters.search(
            "serviceCustomerFilter", "客户名称/编号、服务单号或序列号"
        )
        self.overdue_filter = filters.overdue("serviceOverdueFilter")

        self.new_button = QPushButton("登记服务单(&N)", objectName="serviceNewButton")
        self.new_button.clicked.connect(lambda: self.new_record())
        self.open_button = QPushButton("打开", objectName="serviceOpenButton")
        self.open_button.clicked.connect(self.open_current)
        self.feedback_button = QPushButton("工厂反馈", objectName="serviceFeedbackButton")
        self.feedback_button.clicked.connect(self.show_feedback)
        self.products_button = QPushButton("产品与保修", objectName="serviceProductsButton")
        self.products_button.clicked.connect(self.show_products)
        self.report_button = QPushButton("售后服务报告", objectName="serviceReportButton")
        self.report_button.clicked.connect(self.show_report)
        self.export_button = QPushButton("导出 Excel", objectName="serviceExportButton")
        self.export_button.clicked.connect(lambda: self.export_xlsx())

        self.model = RecordTableModel(COLUMNS, self)
        self.table = table_view(LAYOUT_KEY, self.model)
        navigable_list(self.table, self.customer_filter, self.open_current)
        restore_columns(layout, LAYOUT_KEY, self.table)
        self.summary = QLabel(objectName="serviceSummary")

        buttons = QHBoxLayout()
        for widget in (self.new_button, self.open_button, self.feedback_button,
                       self.products_button, self.report_button, self.export_button):  # fmt: skip
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        box = QVBoxLayout(self)
        box.addLayout(filters)
        box.addLayout(buttons)
        box.addWidget(self.table)
        # A write reloads this desk at once while it is shown, else when it is next shown.
        self.reload_when_shown = ReloadWhenShown(self, self.reload)
        ops.events.changed.connect(self._store_changed)

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches("service", "customers", "staff"):
            self.reload_when_shown.request()

    def _refill_choices(self, staff: list[tuple[int, str]], catalogue: list) -> None:
        """Engineers (those who left included: their requests stay theirs) and products, read
        with the list; the choices made are kept."""
        refill_filter(self.engineer_filter, "全部工程师", staff)
        refill_filter(self.product_filter, "全部产品", [(p.id, p.label) for p in catalogue])

    def current_filter(self) -> ServiceFilter:
        return ServiceFilter(
            status=self.status_filter.currentData() or "",
            overdue_only=self.overdue_filter.isChecked(),
            engineer_id=self.engineer_filter.currentData(),
            product_id=self.product_filter.currentData(),
            customer_text=self.customer_filter.text(),
            month=self.month_filter.currentData(),
        )

    def reload(self) -> None:
        """Query the list off the GUI thread; only the newest query's result is shown."""
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()

        def first(session: Session):
            return (
                customer_files.staff_choices(session, everyone=True),
                products.list_products(session, include_inactive=True),
                ledger.list_requests(session, replace(flt, limit=FIRST_ROWS)),
            )

        def everything(session: Session) -> list[ServiceRow]:
            return ledger.list_requests(session, flt)

        def shown_first(found) -> None:
            if generation != self._generation:
                return
            staff, catalogue, rows = found
            self._refill_choices(staff, catalogue)
            if len(rows) < FIRST_ROWS:  # that was all of them
                self._show(generation, rows)
                return
            self.model.set_rows(rows)
            self._ops.query(self, everything, lambda rows: self._show(generation, rows),
                            title="加载售后服务单")  # fmt: skip

        self._ops.query(self, first, shown_first, title="加载售后服务单")

    def _show(self, generation: int, rows: list[ServiceRow]) -> None:
        if generation != self._generation:
            return
        set_rows_keeping_selection(self.table, self.model, rows)
        fit_columns_once(self.table)
        overdue = sum(r.overdue for r in rows)
        today = sum(r.due_today for r in rows)
        shown = count_text(len(rows), ledger.LIST_LIMIT, "张")
        self.summary.setText(f"{shown} · 超期 {overdue} 张 · 今日到期 {today} 张")
        self.loaded.emit(len(rows))

    def current_id(self) -> int | None:
        row = selected_row(self.table, self.model)
        return row.id if row else None

    # --- actions ---------------------------------------------------------------------------

    def new_record(self, customer_id: int | None = None, complaint_id: int | None = None):
        """登记服务单 (Ctrl+N); the list reloads through the store-changed signal."""
        from kehu_desktop.ui.service_desk.request_dialog import ServiceRequestDialog

        dialog = ServiceRequestDialog(
            self._ops, self._layout_memory, self, customer_id=customer_id,
            complaint_id=complaint_id,
        )  # fmt: skip
        dialog.saved.connect(lambda request_id: self.open_request(request_id))
        dialog.open()
        return dialog

    def open_current(self):
        request_id = self.current_id()
        return None if request_id is None else self.open_request(request_id)

    def open_request(self, request_id: int):
        from kehu_desktop.ui.service_desk.request_detail_dialog import ServiceRequestDetailDialog

        dialog = ServiceRequestDetailDialog(self._ops, self._layout_memory, request_id, self)
        dialog.open()
        return dialog

    def show_products(self):
        from kehu_desktop.ui.service_desk.products_dialog import ProductsDialog

        dialog = ProductsDialog(self._ops, self._layout_memory, self)
        dialog.open()
        return dialog

    def show_feedback(self):
        from kehu_desktop.ui.service_desk.feedback_dialog import FeedbackListDialog

        dialog = FeedbackListDialog(self._ops, self._layout_memory, self)
        dialog.open()
        return dialog

    def show_report(self):
        from kehu_desktop.ui.service_desk.service_report import ServiceReportDialog

        if self._report is None:
            self._report = ServiceReportDialog(self._ops, self._layout_memory, self)
        self._report.show()
        self._report.raise_()
        return self._report

    def export_xlsx(self, path: Path | None = None) -> None:
        rows = ledger.export_rows(self.model.rows())
        export_list(
            self, self._ops, title="售后服务单", headers=ledger.EXPORT_HEADERS,
            rows=lambda _session: rows, button=self.export_button, status=self.summary, path=path,
        )  # fmt: skip

    def save_layout(self) -> None:
        self._layout_memory.save_header(LAYOUT_KEY, self.table.horizontalHeader())
