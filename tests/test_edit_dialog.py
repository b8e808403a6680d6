"""The editing-dialog base and the one customer picker."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit

from kehu_desktop.app import ensure_application
from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.common.versions import StaleRecordError
from kehu_desktop.ui.common import edit_dialog
from kehu_desktop.ui.common.customer_picker import CustomerPicker
from kehu_desktop.ui.common.edit_dialog import ERROR_STYLE, EditDialog
from kehu_desktop.ui.common.operations import Operations
from tests.helpers.customers import make_customer


class NoteDialog(EditDialog):
    record_label = "备注"
    changes = ("customers",)

    def __init__(self, ops, refuse=False):
        super().__init__(ops, None, "备注")
        self.title = self.add_field("标题", QLineEdit(), "title")
        self.text = self.add_field("内容", QPlainTextEdit(), "text")
        self.refuse = refuse
        self.submitted = []

    def submit(self, session):
        if self.refuse:
            raise ValidationError({"title": "请填写标题。"})
        self.submitted.append(self.title.text())
        return 7


@pytest.fixture
def ops(context):
    return Operations(context)


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def answer(monkeypatch, button):
    asked = []

    def question(*args, **_kwargs):
        asked.append(args)
        return button

    monkeypatch.setattr(edit_dialog.QMessageBox, "question", question)
    return asked


def test_focus_starts_in_the_first_field(qtbot, ops):
    dialog = show(qtbot, NoteDialog(ops))
    qtbot.waitUntil(dialog.title.hasFocus)
    assert dialog.objectName() == "NoteDialog"


def test_esc_on_an_untouched_dialog_closes_without_asking(qtbot, ops, monkeypatch):
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    dialog = show(qtbot, NoteDialog(ops))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and asked == []


@pytest.mark.parametrize("how", ["esc", "close", "cancel"])
def test_typed_text_is_never_dropped_without_asking(qtbot, ops, monkeypatch, how):
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    dialog = show(qtbot, NoteDialog(ops))
    dialog.text.setPlainText("客户说包装破损")  # keyClicks types ASCII only
    if how == "esc":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    elif how == "close":
        dialog.close()
    else:
        dialog.buttons.rejected.emit()
    assert len(asked) == 1
    assert dialog.isVisible() and dialog.text.toPlainText() == "客户说包装破损"
    dialog.mark_clean()


def test_discard_closes_and_save_saves(qtbot, ops, monkeypatch):
    answer(monkeypatch, QMessageBox.StandardButton.Discard)
    dialog = show(qtbot, NoteDialog(ops))
    dialog.title.setText("放弃")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.submitted == []

    answer(monkeypatch, QMessageBox.StandardButton.Save)
    dialog = show(qtbot, NoteDialog(ops))
    dialog.title.setText("保存我")
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert saved.args == [7] and dialog.submitted == ["保存我"]
    qtbot.waitUntil(lambda: not dialog.isVisible())


REAL_QUESTION = QMessageBox.question  # before the suite's guard against unanswered boxes


def test_the_question_offers_save_give_up_and_cancel_in_chinese(qtbot, ops, monkeypatch):
    """The real question box (not a stand-in): 保存 / 放弃 / 取消; 取消 keeps the dialog."""
    ensure_application()  # the window's translations, as the app installs them
    monkeypatch.setattr(QMessageBox, "question", REAL_QUESTION)
    dialog = show(qtbot, NoteDialog(ops))
    dialog.title.setText("草稿")
    seen = []

    def look_and_cancel():
        box = QApplication.activeModalWidget()
        seen.extend(b.text() for b in box.buttons())
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, look_and_cancel)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert sorted(seen) == sorted(["保存", "放弃", "取消"])
    assert dialog.isVisible() and dialog.title.text() == "草稿"
    dialog.mark_clean()


class PickerNoteDialog(NoteDialog):
    def __init__(self, ops):
        super().__init__(ops)
        self.picker = self.add_field("客户", CustomerPicker(ops), "customer_id")

    def current_input(self):
        return (self.title.text(), self.picker.value())  # the record's own input only


def test_a_search_typed_in_the_customer_picker_is_not_dropped_without_asking(
    qtbot, ops, monkeypatch
):
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    dialog = show(qtbot, PickerNoteDialog(ops))
    dialog.picker.search.setText("华达")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible()
    dialog.mark_clean()


def test_refused_field_is_marked_and_cleared_when_edited(qtbot, ops):
    dialog = show(qtbot, NoteDialog(ops, refuse=True))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert "请填写标题" in dialog.error_label.text()
    assert dialog.title.styleSheet() == ERROR_STYLE
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.title, "ok")
    assert dialog.title.styleSheet() == ""
    assert not dialog.error_label.isVisible()
    dialog.mark_clean()  # let the test's teardown close it without asking


class StaleNoteDialog(NoteDialog):
    """Its first save finds that another desk saved the note meanwhile."""

    def __init__(self, ops):
        super().__init__(ops)
        self.stored = ["原标题"]
        self.load(lambda _session: self.stored[-1], self.title.setText)

    def submit(self, session):
        if self.stored[-1] == "原标题":
            self.stored.append("李四的标题")
            raise StaleRecordError("该客户档案已被 李四 于 2026-12-01 10:32 修改，本次未保存。")
        return super().submit(session)


def test_a_stale_save_reads_the_record_again_and_keeps_what_was_typed(qtbot, ops, monkeypatch):
    from kehu_desktop.ui.common import stale_record

    def click_reload(box):
        (button,) = [b for b in box.buttons() if b.text() == "重新载入(&R)"]
        button.click()
        return 0

    monkeypatch.setattr(stale_record.QMessageBox, "exec", click_reload)
    dialog = show(qtbot, StaleNoteDialog(ops))
    qtbot.waitUntil(lambda: dialog.title.text() == "原标题")
    dialog.title.setText("我的标题")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.title.text() == "李四的标题" and not dialog.loading)
    assert dialog.isVisible() and not dialog.is_dirty()
    (kept,) = dialog.findChildren(stale_record.KeptInputWindow)
    assert kept.text.toPlainText() == "标题：我的标题"
    dialog.title.setText("我的标题")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.submitted == ["我的标题"]


def test_picker_chooses_nothing_until_asked(qtbot, ops, context):
    make_customer(context, "北京华达电子有限公司", phone="010-62345678")
    make_customer(context, "上海明辉机械有限公司")
    picker = CustomerPicker(ops)
    qtbot.addWidget(picker)
    picker.show()
    assert picker.value() is None
    with qtbot.waitSignal(picker.matches_shown) as shown:
        qtbot.keyClicks(picker.search, "bjhd")
    assert shown.args == [1]
    assert picker.choice.currentText().endswith("北京华达电子有限公司")
    with qtbot.waitSignal(picker.matches_shown):
        picker.search.clear()
    assert picker.value() is not None  # the chosen customer stays chosen
    picker.set_value(None)
    assert picker.value() is None
