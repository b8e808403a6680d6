"""Who is working: signing in, or creating the administrator on the very first start."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services import operators
from kehu_desktop.services.database import Database
from kehu_desktop.services.errors import UserError


class _OperatorDialog(QDialog):
    """A form whose OK button signs someone in; ``operator`` holds who, once accepted."""

    def __init__(self, database: Database, name: str, title: str, ok_text: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self._database = database
        self.operator: operators.Operator | None = None
        self.message = QLabel(objectName="message", wordWrap=True)
        self.message.setStyleSheet("color: #d93025;")
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self._buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self._buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self.form = QFormLayout(self)

    def _finish_form(self, rows: list[tuple[str, QWidget]]) -> None:
        for label, widget in rows:
            self.form.addRow(label, widget)
        self.form.addRow(self.message)
        self.form.addRow(self._buttons)

    def _sign(self, action: Callable[[Session], operators.Operator]) -> None:
        try:
            with self._database.session() as session:
                self.operator = action(session)
        except UserError as error:
            self.message.setText(str(error))
            return
        super().accept()


class SignInDialog(_OperatorDialog):
    def __init__(self, database: Database, parent=None) -> None:
        super().__init__(database, "signInDialog", "客户管家 — 登录", "登录", parent)
        with database.reader() as session:
            staff = operators.list_staff(session)
        self.username = QComboBox(objectName="username", editable=True)
        self.username.addItems([row.username for row in staff])
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        self._finish_form([("登录名", self.username), ("密码", self.password)])
        self.password.setFocus()

    def accept(self) -> None:
        username, password = self.username.currentText(), self.password.text()
        self._sign(lambda session: operators.sign_in(session, username, password))
        self.password.selectAll()


class FirstAdminDialog(_OperatorDialog):
    """Creates the administrator account when the store has no operator yet."""

    def __init__(self, database: Database, parent=None) -> None:
        super().__init__(database, "firstAdminDialog", "客户管家 — 创建管理员", "创建并登录", parent)
        self.form.addRow(QLabel("欢迎使用客户管家。请先创建管理员账号，之后可在“管理 → 操作员管理”"
                                "中添加客服和主管。", wordWrap=True))  # fmt: skip
        self.username = QLineEdit("admin", objectName="username")
        self.name = QLineEdit(objectName="name")
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(objectName="confirm", echoMode=QLineEdit.EchoMode.Password)
        self._finish_form(
            [("登录名", self.username), ("姓名", self.name), ("密码", self.password),
             ("确认密码", self.confirm)]
        )  # fmt: skip

    def accept(self) -> None:
        values = (self.username.text(), self.name.text(), self.password.text(), self.confirm.text())
        self._sign(lambda session: operators.create_first_admin(session, *values))
