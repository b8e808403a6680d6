"""The main window as one thing: store work off the GUI thread, one change signal every desk
hears, lists that behave alike from the keyboard, and a window that fits small screens."""

from __future__ import annotations

import sys
import threading
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QMessageBox, QPushButton, QTableView

from kehu_desktop.forms.specimen import add_specimens
from kehu_desktop.models import Customer
from kehu_desktop.services.common.database import Database
from kehu_desktop.ui.admin.staff_dialog import StaffDialog
from kehu_desktop.ui.common import operations, screen
from tests.helpers.complaints import register
from tests.helpers.dialogs import ready, save

# A 1366×768 laptop and a 1920×1080 one at 150 % (1280×720 logical), minus a 40 px task bar.
SCREENS = {"1366x768": QRect(0, 0, 1366, 728), "1280x720@150%": QRect(0, 0, 1280, 680)}


@pytest.fixture
def specimens(main_window):
    with main_window.ops.context.session() as session:
        ids = add_specimens(session, date.today())
    main_window.refresh()
    return ids


@pytest.fixture
def gui_thread_store_use(monkeypatch) -> list[str]:
    """Record every session or reader opened on the GUI thread from now on."""
    used: list[str] = []
    for name in ("session", "reader"):
        original = getattr(Database, name)

        def recording(self, *args, _original=original, _name=name, **kwargs):
            if threading.current_thread() is threading.main_thread():
                used.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Database, name, recording)
    return used


def _loads(qtbot, window):
    """Wait until the desk on screen has (re)loaded (the others reload when next shown)."""
    return qtbot.waitSignal(window.tabs.currentWidget().loaded, timeout=10000)


def test_no_store_work_on_the_gui_thread_in_the_desks(
    qtbot, main_window, specimens, gui_thread_store_use, tmp_path, monkeypatch
):
    window = main_window
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    with _loads(qtbot, window):
        window.refresh()
    for index in range(window.tabs.count()):  # each desk loads as it is first shown
        window.tabs.setCurrentIndex(index)
        operations.wait_for_running()
    today = window.today_tab  # 今日: a plan marked missed
    window.tabs.setCurrentWidget(today)
    qtbot.waitUntil(lambda: today.plan_model.rowCount() > 0, timeout=5000)
    today.plan_table.selectRow(0)
    with qtbot.waitSignal(today.loaded, timeout=10000):
        assert today.mark_missed("客户临时外出")
    staff = StaffDialog(window.ops, window)  # 操作员管理: the list, a new operator, a reset
    qtbot.addWidget(staff)
    qtbot.waitUntil(lambda: staff.model.rowCount() == 1, timeout=5000)
    editor = staff.add()
    editor.username.setText("lina")
    editor.name.setText("李娜")
    editor.password.setText("secret-pw1")
    editor.confirm.setText("secret-pw1")
    with qtbot.waitSignal(staff.loaded, timeout=5000):
        editor.accept()
    staff.table.selectRow(1)
    with qtbot.waitSignal(window.ops.events.changed, timeout=5000):
        staff.reset_password("another-pw2")
    staff.done(0)
    customers = window.customers_tab
    window.tabs.setCurrentWidget(customers)
    customers.search.setText("华达")
    qtbot.waitUntil(lambda: customers.model.index(0, 1).data() == "东莞市华达精密五金制品有限公司")
    customers.search.clear()
    qtbot.waitUntil(lambda: customers.current_id() == specimens.customer)
    with _loads(qtbot, window):  # a customer with history is archived, not deleted
        customers.remove_current()
    customers.archived_check.setChecked(True)
    qtbot.waitUntil(lambda: customers.restore_button.isEnabled())
    with _loads(qtbot, window):
        customers.restore_current()
    file = ready(qtbot, customers.open_customer(customers.current_id()))  # open a record …
    file.editor("phone").setText("0769-85321235")
    file.editor("credit_code").setText("")  # the specimen's is made up
    with _loads(qtbot, window):  # … save it: every desk hears of it
        assert save(qtbot, file), file.error_label.text()
    file.done(0)
    registration = ready(qtbot, window.complaints_tab.new_record(specimens.customer))
    registration.description.setPlainText("包装破损")
    assert save(qtbot, registration)
    registration.done(0)
    customers.export_xlsx(tmp_path / "客户.xlsx")
    qtbot.waitUntil(lambda: (tmp_path / "客户.xlsx").exists(), timeout=5000)
    report = window.complaints_tab.show_report()
    qtbot.waitUntil(lambda: report.kpis is not None, timeout=5000)
    report.close()
    window.tabs.setCurrentWidget(window.complaints_tab)
    qtbot.waitUntil(lambda: window.complaints_tab.current_id() == specimens.complaint)
    dialog = window.print_current()
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        pass
    dialog.reject()
    window.visits_tab.pages.setCurrentIndex(2)  # the reports page makes its report when shown
    qtbot.waitUntil(lambda: window.visits_tab.report_view.run_button.isEnabled())
    service = window.service_tab
    request = service.open_request(specimens.service_request)
    with qtbot.waitSignal(request.loaded, timeout=5000):
        pass
    assert request.detail.id == specimens.service_request
    products = service.show_products()
    with qtbot.waitSignal(products.loaded, timeout=5000):
        pass
    feedback = service.show_feedback()
    with qtbot.waitSignal(feedback.loaded, timeout=5000):
        pass
    with qtbot.waitSignals([request.loaded, products.loaded, feedback.loaded], timeout=5000):
        window.ops.write(None, lambda _session: None, {"service"})  # each dialog reloads
    with qtbot.waitSignal(feedback.loaded, timeout=5000):
        feedback.overdue_only.setChecked(True)
    for dialog in (request, products, feedback):
        dialog.close()
    operations.wait_for_running()
    assert gui_thread_store_use == []


def test_a_hidden_desk_reloads_when_shown_and_keeps_its_place(qtbot, main_window, specimens):
    window = main_window
    complaints = window.complaints_tab
    window.tabs.setCurrentWidget(complaints)
    qtbot.waitUntil(lambda: complaints.current_id() == specimens.complaint, timeout=5000)
    window.tabs.setCurrentWidget(window.customers_tab)
    with window.ops.context.session() as session:  # another desk registers a complaint …
        customer = session.get_one(Customer, specimens.customer)
        customer_id = customer.id
    newer = register(window.ops.context, customer_id, description="包装破损")
    heard: list[int] = []
    complaints.loaded.connect(heard.append)
    with _loads(qtbot, window):  # … and says so: the desk on screen reloads, the hidden one not
        window.ops.write(None, lambda _session: None, {"complaints", "customers"})
    operations.wait_for_running()
    assert heard == [] and complaints.reload_when_shown.stale
    assert newer not in [row.id for row in complaints.model.rows()]
    with qtbot.waitSignal(complaints.loaded, timeout=5000):  # shown: it reloads
        window.tabs.setCurrentWidget(complaints)
    assert newer in [row.id for row in complaints.model.rows()]
    assert complaints.current_id() == specimens.complaint  # the row selected stays selected
    assert not complaints.reload_when_shown.stale


def test_a_write_reloads_only_the_desks_that_show_it(qtbot, main_window, specimens):
    window = main_window
    window.tabs.setCurrentWidget(window.key_accounts_tab)
    with _loads(qtbot, window):
        window.refresh()
    heard = []
    window.key_accounts_tab.loaded.connect(lambda _n: heard.append("key_accounts"))
    window.tabs.setCurrentWidget(window.complaints_tab)
    qtbot.waitUntil(lambda: window.complaints_tab.current_id() is not None, timeout=5000)
    with qtbot.waitSignal(window.complaints_tab.loaded, timeout=5000):
        window.ops.write(None, lambda _session: None, {"complaints"})
    operations.wait_for_running()
    assert heard == [] and not window.key_accounts_tab.reload_when_shown.stale


def _open_dialogs(window) -> list[QDialog]:
    return [d for d in window.findChildren(QDialog) if d.isVisible()]


@pytest.mark.parametrize(
    ("tab_name", "dialog_class"),
    [
        ("customers_tab", "CustomerDialog"),
        ("visits_tab", "VisitDialog"),
        ("complaints_tab", "ComplaintDialog"),
        ("key_accounts_tab", "KeyAccountCardDialog"),
    ],
)
def test_every_list_selects_its_first_row_and_enter_opens_it(
    qtbot, main_window, specimens, tab_name, dialog_class
):
    window = main_window
    tab = getattr(window, tab_name)
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.current_id() is not None, timeout=5000)
    assert tab.table.currentIndex().row() == 0
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(type(d).__name__ == dialog_class for d in _open_dialogs(window)))
    for dialog in _open_dialogs(window):
        dialog.done(0)


