"""The small form for one step of a complaint (调查, 处理, 答复, 回访, 转交, 结案, 撤销 …).

The form collects what the step needs and hands it to the service; a refusal or a validation
error is shown in the form, which stays open with everything typed kept.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.complaints import choices, lifecycle
from kehu_desktop.services.complaints.ledger import ComplaintDetail
from kehu_desktop.services.complaints.lifecycle import Action, HandlingInput
from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.case_forms import (
    context_label,
    handover_editors,
    rating,
    revisit_editors,
    text_box,
)
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import display_text

NOTE_LABELS = {
    Action.INVESTIGATE: "调查安排",
    Action.CLOSE: "结案说明",
    Action.ACKNOWLEDGE: "主管意见",
    Action.NOTE: "备注",
    Action.CANCEL: "撤销原因",
    Action.REPLY: "答复内容",
    Action.HANDLE: "备注",
    Action.REVISIT: "回访记录",
    Action.HAND_OVER: "转交原因",
}
TEXT_FIELDS = (("cause", "调查结果及原因"), ("measures", "处理措施"),
               ("department_opinion", "部门意见"))  # fmt: skip
AMOUNT_FIELDS = (("return_quantity", "退货数量"), ("return_amount", "退货金额（元）"),
                 ("exchange_quantity", "换货数量"), ("exchange_amount", "换货金额（元）"),
                 ("claim_amount", "索赔金额（元）"))  # fmt: skip
# Which service error field belongs to which form field.
FIELD_OF_ERROR = {"reason": "note", "reply": "note", "to": "handover_to"}


class ComplaintStepDialog(EditDialog):
    """One step: the fields it needs, then OK runs it through the service."""

    record_label = "本步骤"
    changes = ("complaints",)

    def __init__(
        self,
        ops: Operations,
        detail: ComplaintDetail,
        action: Action,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, None, f"{action} — {detail.number}", parent)
        self.ok_button.setText(f"{action}(&S)")
        self._detail = detail
        self.action = action
        self.fields: dict[str, QWidget] = {}
        context = context_label(
            f"{detail.number} {detail.customer}【{detail.status}】\n"
            f"投诉内容：{detail.description}\n客户要求：{detail.demand or '—'}",
            "stepContext",
        )
        self.content_layout.insertWidget(0, context)
        if action == Action.HANDLE:
            self._handling_fields(detail)
        elif action == Action.REVISIT:
            self._revisit_fields()
        elif action == Action.HAND_OVER:
            self._handover_fields()
        note = text_box(110 if action == Action.REPLY else 70)
        if action == Action.REPLY:
            note.setPlainText(detail.reply)
        self._add("note", NOTE_LABELS[action], note)
        self.resize(520, self.sizeHint().height())

    def _add(self, name: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(f"step_{name}")
        self.fields[name] = widget
        self.add_field(label, widget, name)

    def _handling_fields(self, d: ComplaintDetail) -> None:
        department = QComboBox()
        department.addItems(choices.DEPARTMENTS)
        department.setCurrentIndex(max(department.findText(d.department), 0))
        self._add("department", "责任部门", department)
        for name, label in TEXT_FIELDS:
            box = text_box(60)
            box.setPlainText(getattr(d, name))
            self._add(name, label, box)
        result = QComboBox()
        result.addItems(choices.RESULTS)
        result.setCurrentIndex(max(result.findText(d.result), 0))
        self._add("result", "处理结果", result)
        for name, label in AMOUNT_FIELDS:
            self._add(name, label, QLineEdit(display_text(getattr(d, name)).replace(",", "")))

    def _revisit_fields(self) -> None:
        satisfaction, reason = revisit_editors()
        self._add("satisfaction", "客户满意度", satisfaction)
        self._add("unreachable_reason", "未能联系原因", reason)

    def _handover_fields(self) -> None:
        person, department = handover_editors(choices.DEPARTMENTS)
        self._add("handover_to", "转交给", person)
        self._add("department", "转交部门", department)
        self.load(customer_files.staff_choices, self._fill_staff)

    def _fill_staff(self, staff: list[tuple[int, str]]) -> None:
        person = self.fields["handover_to"]
        assert isinstance(person, QComboBox)
        for staff_id, name in staff:
            person.addItem(name, staff_id)

    # --- running the step ------------------------------------------------------------------

    def current_input(self) -> dict[str, object]:
        """Each field's text (a choice's data where it has one, for 转交)."""
        values: dict[str, object] = {}
        for name, widget in self.fields.items():
            if isinstance(widget, QPlainTextEdit):
                values[name] = widget.toPlainText()
            elif isinstance(widget, QComboBox):
                values[name] = widget.currentText()
                values[f"{name}_data"] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text()
        return values

    def submit(self, session: Session) -> None:
        typed: dict[str, object] = self.submitted_input

        def text(name: str) -> str:
            return str(typed[name])

        op, cid, note = self.ops.operator, self._detail.id, text("note")
        # The step applies only if the complaint is still where this form showed it.
        seen = {"seen_status": self._detail.status}
        if self.action == Action.INVESTIGATE:
            lifecycle.investigate(session, op, cid, note, **seen)
        elif self.action == Action.HANDLE:
            names = ["department", "result"] + [n for n, _l in TEXT_FIELDS + AMOUNT_FIELDS]
            data = HandlingInput(**{n: text(n) for n in names}, note=note)
            lifecycle.handle(session, op, cid, data, **seen)
        elif self.action == Action.REPLY:
            lifecycle.reply(session, op, cid, note, **seen)
        elif self.action == Action.REVISIT:
            lifecycle.record_revisit(
                session, op, cid, note=note, satisfaction=rating(text("satisfaction")),
                unreachable_reason=text("unreachable_reason"), **seen,
            )  # fmt: skip
        elif self.action == Action.CLOSE:
            lifecycle.close(session, op, cid, note, **seen)
        elif self.action == Action.CANCEL:
            lifecycle.cancel(session, op, cid, note, **seen)
        elif self.action == Action.HAND_OVER:
            lifecycle.hand_over(
                session, op, cid, reason=note,
                to_staff_id=typed["handover_to_data"],  # type: ignore[arg-type]
                department=typed["department_data"],  # type: ignore[arg-type]
                **seen,
            )  # fmt: skip
        elif self.action == Action.ACKNOWLEDGE:
            lifecycle.acknowledge_escalation(session, op, cid, note, **seen)
        else:
            lifecycle.add_note(session, op, cid, note, **seen)

    def show_errors(self, messages: dict[str, str]) -> None:
        """The service names some fields differently (``reason`` is the note here); a
        problem with no field of its own marks the note."""
        shown: dict[str, str] = {}
        for key, message in messages.items():
            name = FIELD_OF_ERROR.get(key, key)
            if key and name not in self.fields:
                name = "note"
            shown[name] = f"{shown[name]}\n{message}" if name in shown else message
        super().show_errors(shown)
