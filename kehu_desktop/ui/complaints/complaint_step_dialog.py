"""The small form for one step of a complaint (调查, 处理, 答复, 回访, 转交, 结案, 撤销 …).

The form collects what the step needs and hands it to the service; a refusal or a validation
error is shown in the form, which stays open with everything typed kept.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.complaints import choices, lifecycle
from kehu_desktop.services.complaints.ledger import ComplaintDetail
from kehu_desktop.services.complaints.lifecycle import Action, HandlingInput
from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.dialog_parts import ERROR_STYLE, Standard, error_label, ok_cancel
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.record_table import display_text

UNREACHABLE = "（未能联系客户）"
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


def _text_box(height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setFixedHeight(height)
    return box


class ComplaintStepDialog(QDialog):
    """One step: the fields it needs, then OK runs it through the service."""

    def __init__(
        self, context: DeskContext, detail: ComplaintDetail, action: Action, parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("complaintStepDialog")
        self.setWindowTitle(f"{action} — {detail.number}")
        self._context = context
        self._detail = detail
        self.action = action
        self.fields: dict[str, QWidget] = {}
        form = QFormLayout()
        if action == Action.HANDLE:
            self._handling_fields(form, detail)
        elif action == Action.REVISIT:
            self._revisit_fields(form)
        elif action == Action.HAND_OVER:
            self._handover_fields(form)
        note = _text_box(110 if action == Action.REPLY else 70)
        if action == Action.REPLY:
            note.setPlainText(detail.reply)
        self._add(form, "note", NOTE_LABELS[action], note)
        self.error_label = error_label("stepError")
        buttons = ok_cancel(self, str(action), self.accept, ok=Standard.Ok)
        context_label = QLabel(
            f"{detail.number} {detail.customer}【{detail.status}】\n"
            f"投诉内容：{detail.description}\n客户要求：{detail.demand or '—'}",
            objectName="stepContext", wordWrap=True,
        )  # fmt: skip
        context_label.setStyleSheet("color: #555;")
        box = QVBoxLayout(self)
        box.addWidget(context_label)
        box.addLayout(form)
        box.addWidget(self.error_label)
        box.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _add(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(f"step_{name}")
        self.fields[name] = widget
        form.addRow(label, widget)

    def _handling_fields(self, form: QFormLayout, d: ComplaintDetail) -> None:
        department = QComboBox()
        department.addItems(choices.DEPARTMENTS)
        department.setCurrentIndex(max(department.findText(d.department), 0))
        self._add(form, "department", "责任部门", department)
        for name, label in TEXT_FIELDS:
            box = _text_box(60)
            box.setPlainText(getattr(d, name))
            self._add(form, name, label, box)
        result = QComboBox()
        result.addItems(choices.RESULTS)
        result.setCurrentIndex(max(result.findText(d.result), 0))
        self._add(form, "result", "处理结果", result)
        for name, label in AMOUNT_FIELDS:
            self._add(form, name, label, QLineEdit(display_text(getattr(d, name)).replace(",", "")))

    def _revisit_fields(self, form: QFormLayout) -> None:
        satisfaction = QComboBox()
        satisfaction.addItems(choices.SATISFACTION_LEVELS)
        satisfaction.addItem(UNREACHABLE)
        satisfaction.setCurrentIndex(1)
        self._add(form, "satisfaction", "客户满意度", satisfaction)
        reason = QLineEdit()
        reason.setPlaceholderText("未能联系客户时填写原因，如：电话多次无人接听")
        self._add(form, "unreachable_reason", "未能联系原因", reason)

    def _handover_fields(self, form: QFormLayout) -> None:
        with self._context.reader() as session:
            staff = customer_files.staff_choices(session)
        person = QComboBox()
        person.addItem("（不转交个人）", None)
        for staff_id, name in staff:
            person.addItem(name, staff_id)
        self._add(form, "handover_to", "转交给", person)
        department = QComboBox()
        department.addItem("（不转交部门）", "")
        for name in choices.DEPARTMENTS:
            department.addItem(name, name)
        self._add(form, "department", "转交部门", department)

    # --- running the step ------------------------------------------------------------------

    def _text(self, name: str) -> str:
        widget = self.fields[name]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentText()
        return widget.text()

    def _run(self, session: Session) -> None:
        op, cid, note = self._context.operator, self._detail.id, self._text("note")
        if self.action == Action.INVESTIGATE:
            lifecycle.investigate(session, op, cid, note)
        elif self.action == Action.HANDLE:
            names = ["department", "result"] + [n for n, _l in TEXT_FIELDS + AMOUNT_FIELDS]
            data = HandlingInput(**{n: self._text(n) for n in names}, note=note)
            lifecycle.handle(session, op, cid, data)
        elif self.action == Action.REPLY:
            lifecycle.reply(session, op, cid, note)
        elif self.action == Action.REVISIT:
            rating = self._text("satisfaction")
            lifecycle.record_revisit(
                session, op, cid, note=note,
                satisfaction=None if rating == UNREACHABLE else rating,
                unreachable_reason=self._text("unreachable_reason"),
            )  # fmt: skip
        elif self.action == Action.CLOSE:
            lifecycle.close(session, op, cid, note)
        elif self.action == Action.CANCEL:
            lifecycle.cancel(session, op, cid, note)
        elif self.action == Action.HAND_OVER:
            lifecycle.hand_over(
                session, op, cid, reason=note,
                to_staff_id=self.fields["handover_to"].currentData(),
                department=self.fields["department"].currentData(),
            )  # fmt: skip
        elif self.action == Action.ACKNOWLEDGE:
            lifecycle.acknowledge_escalation(session, op, cid, note)
        else:
            lifecycle.add_note(session, op, cid, note)

    def accept(self) -> None:
        for widget in self.fields.values():
            widget.setStyleSheet("")
        try:
            with self._context.session() as session:
                self._run(session)
        except ValidationError as error:
            for name in error.errors:
                widget = self.fields.get(FIELD_OF_ERROR.get(name, name), self.fields["note"])
                widget.setStyleSheet(ERROR_STYLE)
            self._show_error(str(error))
            return
        except UserError as error:
            self._show_error(str(error))
            return
        except Exception as error:  # a bug: reported with its traceback, the form stays open
            show_error(self, f"{self.action}失败", error)
            return
        super().accept()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
