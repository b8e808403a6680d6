"""The 今日 tab: planned visits, customers due, follow-up actions due, complaints due and
escalations waiting for a 主管, birthdays and dates."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services import today as today_view
from kehu_desktop.services.visits import visit_records
from kehu_desktop.ui.common.desk_reload import ReloadWhenShown
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import (
    fill_staff_filter,
    fit_columns_once,
    replace_rows,
    restore_columns,
    selected_row,
    table_view,
)
from kehu_desktop.ui.common.operations import Operations, Progress, StoreChange
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.complaints.complaint_dialog import ComplaintDialog
from kehu_desktop.ui.visits.visit_dialog import VisitDialog
from kehu_desktop.ui.visits.visit_plan_dialog import VisitPlanDialog, mark_plan_missed

WEEKDAYS = "一二三四五六日"
PLAN_COLUMNS = (
    Column(
        "日期",
        lambda r: r.planned_date,
        lambda r: "warning" if r.planned_date < date.today() else "",
    ),
    Column("客户", lambda r: r.customer),
    Column("业务员", lambda r: r.staff),
    Column("方式", lambda r: r.method),
    Column("目的", lambda r: r.purpose),
)
DUE_COLUMNS = (
    Column("应访日期", lambda r: r.due_date),
    Column(
        "逾期天数",
        lambda r: r.days_overdue,
        lambda r: "warning" if r.days_overdue > 0 else "notice",
    ),
    Column("频率（天）", lambda r: r.interval_days),
    Column("客户", lambda r: r.customer),
    Column("负责业务员", lambda r: r.owner),
    Column("上次拜访", lambda r: r.last_visit or "尚无拜访"),
)
ACTION_COLUMNS = (
    Column("期限", lambda r: r.due_date, lambda r: "warning" if r.due_date < date.today() else ""),
    Column("跟进事项", lambda r: r.description),
    Column("负责人", lambda r: r.owner),
    Column("客户", lambda r: r.customer),
    Column("拜访日期", lambda r: r.visited_on),
)
COMPLAINT_COLUMNS = (
    Column(
        "答复期限",
        lambda r: r.deadline,
        lambda r: "warning" if r.overdue and not r.due_today else "notice",
    ),
    Column("投诉编号", lambda r: r.number),
    Column("客户", lambda r: r.customer),
    Column("严重程度", lambda r: r.severity),
    Column("状态", lambda r: r.status),
    Column("首问责任人", lambda r: r.first_responsible),
)
ESCALATION_COLUMNS = (
    Column("受理时间", lambda r: f"{r.received_at:%Y-%m-%d %H:%M}"),
    Column("投诉编号", lambda r: r.number),
    Column("客户", lambda r: r.customer),
    Column("严重程度", lambda r: r.severity),
    Column(
        "确认期限",
        lambda r: r.escalation_deadline or "",
        lambda r: "warning" if r.escalation_overdue else "",
    ),
    Column("首问责任人", lambda r: r.first_responsible),
)
SERVICE_VISIT_COLUMNS = (
    Column("服务单号", lambda r: r.number),
    Column("客户", lambda r: r.customer),
    Column("产品", lambda r: r.product),
    Column("工程师", lambda r: r.engineer),
)
SERVICE_DUE_COLUMNS = (
    Column("服务单号", lambda r: r.number, lambda r: "warning" if r.overdue else "notice"),
    Column("期限", lambda r: r.pending_deadline, lambda r: "warning" if r.overdue else "notice"),
    Column("状态", lambda r: r.status),
    Column("客户", lambda r: r.customer),
    Column("首问责任人", lambda r: r.first_responsible),
)
DATE_COLUMNS = (
    Column("日期", lambda r: r.day, lambda r: "notice" if r.days_away == 0 else ""),
    Column("还有", lambda r: "今天" if r.days_away == 0 else f"{r.days_away} 天"),
    Column("事由", lambda r: r.occasion),
    Column("联系人", lambda r: f"{r.person}（{r.title}）" if r.title else r.person),
    Column("手机", lambda r: r.mobile),
    Column("客户", lambda r: r.customer),
)


class TodayTab(QWidget):
    """Signals: ``loaded(int)`` with the number of things waiting (also the tab title's count);
    ``rows_shown(int)`` each time a section's rows appear (before the whole view is read);
    ``service_request_opened(int)`` when a service request is to be opened (the 售后服务 desk
    opens it)."""

    loaded = Signal(int)
    rows_shown = Signal(int)
    service_request_opened = Signal(int)

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("todayView")
        self.ops = ops
        self._context = ops.context
        self._layout_memory = layout
        self._generation = 0
        self.view: today_view.TodayView | None = None
        self.title = QLabel(objectName="todayTitle")
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.staff_filter = QComboBox(objectName="todayStaffFilter")
        self.staff_filter.addItem("全部业务员", None)
        fill_staff_filter(ops, self.staff_filter, "全部业务员")
        self.staff_filter.currentIndexChanged.connect(lambda _i: self.reload())
        # A write reloads this desk at once while it is shown, else when it is next shown.
        self.reload_when_shown = ReloadWhenShown(self, self.reload)
        ops.events.changed.connect(self._store_changed)
        refresh = QPushButton("刷新", objectName="todayRefresh")
        refresh.clicked.connect(self.reload)

        self.plan_model = RecordTableModel(PLAN_COLUMNS, self)
        self.due_model = RecordTableModel(DUE_COLUMNS, self)
        self.action_model = RecordTableModel(ACTION_COLUMNS, self)
        self.date_model = RecordTableModel(DATE_COLUMNS, self)
        self.complaint_model = RecordTableModel(COMPLAINT_COLUMNS, self)
        self.escalation_model = RecordTableModel(ESCALATION_COLUMNS, self)
        self.service_visit_model = RecordTableModel(SERVICE_VISIT_COLUMNS, self)
        self.service_due_model = RecordTableModel(SERVICE_DUE_COLUMNS, self)
        self.plan_table = table_view("todayPlans", self.plan_model)
        self.due_table = table_view("dueCustomers", self.due_model)
        self.action_table = table_view("dueActions", self.action_model)
        self.date_table = table_view("upcomingDates", self.date_model)
        self.complaint_table = table_view("dueComplaints", self.complaint_model)
        self.escalation_table = table_view("pendingEscalations", self.escalation_model)
        self.service_visit_table = table_view("todayServiceVisits", self.service_visit_model)
        self.service_due_table = table_view("serviceDue", self.service_due_model)
        # Enter or a double click opens the row.
        self.plan_table.activated.connect(lambda _i: self.record_plan())
        self.due_table.activated.connect(lambda _i: self.visit_due_customer())
        self.action_table.activated.connect(lambda _i: self.open_action_visit())
        self.complaint_table.activated.connect(lambda _i: self.open_complaint(self.complaint_table))
        self.escalation_table.activated.connect(
            lambda _i: self.open_complaint(self.escalation_table)
        )
        for view, model in ((self.service_visit_table, self.service_visit_model),
                            (self.service_due_table, self.service_due_model)):  # fmt: skip
            view.activated.connect(lambda _i, v=view, m=model: self.open_service_request(v, m))

        self.plan_box = self._section(self.plan_table, (
            ("记录拜访", "todayRecordPlan", self.record_plan),
            ("标记未完成…", "todayMissPlan", self.mark_missed),
        ))  # fmt: skip
        self.due_box = self._section(self.due_table, (
            ("记录拜访", "todayVisitCustomer", self.visit_due_customer),
            ("安排计划", "todayPlanCustomer", self.plan_due_customer),
        ))  # fmt: skip
        self.action_box = self._section(self.action_table, (
            ("标记完成", "todayActionDone", self.mark_action_done),
            ("打开拜访记录", "todayOpenVisit", self.open_action_visit),
        ))  # fmt: skip
        self.date_box = self._section(self.date_table, ())
        self.complaint_box = self._section(self.complaint_table, (
            ("打开投诉", "todayOpenComplaint", lambda: self.open_complaint(self.complaint_table)),
        ))  # fmt: skip
        self.escalation_box = self._section(self.escalation_table, (
            ("打开投诉", "todayOpenEscalation",
             lambda: self.open_complaint(self.escalation_table)),
        ))  # fmt: skip
        self.service_visit_box = self._section(self.service_visit_table, ())
        self.service_due_box = self._section(self.service_due_table, ())

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch()
        top.addWidget(self.staff_filter)
        top.addWidget(refresh)
        grid = QGridLayout()
        grid.addWidget(self.plan_box, 0, 0)
        grid.addWidget(self.due_box, 0, 1)
        grid.addWidget(self.complaint_box, 0, 2)
        grid.addWidget(self.action_box, 1, 0)
        grid.addWidget(self.date_box, 1, 1)
        grid.addWidget(self.escalation_box, 1, 2)
        grid.addWidget(self.service_visit_box, 0, 3)
        grid.addWidget(self.service_due_box, 1, 3)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addLayout(grid)
        for key, view in self._views().items():
            restore_columns(layout, key, view)

    def _section(self, view, buttons) -> QGroupBox:
        box = QGroupBox()
        inner = QVBoxLayout(box)
        inner.addWidget(view)
        if buttons:
            row = QHBoxLayout()
            for text, name, slot in buttons:
                button = QPushButton(text, objectName=name)
                button.clicked.connect(lambda _c=False, s=slot: s())
                row.addWidget(button)
            row.addStretch()
            inner.addLayout(row)
        return box

    def _views(self) -> dict:
        return {"todayPlans": self.plan_table, "dueCustomers": self.due_table,
                "dueActions": self.action_table, "upcomingDates": self.date_table,
                "dueComplaints": self.complaint_table,
                "pendingEscalations": self.escalation_table,
                "todayServiceVisits": self.service_visit_table,
                "serviceDue": self.service_due_table}  # fmt: skip

    # --- loading -----------------------------------------------------------------------------

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches(
            "visits", "plans", "complaints", "customers", "contacts", "settings", "service"
        ):
            self.reload_when_shown.request()

    def reload(self) -> None:
        """Read the view off the GUI thread; each section is shown as soon as it is read (the
        quick ones first), the titles once all are."""
        self._generation += 1
        generation, staff_id = self._generation, self.staff_filter.currentData()

        def work(progress: Progress) -> today_view.TodayView:
            return today_view.compute(
                self._context.reader, date.today(), staff_id,
                section_ready=lambda name, rows: progress.partial((name, rows)),
            )  # fmt: skip

        self.ops.run(
            self,
            work,
            lambda view: self._show(generation, view),
            title="加载今日待办",
            on_partial=lambda section: self._show_section(generation, *section),
        )

    def _sections(self) -> dict[str, QTableView]:
        """The ``TodayView`` field each list shows."""
        return {"plans": self.plan_table, "due_customers": self.due_table,
                "actions": self.action_table, "reminders": self.date_table,
                "complaints": self.complaint_table, "escalations": self.escalation_table,
                "service_visits": self.service_visit_table,
                "service_due": self.service_due_table}  # fmt: skip

    def _show_section(self, generation: int, name: str, rows) -> None:
        if generation != self._generation:
            return
        if name == "due_customers":
            rows, _total = rows
        view = self._sections()[name]
        replace_rows(view, rows)
        fit_columns_once(view)
        self.rows_shown.emit(len(rows))

    def _show(self, generation: int, view: today_view.TodayView) -> None:
        """All sections are shown (``_show_section``): the title and the counts."""
        if generation != self._generation:
            return
        self.view = view
        day = view.today
        self.title.setText(f"今日 {day:%Y-%m-%d} 星期{WEEKDAYS[day.weekday()]}")
        overdue_plans = sum(1 for p in view.plans if p.planned_date < day)
        shown = len(view.due_customers)
        more = f"，显示最久的 {shown} 位" if shown < view.due_customer_total else ""
        self.plan_box.setTitle(
            f"计划拜访（{len(view.plans)}）"
            + (f"，其中 {overdue_plans} 项逾期未办" if overdue_plans else "")
        )
        self.due_box.setTitle(f"到期未访客户（{view.due_customer_total:,}{more}）")
        self.action_box.setTitle(f"到期跟进事项（{len(view.actions)}）")
        self.date_box.setTitle(f"近 7 天生日与纪念日（{len(view.reminders)}）")
        overdue = sum(1 for c in view.complaints if not c.due_today)
        self.complaint_box.setTitle(
            f"今日到期及逾期的投诉（{len(view.complaints)}"
            + (f"，其中 {overdue} 件已逾期" if overdue else "")
            + "）"
        )
        self.escalation_box.setTitle(f"待主管确认的升级投诉（{len(view.escalations)}）")
        self.service_visit_box.setTitle(f"今日售后上门服务（{len(view.service_visits)}）")
        late = sum(r.overdue for r in view.service_due)
        self.service_due_box.setTitle(f"售后服务单到期（{len(view.service_due)}，其中超期 {late}）")
        self.loaded.emit(view.count)

    # --- actions -------------------------------------------------------------------------

    def new_record(self) -> VisitDialog:
        """Ctrl+N here records a visit too (for the customer selected among those due)."""
        row = selected_row(self.due_table, self.due_model) if self.due_table.hasFocus() else None
        dialog = VisitDialog(
            self.ops,
            self._layout_memory,
            customer_id=row.customer_id if row else None,
            parent=self,
        )
        dialog.open()
        return dialog

    def record_plan(self) -> VisitDialog | None:
        plan = selected_row(self.plan_table, self.plan_model)
        if plan is None:
            return None
        dialog = VisitDialog(self.ops, self._layout_memory, plan_id=plan.id, parent=self)
        dialog.open()
        return dialog

    def mark_missed(self, reason: str | None = None) -> bool:
        """Mark the selected plan missed; asks for the reason unless one is given."""
        plan = selected_row(self.plan_table, self.plan_model)
        return plan is not None and mark_plan_missed(self, self.ops, plan, reason)

    def visit_due_customer(self) -> VisitDialog | None:
        row = selected_row(self.due_table, self.due_model)
        if row is None:
            return None
        dialog = VisitDialog(
            self.ops, self._layout_memory, customer_id=row.customer_id, parent=self
        )
        dialog.open()
        return dialog

    def plan_due_customer(self) -> VisitPlanDialog | None:
        row = selected_row(self.due_table, self.due_model)
        if row is None:
            return None
        dialog = VisitPlanDialog(self.ops, row.customer_id, self)
        dialog.open()
        return dialog

    def mark_action_done(self) -> bool:
        action = selected_row(self.action_table, self.action_model)
        if action is None:
            return False
        self.ops.write(
            self,
            lambda session: visit_records.set_action_done(session, action.id, date.today()),
            {"visits"},
            title="无法标记",
        )
        return True

    def open_complaint(self, table) -> ComplaintDialog | None:
        model = table.model()
        row = selected_row(table, model)
        if row is None:
            return None
        dialog = ComplaintDialog(self.ops, self._layout_memory, row.id, self)
        dialog.open()
        return dialog

    def open_action_visit(self) -> VisitDialog | None:
        action = selected_row(self.action_table, self.action_model)
        if action is None:
            return None
        dialog = VisitDialog(self.ops, self._layout_memory, visit_id=action.visit_id, parent=self)
        dialog.open()
        return dialog

    def open_service_request(self, view, model) -> bool:
        row = selected_row(view, model)
        if row is None:
            return False
        self.service_request_opened.emit(row.id)
        return True

    def save_layout(self) -> None:
        for key, view in self._views().items():
            self._layout_memory.save_header(key, view.horizontalHeader())
