"""Who is working: the first start, signing in, and the administrator's dialogs."""

from __future__ import annotations

import threading

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog

from kehu_desktop.services.common import operators
from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.admin.audit_dialog import AuditDialog
from kehu_desktop.ui.admin.sign_in_dialog import FirstAdminDialog, SignInDialog
from kehu_desktop.ui.admin.staff_dialog import StaffDialog
from kehu_desktop.ui.common.fonts import BUNDLED_FONT, install_chinese_font
from kehu_desktop.ui.common.operations import Operations
from tests.conftest import ADMIN_PASSWORD
from tests.helpers import operators as signing
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import choose


def test_first_start_asks_for_the_administrator(qtbot, database):
    def create(*values):
        with database.session() as session:
            return operators.create_first_admin(session, *values)

    dialog = FirstAdminDialog(create)
    qtbot.addWidget(dialog)
    dialog.name.setText("刘经理")
    dialog.password.setText("secret-pw1")
    dialog.confirm.setText("other")
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.signing)
    assert "不一致" in dialog.message.text() and dialog.operator is None
    dialog.confirm.setText("secret-pw1")
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.operator is not None)
    assert dialog.operator.is_admin and dialog.operator.name == "刘经理"


def test_sign_in_dialog(qtbot, database, admin):
    def sign_in(username, password):
        with database.session() as session:
            return signing.sign_in(session, username, password)

    dialog = SignInDialog(["admin"], sign_in)
    qtbot.addWidget(dialog)
    assert dialog.username.currentText() == "admin"
    dialog.password.setText("wrong")
    dialog._ok_button.setFocus()  # clicked with the mouse
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.signing)
    assert dialog.message.text().startswith("登录名或密码不正确。")
    # The next keys go to the password and Enter signs in (not 取消, which had the focus).
    assert dialog.focusWidget() is dialog.password and dialog._ok_button.isDefault()
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert dialog.operator == admin


def test_signing_in_leaves_the_dialog_answering(qtbot, admin):
    """The password is checked (and the store may still be opening) off the GUI thread: the
    dialog answers meanwhile, a second 登录 is not started, and closing it drops the answer."""
    release = threading.Event()
    calls = []

    def slow_sign_in(username, password):
        calls.append(username)
        release.wait(10)
        return admin

    dialog = SignInDialog(["admin"], slow_sign_in)
    qtbot.addWidget(dialog)
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.accept()
    dialog.accept()  # pressed twice: one sign-in
    assert dialog.signing and dialog.result() != QDialog.DialogCode.Accepted
    release.set()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert dialog.operator == admin and calls == ["admin"]

    release.clear()
    creating = FirstAdminDialog(lambda *_values: slow_sign_in("admin", ""))
    qtbot.addWidget(creating)
    creating.show()
    creating.accept()
    creating.reject()  # an account being created is created: 取消 waits for it
    assert creating.signing and creating.isVisible()
    release.set()
    qtbot.waitUntil(lambda: creating.result() == QDialog.DialogCode.Accepted)

    release.clear()
    closed = SignInDialog(["admin"], slow_sign_in)
    qtbot.addWidget(closed)
    closed.accept()
    closed.reject()  # Esc while the answer is on its way
    release.set()
    qtbot.waitUntil(lambda: not closed.signing)
    assert closed.result() == QDialog.DialogCode.Rejected and closed.operator is None


def test_chinese_font_is_available_everywhere(qtbot):
    family = install_chinese_font(QApplication.instance())
    assert BUNDLED_FONT.exists() and (BUNDLED_FONT.parent / "LICENSE-Apache-2.0.txt").exists()
    assert family in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)


def test_admin_dialog_models_pass_the_model_tester(qtbot, qtmodeltester, context, agent):
    make_customer(context, "北京华达电子有限公司")
    audit_dialog = AuditDialog(Operations(context), _layout(context))
    staff_dialog = StaffDialog(Operations(context))
    qtbot.waitUntil(lambda: audit_dialog.model.rowCount() > 0)
    qtbot.waitUntil(lambda: staff_dialog.model.rowCount() == 2)
    qtbot.addWidget(audit_dialog)
    qtbot.addWidget(staff_dialog)
    qtmodeltester.check(audit_dialog.model)
    qtmodeltester.check(staff_dialog.model)


def _column(dialog, column):
    return [dialog.model.index(r, column).data() for r in range(dialog.model.rowCount())]


def test_audit_dialog_reads_as_a_user_speaks(qtbot, context, agent):
    customer = make_customer(context, "北京华达电子有限公司", phone="010-62345678")
    context.database.operator_id = agent.id
    with context.database.session() as session:
        data = customer_files.load_input(session, customer)
        data.values["phone"] = "010-87654321"
        customer_files.save(session, data)
    make_customer(context, "上海明辉机械有限公司")
    dialog = AuditDialog(Operations(context), _layout(context))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "客户" in _column(dialog, 3))
    row = next(
        r for r, change in enumerate(_column(dialog, 5))
        if "电话: 010-62345678 → 010-87654321" in change
    )  # fmt: skip
    assert len(dialog.model.index(row, 0).data()) == len("2026-12-01 10:00:00")  # to the second
    assert dialog.model.index(row, 1).data() == "张丽"
    assert dialog.model.index(row, 4).data().endswith("北京华达电子有限公司")  # named, not #id
    # Filters: by operator, by record, by kind.
    choose(qtbot, dialog.staff_filter, agent.id)
    qtbot.waitUntil(lambda: set(_column(dialog, 1)) == {"张丽"})
    dialog.staff_filter.setCurrentIndex(0)
    dialog.record_filter.setText("上海明辉")
    qtbot.waitUntil(lambda: set(_column(dialog, 4)) == {"KH000002 上海明辉机械有限公司"})
    dialog.record_filter.setText("")
    dialog.table_filter.setCurrentIndex(dialog.table_filter.findData("staff"))
    qtbot.waitUntil(lambda: set(_column(dialog, 3)) == {"操作员"})
    dialog.table_filter.setCurrentIndex(0)
    dialog.use_dates.setChecked(True)
    dialog.date_to.setDate(dialog.date_to.date().addDays(-40))
    dialog.date_from.setDate(dialog.date_to.date().addDays(-10))
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    assert dialog.page_label.text() == "没有符合条件的记录"


def test_staff_dialog_lists_operators(qtbot, context, agent):
    dialog = StaffDialog(Operations(context))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    names = [dialog.model.index(r, 1).data() for r in range(dialog.model.rowCount())]
    assert names == ["系统管理员", "张丽"]


def _layout(context):
    from kehu_desktop.ui.common.layout_memory import LayoutMemory

    return LayoutMemory(context.database.data_dir)


def test_app_start_creates_the_administrator_then_asks_to_sign_in(qtbot, store_folder, monkeypatch):
    from PySide6.QtCore import QTimer

    from kehu_desktop import app

    shown = []

    def event_loop(*_args) -> int:
        for window in QApplication.topLevelWidgets():
            if window.isVisible() and window.objectName() == "mainWindow":
                shown.append(window.windowTitle())
                window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)

    def first_admin():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FirstAdminDialog)
        dialog.name.setText("刘经理")
        dialog.password.setText("secret-pw1")
        dialog.confirm.setText("secret-pw1")
        dialog.accept()

    folder = store_folder("store")
    QTimer.singleShot(0, first_admin)
    assert app.main(["--data-dir", str(folder)]) == 0

    proposed = []

    def sign_in():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SignInDialog)
        names = [dialog.username.itemText(i) for i in range(dialog.username.count())]
        proposed.append((names, dialog.username.currentText()))
        if not dialog.username.currentText():
            dialog.username.setEditText("admin")
        dialog.password.setText("secret-pw1")
        dialog.accept()

    # After a restart the remembered login name is proposed whole (not "a", "d", "m" …).
    QTimer.singleShot(0, sign_in)
    assert app.main(["--data-dir", str(folder)]) == 0
    assert proposed[-1] == (["admin"], "admin")
    (folder / "ui-layout.ini").unlink()  # a PC where nobody signed in yet
    QTimer.singleShot(0, sign_in)
    assert app.main(["--data-dir", str(folder)]) == 0
    assert proposed[-1] == ([], "")  # no one's login name is offered on a new PC
    QTimer.singleShot(0, sign_in)
    assert app.main(["--data-dir", str(folder)]) == 0
    assert proposed[-1] == (["admin"], "admin")
    assert shown == ["客户管家 — 刘经理（管理员）"] * 4


def test_administrator_adds_an_operator_who_can_then_sign_in(qtbot, context, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    dialog = StaffDialog(Operations(context))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    editor = dialog.add()
    editor.username.setText("lina")
    editor.name.setText("李娜")
    editor.role.setCurrentText("主管")
    editor.password.setText("short")  # refused: the editor opens again with what was typed
    editor.confirm.setText("short")
    editor.accept()
    qtbot.waitUntil(lambda: warnings == ["密码至少 8 位。"] and editor.isVisible())
    assert editor.name.text() == "李娜"
    editor.password.setText("secret-pw1")
    editor.confirm.setText("secret-pw1")
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        editor.accept()
    names = [dialog.model.index(r, 1).data() for r in range(dialog.model.rowCount())]
    assert names == ["系统管理员", "李娜"]
    with context.database.session() as session:
        assert signing.sign_in(session, "lina", "secret-pw1").is_supervisor
