"""The import window, the duplicates window with its merge, and the look-alike warning."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from kehu_desktop.models import Customer
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.customers.customer_dialog import CustomerDialog
from kehu_desktop.ui.customers.duplicates_dialog import DuplicatesDialog
from kehu_desktop.ui.imports.import_dialog import ImportDialog
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import ready
from tests.helpers.spreadsheets import MESSY_CUSTOMERS, MESSY_MERGES, write_xlsx


def _layout(tmp_path) -> LayoutMemory:
    return LayoutMemory(tmp_path)


def _customers(context) -> list[str]:
    with context.reader() as session:
        return list(session.scalars(select(Customer.name).order_by(Customer.id)))


def test_the_import_window_maps_previews_and_imports_the_good_rows(
    qtbot, qtmodeltester, context, agent, tmp_path
):
    path = write_xlsx(tmp_path / "客户资料.xlsx", MESSY_CUSTOMERS, MESSY_MERGES)
    dialog = ImportDialog(Operations(context), _layout(tmp_path))
    qtbot.addWidget(dialog)
    dialog.choose_file(path)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    qtmodeltester.check(dialog.mapping_model)
    qtmodeltester.check(dialog.errors_model)
    model = dialog.mapping_model
    assert [model.index(r, 1).data() for r in range(3)] == ["序号", "客户名称", "联系人"]
    assert model.index(1, 3).data() == "客户名称"
    assert model.index(3, 2).data() == "13812345678、13812345679、139 1234 5678"
    assert dialog.summary_label.text() == (
        "新增 3 位 / 更新 0 位 / 疑似重复 0 / 跳过 2 行 / 错误 1 行"
    )
    assert dialog.pages.tabText(4) == "错误 (1)"
    assert dialog.errors_model.rowCount() == 3
    assert not dialog.import_button.isEnabled() and dialog.good_rows_button.isEnabled()

    # Not importing the 信用额度 column: the preview is worked out again without it.
    model.setData(model.index(9, 3), "")
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.mapping[9] == "", timeout=10000)
    assert "credit_limit" not in dialog.plan.creates[0].values
    dialog.good_rows_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=10000)
    assert dialog.result_value.created == 3
    assert "已导入：新增 3 位" in dialog.summary_label.text()
    assert len(_customers(context)) == 3
    dialog.reject()


def test_closing_after_changing_the_mapping_asks_first(qtbot, context, tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "a.xlsx", [["客户名称", "备注"], ["甲有限公司", "老客户"]])
    dialog = ImportDialog(Operations(context), _layout(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file(path)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    dialog.mapping_model.setData(dialog.mapping_model.index(1, 3), "")
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.No
    )
    dialog.reject()
    assert asked and dialog.isVisible()


def test_the_duplicates_window_merges_a_group_and_undoes_it(qtbot, qtmodeltester, context,
                                                          monkeypatch, tmp_path):  # fmt: skip
    a = make_customer(context, "深圳市华达电子有限公司")
    b = make_customer(
        context, "华达电子（深圳）有限公司", [{"name": "张三", "mobile": "13812345678"}]
    )
    make_customer(context, "无关的客户有限公司")
    dialog = DuplicatesDialog(Operations(context), _layout(tmp_path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.groups_model.rowCount() == 1, timeout=10000)
    qtmodeltester.check(dialog.groups_model)
    assert dialog.groups_model.index(0, 0).data() == "名称相同（去掉省市、公司后缀后）"
    assert [m.id for m in dialog.members_model.rows()] == [a, b]
    dialog.members_view.selectRow(0)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Ok)
    dialog.merge_selected()
    qtbot.waitUntil(lambda: bool(getattr(dialog, "last_message", "")), timeout=10000)
    assert "confirm_box" in vars(dialog)
    assert "联系人 1" in dialog.confirm_box.text()
    assert dialog.last_message.startswith("已将 KH000002 华达电子（深圳）有限公司 合并到 KH000001")
    assert _customers(context) == ["深圳市华达电子有限公司", "无关的客户有限公司"]
    qtbot.waitUntil(lambda: dialog.groups_model.rowCount() == 0, timeout=10000)
    dialog.last_message = ""
    dialog.undo_button.click()
    qtbot.waitUntil(lambda: bool(dialog.last_message), timeout=10000)
    assert len(_customers(context)) == 3


def test_a_new_file_like_an_existing_one_warns_and_offers_to_open_it(
    qtbot, context, monkeypatch, tmp_path
):
    existing = make_customer(context, "深圳市华达电子有限公司")
    dialog = ready(qtbot, CustomerDialog(Operations(context), _layout(tmp_path)))
    qtbot.addWidget(dialog)
    dialog.editor("name").setText("华达电子（深圳）有限公司")
    opened = []
    dialog.open_requested.connect(opened.append)

    def press(label):
        def exec_(box):
            next(b for b in box.buttons() if b.text() == label).click()
            return 0

        return exec_

    monkeypatch.setattr(QMessageBox, "exec", press("打开已有档案"))
    dialog.save()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    assert opened == [existing]
    assert "KH000001 深圳市华达电子有限公司" in dialog.look_alike_box.text()
    assert dialog.editor("name").text() == "华达电子（深圳）有限公司"  # nothing typed is lost
    saved = []
    dialog.saved.connect(saved.append)
    monkeypatch.setattr(QMessageBox, "exec", press("仍然保存"))
    dialog.save()
    qtbot.waitUntil(lambda: bool(saved), timeout=10000)
    with context.reader() as session:
        assert session.scalar(select(func.count(Customer.id))) == 2


def test_the_menus_offer_import_duplicates_undo_and_demo_removal(main_window):
    from PySide6.QtGui import QAction

    names = {a.objectName() for a in main_window.findChildren(QAction)}
    assert {"actionImport", "actionDuplicates", "actionUndoImport", "actionRemoveDemo"} <= names
