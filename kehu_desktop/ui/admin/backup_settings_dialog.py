"""设置 → 备份设置…: where automatic backups go, how many are kept, when to warn, a password."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common import backup
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations


def _count_box(name: str, low: int, high: int, suffix: str) -> QSpinBox:
    box = QSpinBox(objectName=name)
    box.setRange(low, high)
    box.setSuffix(suffix)
    return box


class BackupSettingsDialog(EditDialog):
    """Administrators only (others see it read-only; the service refuses them anyway)."""

    record_label = "备份设置"
    changes = ("settings",)

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory | None,
        default_folder: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, layout, self.tr("备份设置"), parent)
        self.folder = QLineEdit(objectName="folder")
        self.folder.setPlaceholderText(default_folder)
        browse = QPushButton(self.tr("浏览…"), objectName="browseFolder")
        browse.clicked.connect(self._browse)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.add_field(self.tr("备份文件夹"), folder_row)
        self.register_editor("folder", self.folder)
        self.add_field(
            "",
            QLabel(
                self.tr(
                    "最好选另一块硬盘、U 盘或网络共享：电脑坏了，备份还在。"
                    "留空则放在数据文件夹下的 backups。"
                ),
                wordWrap=True,
            ),
        )
        self.daily = _count_box("daily", 1, 365, self.tr(" 份"))
        self.weekly = _count_box("weekly", 0, 104, self.tr(" 份"))
        self.monthly = _count_box("monthly", 0, 120, self.tr(" 份"))
        self.add_field(self.tr("保留每日备份"), self.daily, "daily")
        self.add_field(self.tr("保留每周备份"), self.weekly, "weekly")
        self.add_field(self.tr("保留每月备份"), self.monthly, "monthly")
        self.stale_days = _count_box("stale_days", 1, 60, self.tr(" 天"))
        self.add_field(self.tr("超过几天没有备份时提醒"), self.stale_days, "stale_days")
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(objectName="confirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field(self.tr("备份密码（可不填）"), self.password, "password")
        self.add_field(self.tr("再次输入密码"), self.confirm, "confirm")
        self.add_field(
            "",
            QLabel(
                self.tr(
                    "设了密码，备份文件用 AES-256 加密，没有密码打不开；请把密码记在安全的地方，"
                    "忘了密码，备份就无法恢复。"
                ),
                wordWrap=True,
            ),
        )
        self.resize(560, 460)
        self.load(backup.load_plan, self._fill)

    def can_save(self) -> bool:
        return self.ops.operator.is_admin

    def _fill(self, plan: backup.BackupPlan) -> None:
        self.folder.setText(plan.folder)
        self.daily.setValue(plan.daily)
        self.weekly.setValue(plan.weekly)
        self.monthly.setValue(plan.monthly)
        self.stale_days.setValue(plan.stale_days)
        self.password.setText(plan.password)
        self.confirm.setText(plan.password)

    def current_input(self) -> tuple[backup.BackupPlan, str]:
        """The plan as typed, and the repeated password."""
        plan = backup.BackupPlan(
            self.folder.text(),
            self.daily.value(),
            self.weekly.value(),
            self.monthly.value(),
            self.stale_days.value(),
            self.password.text(),
        )
        return plan, self.confirm.text()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, self.tr("选择备份文件夹"), self.folder.text() or self.folder.placeholderText()
        )
        if chosen:
            self.folder.setText(chosen)

    def submit(self, session: Session) -> None:
        plan, confirm = self.submitted_input
        backup.save_plan(session, self.ops.operator, plan, confirm)
