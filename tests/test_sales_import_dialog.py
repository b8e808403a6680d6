"""Driving 导入销售数据 and the key-account settings dialog from the main window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select

from kehu_desktop.models import Customer, SalesRecord
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.key_accounts import abc_classes, credit
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.key_accounts.key_account_settings_dialog import KeyAccountSettingsDialog
from kehu_desktop.ui.key_accounts.sales_import_dialog import SalesImportDialog
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import ready, save

THIS_MONTH = date.today().strftime("%Y-%m")


def write_sheet(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["客户编号", "月份", "销售金额", "销售数量"])
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def test_bad_rows_shown_then_good_rows_only(qtbot, qtmodeltester, context, tmp_path):
    make_customer(context, "华达", code="KH000001")
    path = write_sheet(tmp_path / "sales.xlsx", [
        ("KH000001", THIS_MONTH, 5000, 10), ("KH000404", THIS_MONTH, 10, 1),
    ])  # fmt: skip
    dialog = SalesImportDialog(Operations(context))
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checked, timeout=5000):
        dialog.choose_file(path)
    qtmodeltester.check(dialog.bad_model)
    assert dialog.bad_model.index(0, 0).data() == "3"
    assert "KH000404" in dialog.bad_model.index(0, 1).data()
    assert "错误 1 行" in dialog.summary.text()
    assert not dialog.import_button.isEnabled() and dialog.good_only_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=5000):
        dialog.good_only_button.click()
    assert "新增 1 条" in dialog.summary.text()
    with context.reader() as session:
        assert session.scalar(select(SalesRecord.amount)) == 5000
        assert session.scalar(select(Customer.abc_class)) == "A"


def test_rows_replacing_existing_sales_are_listed_before_import(
    qtbot, qtmodeltester, context, tmp_path
):
    customer = make_customer(context, "华达", code="KH000001")
    with context.session() as session:
        session.add(SalesRecord(customer_id=customer, month=date.today().replace(day=1),
                                amount=Decimal("100.00"), quantity=Decimal("1")))  # fmt: skip
    path = write_sheet(tmp_path / "sales.xlsx", [("KH000001", THIS_MONTH, 5000, 10)])
    dialog = SalesImportDialog(Operations(context))
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.checked, timeout=5000):
        dialog.choose_file(path)
    qtmodeltester.check(dialog.replaced_model)
    assert "其中 1 行将替换已有的销售数据" in dialog.summary.text()
    assert dialog.replaced_table.isVisible()
    row = [dialog.replaced_model.index(0, c).data() for c in range(5)]
    assert row == ["2", "华达", THIS_MONTH, "100.00", "5,000.00"]
    with qtbot.waitSignal(dialog.imported, timeout=5000):
        dialog.import_button.click()
    assert "更新 1 条" in dialog.summary.text()
    assert not dialog.replaced_table.isVisible()


def test_main_window_menu_opens_import_and_settings(qtbot, main_window):
    actions = {a.objectName() for a in main_window.findChildren(type(main_window.new_action))}
    assert {"actionImportSales", "actionRecomputeAbc", "actionKeyAccountSettings"} <= actions
    dialog = main_window.import_sales()
    assert dialog.isVisible()
    dialog.reject()
    settings = main_window.key_account_settings()  # the test window signs in as administrator
    assert settings is not None and settings.isVisible()
    settings.reject()


def test_settings_dialog_saves_and_refuses_bad_values(qtbot, context, supervisor, agent):
    dialog = KeyAccountSettingsDialog(Operations(DeskContext(context.database, supervisor)))
    qtbot.addWidget(dialog)
    dialog.open()
    ready(qtbot, dialog)
    dialog.a_cutoff.setValue(70)
    dialog.b_cutoff.setValue(90)
    rows = dialog.credit_items.rows()
    rows[0]["weight"] = "0"
    dialog.credit_items.set_rows(rows)
    assert not save(qtbot, dialog)
    assert dialog.isVisible() and "权重" in dialog.error_label.text()
    with context.reader() as session:
        assert abc_classes.get_cutoffs(session).a == 80  # nothing saved
    rows[0]["weight"] = "25"
    dialog.credit_items.set_rows(rows)
    assert save(qtbot, dialog)
    assert not dialog.isVisible()
    with context.reader() as session:
        assert abc_classes.get_cutoffs(session).a == 70
        assert credit.items(session)[0].weight == 25

    refused = KeyAccountSettingsDialog(Operations(DeskContext(context.database, agent)))
    qtbot.addWidget(refused)
    refused.open()
    ready(qtbot, refused)
    assert not refused.ok_button.isEnabled() and not refused.a_cutoff.isEnabled()
    assert not save(qtbot, refused)
    refused.reject()  # nothing could be typed: closes without asking
    assert not refused.isVisible()
