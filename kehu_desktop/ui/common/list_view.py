"""Read-only list views the desks share, and their small companions (filters)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QTableView

from kehu_desktop.ui.common.record_table import RecordTableModel


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


def refill_staff_filter(combo: QComboBox, everyone: str, staff: list[tuple[int, str]]) -> None:
    """Refill a staff filter with ``staff`` (id, name), keeping the choice and without
    announcing the change; staff come and go, so the desks refill it on each reload."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everyone, None)
    for staff_id, name in staff:
        combo.addItem(name, staff_id)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)
