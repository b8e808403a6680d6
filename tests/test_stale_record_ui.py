"""In the window: a save refused because another desk changed the record offers to reload it,
and what the user typed stays in view."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMessageBox

from kehu_desktop.models import Role, Visit
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.database import Database
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.key_accounts import key_account_cards
from kehu_desktop.services.visits import visit_plans, visit_records
from kehu_desktop.ui.common import stale_record
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.stale_record import KeptInputWindow
from kehu_desktop.ui.customers.customer_dialog import CustomerDialog
from kehu_desktop.ui.key_accounts.key_account_card import CountermeasureDialog
from kehu_desktop.ui.visits.visit_dialog import VisitDialog
from kehu_desktop.ui.visits.visit_frequency_dialog import VisitFrequencyDialog
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import ready, save
from tests.helpers.key_accounts import make_key_account
from tests.helpers.visits import make_visit


def _answer(monkeypatch, button_text: str, seen: list[str]) -> None:
    """Answer the refusal box by clicking ``button_text``; ``seen`` collects its message."""

    def exec_(box: QMessageBox) -> int:
        seen.append(box.text())
        (button,) = [b for b in box.buttons() if b.text() == button_text]
        button.click()
        return 0

    monkeypatch.setattr(stale_record.QMessageBox, "exec", exec_)


def _other_desk(database) -> DeskContext:
    with database.session() as session:
        lisi = operators.create_staff(session, "lisi", "李四", Role.ADMIN, "lisi-pass-1")
    return DeskContext(Database(database.url), lisi)


def _kept(qtbot, dialog) -> KeptInputWindow:
    qtbot.waitUntil(lambda: bool(dialog.findChildren(KeptInputWindow)) and not dialog.loading)
    (window,) = dialog.findChildren(KeptInputWindow)
    return window


def _open(qtbot, dialog):
    qtbot.addWidget(dialog)
    return ready(qtbot, dialog)


def test_customer_dialog_reloads_and_keeps_what_was_typed(qtbot, monkeypatch, context, data_dir):
    contact = {"name": "王五", "mobile": "13800138000"}
    customer_id = make_customer(context, "北京华达电子有限公司", contacts=[contact])
    dialog = _open(qtbot, CustomerDialog(Operations(context), LayoutMemory(data_dir), customer_id))
    other = _other_desk(context.database)
    with other.session() as session:
        theirs = customer_files.load_input(session, customer_id)
        theirs.contacts[0]["mobile"] = "13900139000"
        customer_files.save(session, theirs)
    dialog.editor("email").setText("mine@example.com")
    said: list[str] = []
    _answer(monkeypatch, "重新载入(&R)", said)

    assert save(qtbot, dialog) is False
    kept = _kept(qtbot, dialog)
    assert "该客户档案已被 李四 于" in said[0]
    # The dialog now shows the file as saved, with the other desk's change …
    assert dialog.contacts_model.rows()[0]["mobile"] == "13900139000"
    assert dialog.editor("email").text() == ""
    # … and what was typed is in view, to carry over.
    assert "电子邮箱：mine@example.com" in kept.text.toPlainText()
    assert "13800138000" in kept.text.toPlainText()  # the contact table as it was on screen
    dialog.editor("email").setText("mine@example.com")
    assert save(qtbot, dialog) is True
    with context.reader() as session:
        saved = customer_files.load_input(session, customer_id)
    assert (saved.values["email"], saved.contacts[0]["mobile"]) == (
        "mine@example.com",
        "13900139000",
    )
    other.database.dispose()


def test_keep_editing_leaves_the_dialog_as_typed(qtbot, monkeypatch, context, data_dir):
    customer_id = make_customer(context, "北京华达电子有限公司")
    dialog = _open(qtbot, CustomerDialog(Operations(context), LayoutMemory(data_dir), customer_id))
    other = _other_desk(context.database)
    with other.session() as session:
        theirs = customer_files.load_input(session, customer_id)
        theirs.values["notes"] = "对方的备注"
        customer_files.save(session, theirs)
    dialog.editor("email").setText("mine@example.com")
    said: list[str] = []
    _answer(monkeypatch, "继续编辑", said)
    assert save(qtbot, dialog) is False
    assert said and dialog.editor("email").text() == "mine@example.com"
    assert "本次未保存" in dialog.error_label.text()
    assert dialog.is_dirty() and not dialog.findChildren(KeptInputWindow)
    dialog.mark_clean()  # let the teardown close it without asking
    other.database.dispose()


def test_settings_dialog_reloads_a_setting_changed_elsewhere(
    qtbot, monkeypatch, database, supervisor
):
    dialog = _open(qtbot, VisitFrequencyDialog(Operations(DeskContext(database, supervisor))))
    other = _other_desk(database)
    management = {k: 60 for k in visit_plans.MANAGEMENT_CLASSES}
    with other.session() as session:
        visit_plans.save_frequencies(
            session, other.operator, {"A": 20, "B": 90, "C": 180}, management
        )
    dialog.abc["A"].setValue(45)
    said: list[str] = []
    _answer(monkeypatch, "重新载入(&R)", said)
    assert save(qtbot, dialog) is False
    kept = _kept(qtbot, dialog)
    assert "该设置已被 李四 于" in said[0]
    assert dialog.abc["A"].value() == 20
    assert "A 类客户每：45 天拜访一次" in kept.text.toPlainText()
    dialog.abc["A"].setValue(45)
    assert save(qtbot, dialog) is True
    other.database.dispose()


def test_visit_dialog_reloads_after_an_action_was_ticked_elsewhere(
    qtbot, monkeypatch, context, data_dir
):
    customer_id = make_customer(context, "北京华达电子有限公司")
    action = {"description": "寄样品", "owner_id": "1", "due_date": "2026-11-30", "done_on": ""}
    visit_id = make_visit(context, customer_id, "2026-11-20 10:00", actions=[action])
    dialog = _open(
        qtbot, VisitDialog(Operations(context), LayoutMemory(data_dir), visit_id=visit_id)
    )
    other = _other_desk(context.database)
    with other.session() as session:
        action_id = session.get(Visit, visit_id).actions[0].id
        visit_records.set_action_done(session, action_id, date(2026, 11, 25))
    dialog.editor("result").setPlainText("客户要求月底前报价")
    said: list[str] = []
    _answer(monkeypatch, "重新载入(&R)", said)
    assert save(qtbot, dialog) is False
    kept = _kept(qtbot, dialog)
    assert "该拜访记录已被 李四 于" in said[0]
    assert dialog.actions_model.rows()[0]["done_on"] == "2026-11-25"
    assert "客户要求月底前报价" in kept.text.toPlainText()
    dialog.mark_clean()
    other.database.dispose()


def test_countermeasure_dialog_reloads_a_line_changed_elsewhere(
    qtbot, monkeypatch, context, supervisor
):
    customer_id = make_customer(context, "北京华达电子有限公司")
    card_id = make_key_account(context, supervisor, customer_id)
    measure = {"issue": "交期慢", "measure": "设安全库存", "status": "未开始"}
    with context.session() as session:
        key_account_cards.save_countermeasure(session, card_id, measure)
        (row,) = key_account_cards.countermeasures(session, card_id)
    dialog = _open(qtbot, CountermeasureDialog(Operations(context), card_id, [], row))
    other = _other_desk(context.database)
    with other.session() as session:
        key_account_cards.save_countermeasure(
            session, card_id, {**measure, "status": "进行中"}, row.id, version=row.version
        )
    dialog.measure.setPlainText("改空运")
    said: list[str] = []
    _answer(monkeypatch, "重新载入(&R)", said)
    assert save(qtbot, dialog) is False
    kept = _kept(qtbot, dialog)
    assert "该对策已被 李四 于" in said[0]
    assert (dialog.status.currentText(), dialog.measure.toPlainText()) == ("进行中", "设安全库存")
    assert "对策：改空运" in kept.text.toPlainText()
    dialog.measure.setPlainText("改空运")
    assert save(qtbot, dialog) is True
    with context.reader() as session:
        (after,) = key_account_cards.countermeasures(session, card_id)
    assert (after.status, after.measure) == ("进行中", "改空运")
    other.database.dispose()
