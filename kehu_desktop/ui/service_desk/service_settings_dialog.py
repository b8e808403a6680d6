"""Settings: 售后服务期限 — dispatch and resolve deadlines per urgency, the 返修 window and the
factory's reply period (主管 or 管理员)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSpinBox, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.service_desk import settings
from kehu_desktop.services.service_desk.choices import URGENCIES
from kehu_desktop.services.service_desk.settings import ServiceSettings
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations


def _spin(name: str, low: int, high: int, suffix: str) -> QSpinBox:
    spin = QSpinBox(objectName=name)
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    return spin


class ServiceSettingsDialog(EditDialog):
    """Edits ``service_desk.settings``; others than 主管/管理员 see the values greyed (the
    service refuses their save anyway)."""

    record_label = "售后服务期限"
    changes = ("settings",)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, None, "售后服务期限", parent)
        days = " 个工作日"
        self.response = {
            code: _spin(f"response_{code}", 0, settings.MAX_WORKING_DAYS, days)
            for code in URGENCIES
        }
        self.resolve = {
            code: _spin(f"resolve_{code}", 0, settings.MAX_WORKING_DAYS, days) for code in URGENCIES
        }
        self.repeat_days = _spin("repeat_days", 1, settings.MAX_REPEAT_DAYS, " 天")
        self.feedback_days = _spin("feedback_days", 1, settings.MAX_WORKING_DAYS, days)
        note = (
            "期限自受理次日起按工作日计算（节假日与调休见“投诉期限与节假日”）。修改只影响今后"
            "登记的服务单和反馈，已登记的期限不变。"
        )
        if not self.can_save():
            note += "\n只有主管或管理员可以修改。"
        self.add_widget(QLabel(note, wordWrap=True))
        deadlines = QGroupBox("派工与解决期限")
        form = QFormLayout(deadlines)
        for code, label in URGENCIES.items():
            row = QHBoxLayout()
            row.addWidget(QLabel("派工"))
            row.addWidget(self.response[code])
            row.addWidget(QLabel("解决"))
            row.addWidget(self.resolve[code])
            row.addStretch(1)
            form.addRow(f"{label}：", row)
            self.register_editor(f"response_{code}", self.response[code])
            self.register_editor(f"resolve_{code}", self.resolve[code])
        self.add_widget(deadlines)
        others = QGroupBox("返修与工厂反馈")
        others_form = QFormLayout(others)
        others_form.addRow("返修判定期", self.repeat_days)
        repeat_note = "同一设备在此天数内再次维修，记为返修（计入返修率，上次维修不算一次修复）。"
        others_form.addRow(QLabel(repeat_note, wordWrap=True))
        others_form.addRow("工厂答复期限", self.feedback_days)
        self.register_editor("repeat_days", self.repeat_days)
        self.register_editor("feedback_days", self.feedback_days)
        self.add_widget(others)
        self.load_settings(settings.load_service_settings, self._fill)

    def can_save(self) -> bool:
        return self.ops.operator.is_supervisor

    def _fill(self, current: ServiceSettings) -> None:
        for code, spin in self.response.items():
            spin.setValue(current.response_days[code])
        for code, spin in self.resolve.items():
            spin.setValue(current.resolve_days[code])
        self.repeat_days.setValue(current.repeat_days)
        self.feedback_days.setValue(current.feedback_days)

    def current_input(self) -> ServiceSettings:
        return ServiceSettings(
            {code: spin.value() for code, spin in self.response.items()},
            {code: spin.value() for code, spin in self.resolve.items()},
            self.repeat_days.value(),
            self.feedback_days.value(),
        )

    def validate_here(self) -> dict[str, str]:
        return settings.check_service_settings(self.current_input())

    def submit(self, session: Session) -> None:
        settings.save_service_settings(
            session, self.ops.operator, self.submitted_input, self.seen_settings
        )
