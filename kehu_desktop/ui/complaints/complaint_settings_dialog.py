"""投诉期限与节假日: deadlines per severity and the holiday / 调休 calendar."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common import working_days
from kehu_desktop.services.complaints import choices, deadlines
from kehu_desktop.services.complaints.deadlines import DeadlineSettings
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations


def _days_box(name: str) -> QSpinBox:
    box = QSpinBox(objectName=name)
    box.setRange(0, 60)
    box.setSuffix(" 个工作日")
    return box


class ComplaintSettingsDialog(EditDialog):
    """Edited by 主管/管理员; others see the values greyed (the service refuses anyway).

    The calendar lists this year and the next, filled from the holiday library where the firm
    has no list of its own. A year whose 调休 days are not confirmed gets a tick box: ticking
    it after checking the days against the State Council's notice confirms the year.
    """

    record_label = "投诉期限与节假日"
    changes = ("settings",)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, None, "投诉期限与节假日", parent)
        deadline_box = QGroupBox("答复期限（自受理次日起算的工作日）")
        form = QFormLayout(deadline_box)
        form.addRow(QLabel("修改只影响今后登记的投诉，已登记投诉的期限不变。"))
        self.deadline_boxes: dict[str, QSpinBox] = {}
        self.escalation_boxes: dict[str, QSpinBox] = {}
        for severity in choices.SEVERITIES:
            box = _days_box(f"deadline_{severity}")
            self.deadline_boxes[severity] = box
            row = QHBoxLayout()
            row.addWidget(box)
            if severity != "一般":
                escalation = _days_box(f"escalation_{severity}")
                self.escalation_boxes[severity] = escalation
                row.addWidget(QLabel("升级主管确认期限"))
                row.addWidget(escalation)
            row.addStretch(1)
            form.addRow(f"{severity}投诉", row)
        self.holidays = QPlainTextEdit(objectName="holidays")
        self.makeup = QPlainTextEdit(objectName="makeupWorkdays")
        self.register_editor("holidays", self.holidays)
        self.register_editor("makeup_workdays", self.makeup)
        self.calendar = QGroupBox("节假日与调休（每行一个日期，如 2026-10-01）")
        self.calendar_box = QVBoxLayout(self.calendar)
        lists = QHBoxLayout()
        for title, editor in (("放假日期", self.holidays), ("调休上班日期", self.makeup)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(editor)
            lists.addLayout(column)
        self.calendar_box.addLayout(lists)
        self._years: tuple[int, ...] = ()
        self.confirm_boxes: dict[int, QCheckBox] = {}
        self.add_widget(deadline_box)
        self.add_widget(self.calendar, 1)
        if not self.can_save():
            self.add_widget(QLabel("只有主管或管理员可以修改这些设置。"))
        self.resize(560, 560)
        self.load_settings(deadlines.load_deadline_settings, self._fill)

    def can_save(self) -> bool:
        return self.ops.operator.is_supervisor

    def _fill(self, current: DeadlineSettings) -> None:
        for severity, box in self.deadline_boxes.items():
            box.setValue(current.deadline_days[severity])
        for severity, box in self.escalation_boxes.items():
            box.setValue(current.escalation_days.get(severity, 1))
        self.holidays.setPlainText("\n".join(d.isoformat() for d in current.holidays))
        self.makeup.setPlainText("\n".join(d.isoformat() for d in current.makeup_workdays))
        self._years = current.years
        span = "–".join(str(y) for y in current.years)
        self.calendar.setTitle(f"{span} 年节假日与调休（每行一个日期，如 2026-10-01）")
        for year in current.provisional:
            tick = QCheckBox(
                f"{year} 年的调休安排已按国务院办公厅通知核对无误", objectName=f"confirm_{year}"
            )
            tick.setToolTip(
                f"{year} 年的放假日期来自节假日库的推算，调休上班日尚未公布。"
                "通知发布后请核对、修改上面的日期，再勾选此项。"
            )
            self.calendar_box.addWidget(
                QLabel(f"{year} 年的调休安排尚未确认：期限按推算计算，显示为暂定。")
            )
            self.calendar_box.addWidget(tick)
            self.confirm_boxes[year] = tick

    def current_input(self) -> tuple[dict[str, int], dict[str, int], str, str, tuple[int, ...]]:
        return (
            {s: b.value() for s, b in self.deadline_boxes.items()},
            {s: b.value() for s, b in self.escalation_boxes.items()},
            self.holidays.toPlainText(),
            self.makeup.toPlainText(),
            tuple(year for year, tick in self.confirm_boxes.items() if tick.isChecked()),
        )

    def submit(self, session: Session) -> None:
        deadline_days, escalation_days, holidays, makeup, confirmed = self.submitted_input
        values = DeadlineSettings(
            deadline_days,
            escalation_days,
            tuple(working_days.parse_day_list(holidays)),
            tuple(working_days.parse_day_list(makeup)),
            self._years,
            confirmed,
        )
        deadlines.save_deadline_settings(session, self.ops.operator, values, self.seen_settings)
