"""The pieces every editing dialog has: the red error text and the OK/Cancel row."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel

# A field the service refused: red border on a light red ground.
ERROR_STYLE = "border: 1px solid #d93025; background: #fdecea;"

Standard = QDialogButtonBox.StandardButton


def error_label(name: str = "errorLabel") -> QLabel:
    """Hidden until there is something to say; wraps long lists of problems."""
    label = QLabel(objectName=name, wordWrap=True)
    label.setStyleSheet("color: #d93025;")
    label.hide()
    return label


def ok_cancel(
    dialog: QDialog, ok_text: str, on_ok: Callable[[], object], ok: Standard = Standard.Save
) -> QDialogButtonBox:
    """The dialog's button row: ``ok_text`` runs ``on_ok``; 取消 rejects the dialog."""
    buttons = QDialogButtonBox(ok | Standard.Cancel)
    buttons.button(ok).setText(ok_text)
    buttons.button(Standard.Cancel).setText("取消")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons
