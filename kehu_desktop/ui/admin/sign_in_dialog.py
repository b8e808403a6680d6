"""Who is working: signing in, or creating the administrator on the very first start.

The dialogs know nothing of the store: they are handed the function that signs in, so the
app can show them at once while the store opens in the background.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from kehu_desktop.services.common.errors import UserError
from kehu_desktop.ui.common import operations
from kehu_desktop.ui.common.errors import show_error

if TYPE_CHECKING:
    from kehu_desktop.services.common.operators import Operator


class _OperatorDialog(QDialog):
    """A form whose OK button signs someone in; ``operator`` holds who, once accepted."""

    # Whether 取消 may close the dialog while the answer is on its way (dropping it).
    may_give_up = True

    def __init__(self, name: str, title: str, ok_text: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.operator: Operator | None = None
        self._given_up = False
        self.message = QLabel(objectName="message", wordWrap=True)
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        self.setMinimumWidth(340)  # room for a refusal on two lines
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

    @property
    def _ok_button(self) -> QPushButton:
        return self._buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def _cancel_button(self) -> QPushButton:
        return self._buttons.button(QDialogButtonBox.StandardButton.Cancel)

    @property
    def signing(self) -> bool:
        """Whether a sign-in is under way (the password being checked, the store opening)."""
        return not self._ok_button.isEnabled()

    def _say(self, text: str, *, problem: bool) -> None:
        self.message.setStyleSheet("color: #d93025;" if problem else "color: #5f6368;")
        self.message.setText(text)

    def _sign(self, action: Callable[[], Operator]) -> None:
        """Run ``action`` off the GUI thread: checking a password takes a while, and on the
        first start the store may still be opening (or upgrading); the dialog keeps answering
        meanwhile. Accepted once it returns; a refusal is said under the form."""
        if self.signing:
            return
        self._ok_button.setEnabled(False)  # 取消 stays: the store may take a while to open
        self._cancel_button.setEnabled(self.may_give_up)
        self._say("正在登录…", problem=False)
        self.setCursor(Qt.CursorShape.WaitCursor)

        def finish() -> None:
            self._ok_button.setEnabled(True)
            self._cancel_button.setEnabled(True)
            self._ok_button.setDefault(True)  # disabling it made 取消 the default
            self._say("", problem=False)
            self.unsetCursor()

        def signed_in(operator: Operator) -> None:
            finish()
            if self._given_up:
                return  # closed while the answer was on its way
            self.operator = operator
            super(_OperatorDialog, self).accept()

        def refused(error: Exception) -> None:
            finish()
            if isinstance(error, UserError):
                self._say(str(error), problem=True)
            else:
                show_error(self, "无法登录", error)
            # The next keys go to the password (disabling 登录 moved the focus to 取消).
            self.password.setFocus()
            self.password.selectAll()

        operations.start(self, lambda _progress: action(), signed_in, failure=refused)

    def reject(self) -> None:
        if self.signing and not self.may_give_up:
            return  # what is being done will be done: the dialog closes when it is
        self._given_up = self.signing
        super().reject()


class SignInDialog(_OperatorDialog):
    """``sign_in(username, password)`` returns the operator or raises UserError."""

    def __init__(
        self, usernames: Sequence[str], sign_in: Callable[[str, str], Operator], parent=None
    ) -> None:
        super().__init__("SignInDialog", "客户管家 — 登录", "登录", parent)
        self._sign_in = sign_in
        self.username = QComboBox(objectName="username", editable=True)
        self.username.addItems(list(usernames))
        self._finish_form([("登录名", self.username), ("密码", self.password)])
        self.password.setFocus()

    def accept(self) -> None:
        username, password = self.username.currentText(), self.password.text()
        self._sign(lambda: self._sign_in(username, password))


class FirstAdminDialog(_OperatorDialog):
    """Creates the administrator when the store has no operator yet.

    ``create(username, name, password, confirm)`` returns the new operator or raises UserError.
    """

    may_give_up = False  # an account being created is created: 取消 waits for it

    def __init__(self, create: Callable[[str, str, str, str], Operator], parent=None) -> None:
        super().__init__("FirstAdminDialog", "客户管家 — 创建管理员", "创建并登录", parent)
        self._create = create
        self.form.addRow(QLabel("欢迎使用客户管家。请先创建管理员账号，之后可在“管理 → 操作员管理”"
                                "中添加客服和主管。", wordWrap=True))  # fmt: skip
        self.username = QLineEdit("admin", objectName="username")
        self.name = QLineEdit(objectName="name")
        self.confirm = QLineEdit(objectName="confirm", echoMode=QLineEdit.EchoMode.Password)
        self._finish_form(
            [("登录名", self.username), ("姓名", self.name), ("密码", self.password),
             ("确认密码", self.confirm)]
        )  # fmt: skip

    def accept(self) -> None:
        values = (self.username.text(), self.name.text(), self.password.text(), self.confirm.text())
        self._sign(lambda: self._create(*values))
