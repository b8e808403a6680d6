"""设置 → 数据库…: pointing this PC at the office server, tested before it is saved; the
backup menu on either store; the network-drive warning at start."""

from __future__ import annotations

import keyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kehu_desktop.services.common import network_drive, server_connection
from kehu_desktop.ui.admin import database_dialog
from kehu_desktop.ui.common import edit_dialog
from kehu_desktop.ui.common.operations import wait_for_running


def open_dialog(qtbot, main_window):
    main_window.findChild(type(main_window.menuBar().actions()[0]), "actionDatabase").trigger()
    dialog = main_window.findChildren(database_dialog.DatabaseDialog)[-1]  # the newest
    qtbot.waitExposed(dialog)
    return dialog


def fill(dialog, host="127.0.0.1", port=1, database="kehu", username="kefu", password="pw"):
    dialog.server_choice.setChecked(True)
    dialog.host.setText(host)
    dialog.port.setValue(port)
    dialog.database.setText(database)
    dialog.username.setText(username)
    dialog.password.setText(password)


def test_a_server_that_does_not_answer_is_not_saved(qtbot, main_window, data_dir):
    dialog = open_dialog(qtbot, main_window)
    before = server_connection.load(data_dir)
    fill(dialog, port=1)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.test_button.isEnabled())
    assert "无法连接到 kefu@127.0.0.1:1/kehu" in dialog.error_label.text()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled())
    assert dialog.isVisible() and main_window.statusBar().currentMessage() == ""
    assert "无法连接" in dialog.error_label.text()
    assert server_connection.load(data_dir) == before  # nothing saved
    assert dialog.password.text() == "pw"  # nothing typed lost


def test_missing_fields_are_marked(qtbot, main_window):
    dialog = open_dialog(qtbot, main_window)
    fill(dialog, host="", database="")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled())
    assert dialog.host.styleSheet() == edit_dialog.ERROR_STYLE
    assert dialog.database.styleSheet() == edit_dialog.ERROR_STYLE
    assert "请填写服务器地址" in dialog.error_label.text()


def test_a_tested_server_is_saved_for_the_next_start(qtbot, main_window, data_dir, monkeypatch):
    checked = []

    def check(connection, password):
        checked.append((connection.key, password))
        return "15.18"

    monkeypatch.setattr(server_connection, "check", check)
    dialog = open_dialog(qtbot, main_window)
    fill(dialog, host="192.168.1.20", port=5432, database="kehu", username="kefu", password="口令1")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "连接成功：PostgreSQL 15.18" in dialog.test_result.text())
    with qtbot.waitSignal(dialog.saved):
        dialog.ok_button.click()
    assert checked == [("kefu@192.168.1.20:5432/kehu", "口令1")] * 2  # tested, then saved
    assert main_window.statusBar().currentMessage() == (
        "数据库设置已保存：下次启动客户管家时使用服务器 kefu@192.168.1.20:5432/kehu。"
    )
    assert not dialog.isVisible()
    saved = server_connection.load(data_dir)
    assert saved.host == "192.168.1.20"
    assert keyring.get_password("KehuDesktop", saved.key) == "口令1"
    assert "口令1" not in (data_dir / server_connection.CONNECTION_FILE).read_text("utf-8")

    # Opened again: the server is shown, the password is not, and it is kept when left empty.
    again = open_dialog(qtbot, main_window)
    assert again.server_choice.isChecked() and again.host.text() == "192.168.1.20"
    assert again.password.text() == "" and "已保存" in again.password.placeholderText()
    with qtbot.waitSignal(again.saved):
        again.ok_button.click()
    assert checked[-1] == ("kefu@192.168.1.20:5432/kehu", "口令1")

    # Back to this PC's own file.
    last = open_dialog(qtbot, main_window)
    last.local_choice.setChecked(True)
    last.host.setText("typed, then the own file chosen")  # only typing chooses the server
    with qtbot.waitSignal(last.saved):
        last.ok_button.click()
    assert server_connection.load(data_dir) is None
    assert keyring.get_password("KehuDesktop", saved.key) is None
    assert main_window.statusBar().currentMessage().endswith("使用本机数据文件。")


def test_typing_a_server_address_chooses_the_server(qtbot, main_window):
    dialog = open_dialog(qtbot, main_window)
    assert dialog.local_choice.isChecked() or dialog.server_choice.isChecked()
    dialog.local_choice.setChecked(True)
    qtbot.keyClicks(dialog.host, "kehu-server")
    assert dialog.server_choice.isChecked()
    dialog.mark_clean()


def test_esc_with_typed_settings_asks_first(qtbot, main_window, monkeypatch):
    asked = []
    monkeypatch.setattr(
        edit_dialog.QMessageBox, "question",
        lambda *args, **_k: asked.append(args) or QMessageBox.StandardButton.Cancel,
    )  # fmt: skip
    dialog = open_dialog(qtbot, main_window)
    fill(dialog, host="kehu-server")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert len(asked) == 1 and dialog.isVisible() and dialog.host.text() == "kehu-server"


def test_only_an_administrator_may_change_the_store(qtbot, data_dir, agent):
    from kehu_desktop.app import create_main_window

    window = create_main_window(data_dir, username="zhangli")
    qtbot.addWidget(window)
    assert not window.findChild(type(window.menuBar().actions()[0]), "actionDatabase").isEnabled()
    window.close()


def test_the_backup_menu_backs_up_either_store(qtbot, main_window, data_dir, monkeypatch):
    shown = []
    monkeypatch.setattr(
        "kehu_desktop.ui.main_window.QMessageBox.information", lambda *a: shown.append(a[2])
    )
    main_window.backup()
    wait_for_running()
    qtbot.waitUntil(lambda: bool(shown))
    # SQLite: a verified backup archive; PostgreSQL: pg_dump's file.
    assert shown[0].startswith(("已备份并验证：", "已用 pg_dump 备份："))
    copies = [p for p in (data_dir / "backups").iterdir() if p.suffix in (".zip", ".dump")]
    assert len(copies) == 1 and copies[0].stat().st_size > 0


def test_a_data_folder_on_a_network_drive_is_warned_about(qtbot, tmp_path, monkeypatch):
    from kehu_desktop import app

    warned = []
    monkeypatch.setattr(network_drive, "is_network_folder", lambda folder: folder == tmp_path)
    monkeypatch.setattr(app.QMessageBox, "warning", lambda *args: warned.append(args[2]))
    assert app.warn_if_network_folder(tmp_path)
    assert "网络驱动器" in warned[0] and "PostgreSQL" in warned[0] and "copy-store" in warned[0]
    assert not app.warn_if_network_folder(tmp_path / "local")
    assert len(warned) == 1
