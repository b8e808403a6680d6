"""Who is working: signing in, or creating the administrator on the very first start."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from kehu_desktop.services import operators
from kehu_desktop.services.database import Database
from kehu_desktop.services.errors import UserError


class SignInDialog(QDialog):
    """Asks for a login name and password; ``operator`` holds who signed in."""

    def __init__(self, database: Database, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("客户管家 — 登录")
        self._database = database
        self.operator: operators.Operator | None = None
        with database.reader() as session:
            staff = operators.list_staff(session)
        self.username = QComboBox(objectName="username", editable=True)
        for row in staff:
            self.username.addItem(row.username)
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel(objectName="message")
        self.message.setStyleSheet("color: #d93025;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登录")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("登录名", self.username)
        form.addRow("密码", self.password)
        form.addRow(self.message)
        form.addRow(buttons)
        self.password.setFocus()

    def accept(self) -> None:
        try:
            with self._database.session() as session:
                self.operator = operators.sign_in(
                    session, self.username.currentText(), self.password.text()
                )
        except UserError as error:
            self.message.setText(str(error))
            self.password.selectAll()
            return
        super().accept()


class FirstAdminDialog(QDialog):
    """Creates the administrator account when the store has no operator yet."""

    def __init__(self, database: Database, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("firstAdminDialog")
        self.setWindowTitle("客户管家 — 创建管理员")
        self._database = database
        self.operator: operators.Operator | None = None
        self.username = QLineEdit("admin", objectName="username")
        self.name = QLineEdit(objectName="name")
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(objectName="confirm", echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel(objectName="message", wordWrap=True)
        self.message.setStyleSheet("color: #d93025;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建并登录")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "欢迎使用客户管家。请先创建管理员账号，之后可在“管理 → 操作员管理”中添加客服和主管。",
                wordWrap=True,
            )
        )
        form.addRow("登录名", self.username)
        form.addRow("姓名", self.name)
        form.addRow("密码", self.password)
        form.addRow("确认密码", self.confirm)
        form.addRow(self.message)
        form.addRow(buttons)

    def accept(self) -> None:
        try:
            with self._database.session() as session:
                self.operator = operators.create_first_admin(
                    session,
                    self.username.text(),
                    self.name.text(),
                    self.password.text(),
                    self.confirm.text(),
                )
        except UserError as error:
            self.message.setText(str(error))
            return
        super().accept()
