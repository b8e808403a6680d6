"""锁定, 切换用户 and 修改密码 in the window."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from kehu_desktop.models import Role
from kehu_desktop.services.common import operators
from kehu_desktop.ui.admin.lock_dialog import LockDialog
from kehu_desktop.ui.admin.password_dialog import ChangePasswordDialog
from kehu_desktop.ui.admin.sign_in_dialog import SignInDialog


def test_ctrl_l_hides_the_desks_until_the_password_is_typed(qtbot, main_window):
    action = main_window.findChild(QAction, "actionLock")
    assert action.shortcut().toString() == "Ctrl+L"
    lock = main_window.lock()
    assert isinstance(lock, LockDialog) and lock.isVisible()
    assert not main_window.centralWidget().isVisible()
    lock.reject()  # Esc does not unlock
    assert lock.isVisible()
    lock.password.setText("wrong")
    lock.unlock()
    qtbot.waitUntil(lambda: lock.message.isVisible())
    assert "不正确" in lock.message.text()
    assert not main_window.centralWidget().isVisible()
    lock.password.setText("admin")  # create_main_window's administrator
    lock.unlock()
    qtbot.waitUntil(lambda: not lock.isVisible())
    assert main_window.centralWidget().isVisible()


def test_switching_user_replaces_the_window(qtbot, main_window):
    database = main_window.ops.context.database
    with database.session() as session:
        operators.create_staff(session, "zhangli", "张丽", Role.AGENT, "agent-pass")
    main_window.switch_user_requested.emit()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, SignInDialog) and w.isVisible()
    )
    dialog.username.setEditText("zhangli")
    dialog.password.setText("agent-pass")
    dialog.accept()
    qtbot.waitUntil(lambda: not main_window.isVisible())
    successors = [
        w for w in QApplication.topLevelWidgets()
        if w.objectName() == "mainWindow" and w.isVisible()
    ]  # fmt: skip
    assert len(successors) == 1 and "张丽" in successors[0].windowTitle()
    qtbot.addWidget(successors[0])


def test_change_own_password_from_the_window(qtbot, main_window):
    dialog = main_window.change_password()
    assert isinstance(dialog, ChangePasswordDialog)
    dialog.current.setText("admin")
    dialog.password.setText("short")
    dialog.confirm.setText("short")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert "至少 8 位" in dialog.error_label.text()
    dialog.password.setText("a-new-password")
    dialog.confirm.setText("a-new-password")
    with qtbot.waitSignal(dialog.saved):
        dialog.save()
    database = main_window.ops.context.database
    with database.session() as session:
        outcome = operators.attempt_sign_in(session, "admin", "a-new-password")
    assert outcome.operator is not None and not outcome.must_change_password


def test_a_switch_given_up_from_the_lock_locks_the_window_again(qtbot, main_window):
    lock = main_window.lock()
    lock.password.setText("wrong")
    lock.unlock()
    qtbot.waitUntil(lambda: lock.message.isVisible())
    assert lock.message.text().startswith("密码不正确。")  # no login name to get wrong here
    assert lock.focusWidget() is lock.password  # the next keys go to the password
    lock.switch_user()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, SignInDialog) and w.isVisible()
    )
    assert not main_window.centralWidget().isVisible()  # not while someone else signs in
    dialog.reject()  # 取消
    relocked = next(
        w for w in QApplication.topLevelWidgets()
        if isinstance(w, LockDialog) and w.isVisible() and w is not lock
    )  # fmt: skip
    assert not main_window.centralWidget().isVisible() and main_window.locked
    relocked.password.setText("admin")
    relocked.unlock()
    qtbot.waitUntil(lambda: not relocked.isVisible())
    assert main_window.centralWidget().isVisible() and not main_window.locked
