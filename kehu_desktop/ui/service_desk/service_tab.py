"""The 售后服务 tab: the service requests with filters, overdue tints and the desk's tools
(products and warranty, feedback to the factory, the report)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from sqlalchemy.orm import Session

from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.service_desk import ledger, products
from kehu_desktop.services.service_desk.ledger import ServiceFilter, ServiceRow
from kehu_desktop.services.service_desk.lifecycle import STATUS_LABELS
from kehu_desktop.ui.common.case_list import CaseListTab
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import count_text, refill_filter
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column
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


class ServiceTab(CaseListTab):
    """The after-sales desk.

    Signals: ``loaded(int)`` with the row count after each reload.
    """

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(
            ops, layout, layout_key=LAYOUT_KEY, columns=COLUMNS,
            touches=("service", "customers", "staff"), summary_name="serviceSummary",
            parent=parent,
        )  # fmt: skip
        self.setObjectName("serviceTab")
        filters = self.filters
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
        self.open_button = QPushButton("打开(&O)", objectName="serviceOpenButton")
        self.open_button.clicked.connect(self.open_current)
        self.feedback_button = QPushButton("工厂反馈(&K)", objectName="serviceFeedbackButton")
        self.feedback_button.clicked.connect(self.show_feedback)
        self.products_button = QPushButton("产品与保修(&W)", objectName="serviceProductsButton")
        self.products_button.clicked.connect(self.show_products)
        self.report_button = QPushButton("售后服务报告(&R)", objectName="serviceReportButton")
        self.report_button.clicked.connect(self.show_report)
        self.export_button = QPushButton("导出 Excel(&X)", objectName="serviceExportButton")
        self.export_button.clicked.connect(lambda: self.export_xlsx())

        self.lay_out(
            self.customer_filter,
            (self.new_button, self.open_button, self.feedback_button, self.products_button,
             self.report_button, self.export_button),
        )  # fmt: skip

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
        generation = self.next_generation()
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
            if not self.is_newest(generation):
                return
            staff, catalogue, rows = found
            self._refill_choices(staff, catalogue)
            if len(rows) < FIRST_ROWS:  # that was all of them
                self.show_rows(generation, rows)
                return
            self.model.set_rows(rows)
            self._ops.query(self, everything, lambda rows: self.show_rows(generation, rows),
                            title="加载售后服务单")  # fmt: skip

        self._ops.query(self, first, shown_first, title="加载售后服务单")

    def summary_text(self, rows: list[ServiceRow]) -> str:
        overdue = sum(r.overdue for r in rows)
        today = sum(r.due_today for r in rows)
        shown = count_text(len(rows), ledger.LIST_LIMIT, "张")
        return f"{shown} · 超期 {overdue} 张 · 今日到期 {today} 张"

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

        return self.raise_report(lambda: ServiceReportDialog(self._ops, self._layout_memory, self))

    def export_xlsx(self, path: Path | None = None) -> None:
        listed = self.model.rows()
        export_list(
            self, self._ops, title="售后服务单", headers=ledger.EXPORT_HEADERS,
            rows=lambda session: ledger.export_rows(session, listed), button=self.export_button,
            status=self.summary, path=path,
        )  # fmt: skip
