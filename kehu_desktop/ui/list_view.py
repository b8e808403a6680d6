"""The read-only list view the visits desk's pages share, and its small companions."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QTableView

from kehu_desktop.ui.record_table import RecordTableModel


def table_view(name: str, model: RecordTableModel) -> QTableView:
    """A read-only view selecting whole rows, one at a time."""
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_row(view: QTableView, model: RecordTableModel):
    """The row record under the view's current index, or None."""
    index = view.currentIndex()
    return model.row_at(index.row()) if index.isValid() else None


def choice_combo(name: str, everything: str, choices: tuple[str, ...]) -> QComboBox:
    """A filter drop-down: "everything" (data "") then each choice."""
    combo = QComboBox(objectName=name)
    combo.addItem(everything, "")
    for choice in choices:
        combo.addItem(choice, choice)
    return combo
