"""Planning visits ahead (客户联络计划表): one plan, or every customer due in a period."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.parsing import parse_date
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.visits import visit_plans
from kehu_desktop.services.visits.visit_plans import METHODS, PERIODS, PURPOSES
from kehu_desktop.ui.common.background import run_in_background
from kehu_desktop.ui.common.dialog_parts import Standard, error_label, ok_cancel
from kehu_desktop.ui.common.errors import show_error, user_message
from kehu_desktop.ui.visits.visit_dialog import CustomerPicker


def _staff_combo(context: DeskContext, name: str, everyone: str = "") -> QComboBox:
    """Staff to choose from; starts on ``everyone`` when given, else on the operator."""
    combo = QComboBox(objectName=name)
    if everyone:
        combo.addItem(everyone, None)
    with context.reader() as session:
        for staff_id, staff_name in customer_files.staff_choices(session):
            combo.addItem(staff_name, staff_id)
    if not everyone:
        combo.setCurrentIndex(max(combo.findData(context.operator.id), 0))
    return combo


class VisitPlanDialog(QDialog):
    """Plan one visit: customer, date, staff member, method and purpose."""

    def __init__(self, context: DeskContext, customer_id: int | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("visitPlanDialog")
        self.setWindowTitle("新增拜访计划")
        self._context = context
        self.saved_id: int | None = None
        self.customer = CustomerPicker(context, "planCustomer")
        self.customer.set_value(customer_id)
        self.planned_date = QLineEdit(date.today().isoformat(), objectName="plannedDate")
        self.planned_date.setPlaceholderText("如 2026-11-30")
        self.staff = _staff_combo(context, "planStaff")
        self.method = QComboBox(objectName="planMethod")
        self.method.addItems(METHODS)
        self.purpose = QComboBox(objectName="planPurpose")
        self.purpose.addItems(PURPOSES)
        self.error_label = error_label()
        form = QFormLayout()
        form.addRow("客户 *", self.customer)
        form.addRow("计划日期 *", self.planned_date)
        form.addRow("业务员 *", self.staff)
        form.addRow("拜访方式", self.method)
        form.addRow("拜访目的", self.purpose)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.error_label)
        box.addWidget(ok_cancel(self, "保存计划", self.save, ok=Standard.Ok))
        self.resize(620, 240)

    def save(self) -> bool:
        try:
            day = parse_date(self.planned_date.text())
        except ValueError as error:
            return self._fail(f"计划日期：{error}")
        try:
            with self._context.session() as session:
                self.saved_id = visit_plans.add_plan(
                    session,
                    self.customer.value(),
                    self.staff.currentData(),
                    day,
                    self.purpose.currentText(),
                    self.method.currentText(),
                )
        except (ValidationError, UserError) as error:
            return self._fail(str(error))
        self.accept()
        return True

    def _fail(self, message: str) -> bool:
        self.error_label.setText(message)
        self.error_label.show()
        return False


class PlanDueVisitsDialog(QDialog):
    """Plan a routine visit for every customer due in a week or month (by visit frequency).

    Closes once plans were made (``planning``/``summary`` tell how many); when none were, it
    stays open and says why, so another period or staff member can be chosen.
    """

    def __init__(self, context: DeskContext, parent=None):
        super().__init__(parent)
        self.setObjectName("planDueVisitsDialog")
        self.setWindowTitle("按拜访频率生成计划")
        self._context = context
        self.planning: visit_plans.DuePlanning | None = None
        self.summary = ""
        self.period = QComboBox(objectName="planPeriod")
        self.period.addItems(PERIODS)
        self.staff = _staff_combo(context, "planDueStaff", "各客户的负责业务员")
        self.method = QComboBox(objectName="planDueMethod")
        self.method.addItems(METHODS)
        self.period_label = QLabel()
        self.period.currentTextChanged.connect(lambda _t: self._show_period())
        self.note = QLabel(objectName="planDueNote", wordWrap=True)
        self.note.hide()
        form = QFormLayout()
        form.addRow("计划周期", self.period)
        form.addRow("", self.period_label)
        form.addRow("业务员", self.staff)
        form.addRow("拜访方式", self.method)
        box = QVBoxLayout(self)
        box.addWidget(
            QLabel(
                "为在所选周期结束前到期、且还没有未完成计划的客户各安排一次例行拜访；\n"
                "已逾期的客户安排在周期第一天。选择业务员时只为其负责的客户安排。",
                wordWrap=True,
            )
        )
        box.addLayout(form)
        box.addWidget(self.note)
        self.buttons = ok_cancel(self, "生成计划", self.save, ok=Standard.Ok)
        box.addWidget(self.buttons)
        self._show_period()

    def _show_period(self) -> None:
        start, end = visit_plans.period(self.period.currentText(), date.today())
        self.period_label.setText(f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")

    def save(self) -> None:
        """Make the plans off the GUI thread (a large store may have thousands due)."""
        period_name = self.period.currentText()
        start, end = visit_plans.period(period_name, date.today())
        staff_id, method = self.staff.currentData(), self.method.currentText()
        staff_name = self.staff.currentText() if staff_id is not None else ""

        def work(_progress):
            with self._context.session() as session:
                return visit_plans.plan_due_visits(session, start, end, staff_id, method)

        self.buttons.setEnabled(False)
        self._say("正在生成计划…")
        run_in_background(
            work, lambda result: self._done(result, period_name, staff_name), self._failed
        )

    def _say(self, text: str, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet("color: #d93025;" if error else "")
        self.note.show()

    def _done(self, result: visit_plans.DuePlanning, period_name: str, staff_name: str) -> None:
        self.planning = result
        self.summary = result.summary(period_name, staff_name)
        if result.created:
            self.accept()
            return
        self.buttons.setEnabled(True)
        self._say(self.summary)

    def _failed(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        self._say(user_message(error) or "生成计划失败。", error=True)
        if user_message(error) is None:
            show_error(self, "生成计划失败", error)


def mark_plan_missed(
    parent: QWidget, context: DeskContext, plan: visit_plans.PlanRow, reason: str | None = None
) -> bool:
    """Mark ``plan`` missed; asks for the reason unless one is given. True when done."""
    if reason is None:
        reason, ok = QInputDialog.getText(
            parent, "标记未完成", f"“{plan.customer}”的拜访未完成，原因："
        )
        if not ok:
            return False
    try:
        with context.session() as session:
            visit_plans.mark_missed(session, plan.id, reason)
    except Exception as error:
        show_error(parent, "无法标记", error)
        return False
    return True
