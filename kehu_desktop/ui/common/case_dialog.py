"""The frame of one case's dialog — a complaint, a service request — which both case desks
build alike: a bold header with the number and status, a red banner saying what is late, the
record's sections beside its append-only history, and a button for each step allowed now."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.common.case_log import EventRow
from kehu_desktop.ui.common.case_history import HISTORY_COLUMNS
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import RecordTableModel, display_text
from kehu_desktop.ui.common.view_dialog import ViewDialog

HEADER_STYLE = "font-size: 15px; font-weight: bold;"
BANNER_STYLE = "background: #fde2e1; color: #a50e0e; padding: 6px;"


class CaseDialog(ViewDialog):
    """A case's dialog; it reads the case again whenever a write touches what it shows, and
    remembers its size under ``geometry_key``.

    A desk adds its value rows (``value_label``) to ``sections``, makes its step buttons
    (``step_buttons``) and calls ``lay_out``; once the case is read it shows it with
    ``show_values``, ``show_notes``, ``show_history`` and ``show_allowed``.

    Signals: ``loaded()`` each time the case has been read and shown.
    """

    history: QTableView  # the desk's view of ``history_model``, given to ``lay_out``

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        *,
        prefix: str,
        geometry_key: str,
        size: tuple[int, int],
        touches: tuple[str, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ops, layout, geometry_key=geometry_key, size=size, touches=touches, parent=parent
        )
        self.header = QLabel(objectName=f"{prefix}Header")
        self.header.setStyleSheet(HEADER_STYLE)
        self.banner = QLabel(objectName=f"{prefix}Banner", wordWrap=True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.values: dict[str, QLabel] = {}
        self.sections = QTabWidget(objectName=f"{prefix}Sections")
        self.history_model = RecordTableModel(HISTORY_COLUMNS, self)
        self.action_buttons: dict[Any, QPushButton] = {}

    def value_label(self, name: str, min_width: int) -> QLabel:
        """The label showing the case's field ``name`` (filled by ``show_values``)."""
        value = QLabel(objectName=f"value_{name}", wordWrap=True)
        value.setMinimumWidth(min_width)
        self.values[name] = value
        return value

    def step_buttons(
        self, steps: Iterable[Any], text: Callable[[Any], str], name: Callable[[Any], str]
    ) -> QHBoxLayout:
        """A button for each of the desk's ``steps`` (each opens ``start_action``), in a row
        ending in a stretch; the desk adds its own buttons at the right."""
        row = QHBoxLayout()
        for step in steps:
            button = QPushButton(text(step), objectName=name(step))
            button.clicked.connect(lambda _c=False, s=step: self.start_action(s))
            self.action_buttons[step] = button
            row.addWidget(button)
        row.addStretch(1)
        return row

    def lay_out(self, history: QTableView, sizes: Sequence[int], rows: Sequence[QLayout]) -> None:
        """Header, banner, the sections beside the ``history`` view (``sizes`` wide), then the
        desk's ``rows``; the remembered size, else the desk's own."""
        history_pane = QWidget()
        history_layout = QVBoxLayout(history_pane)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(QLabel("处理记录（只增不改）"))
        history_layout.addWidget(history)
        self.history = history
        splitter = QSplitter()
        splitter.addWidget(self.sections)
        splitter.addWidget(history_pane)
        splitter.setSizes(list(sizes))
        box = QVBoxLayout(self)
        box.addWidget(self.header)
        box.addWidget(self.banner)
        box.addWidget(splitter, 1)
        for row in rows:
            box.addLayout(row)
        self.restore_size()

    def start_action(self, action: Any) -> QDialog:
        raise NotImplementedError

    # --- showing the case -------------------------------------------------------------------

    def show_values(self, detail: object) -> None:
        for name, label in self.values.items():
            label.setText(display_text(getattr(detail, name)))

    def show_notes(self, notes: Sequence[str]) -> None:
        """The banner with what is late or needs a look; hidden when there is nothing."""
        self.banner.setText(" ".join(notes))
        self.banner.setVisible(bool(notes))

    def show_history(self, events: Sequence[EventRow]) -> None:
        self.history_model.set_rows(events)
        fit_columns(self.history)
        self.history.resizeRowsToContents()

    def show_allowed(self, allowed: Iterable[Any]) -> None:
        """Only the steps the rules allow now are offered."""
        allowed = set(allowed)
        for action, button in self.action_buttons.items():
            button.setVisible(action in allowed)
            button.setEnabled(True)
