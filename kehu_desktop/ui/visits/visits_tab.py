"""The 拜访记录 tab: the visit list with filters, the visit plans, and the reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.visits import visit_plans, visit_records
from kehu_desktop.services.visits.visit_plans import METHODS, PERIODS, PLAN_STATUSES, PURPOSES
from kehu_desktop.ui.common.desk_reload import ReloadWhenShown
from kehu_desktop.ui.common.filter_row import FilterRow
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import (
    fill_staff_filter,
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
from kehu_desktop.ui.common.xlsx_export import export_list
from kehu_desktop.ui.visits.visit_columns import VISIT_COLUMNS
from kehu_desktop.ui.visits.visit_dialog import VisitDialog
from kehu_desktop.ui.visits.visit_plan_dialog import (
    PlanDueVisitsDialog,
    VisitPlanDialog,
    mark_plan_missed,
)
from kehu_desktop.ui.visits.visit_report_view import VisitReportView

PLAN_COLUMNS = (
    Column("计划日期", lambda r: r.planned_date),
    Column("客户", lambda r: r.customer),
    Column("业务员", lambda r: r.staff),
    Column("方式", lambda r: r.method),
    Column("目的", lambda r: r.purpose),
    Column(
        "状态",
        lambda r: r.status,
        lambda r: {"未完成": "warning", "计划": "notice"}.get(r.status, ""),
    ),
    Column("未完成原因", lambda r: r.missed_reason),
)
SEARCH_DELAY_MS = 250


class VisitsTab(QWidget):
    """Reloads itself when a write touches visits or plans.

    Signals: ``loaded(int)`` with the number of visits listed after each reload;
    ``plans_loaded(int)`` with the number of plans listed."""

    loaded = Signal(int)
    plans_loaded = Signal(int)

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._layout_memory = layout
        self._generation = 0
        self._plan_generation = 0
        self.pages = QTabWidget(objectName="visitPages")
        self.pages.addTab(self._visits_page(), "拜访记录")
        self.pages.addTab(self._plans_page(), "拜访计划")
        self.report_view = VisitReportView(ops, layout)
        self.pages.addTab(self.report_view, "拜访报表")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.pages)
        for key, view in (("visitTable", self.table), ("planTable", self.plan_table)):
            restore_columns(layout, key, view)
        # A write reloads this desk at once while it is shown, else when it is next shown.
        self.reload_when_shown = ReloadWhenShown(self, self.reload)
        ops.events.changed.connect(self._store_changed)

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches("visits", "plans", "customers", "staff", "complaints"):
            self.reload_when_shown.request()

    # --- building ------------------------------------------------------------------------

    def _visits_page(self) -> QWidget:
        today = QDate.currentDate()
        filters = FilterRow(self.reload_visits)
        self.customer_filter = filters.search(
            "visitCustomerFilter", "客户：编号、名称、拼音首字母、电话", stretch=2,
            delay_ms=SEARCH_DELAY_MS,
        )  # fmt: skip
        self.staff_filter = filters.choice("visitStaffFilter", "全部业务员")
        filters.add(QLabel("从"))
        self.date_from = filters.add(
            QDateEdit(today.addDays(-visit_records.DEFAULT_LIST_DAYS), objectName="visitDateFrom")
        )
        filters.add(QLabel("到"))
        self.date_to = filters.add(QDateEdit(today, objectName="visitDateTo"))
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.method_filter = filters.choice("visitMethodFilter", "全部方式", METHODS)
        self.purpose_filter = filters.choice("visitPurposeFilter", "全部目的", PURPOSES)

        self.model = RecordTableModel(VISIT_COLUMNS, self)
        self.table = table_view("visitTable", self.model)
        navigable_list(self.table, self.customer_filter, self.open_current)
        self.new_button = QPushButton("记录拜访(&N)", objectName="newVisit")
        self.open_button = QPushButton("打开记录(&O)", objectName="openVisit")
        self.export_button = QPushButton("导出 Excel(&X)", objectName="exportVisits")
        self.new_button.clicked.connect(self.new_record)
        self.open_button.clicked.connect(self.open_current)
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        self.count_label = QLabel(objectName="visitCount")

        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.export_button)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(filters)
        box.addWidget(self.table)
        box.addLayout(buttons)
        return page

    def _plans_page(self) -> QWidget:
        filters = FilterRow(self.reload_plans)
        filters.add(QLabel("客户联络计划表："))
        period_filter = QComboBox(objectName="planPeriodFilter")
        period_filter.addItems(PERIODS)
        self.period_filter = filters.add(period_filter)
        self.period_label = filters.add(QLabel(objectName="planPeriodLabel"))
        self.plan_staff_filter = filters.choice("planStaffFilter", "全部业务员")
        self.status_filter = filters.choice("planStatusFilter", "全部状态", PLAN_STATUSES)
        filters.addStretch()
        self.plan_model = RecordTableModel(PLAN_COLUMNS, self)
        self.plan_table = table_view("planTable", self.plan_model)
        navigable_list(self.plan_table, self.period_filter, self.record_plan)
        self.plan_note = QLabel(objectName="planNote")
        self.undo_planning_button = QPushButton("撤销本次生成(&Z)", objectName="undoPlanning")
        self.undo_planning_button.clicked.connect(self.undo_planning)
        self.undo_planning_button.hide()
        self._planning_batch: str | None = None
        buttons = QHBoxLayout()
        for text, name, slot in (
            ("新增计划(&A)", "newPlan", self.new_plan),
            ("按频率生成计划(&G)…", "planDueVisits", self.plan_due_visits),
            ("记录拜访（完成）(&R)", "recordPlan", self.record_plan),
            ("标记未完成(&M)…", "missPlan", self.mark_missed),
            ("删除计划(&D)", "cancelPlan", self.cancel_plan),
        ):
            button = QPushButton(text, objectName=name)
            button.clicked.connect(lambda _c=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.plan_note)
        buttons.addWidget(self.undo_planning_button)
        page = QWidget()
        box = QVBoxLayout(page)
        box.addLayout(filters)
        box.addWidget(self.plan_table)
        box.addLayout(buttons)
        return page

    # --- loading -----------------------------------------------------------------------------

    def current_filter(self) -> visit_records.VisitFilter:
        return visit_records.VisitFilter(
            date_from=self.date_from.date().toPython(),
            date_to=self.date_to.date().toPython(),
            staff_id=self.staff_filter.currentData(),
            method=self.method_filter.currentData() or "",
            purpose=self.purpose_filter.currentData() or "",
            customer_text=self.customer_filter.text(),
        )

    def reload(self) -> None:
        for combo in (self.staff_filter, self.plan_staff_filter):
            fill_staff_filter(self._ops, combo, "全部业务员")
        self.reload_visits()
        self.reload_plans()

    def reload_visits(self) -> None:
        self._generation += 1
        generation, flt = self._generation, self.current_filter()
        self._ops.query(
            self,
            lambda session: visit_records.list_visits(session, flt),
            lambda rows: self._show_visits(generation, rows),
            title="加载拜访记录失败",
        )

    def _show_visits(self, generation: int, rows: list[visit_records.VisitRow]) -> None:
        if generation != self._generation:
            return
        set_rows_keeping_selection(self.table, self.model, rows)
        fit_columns_once(self.table)
        select_first_row(self.table)
        limit = (
            "（只显示最近的 5000 条，请缩小范围）" if len(rows) >= visit_records.LIST_LIMIT else ""
        )
        self.count_label.setText(f"共 {len(rows):,} 条拜访记录{limit}")
        self.loaded.emit(len(rows))

    def plan_period(self) -> tuple[date, date]:
        return visit_plans.period(self.period_filter.currentText(), date.today())

    def reload_plans(self) -> None:
        start, end = self.plan_period()
        self.period_label.setText(f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")
        staff_id, status = self.plan_staff_filter.currentData(), self.status_filter.currentData()
        self._plan_generation += 1
        generation = self._plan_generation
        self._ops.query(
            self,
            lambda session: visit_plans.list_plans(session, start, end, staff_id, status or ""),
            lambda rows: self._show_plans(generation, rows),
            title="加载拜访计划失败",
        )

    def _show_plans(self, generation: int, rows: list[visit_plans.PlanRow]) -> None:
        if generation != self._plan_generation:
            return
        set_rows_keeping_selection(self.plan_table, self.plan_model, rows)
        fit_columns_once(self.plan_table)
        select_first_row(self.plan_table)
        self.plans_loaded.emit(len(rows))

    # --- visits --------------------------------------------------------------------------

    def current_id(self) -> int | None:
        row = selected_row(self.table, self.model)
        return row.id if row else None

    def new_record(self) -> VisitDialog:
        """Ctrl+N: record a visit."""
        return self.open_visit()

    def open_current(self) -> VisitDialog | None:
        visit_id = self.current_id()
        return self.open_visit(visit_id=visit_id) if visit_id is not None else None

    def open_visit(
        self,
        *,
        visit_id: int | None = None,
        customer_id: int | None = None,
        plan_id: int | None = None,
    ) -> VisitDialog:
        dialog = VisitDialog(
            self._ops,
            self._layout_memory,
            visit_id=visit_id,
            customer_id=customer_id,
            plan_id=plan_id,
            parent=self,
        )
        dialog.open()
        return dialog

    def export_xlsx(self, path: Path | None = None) -> None:
        """Export the visits as filtered now; asks for a file name unless one is given."""
        flt = self.current_filter()
        export_list(
            self, self._ops, title="拜访记录", headers=visit_records.EXPORT_HEADERS,
            rows=lambda session: visit_records.export_rows(session, flt),
            button=self.export_button, status=self.count_label, path=path,
        )  # fmt: skip

    # --- plans ---------------------------------------------------------------------------

    def current_plan(self) -> visit_plans.PlanRow | None:
        return selected_row(self.plan_table, self.plan_model)

    def new_plan(self) -> VisitPlanDialog:
        dialog = VisitPlanDialog(self._ops, parent=self)
        dialog.open()
        return dialog

    def plan_due_visits(self) -> PlanDueVisitsDialog:
        dialog = PlanDueVisitsDialog(self._ops, self)
        dialog.period.setCurrentText(self.period_filter.currentText())
        dialog.finished.connect(lambda _r: self._show_planned(dialog))
        dialog.open()
        return dialog

    def _show_planned(self, dialog: PlanDueVisitsDialog) -> None:
        """List the period the plans were made for, with filters that show them, and say so."""
        if dialog.planning is None or not dialog.planning.created:
            return
        staff_id = dialog.staff.currentData()
        combos = (self.period_filter, self.plan_staff_filter, self.status_filter)
        for combo in combos:
            combo.blockSignals(True)
        self.period_filter.setCurrentText(dialog.period.currentText())
        if self.plan_staff_filter.currentData() not in (None, staff_id):
            self.plan_staff_filter.setCurrentIndex(0)
        if self.status_filter.currentData() not in (None, visit_plans.PLANNED):
            self.status_filter.setCurrentIndex(0)
        for combo in combos:
            combo.blockSignals(False)
        self.plan_note.setText(dialog.summary)
        self._planning_batch = dialog.planning.batch
        self.undo_planning_button.show()
        self.reload_plans()  # with the filters just set

    def undo_planning(self) -> None:
        """撤销本次生成: the plans just generated go, except those acted on since."""
        batch = self._planning_batch
        if batch is None:
            return

        def undo(session: Session) -> visit_plans.UndonePlanning:
            return visit_plans.undo_planning(session, batch)

        def done(result: visit_plans.UndonePlanning) -> None:
            self._planning_batch = None
            self.undo_planning_button.hide()
            self.plan_note.setText(result.summary())

        self._ops.write(self, undo, {"plans"}, done, title="撤销生成的计划")

    def record_plan(self, plan_id: int | None = None) -> VisitDialog | None:
        plan = self.current_plan()
        plan_id = plan_id or (plan.id if plan and plan.status == visit_plans.PLANNED else None)
        return self.open_visit(plan_id=plan_id) if plan_id is not None else None

    def mark_missed(self, reason: str | None = None) -> bool:
        """Mark the selected plan missed; asks for the reason unless one is given. True when
        the change was sent to the store (the service may still refuse, which is shown)."""
        plan = self.current_plan()
        return plan is not None and mark_plan_missed(self, self._ops, plan, reason)

    def cancel_plan(self) -> bool:
        """Delete the selected plan after asking; True when the deletion was sent."""
        plan = self.current_plan()
        if plan is None:
            return False
        answer = QMessageBox.question(
            self, "删除计划", f"确定删除 {plan.planned_date} 拜访“{plan.customer}”的计划吗？"
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self._ops.write(
            self,
            lambda session: visit_plans.cancel_plan(session, plan.id, plan.version),
            {"plans"},
            title="无法删除",
        )
        return True

    def save_layout(self) -> None:
        for key, view in (("visitTable", self.table), ("planTable", self.plan_table)):
            self._layout_memory.save_header(key, view.horizontalHeader())
        self.report_view.save_layout()
