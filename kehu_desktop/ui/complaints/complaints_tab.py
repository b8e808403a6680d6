"""The 客户投诉 tab: the ledger (台账) with filters, overdue tints and escalation flags."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPushButton, QWidget

from kehu_desktop.services.complaints import choices, ledger, lifecycle
from kehu_desktop.services.complaints.ledger import ComplaintFilter, ComplaintRow
from kehu_desktop.ui.common.case_list import CaseListTab
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import count_text, fill_staff_filter
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column
from kehu_desktop.ui.common.xlsx_export import export_list
from kehu_desktop.ui.complaints.complaint_dialog import ComplaintDialog
from kehu_desktop.ui.complaints.complaint_registration_dialog import ComplaintRegistrationDialog
from kehu_desktop.ui.complaints.complaint_report import ComplaintReportDialog

LAYOUT_KEY = "complaintTable"
LIST_LIMIT = ComplaintFilter.limit


def row_tint(row: ComplaintRow) -> str:
    """Rows past the reply or the escalation deadline in red, due today in amber."""
    if row.overdue or row.escalation_overdue:
        return "warning"
    return "notice" if row.due_today else ""


def _severity_text(row: ComplaintRow) -> str:
    if row.escalation_overdue:
        return f"{row.severity}（升级超期未确认）"
    return f"{row.severity}（待主管确认）" if row.escalation_pending else row.severity


def _deadline_text(row: ComplaintRow) -> str:
    if row.overdue:
        return f"{row.deadline.isoformat()} 已超期"
    if row.due_today:
        return f"{row.deadline.isoformat()} 今日到期"
    # Counted in a year whose 调休 days are not confirmed: the date may still move.
    provisional = "（暂定）" if row.deadline_provisional else ""
    return f"{row.deadline.isoformat()}{provisional}"


COLUMNS = (
    Column("投诉编号", lambda r: r.number, row_tint),
    Column("受理时间", lambda r: r.received_at, row_tint),
    Column("客户", lambda r: r.customer, row_tint),
    Column("类别", lambda r: r.category, row_tint),
    Column(
        "严重程度", _severity_text, lambda r: "warning" if r.escalation_pending else row_tint(r)
    ),  # fmt: skip
    Column("状态", lambda r: r.status, row_tint),
    Column("首问责任人", lambda r: r.first_responsible, row_tint),
    Column("当前处理人", lambda r: r.handler, row_tint),
    Column("答复期限", _deadline_text, row_tint),
)


class ComplaintsTab(CaseListTab):
    """The complaint ledger; reloads itself when a write touches complaints.

    Signals: ``loaded(int)`` with the row count after each reload.
    """

    SELECTS_FIRST_ROW = True

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(
            ops, layout, layout_key=LAYOUT_KEY, columns=COLUMNS,
            touches=("complaints", "customers", "staff", "settings"),
            summary_name="complaintSummary", parent=parent,
        )  # fmt: skip
        filters = self.filters
        self.status_filter = filters.choice("complaintStatusFilter", "全部状态", lifecycle.STATUSES)
        self.severity_filter = filters.choice(
            "complaintSeverityFilter", "全部程度", choices.SEVERITIES
        )
        self.category_filter = filters.choice(
            "complaintCategoryFilter", "全部类别", choices.CATEGORIES
        )
        self.month_filter = filters.months("complaintMonthFilter")
        self.person_filter = filters.choice("complaintPersonFilter", "全部首问责任人")
        self.customer_filter = filters.search("complaintCustomerFilter", "客户名称/编号或投诉编号")
        self.overdue_filter = filters.overdue("complaintOverdueFilter")

        self.new_button = QPushButton("登记投诉(&N)", objectName="complaintNewButton")
        self.new_button.clicked.connect(self.new_record)
        self.open_button = QPushButton("打开(&O)", objectName="complaintOpenButton")
        self.open_button.clicked.connect(self.open_current)
        self.report_button = QPushButton("统计报表(&R)", objectName="complaintReportButton")
        self.report_button.clicked.connect(self.show_report)
        self.export_button = QPushButton("导出 Excel(&X)", objectName="complaintExportButton")
        self.export_button.clicked.connect(lambda: self.export_xlsx())

        self.table.setAlternatingRowColors(False)  # the tints carry the meaning here
        self.lay_out(
            self.customer_filter,
            (self.new_button, self.open_button, self.report_button, self.export_button),
        )

    # --- loading ---------------------------------------------------------------------------

    def current_filter(self) -> ComplaintFilter:
        return ComplaintFilter(
            status=self.status_filter.currentData() or "",
            overdue_only=self.overdue_filter.isChecked(),
            severity=self.severity_filter.currentData() or "",
            category=self.category_filter.currentData() or "",
            month=self.month_filter.currentData(),
            first_responsible_id=self.person_filter.currentData(),
            customer_text=self.customer_filter.text(),
        )

    def _fill_person_filter(self) -> None:
        """Everyone who may be a 首问责任人, those who left included (their complaints stay
        theirs); refilled on each reload, as staff come and go, keeping the choice."""
        fill_staff_filter(self._ops, self.person_filter, "全部首问责任人", everyone=True)

    def reload(self) -> None:
        """Query the list for the current filters off the GUI thread; only the newest query's
        result is shown, however late an earlier one arrives."""
        self._fill_person_filter()
        generation = self.next_generation()
        flt = self.current_filter()

        self._ops.query(
            self,
            lambda session: ledger.list_complaints(session, flt),
            lambda rows: self.show_rows(generation, rows),
            title="加载投诉失败",
        )

    def summary_text(self, rows: list[ComplaintRow]) -> str:
        overdue = sum(r.overdue for r in rows)
        pending = sum(r.escalation_pending for r in rows)
        late = sum(r.escalation_overdue for r in rows)
        shown = count_text(len(rows), LIST_LIMIT, "宗")
        return f"{shown} · 超期 {overdue} 宗 · 待主管确认 {pending} 宗（升级超期 {late} 宗）"

    # --- actions ---------------------------------------------------------------------------

    def new_record(self, customer_id: int | None = None) -> ComplaintRegistrationDialog:
        """Open the registration form (Ctrl+N); the list reloads once it is saved."""
        dialog = ComplaintRegistrationDialog(self._ops, self._layout_memory, customer_id, self)
        dialog.open()
        return dialog

    def open_current(self) -> ComplaintDialog | None:
        complaint_id = self.current_id()
        if complaint_id is None:
            return None
        return self.open_complaint(complaint_id)

    def open_complaint(self, complaint_id: int) -> ComplaintDialog:
        dialog = ComplaintDialog(self._ops, self._layout_memory, complaint_id, self)
        dialog.open()
        return dialog

    def show_report(self) -> QWidget:
        return self.raise_report(
            lambda: ComplaintReportDialog(self._ops, self._layout_memory, self)
        )

    def export_xlsx(self, path: Path | None = None) -> None:
        """Export the list as filtered now; asks for a file name unless one is given."""
        listed = self.model.rows()
        export_list(
            self, self._ops, title="投诉台账", headers=ledger.EXPORT_HEADERS,
            rows=lambda session: ledger.export_rows(session, listed), button=self.export_button,
            status=self.summary, path=path,
        )  # fmt: skip
