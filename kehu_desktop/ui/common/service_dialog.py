"""A small dialog whose OK button runs one service call in its own unit of work.

A refusal (``UserError``) or bad input (``ValidationError``) is shown inside the dialog, which
stays open with everything typed, so nothing is lost.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.ui.common.errors import show_error

ERROR_STYLE = "border: 1px solid #d93025; background: #fdecea;"


class ServiceDialog(QDialog):
    """Subclasses fill ``self.form`` and implement ``submit``; ``result_id`` holds what it
    returned once accepted."""

    def __init__(
        self, context: DeskContext, title: str, name: str, ok_text: str = "保存(&S)", parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self._context = context
        self.result_id: int | None = None
        self._initial: list[object] | None = None
        self._field_editors: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.error_label = QLabel(objectName="errorLabel", wordWrap=True)
        self.error_label.setStyleSheet("color: #d93025;")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setObjectName("okButton")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)
        self.body.addWidget(self.error_label)
        self.body.addWidget(self.buttons)

    def add_field(self, label: str, editor: QWidget, key: str = "") -> QWidget:
        """Add a row; ``key`` is the service's field name, so its error can mark the editor."""
        self.form.addRow(label, editor)
        if key:
            self._field_editors[key] = editor
        return editor

    def submit(self, session: Session) -> int | None:
        raise NotImplementedError

    def _snapshot(self) -> list[object]:
        """Everything typed or chosen, to tell whether closing would lose anything."""
        values: list[object] = [e.text() for e in self.findChildren(QLineEdit)]
        values += [e.toPlainText() for e in self.findChildren(QPlainTextEdit)]
        values += [e.currentIndex() for e in self.findChildren(QComboBox)]
        values += [e.value() for e in self.findChildren(QAbstractSpinBox) if hasattr(e, "value")]
        values += [e.date() for e in self.findChildren(QDateEdit)]
        return values

    def showEvent(self, event) -> None:
        if self._initial is None:
            self._initial = self._snapshot()
        super().showEvent(event)

    def is_dirty(self) -> bool:
        return self._initial is not None and self._snapshot() != self._initial

    def reject(self) -> None:
        if self.is_dirty() and not confirm(self, self.windowTitle(), "放弃已填写的内容吗？"):
            return
        super().reject()

    def show_errors(self, messages: dict[str, str]) -> None:
        for key, editor in self._field_editors.items():
            editor.setStyleSheet(ERROR_STYLE if key in messages else "")
        self.error_label.setText("\n".join(messages.values()))
        self.error_label.show()

    def accept(self) -> None:
        try:
            with self._context.session() as session:
                self.result_id = self.submit(session)
        except ValidationError as error:
            self.show_errors(error.errors)
            return
        except UserError as error:
            self.show_errors({"": str(error)})
            return
        except Exception as error:  # a bug: say so, keep the dialog and what was typed
            show_error(self, self.windowTitle(), error)
            return
        super().accept()


def confirm(parent: QWidget, title: str, question: str) -> bool:
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes
