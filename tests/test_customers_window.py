"""The customer desk driven in the real main window."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QTableView, QTabWidget

from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.customers.customer_dialog import CustomerDialog
from kehu_desktop.ui.customers.customer_table_model import CustomerTableModel
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import ready, save


def _context(window):
    return window.ops.context


def _wait_rows(qtbot, window, count):
    qtbot.waitUntil(lambda: window.customers_tab.model.rowCount() == count, timeout=5000)


def test_window_has_the_four_desks_and_named_widgets(main_window):
    tabs = main_window.findChild(QTabWidget, "mainTabs")
    assert [tabs.tabText(i) for i in range(4)] == ["客户档案", "拜访记录", "客户投诉", "大客户"]
    for name in (
        "customerSearch",
        "customerTable",
        "visitTable",
        "complaintTable",
        "keyAccountTable",
    ):
        assert main_window.findChild(object, name) is not None, name
    assert "数据：" in main_window.findChild(object, "statusLocation").text()


def test_shortcuts(main_window):
    shortcuts = {
        a.objectName(): a.shortcut().toString()
        for a in main_window.findChildren(type(main_window.new_action))
    }
    assert shortcuts["actionNew"] == "Ctrl+N"
    assert shortcuts["actionFind"] == "Ctrl+F"
    assert shortcuts["actionPrint"] == "Ctrl+P"
    assert shortcuts["actionRefresh"] == "F5"


def test_empty_store_offers_demo_data(qtbot, main_window):
    qtbot.waitUntil(
        lambda: main_window.customers_tab.empty_hint.isVisibleTo(main_window.customers_tab)
    )


def test_search_as_you_type_filters_the_list(qtbot, main_window):
    context = _context(main_window)
    make_customer(
        context, "北京华达电子有限公司", contacts=[{"name": "张三", "mobile": "13800138000"}]
    )
    make_customer(context, "上海宏泰包装有限公司")
    main_window.refresh()
    _wait_rows(qtbot, main_window, 2)
    search = main_window.customers_tab.search
    qtbot.keyClicks(search, "bjhd")
    _wait_rows(qtbot, main_window, 1)
    table = main_window.findChild(QTableView, "customerTable")
    assert table.model().index(0, 1).data() == "北京华达电子有限公司"
    search.clear()
    qtbot.keyClicks(search, "138-0013")
    _wait_rows(qtbot, main_window, 1)
    search.clear()
    _wait_rows(qtbot, main_window, 2)


def test_filters_and_sorting(qtbot, main_window):
    context = _context(main_window)
    make_customer(context, "甲公司", management_class="关键")
    make_customer(context, "乙公司", management_class="常规")
    main_window.refresh()
    _wait_rows(qtbot, main_window, 2)
    tab = main_window.customers_tab
    tab.class_filter.setCurrentIndex(tab.class_filter.findData("关键"))
    _wait_rows(qtbot, main_window, 1)
    tab.class_filter.setCurrentIndex(0)
    _wait_rows(qtbot, main_window, 2)
    codes = [tab.model.index(r, 0).data() for r in range(2)]
    assert codes == sorted(codes)
    tab.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: tab.model.index(0, 0).data() == codes[1])
    assert [tab.model.index(r, 0).data() for r in range(2)] == codes[::-1]


def test_item_models_pass_the_model_tester(qtbot, qtmodeltester, main_window):
    context = _context(main_window)
    for n in range(3):
        make_customer(context, f"客户{n}", contacts=[{"name": "张三"}])
    main_window.refresh()
    _wait_rows(qtbot, main_window, 3)
    qtmodeltester.check(main_window.customers_tab.model)
    for tab in (main_window.visits_tab, main_window.complaints_tab, main_window.key_accounts_tab):
        qtmodeltester.check(tab.table.model())
    dialog = CustomerDialog(Operations(context), main_window._layout_memory, None, main_window)
    qtbot.addWidget(dialog)
    ready(qtbot, dialog)
    dialog.contacts_model.add_row({"name": "李四"})
    qtmodeltester.check(dialog.contacts_model)
    qtmodeltester.check(dialog.sales_model)


def test_lazy_model_fetches_only_the_pages_shown(qtbot):
    requests = []

    def fetch(ids, deliver):
        requests.append((ids, deliver))

    def rows(ids):
        return [
            customer_files.CustomerRow(
                i, f"KH{i}", "名", "", "", "", "", "", "", "", "", "", None, 0, False
            )
            for i in ids
        ]

    model = CustomerTableModel(fetch)
    model.set_ids(list(range(100_000)), rows(range(200)))
    assert model.rowCount() == 100_000 and requests == []
    assert model.index(0, 0).data() == "KH0"  # the first page came with the ids
    assert model.index(99_999, 0).data() is None  # asked for, not there yet
    assert model.index(99_998, 0).data() is None  # the same page is asked for once
    assert len(requests) == 1 and len(requests[0][0]) == 200
    ids, deliver = requests[0]
    with qtbot.waitSignal(model.dataChanged):
        deliver(rows(ids))
    assert model.index(99_999, 0).data() == "KH99999"
    model.set_ids([1, 2])
    deliver(rows(ids))  # a page for the list before is dropped
    assert model.rowCount() == 2


def test_new_customer_saved_from_the_dialog(qtbot, main_window):
    main_window.tabs.setCurrentWidget(main_window.customers_tab)  # the window opens on 今日
    main_window.new_action.trigger()
    dialog = main_window.findChild(CustomerDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    ready(qtbot, dialog)
    dialog.editor("name").setText("杭州新客户科技有限公司")  # QTest types ASCII only
    qtbot.keyClicks(dialog.editor("phone"), "0571-88886666")
    dialog.contacts_model.add_row({"name": "王五", "mobile": "139 1234 5678"})
    assert save(qtbot, dialog)
    _wait_rows(qtbot, main_window, 1)
    qtbot.waitUntil(
        lambda: main_window.customers_tab.model.index(0, 1).data() == "杭州新客户科技有限公司"
    )
    qtbot.waitUntil(lambda: main_window.customers_tab.model.index(0, 10).data() == "王五")


def test_dialog_shows_every_error_and_keeps_the_input(qtbot, main_window):
    dialog = main_window.customers_tab.open_customer(None)
    qtbot.waitExposed(dialog)
    ready(qtbot, dialog)
    qtbot.keyClicks(dialog.editor("email"), "not-an-email")
    dialog.editor("credit_limit").setText("-5")
    assert not save(qtbot, dialog)
    assert dialog.isVisible()
    message = dialog.error_label.text()
    assert (
        "请填写客户名称" in message
        and "电子邮箱：格式不正确" in message
        and "信用额度（元）：金额不能为负数" in message
    )
    assert dialog.editor("email").text() == "not-an-email"
    assert dialog.tabs.currentIndex() == 0  # the page of the first error
    dialog.done(0)


def test_unsaved_changes_are_not_lost_silently(qtbot, main_window, monkeypatch):
    dialog = main_window.customers_tab.open_customer(None)
    qtbot.waitExposed(dialog)
    ready(qtbot, dialog)
    dialog.editor("name").setText("未保存的公司")
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel,
    )
    dialog.reject()
    assert asked and dialog.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible()
    with _context(main_window).reader() as session:
        assert customer_files.count(session) == 0


def test_delete_asks_first_and_archive_hides(qtbot, main_window, monkeypatch):
    context = _context(main_window)
    make_customer(context, "甲公司")
    main_window.refresh()
    _wait_rows(qtbot, main_window, 1)
    tab = main_window.customers_tab
    tab.table.selectRow(0)
    asked = []

    def answer(reply):
        return lambda *a, **k: asked.append(a[2]) or reply

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    tab.remove_current()
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert "确定删除客户“甲公司”" in asked[0]
    _wait_rows(qtbot, main_window, 1)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    tab.remove_current()
    _wait_rows(qtbot, main_window, 0)
    with context.reader() as session:
        assert customer_files.count(session, include_archived=True) == 0


def test_owner_filter_lists_staff(qtbot, main_window):
    combo = main_window.findChild(QComboBox, "ownerFilter")
    qtbot.waitUntil(lambda: combo.count() >= 2)
    assert combo.itemText(0) == "全部业务员"


def test_export_from_the_window(qtbot, main_window, tmp_path):
    make_customer(_context(main_window), "甲公司")
    main_window.refresh()
    _wait_rows(qtbot, main_window, 1)
    path = tmp_path / "list.xlsx"
    main_window.customers_tab.export_xlsx(path)
    qtbot.waitUntil(main_window.customers_tab.export_button.isEnabled, timeout=5000)
    rows = list(load_workbook(path).active.values)
    assert rows[0] == customer_files.EXPORT_HEADERS
    assert [row[1] for row in rows[1:]] == ["甲公司"]


def test_window_geometry_and_column_widths_are_remembered(qtbot, data_dir):
    from kehu_desktop.app import create_main_window

    window = create_main_window(data_dir)
    qtbot.addWidget(window)
    window.show()
    window.resize(700, 500)  # within the offscreen screen
    window.customers_tab.table.setColumnWidth(1, 333)
    window.close()
    again = create_main_window(data_dir)
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (700, 500)
    assert again.customers_tab.table.columnWidth(1) == 333


def test_only_administrators_see_the_audit_log(qtbot, data_dir, monkeypatch):
    from kehu_desktop.app import create_main_window
    from kehu_desktop.models import Role
    from kehu_desktop.services.common import operators
    from kehu_desktop.services.common.database import open_database

    database = open_database(data_dir)
    with database.session() as session:
        operators.create_first_admin(session, "admin", "管理员", "secret-pw1")
        operators.create_staff(session, "zhangli", "张丽", Role.AGENT, "secret-pw1")
    window = create_main_window(data_dir, username="zhangli")
    qtbot.addWidget(window)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    window.show_audit()
    assert warned == ["只有管理员可以查看审计日志。"]
    for name in ("actionStaff", "actionAudit", "actionDemo"):
        assert not window.findChild(QAction, name).isEnabled()


def test_ctrl_s_keeps_the_contact_cell_still_being_typed(qtbot, main_window):
    dialog = main_window.customers_tab.open_customer(None)
    qtbot.waitExposed(dialog)
    ready(qtbot, dialog)
    dialog.editor("name").setText("杭州新客户科技有限公司")
    dialog.tabs.setCurrentWidget(dialog.contacts_page)
    row = dialog.contacts_model.add_row()
    dialog.contacts_view.edit(dialog.contacts_model.index(row, 0))
    editor = dialog.contacts_view.viewport().findChild(QLineEdit)
    editor.setText("李四")  # typed, but neither Enter nor Tab pressed
    assert save(qtbot, dialog)
    with _context(main_window).reader() as session:
        saved = customer_files.load_input(session, dialog.saved_id)
    assert [c["name"] for c in saved.contacts] == ["李四"]


def test_a_file_owned_by_someone_who_left_keeps_its_owner(qtbot, main_window):
    from kehu_desktop.models import Role
    from kehu_desktop.services.common import operators

    context = _context(main_window)
    with context.session() as session:
        leaver = operators.create_staff(session, "zhangli", "张丽", Role.AGENT, "secret-pw1")
    customer_id = make_customer(context, "甲公司", owner_id=str(leaver.id))
    with context.session() as session:
        operators.update_staff(session, context.operator, leaver.id, name="张丽", role=Role.AGENT,
                               department="客服部", phone="", active=False)  # fmt: skip
    dialog = main_window.customers_tab.open_customer(customer_id)
    qtbot.waitExposed(dialog)
    ready(qtbot, dialog)
    assert dialog.editor("owner_id").currentText() == "张丽（停用）"
    dialog.editor("phone").setText("010-62345678")
    assert save(qtbot, dialog)
    with context.reader() as session:
        assert customer_files.load_input(session, customer_id).values["owner_id"] == str(leaver.id)


def test_new_customer_is_owned_by_the_operator(qtbot, main_window):
    dialog = main_window.customers_tab.open_customer(None)
    qtbot.waitExposed(dialog)
    ready(qtbot, dialog)
    assert dialog.editor("owner_id").currentText() == "系统管理员"
    dialog.done(0)


def test_a_customer_deleted_elsewhere_does_not_shift_the_rows():
    names = {1: "甲", 2: "乙", 3: "丙"}

    def fetch(ids, deliver):  # customer 2 was deleted at another desk after the ids were read
        row = customer_files.CustomerRow
        deliver([row(i, f"KH{i}", names[i], "", "", "", "", "", "", "", "", "",
                     None, 0, False) for i in ids if i != 2])  # fmt: skip

    model = CustomerTableModel(fetch)
    model.set_ids([1, 2, 3])
    model.index(0, 1).data()  # asks for the page, delivered at once here
    assert [model.index(r, 1).data() for r in range(3)] == ["甲", "（已删除）", "丙"]


def test_browsing_shows_the_first_screenful_before_the_whole_list(qtbot, main_window):
    from kehu_desktop.demo import loader

    context = _context(main_window)
    loader.load_demo(context.database, 250)
    tab = main_window.customers_tab
    shown = []
    tab.rows_shown.connect(shown.append)
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.reload()
    assert shown[-1] == tab.model.rowCount() == 250
    assert set(shown) <= {200, 250}  # the first screenful, if it came first, then the rest

    with context.reader() as session:
        flt = customer_files.CustomerFilter()
        first = customer_files.first_rows(session, flt, "code", False, 200)
        whole = customer_files.list_customers(session, flt)
    assert first.partial and first.ids == whole.ids[:200]
    tab._generation += 1  # a screenful arriving after the whole list is ignored
    tab._show(tab._generation, whole, True, None)
    tab._show(tab._generation, first, True, None)
    assert tab.model.rowCount() == 250
