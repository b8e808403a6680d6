"""Settings: the default visit frequency per ABC class and per 管理分类 (主管 or 管理员)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.customers.customer_fields import ABC_CLASSES, MANAGEMENT_CLASSES
from kehu_desktop.services.visits import visit_plans
from kehu_desktop.ui.common.dialog_parts import error_label, ok_cancel


class VisitFrequencyDialog(QDialog):
    """Edits ``visit_plans.ABC_INTERVALS`` and ``MANAGEMENT_INTERVALS``."""

    def __init__(self, context: DeskContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("visitFrequencyDialog")
        self.setWindowTitle("拜访频率")
        self._context = context
        with context.reader() as session:
            current = visit_plans.frequencies(session)
        self.abc = {k: self._spin(f"abc_{k}", current.abc[k]) for k in ABC_CLASSES}
        self.management = {
            k: self._spin(f"management_{k}", current.management[k]) for k in MANAGEMENT_CLASSES
        }
        abc_box = QGroupBox("按 ABC 分类")
        abc_form = QFormLayout(abc_box)
        for name, spin in self.abc.items():
            abc_form.addRow(f"{name} 类客户每", spin)
        management_box = QGroupBox("尚未分 ABC 类时，按管理分类")
        management_form = QFormLayout(management_box)
        for name, spin in self.management.items():
            management_form.addRow(f"{name}客户每", spin)
        self.error_label = error_label()
        buttons = ok_cancel(self, "保存(&S)", self.save)
        save_allowed = context.operator.is_supervisor
        buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(save_allowed)
        note = "大客户按大客户管理卡上的频率拜访；客户档案里单独设定的频率优先于这里的默认值。" + (
            "" if save_allowed else "\n只有主管或管理员可以修改。"
        )
        box = QVBoxLayout(self)
        box.addWidget(QLabel(note, wordWrap=True))
        box.addWidget(abc_box)
        box.addWidget(management_box)
        box.addWidget(self.error_label)
        box.addWidget(buttons)

    def _spin(self, name: str, value: int) -> QSpinBox:
        spin = QSpinBox(objectName=name)
        spin.setRange(1, visit_plans.MAX_INTERVAL)
        spin.setSuffix(" 天拜访一次")
        spin.setValue(value)
        return spin

    def save(self) -> bool:
        abc = {k: spin.value() for k, spin in self.abc.items()}
        management = {k: spin.value() for k, spin in self.management.items()}
        try:
            with self._context.session() as session:
                visit_plans.save_frequencies(session, self._context.operator, abc, management)
        except UserError as error:
            self.error_label.setText(str(error))
            self.error_label.show()
            return False
        self.accept()
        return True
