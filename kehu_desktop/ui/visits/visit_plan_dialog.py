"""Planning visits ahead (客户联络计划表): one plan, or every customer due in a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.visits import visit_plans
from kehu_desktop.services.visits.visit_plans import METHODS, PERIODS, PURPOSES
from kehu_desktop.ui.common.customer_picker import CustomerPicker
from kehu_desktop.ui.common.date_edit import DateEdit
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.errors import show_error, user_message
from kehu_desktop.ui.common.list_view import fit_columns, table_view
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel


@dataclass(frozen=True)
class PlanInput:
    customer_id: int | None
    staff_id: int | None
    planned_date: date
    method: str
    purpose: str


class VisitPlanDialog(EditDialog):
    """Plan one visit: customer, date, staff member, method and purpose."""

    record_label = "拜访计划"
    changes = ("plans",)
    ok_text = "保存计划(&S)"

    def __init__(
        self, ops: Operations, customer_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ops, None, "新增拜访计划", parent)
        self._customer_id = customer_id
        self.customer = CustomerPicker(ops, "planCustomer")
        self.planned_date = DateEdit("plannedDate", date.today())
        self.planned_date.setMinimumDate(QDate.currentDate())
        self.staff = QComboBox(objectName="planStaff")
        self.method = QComboBox(objectName="planMethod")
        self.method.addItems(METHODS)
        self.purpose = QComboBox(objectName="planPurpose")
        self.purpose.addItems(PURPOSES)
        self.add_field("客户 *", self.customer, "customer_id")
        self.add_field("计划日期 *", self.planned_date, "planned_date")
        self.add_field("业务员 *", self.staff, "staff_id")
        self.add_field("拜访方式", self.method, "method")
        self.add_field("拜访目的", self.purpose, "purpose")
        self.resize(620, 260)
        self.load(self._read, self._fill)

    @property
    def saved_id(self) -> int | None:
        return self.result_value  # type: ignore[return-value]

    def _read(self, session: Session) -> tuple[list[tuple[int, str]], str]:
        staff = customer_files.staff_choices(session)
        label = (
            customer_files.customer_label(session, self._customer_id)
            if self._customer_id is not None
            else ""
        )
        return staff, label

    def _fill(self, loaded: tuple[list[tuple[int, str]], str]) -> None:
        staff, label = loaded
        for staff_id, name in staff:
            self.staff.addItem(name, staff_id)
        self.staff.setCurrentIndex(max(self.staff.findData(self.ops.operator.id), 0))
        if self._customer_id is not None:
            self.customer.set_value(self._customer_id, label)

    def current_input(self) -> PlanInput:
        return PlanInput(
            self.customer.value(),
            self.staff.currentData(),
            self.planned_date.date().toPython(),
            self.method.currentText(),
            self.purpose.currentText(),
        )

    def submit(self, session: Session) -> int:
        data: PlanInput = self.submitted_input
        return visit_plans.add_plan(
            session, data.customer_id, data.staff_id, data.planned_date, data.purpose, data.method
        )


PROPOSED_COLUMNS = (
    Column("计划日期", lambda p: p.planned_date),
    Column(
        "应访日期", lambda p: p.due_date, lambda p: "warning" if p.due_date < date.today() else ""
    ),
    Column("客户", lambda p: p.customer),
    Column("业务员", lambda p: p.staff),
)


class PlanDueVisitsDialog(QDialog):
    """Plan a routine visit for every customer due in a week or month (by visit frequency).

    Shows what it will make before making anything (updated as the period or staff member
    changes). Closes once plans were made (``planning``/``summary`` tell how many, and
    ``planning.batch`` lets the plans page undo them as one); when none would be made, it says
    why, so another period or staff member can be chosen.
    """

    def __init__(self, ops: Operations, parent=None):
        super().__init__(parent)
        self.setObjectName("PlanDueVisitsDialog")
        self.setWindowTitle("按拜访频率生成计划")
        self._ops = ops
        self._generation = 0
        self.planning: visit_plans.DuePlanning | None = None
        self.preview: visit_plans.DuePlanning | None = None
        self.summary = ""
        self.period = QComboBox(objectName="planPeriod")
        self.period.addItems(PERIODS)
        self.staff = QComboBox(objectName="planDueStaff")
        self.staff.addItem("各客户的负责业务员", None)
        self.method = QComboBox(objectName="planDueMethod")
        self.method.addItems(METHODS)
        self.period_label = QLabel()
        self.note = QLabel(objectName="planDueNote", wordWrap=True)
        self.preview_model = RecordTableModel(PROPOSED_COLUMNS, self)
        self.preview_table = table_view("planDuePreview", self.preview_model)
        form = QFormLayout()
        form.addRow("计划周期(&P)", self.period)
        form.addRow("", self.period_label)
        form.addRow("业务员(&Y)", self.staff)
        form.addRow("拜访方式(&M)", self.method)
        box = QVBoxLayout(self)
        box.addWidget(
            QLabel(
                "为在所选周期结束前到期、且还没有未完成计划的客户各安排一次例行拜访；"
                "已逾期的客户安排在今天（计划不会早于今天）。选择业务员时只为其负责的客户安排。"
                "生成后可在计划页“撤销本次生成”。",
                wordWrap=True,
            )
        )
        box.addLayout(form)
        box.addWidget(QLabel("将生成的计划："))
        box.addWidget(self.preview_table, 1)
        box.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("生成计划(&G)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消(&C)")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        box.addWidget(self.buttons)
        self.resize(620, 520)
        ops.query(self, customer_files.staff_choices, self._fill_staff)
        for combo in (self.period, self.staff):
            combo.currentIndexChanged.connect(lambda _i: self.refresh_preview())
        self.refresh_preview()

    def _fill_staff(self, choices: list[tuple[int, str]]) -> None:
        for staff_id, name in choices:
            self.staff.addItem(name, staff_id)

    def _choice(self) -> tuple[str, date, date, int | None, str]:
        period_name = self.period.currentText()
        start, end = visit_plans.period(period_name, date.today())
        staff_id = self.staff.currentData()
        staff_name = self.staff.currentText() if staff_id is not None else ""
        return period_name, start, end, staff_id, staff_name

    def refresh_preview(self) -> None:
        """Show what 生成计划 would make now (read off the GUI thread)."""
        period_name, start, end, staff_id, staff_name = self._choice()
        self.period_label.setText(f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")
        self._generation += 1
        generation = self._generation
        self.ok_button.setEnabled(False)

        def read(session: Session) -> visit_plans.DuePlanning:
            return visit_plans.preview_due_visits(session, start, end, staff_id)

        def show(preview: visit_plans.DuePlanning) -> None:
            if generation != self._generation:
                return
            self.preview = preview
            self.preview_model.set_rows(list(preview.proposed))
            fit_columns(self.preview_table)
            self._say(preview.summary(period_name, staff_name))
            self.ok_button.setEnabled(bool(preview.proposed))

        self._ops.query(self, read, show, title="预览计划")

    def save(self) -> None:
        """Make the plans (the same rule as the preview, read again in the saving unit)."""
        period_name, start, end, staff_id, staff_name = self._choice()
        method = self.method.currentText()

        def make(session: Session) -> visit_plans.DuePlanning:
            return visit_plans.plan_due_visits(session, start, end, staff_id, method)

        self.ok_button.setEnabled(False)
        self._say("正在生成计划…")
        self._ops.write(
            self, make, {"plans"}, lambda result: self._done(result, period_name, staff_name),
            failure=self._failed,
        )  # fmt: skip

    def _say(self, text: str, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet("color: #d93025;" if error else "")

    def _done(self, result: visit_plans.DuePlanning, period_name: str, staff_name: str) -> None:
        self.planning = result
        self.summary = result.summary(period_name, staff_name)
        if result.created:
            self.accept()
            return
        self._say(self.summary)

    def _failed(self, error: Exception) -> None:
        self.ok_button.setEnabled(True)
        self._say(user_message(error) or "生成计划失败。", error=True)
        if user_message(error) is None:
            show_error(self, "生成计划失败", error)


def mark_plan_missed(
    parent: QWidget, ops: Operations, plan: visit_plans.PlanRow, reason: str | None = None
) -> bool:
    """Mark ``plan`` missed; asks for the reason unless one is given. True when the change was
    sent to the store (the service may still refuse it, which is shown); the desks hear of it
    from the change signal."""
    if reason is None:
        reason, ok = QInputDialog.getText(
            parent, "标记未完成", f"“{plan.customer}”的拜访未完成，原因："
        )
        if not ok:
            return False
    given = reason
    ops.write(
        parent,
        lambda session: visit_plans.mark_missed(session, plan.id, given, plan.version),
        {"plans"},
        title="无法标记",
    )
    return True
