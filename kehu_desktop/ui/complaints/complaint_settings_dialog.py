"""投诉期限与节假日: deadlines per severity and the holiday / 调休 calendar."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from kehu_desktop.services.common import working_days
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.complaints import choices, deadlines
from kehu_desktop.services.complaints.deadlines import DeadlineSettings
from kehu_desktop.ui.common.dialog_parts import Standard, error_label, ok_cancel


def _days_box(name: str, value: int) -> QSpinBox:
    box = QSpinBox(objectName=name)
    box.setRange(0, 60)
    box.setSuffix(" 个工作日")
    box.setValue(value)
    return box


class ComplaintSettingsDialog(QDialog):
    """Edited by 主管/管理员; others see the values read-only (the service refuses anyway)."""

    def __init__(self, context: DeskContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("complaintSettingsDialog")
        self.setWindowTitle("投诉期限与节假日")
        self._context = context
        with context.reader() as session:
            current = deadlines.load_deadline_settings(session)
        deadline_box = QGroupBox("答复期限（自受理次日起算的工作日）")
        form = QFormLayout(deadline_box)
        form.addRow(QLabel("修改只影响今后登记的投诉，已登记投诉的期限不变。"))
        self.deadline_boxes = {}
        self.escalation_boxes = {}
        for severity in choices.SEVERITIES:
            box = _days_box(f"deadline_{severity}", current.deadline_days[severity])
            self.deadline_boxes[severity] = box
            row = QHBoxLayout()
            row.addWidget(box)
            if severity != "一般":
                escalation = _days_box(
                    f"escalation_{severity}", current.escalation_days.get(severity, 1)
                )
                self.escalation_boxes[severity] = escalation
                row.addWidget(QLabel("升级主管确认期限"))
                row.addWidget(escalation)
            row.addStretch(1)
            form.addRow(f"{severity}投诉", row)
        self.holidays = QPlainTextEdit(objectName="holidays")
        self.holidays.setPlainText("\n".join(d.isoformat() for d in current.holidays))
        self.makeup = QPlainTextEdit(objectName="makeupWorkdays")
        self.makeup.setPlainText("\n".join(d.isoformat() for d in current.makeup_workdays))
        calendar = QGroupBox("节假日与调休（每行一个日期，如 2026-10-01）")
        lists = QHBoxLayout(calendar)
        for title, editor in (("放假日期", self.holidays), ("调休上班日期", self.makeup)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(editor)
            lists.addLayout(column)
        self.error_label = error_label()
        buttons = ok_cancel(self, "保存", self.accept)
        buttons.button(Standard.Save).setEnabled(context.operator.is_supervisor)
        box = QVBoxLayout(self)
        box.addWidget(deadline_box)
        box.addWidget(calendar, 1)
        if not context.operator.is_supervisor:
            box.addWidget(QLabel("只有主管或管理员可以修改这些设置。"))
        box.addWidget(self.error_label)
        box.addWidget(buttons)
        self.resize(560, 560)

    def accept(self) -> None:
        try:
            values = DeadlineSettings(
                {s: b.value() for s, b in self.deadline_boxes.items()},
                {s: b.value() for s, b in self.escalation_boxes.items()},
                tuple(working_days.parse_day_list(self.holidays.toPlainText())),
                tuple(working_days.parse_day_list(self.makeup.toPlainText())),
            )
            with self._context.session() as session:
                deadlines.save_deadline_settings(session, self._context.operator, values)
        except UserError as error:
            self.error_label.setText(str(error))
            self.error_label.show()
            return
        super().accept()
