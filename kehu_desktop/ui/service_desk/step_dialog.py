"""The small form for one step of a service request: 派工, 回访, 结案, 撤销, 转交, 反馈工厂,
备注 — and the factory's answer to a feedback. It collects what the step needs and hands it to
the service; a refusal is shown in the form, which stays open with everything typed."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.service_desk import feedback, lifecycle
from kehu_desktop.services.service_desk.choices import DEPARTMENTS, MODES
from kehu_desktop.services.service_desk.ledger import ServiceDetail
from kehu_desktop.services.service_desk.lifecycle import ACTION_LABELS, Action
from kehu_desktop.ui.common.case_forms import (
    context_label,
    handover_editors,
    rating,
    revisit_editors,
    text_box,
)
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations

NOTE_LABELS = {
    Action.DISPATCH: "派工说明", Action.REVISIT: "回访记录", Action.CLOSE: "结案说明",
    Action.CANCEL: "撤销原因 *", Action.HAND_OVER: "转交原因 *", Action.FEEDBACK: "质量问题 *",
    Action.NOTE: "备注 *",
}  # fmt: skip
# Which service error field belongs to which form field.
FIELD_OF_ERROR = {"reason": "note", "problem": "note", "to": "handover_to"}


class ServiceStepDialog(EditDialog):
    """One step of a request: OK runs it through the service."""

    record_label = "本步骤"
    changes = ("service",)

    def __init__(
        self, ops: Operations, detail: ServiceDetail, action: Action, parent: QWidget | None = None
    ) -> None:
        super().__init__(ops, None, f"{ACTION_LABELS[action]} — {detail.number}", parent)
        self.ok_button.setText(f"{ACTION_LABELS[action]}(&S)")
        self.detail = detail
        self.action = action
        context = context_label(
            f"{detail.number} {detail.customer}【{detail.status_label}】\n"
            f"产品：{detail.product or '—'} {detail.serial_no}　保修：{detail.warranty}\n"
            f"故障：{detail.fault}",
            "stepContext",
        )
        self.content_layout.insertWidget(0, context)  # above the fields, as on a complaint
        if action == Action.DISPATCH:
            self._dispatch_fields()
        elif action == Action.REVISIT:
            self._revisit_fields()
        elif action == Action.HAND_OVER:
            self._handover_fields()
        elif action == Action.FEEDBACK:
            self._feedback_fields()
        self.note = text_box()
        self.add_field(NOTE_LABELS[action], self.note, "note")
        self.resize(520, self.sizeHint().height())
        if action in (Action.DISPATCH, Action.HAND_OVER):
            self.load(customer_files.staff_choices, self._fill_staff)

    def _fill_staff(self, staff: list[tuple[int, str]]) -> None:
        """The engineers or colleagues to choose from, read while the form opens."""
        combo = self.engineer if self.action == Action.DISPATCH else self.handover_to
        for staff_id, name in staff:
            combo.addItem(name, staff_id)

    def _dispatch_fields(self) -> None:
        self.mode = QComboBox(objectName="step_mode")
        for code, words in MODES.items():
            self.mode.addItem(words, code)
        self.engineer = QComboBox(objectName="step_engineer")
        self.engineer.addItem("（请选择工程师）", None)
        planned = self.detail.planned_date or self.detail.received_at.date()
        self.planned = QDateEdit(QDate(planned), objectName="step_planned")
        self.planned.setDisplayFormat("yyyy-MM-dd")
        self.planned.setCalendarPopup(True)
        self.add_field("服务方式", self.mode, "mode")
        self.add_field("服务工程师 *", self.engineer, "engineer_id")
        self.add_field("计划服务日期", self.planned, "planned_date")

    def _revisit_fields(self) -> None:
        self.satisfaction, self.unreachable = revisit_editors()
        self.satisfaction.setObjectName("step_satisfaction")
        self.unreachable.setObjectName("step_unreachable")
        self.add_field("客户满意度", self.satisfaction, "satisfaction")
        self.add_field("未能联系原因", self.unreachable, "unreachable_reason")

    def _handover_fields(self) -> None:
        self.handover_to, self.department = handover_editors(DEPARTMENTS)
        self.handover_to.setObjectName("step_handover_to")
        self.department.setObjectName("step_department")
        self.add_field("转交给", self.handover_to, "handover_to")
        self.add_field("转交部门", self.department, "department")

    def _feedback_fields(self) -> None:
        self.department = QComboBox(objectName="step_department")
        for name in DEPARTMENTS:
            self.department.addItem(name, name)
        self.add_field("反馈部门", self.department, "department")

    def show_errors(self, messages: dict[str, str]) -> None:
        super().show_errors({FIELD_OF_ERROR.get(k, k): v for k, v in messages.items()})

    def current_input(self) -> dict[str, object]:
        """What the step needs, as values (a choice's data; the rating's words): taken on the
        GUI thread when 保存 is pressed, as ``submit`` runs on a worker."""
        values: dict[str, object] = {"note": self.note.toPlainText()}
        if self.action == Action.DISPATCH:
            values["mode"] = self.mode.currentData()
            values["engineer_id"] = self.engineer.currentData()
            values["planned_date"] = self.planned.date().toPython()
        elif self.action == Action.REVISIT:
            values["satisfaction"] = self.satisfaction.currentText()
            values["unreachable_reason"] = self.unreachable.text()
        elif self.action == Action.HAND_OVER:
            values["to_staff_id"] = self.handover_to.currentData()
            values["department"] = self.department.currentData()
        elif self.action == Action.FEEDBACK:
            values["department"] = self.department.currentData()
        return values

    def submit(self, session: Session) -> int:
        typed: dict = self.submitted_input
        op, rid, note = self.ops.operator, self.detail.id, typed["note"]
        if self.action == Action.DISPATCH:
            lifecycle.dispatch(
                session, op, rid, mode=typed["mode"], engineer_id=typed["engineer_id"],
                planned_date=typed["planned_date"], note=note,
            )  # fmt: skip
        elif self.action == Action.REVISIT:
            lifecycle.record_revisit(
                session, op, rid, note=note, satisfaction=rating(typed["satisfaction"]),
                unreachable_reason=typed["unreachable_reason"],
            )  # fmt: skip
        elif self.action == Action.CLOSE:
            lifecycle.close(session, op, rid, note)
        elif self.action == Action.CANCEL:
            lifecycle.cancel(session, op, rid, note)
        elif self.action == Action.HAND_OVER:
            lifecycle.hand_over(
                session, op, rid, reason=note, to_staff_id=typed["to_staff_id"],
                department=typed["department"],
            )  # fmt: skip
        elif self.action == Action.FEEDBACK:
            return feedback.raise_feedback(
                session, op, department=typed["department"], problem=note, request_id=rid,
            )  # fmt: skip
        elif self.action == Action.NOTE:
            lifecycle.add_note(session, op, rid, note)
        return rid


class FeedbackReplyDialog(EditDialog):
    """The department's answer to a feedback (售后服务信息反馈表 的处理意见)."""

    record_label = "答复"
    changes = ("service",)
    ok_text = "保存答复(&S)"

    def __init__(
        self, ops: Operations, row: feedback.FeedbackRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(ops, None, f"工厂答复 — {row.number}", parent)
        self.row = row
        info = QLabel(
            f"{row.number} 反馈{row.department}（{row.raised_at:%Y-%m-%d}，"
            f"期限 {row.reply_deadline.isoformat()}）\n{row.problem}",
            objectName="feedbackContext", wordWrap=True,
        )  # fmt: skip
        self.content_layout.insertWidget(0, info)
        self.reply = text_box(90)
        self.add_field("部门答复 *", self.reply, "reply")

    def current_input(self) -> str:
        return self.reply.toPlainText()

    def submit(self, session: Session) -> int:
        feedback.record_reply(session, self.ops.operator, self.row.id, self.submitted_input)
        return self.row.id
