"""Settings: the default visit frequency per ABC class and per 管理分类 (主管 or 管理员)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QSpinBox, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.customers.customer_fields import ABC_CLASSES, MANAGEMENT_CLASSES
from kehu_desktop.services.visits import visit_plans
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations


class VisitFrequencyDialog(EditDialog):
    """Edits ``visit_plans.ABC_INTERVALS`` and ``MANAGEMENT_INTERVALS``."""

    record_label = "拜访频率"
    changes = ("settings",)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, None, "拜访频率", parent)
        self.abc = {k: self._spin(f"abc_{k}") for k in ABC_CLASSES}
        self.management = {k: self._spin(f"management_{k}") for k in MANAGEMENT_CLASSES}
        note = "大客户按大客户管理卡上的频率拜访；客户档案里单独设定的频率优先于这里的默认值。" + (
            "" if self.can_save() else "\n只有主管或管理员可以修改。"
        )
        self.add_widget(QLabel(note, wordWrap=True))
        abc_box = QGroupBox("按 ABC 分类")
        self._group_form(abc_box, {f"{k} 类客户每": s for k, s in self.abc.items()})
        management_box = QGroupBox("尚未分 ABC 类时，按管理分类")
        self._group_form(management_box, {f"{k}客户每": s for k, s in self.management.items()})
        self.add_widget(abc_box)
        self.add_widget(management_box)
        self.load_settings(visit_plans.frequencies, self._fill)

    def _group_form(self, box: QGroupBox, rows: dict[str, QSpinBox]) -> None:
        form = QFormLayout(box)
        for label, spin in rows.items():
            form.addRow(label, spin)

    def _spin(self, name: str) -> QSpinBox:
        spin = QSpinBox(objectName=name)
        spin.setRange(1, visit_plans.MAX_INTERVAL)
        spin.setSuffix(" 天拜访一次")
        return spin

    def can_save(self) -> bool:
        return self.ops.operator.is_supervisor

    def _fill(self, current: visit_plans.Frequencies) -> None:
        for name, spin in self.abc.items():
            spin.setValue(current.abc[name])
        for name, spin in self.management.items():
            spin.setValue(current.management[name])

    def current_input(self) -> tuple[dict[str, int], dict[str, int]]:
        return (
            {k: spin.value() for k, spin in self.abc.items()},
            {k: spin.value() for k, spin in self.management.items()},
        )

    def submit(self, session: Session) -> None:
        abc, management = self.submitted_input
        visit_plans.save_frequencies(
            session, self.ops.operator, abc, management, self.seen_settings
        )
