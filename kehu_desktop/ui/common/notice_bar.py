"""A notice across the top of the window: what needs attention, and the one thing to do."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class NoticeBar(QFrame):
    """Hidden until ``show_notice``; the user may dismiss it for this session (×)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName=name)
        self.setStyleSheet(f"#{name} {{ background: #fff4e5; border-bottom: 1px solid #f0b35a; }}")
        self.label = QLabel(objectName=f"{name}Text", wordWrap=True)
        self.action_button = QPushButton(objectName=f"{name}Action")
        self.action_button.hide()
        close = QPushButton("×", objectName=f"{name}Close", flat=True)
        close.setToolTip(self.tr("暂时关闭此提醒"))
        close.setFixedWidth(28)
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 4, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.action_button)
        row.addWidget(close)
        self._action: Callable[[], object] | None = None
        self.action_button.clicked.connect(self._act)
        self.hide()

    def show_notice(
        self, text: str, action_text: str = "", action: Callable[[], object] | None = None
    ) -> None:
        self.label.setText(text)
        self._action = action
        self.action_button.setText(action_text)
        self.action_button.setVisible(bool(action_text and action))
        self.show()

    def _act(self) -> None:
        if self._action is not None:
            self._action()
