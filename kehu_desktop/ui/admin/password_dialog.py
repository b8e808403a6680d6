"""修改密码: an operator replaces their own password (and must, at the first sign-in with a
default one)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.common import operators
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations


def _password_box(name: str) -> QLineEdit:
    return QLineEdit(objectName=name, echoMode=QLineEdit.EchoMode.Password)


class ChangePasswordDialog(EditDialog):
    """``forced``: the password in use is a default one; the dialog says so."""

    record_label = "新密码"
    changes = ("staff",)
    ok_text = "修改密码(&S)"

    def __init__(self, ops: Operations, forced: bool = False, parent: QWidget | None = None):
        super().__init__(ops, None, "修改密码", parent, scrolling=False)
        if forced:
            notice = QLabel(
                "您正在使用初始密码。为保护客户资料，请先设置自己的新密码再开始工作。",
                objectName="forcedNotice",
                wordWrap=True,
            )
            self.form.addRow(notice)
        self.form.addRow(QLabel(f"操作员：{ops.operator.name}（{ops.operator.username}）"))
        self.current = self.add_field("当前密码", _password_box("current"), "current")
        self.password = self.add_field("新密码", _password_box("password"), "password")
        self.confirm = self.add_field("确认新密码", _password_box("confirm"), "confirm")
        hint = QLabel(f"至少 {operators.MIN_PASSWORD_LENGTH} 位，不能只有空格。")
        hint.setStyleSheet("color: #666;")
        self.form.addRow("", hint)

    def current_input(self) -> tuple[str, str, str]:
        return self.current.text(), self.password.text(), self.confirm.text()

    def submit(self, session: Session) -> None:
        current, password, confirm = self.submitted_input
        operators.change_own_password(session, self.ops.operator, current, password, confirm)
