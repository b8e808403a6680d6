"""锁定 (Ctrl+L): the window hides its data until the operator's password is typed again, or
someone else signs in (切换用户)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common import operators
from kehu_desktop.ui.common.edit_dialog import error_label
from kehu_desktop.ui.common.operations import Operations


class LockDialog(QDialog):
    """Modal over the locked window. Accepted: unlocked by the same operator.
    ``switch_requested`` is True when it closed because 切换用户 was chosen."""

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LockDialog")
        self.setWindowTitle("客户管家 — 已锁定")
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self._ops = ops
        self.switch_requested = False
        self.password = QLineEdit(objectName="password", echoMode=QLineEdit.EchoMode.Password)
        self.message = error_label("message")
        buttons = QDialogButtonBox()
        self.unlock_button = QPushButton("解锁(&U)", objectName="unlockButton", default=True)
        self.switch_button = QPushButton("切换用户(&W)…", objectName="switchUserButton")
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.switch_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.unlock_button.clicked.connect(self.unlock)
        self.switch_button.clicked.connect(self.switch_user)
        form = QFormLayout(self)
        form.addRow(QLabel(f"窗口已锁定。{ops.operator.name}，请输入密码解锁。", wordWrap=True))
        form.addRow("密码", self.password)
        form.addRow(self.message)
        form.addRow(buttons)
        self.password.setFocus()

    def unlock(self) -> None:
        typed = self.password.text()

        def check(session: Session) -> str:
            return operators.unlock_refusal(session, self._ops.operator, typed)

        self.unlock_button.setEnabled(False)
        self._ops.write(self, check, (), self._checked, failure=self._failed, title="解锁")

    def _checked(self, refusal: str) -> None:
        self.unlock_button.setEnabled(True)
        if not refusal:
            super().accept()
            return
        self.password.clear()
        self.message.setText(refusal)
        self.message.show()
        self.password.setFocus()  # the next keys go to the password, Enter to 解锁

    def _failed(self, error: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.message.setText(str(error))
        self.message.show()
        self.password.setFocus()

    def switch_user(self) -> None:
        self.switch_requested = True
        super().accept()

    def reject(self) -> None:
        """Esc and the close box do not unlock."""

    def accept(self) -> None:
        self.unlock()