def test_down_moves_from_the_search_box_into_the_list(qtbot, main_window, specimens):
    tab = main_window.customers_tab
    main_window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    main_window.focus_search()
    qtbot.waitUntil(lambda: tab.search.hasFocus())
    qtbot.keyClick(tab.search, Qt.Key.Key_Down)
    assert tab.table.hasFocus()
    assert tab.table.currentIndex().row() == 0


def test_every_action_has_a_stable_name_and_every_menu_an_accelerator(main_window):
    actions = [a for a in main_window.findChildren(QAction) if a.text() and not a.isSeparator()]
    menus = [a for a in actions if a.menu() is not None]
    names = [a.objectName() for a in actions if a.menu() is None]
    assert all(name.startswith("action") for name in names), names
    assert len(names) == len(set(names))
    assert all("&" in a.text() for a in menus)
    buttons = [b.text() for b in main_window.findChildren(QPushButton)]
    assert "新建客户(&N)" in buttons and "登记投诉(&N)" in buttons


@pytest.mark.parametrize("size", SCREENS)
def test_the_window_and_its_dialogs_fit_small_screens(qtbot, monkeypatch, data_dir, size):
    from kehu_desktop.app import create_main_window

    area = SCREENS[size]
    monkeypatch.setattr(screen, "available_geometry", lambda _widget: area)
    window = create_main_window(data_dir)
    qtbot.addWidget(window)
    assert window.windowState() & Qt.WindowState.WindowMaximized  # a small screen
    window.setWindowState(Qt.WindowState.WindowNoState)
    screen.fit_to_screen(window)
    window.show()
    qtbot.waitExposed(window)
    assert area.contains(window.frameGeometry())
    bar = window.statusBar()
    assert bar.isVisible() and window.rect().contains(bar.geometry())
    minimum = window.minimumSizeHint()
    assert minimum.width() <= area.width() and minimum.height() <= area.height()
    report = window.complaints_tab.show_report()
    dialog = window.print_current()
    for shown in (report, dialog):
        qtbot.addWidget(shown)
        qtbot.waitUntil(lambda shown=shown: area.contains(shown.frameGeometry()))
        assert shown.minimumSizeHint().height() <= area.height()
        assert shown.minimumSizeHint().width() <= area.width()
    dialog.reject()
    report.close()
    operations.wait_for_running()
    window.close()


def test_the_desks_tabs_do_not_ask_the_desks_for_a_size_hint(qtbot, main_window, specimens):
    """The desks' tab widget does not ask the desks for their size hints (it did each time
    the window laid itself out); its minimum still holds every desk, so none is squeezed."""
    from PySide6.QtWidgets import QTabWidget

    from kehu_desktop.ui.main_window import DeskTabs

    tabs = main_window.tabs
    asked: list[str] = []
    desk = main_window.customers_tab
    desk.sizeHint = lambda: asked.append("sizeHint") or QSize(2000, 2000)
    assert tabs.sizeHint() == DeskTabs.HINT and not asked
    assert QTabWidget.sizeHint(tabs).width() >= 2000  # Qt's own asks every desk
    minimum = tabs.minimumSizeHint()
    for index in range(tabs.count()):
        needs = tabs.widget(index).minimumSizeHint()
        assert needs.width() <= minimum.width() and needs.height() <= minimum.height()


def test_a_closed_window_reads_nothing_more(qtbot, data_dir):
    """Its store may be gone (a restore, a switch, a test's dropped database): the status bar's
    delayed count and the first desk's read, both due after it closed, are not made."""
    from kehu_desktop.app import create_main_window

    window = create_main_window(data_dir)
    qtbot.addWidget(window)
    asked: list[object] = []
    window.ops.query = lambda *args, **kwargs: asked.append(args)  # type: ignore[method-assign]
    window._status_timer.start()  # as after a desk has shown its rows
    window.close()  # before the event loop ran: the first desk's read is still due too
    qtbot.wait(300)
    assert asked == []


