"""Date editors take typed dates as people type them, and offer a calendar."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.ui.common.date_edit import DateEdit, DateTimeEdit
from kehu_desktop.ui.common.editable_rows import (
    EditableColumn,
    EditableRowsModel,
    install_delegates,
)


def _typed(qtbot, editor, text: str) -> QWidget:
    """Tab from another field into ``editor``, then type ``text``; returns the form, which
    the caller keeps while it uses ``editor``."""
    form = QWidget()
    box = QVBoxLayout(form)
    before = QLineEdit()
    box.addWidget(before)
    box.addWidget(editor)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    qtbot.waitActive(form)
    before.setFocus()
    editor.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClicks(editor, text)
    return form


@pytest.mark.parametrize("text", ["20261122", "2026-11-22", "2026/11/22", "2026.11.22"])
def test_a_typed_date_is_the_date(qtbot, text):
    editor = DateEdit("day")
    _form = _typed(qtbot, editor, text)
    assert editor.text_value() == "2026-11-22"
    assert editor.calendarPopup()


def test_a_typed_time(qtbot):
    editor = DateTimeEdit("at")
    _form = _typed(qtbot, editor, "2026-11-22 14:30")
    assert editor.text_value() == "2026-11-22 14:30"


def test_an_optional_date_starts_blank_takes_a_typed_date_and_clears(qtbot):
    editor = DateEdit("next", optional=True)
    assert editor.text_value() == "" and editor.value() is None
    _form = _typed(qtbot, editor, "2027-01-05")
    assert editor.value() == date(2027, 1, 5)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    assert editor.text_value() == ""
    editor.set_value("2026-03-01")
    assert editor.text_value() == "2026-03-01"


def test_a_date_column_of_an_editable_table_is_edited_as_a_date(qtbot, qtmodeltester):
    columns = [EditableColumn("task", "事项"), EditableColumn("due", "期限", date=True)]
    model = EditableRowsModel(columns)
    model.set_rows([{"task": "寄样品", "due": "2026-11-30"}, {"task": "报价", "due": ""}])
    qtmodeltester.check(model)
    view = QTableView()
    view.setModel(model)
    install_delegates(view, columns)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    for row, expected in ((0, "2026-11-30"), (1, "")):
        view.edit(model.index(row, 1))
        editor = view.viewport().findChild(DateEdit)
        assert editor is not None and editor.text_value() == expected
        editor.set_value("2026-12-24")
        view.commitData(editor)
        view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        assert model.rows()[row]["due"] == "2026-12-24"
        qtbot.waitUntil(lambda: view.viewport().findChild(DateEdit) is None)