def test_the_app_builds_the_other_desks_once_the_first_rows_show(qtbot, context, data_dir):
    """Signing in builds 今日 alone; the other desks follow, a turn each, once 今日 shows its
    rows, without reading anything until shown; a tab chosen before that is built at once."""
    from kehu_desktop.ui.common.layout_memory import LayoutMemory
    from kehu_desktop.ui.main_window import DESK_TITLES, MainWindow

    with context.session() as session:
        ids = add_specimens(session, date.today())
    window = MainWindow(context, LayoutMemory(data_dir), desks_later=True)
    qtbot.addWidget(window)
    tabs = window.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == list(DESK_TITLES)
    assert tabs.currentWidget().objectName() == "todayView"
    for name in ("customerTable", "visitTable", "keyAccountTable"):
        assert window.findChild(QTableView, name) is None  # not built yet
    printing = window.print_current()  # Ctrl+P on 今日 builds no other desk
    assert printing.form_key == "visit_record"
    assert window.findChild(QTableView, "keyAccountTable") is None
    printing.reject()
    qtbot.wait(300)
    operations.wait_for_running()
    assert window.today_tab.view is None  # 今日 is read once the window has been painted
    with qtbot.waitSignal(window.ready, timeout=10000):
        window.show()
    qtbot.waitUntil(lambda: window.today_tab.view is not None, timeout=5000)
    qtbot.waitUntil(
        lambda: all(window.findChild(QTableView, name) is not None
                    for name in ("customerTable", "visitTable", "keyAccountTable")),
        timeout=5000,
    )  # fmt: skip
    assert tabs.currentWidget() is window.today_tab
    operations.wait_for_running()
    assert window.key_accounts_tab.model.rowCount() == 0  # hidden: not read
    with qtbot.waitSignal(window.key_accounts_tab.loaded, timeout=5000):
        tabs.setCurrentWidget(window.key_accounts_tab)
    assert window.key_accounts_tab.current_id() == ids.key_account
    window.close()

    window = MainWindow(context, LayoutMemory(data_dir), desks_later=True)
    qtbot.addWidget(window)
    window.show()
    tabs = window.tabs
    tabs.setCurrentIndex(DESK_TITLES.index("拜访记录"))  # clicked before the desk was built
    visits = tabs.currentWidget()
    assert visits is window.visits_tab and visits.findChild(QTableView, "visitTable")
    qtbot.waitUntil(lambda: visits.model.rowCount() > 0, timeout=5000)
    assert window.new_action.isEnabled()  # the menu follows the desk now on screen
    window.close()


def test_a_list_paints_each_cell_from_two_calls_into_the_model(qtbot):
    """Qt asks for seven roles to paint a cell; the desks' models answer them in one call
    (multiData), tints included, so painting does not wait for Python's lock seven times. The
    cell's index is made by the model's own index(), without Qt asking for the row and column
    counts once more for each cell."""
    from dataclasses import dataclass

    from kehu_desktop.ui.common.list_view import table_view
    from kehu_desktop.ui.common.record_table import (
        WARNING_BACKGROUND,
        Column,
        RecordTableModel,
    )

    @dataclass(frozen=True)
    class Row:
        id: int
        name: str

    callers: list[str] = []

    counts: list[str] = []
    cells: set[tuple[int, int]] = set()

    class Counting(RecordTableModel):
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            callers.append(sys._getframe(1).f_code.co_name)  # multiData, or Qt itself
            cells.add((index.row(), index.column()))
            return super().data(index, role)

        def rowCount(self, parent=QModelIndex()):
            counts.append(sys._getframe(1).f_code.co_name)  # index(), or Qt itself
            return super().rowCount(parent)

    model = Counting([Column("名称", lambda row: row.name, lambda row: "warning")])
    model.set_rows([Row(number, f"客户{number}") for number in range(50)])
    view = table_view("countingTable", model)
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    callers.clear()
    counts.clear()
    cells.clear()
    image = view.viewport().grab().toImage()
    assert len(callers) > 50 and set(callers) == {"multiData"}  # no role asked for alone
    from_qt = [caller for caller in counts if caller != "index"]
    assert counts.count("index") >= len(cells) > 5 and len(from_qt) < len(cells) / 4
    cell = view.visualRect(model.index(1, 0))
    assert image.pixelColor(cell.center().x(), cell.top() + 2) == WARNING_BACKGROUND
