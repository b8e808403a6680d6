"""The window looks after the store: backups by themselves, notices, restore, sign-in audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QCheckBox, QMessageBox
from sqlalchemy import func, select

from kehu_desktop.models import AuditEntry, Customer
from kehu_desktop.services.common import backup, working_days
from kehu_desktop.ui.admin.restore_dialog import RestoreDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import wait_for_running
from kehu_desktop.ui.complaints.complaint_settings_dialog import ComplaintSettingsDialog
from kehu_desktop.ui.main_window import MainWindow
from tests.helpers.customers import make_customer


def _answer_yes(monkeypatch) -> list[str]:
    said = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: said.append(text))
    return said


@pytest.mark.sqlite_only(reason="backup archives of the SQLite file")
def test_restore_from_the_file_menu_reopens_the_window_on_restored_data(
    qtbot, main_window, monkeypatch
):
    context = main_window._context
    make_customer(context, "备份之前的客户")
    backup.back_up(context.database, "manual")
    make_customer(context, "备份之后的客户")
    said = _answer_yes(monkeypatch)
    main_window.findChild(QAction, "actionRestore").trigger()
    dialog = main_window.findChild(RestoreDialog)
    assert dialog.model.rowCount() == 1
    assert dialog.model.index(0, 4).data() == "1"  # 客户: what the backup holds
    dialog.accept()
    [successor] = [
        w for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w is not main_window and w.isVisible()
    ]  # fmt: skip
    qtbot.addWidget(successor)
    assert not main_window.isVisible() and successor.isVisible()
    with successor._context.reader() as session:
        names = list(session.scalars(select(Customer.name)))
    assert names == ["备份之前的客户"]
    assert any("已恢复" in text for text in said)
    wait_for_running()
    successor.close()


@pytest.mark.sqlite_only(reason="backup archives of the SQLite file")
def test_the_window_warns_when_backups_are_missing_stale_or_unreachable(
    qtbot, main_window, tmp_path
):
    main_window.check_store_health()
    qtbot.waitUntil(main_window.backup_notice.isVisible)
    assert "还没有任何备份" in main_window.backup_notice.label.text()
    with main_window._context.session() as session:
        backup.FOLDER.put(session, str(tmp_path / "unplugged" / "usb"))
    main_window.check_store_health()
    qtbot.waitUntil(lambda: "无法访问" in main_window.backup_notice.label.text())
    with main_window._context.session() as session:
        backup.FOLDER.put(session, str(tmp_path))
    backup.back_up(main_window._context.database, "manual")
    main_window.check_store_health()
    qtbot.waitUntil(lambda: not main_window.backup_notice.isVisible())


def test_from_1_december_the_window_offers_to_review_next_years_calendar(
    qtbot, main_window, monkeypatch
):
    library = working_days.library_year
    monkeypatch.setattr(
        working_days,
        "library_year",
        lambda year: replace(library(year), confirmed=False) if year == 2027 else library(year),
    )
    main_window.check_store_health(today=date(2026, 11, 30))
    wait_for_running()
    assert not main_window.calendar_notice.isVisible()
    main_window.check_store_health(today=date(2026, 12, 1))
    qtbot.waitUntil(main_window.calendar_notice.isVisible)
    assert "2027 年的调休安排尚未确认" in main_window.calendar_notice.label.text()
    main_window.calendar_notice.action_button.click()
    dialog = main_window.findChild(ComplaintSettingsDialog)
    qtbot.waitUntil(lambda: dialog.findChild(QCheckBox, "confirm_2027") is not None)
    tick = dialog.findChild(QCheckBox, "confirm_2027")
    assert "2027-02-08" in dialog.holidays.toPlainText()  # filled from the library
    tick.setChecked(True)
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    with main_window._context.reader() as session:
        assert not working_days.load_calendar(session).is_provisional(date(2027, 3, 1))


@pytest.mark.sqlite_only(reason="backup archives of the SQLite file")
def test_backup_settings_dialog_marks_errors_and_saves(qtbot, main_window, tmp_path):
    dialog = main_window.backup_settings()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading)
    dialog.folder.setText(str(tmp_path / "备份"))
    dialog.password.setText("一二三四")
    dialog.confirm.setText("一二三")
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible())
    assert "不一致" in dialog.error_label.text()
    dialog.confirm.setText("一二三四")
    dialog.monthly.setValue(24)
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    with main_window._context.reader() as session:
        plan = backup.load_plan(session)
    assert plan.folder == str(tmp_path / "备份") and plan.monthly == 24
    assert plan.password == "一二三四"
    info = backup.back_up(main_window._context.database, "manual")
    assert info.path.parent == tmp_path / "备份" and info.encrypted


@pytest.mark.sqlite_only(reason="backup archives of the SQLite file")
def test_automatic_backup_on_the_first_start_of_the_day_and_at_exit(qtbot, context, tmp_path):
    folder = context.database.data_dir / "backups"
    window = MainWindow(context, LayoutMemory(context.database.data_dir), auto_backup=True)
    qtbot.addWidget(window)
    window.show()
    window.start_store_duties()
    qtbot.waitUntil(lambda: len(backup.list_backups(folder)) == 1 if folder.exists() else False)
    wait_for_running()
    window.start_store_duties()  # a second start the same day
    wait_for_running()
    [morning] = backup.list_backups(folder)
    window.close()
    # The exit backup is made; rotation keeps the newest of the day, so it replaces the first.
    [evening] = backup.list_backups(folder)
    assert evening.kind == "auto" and evening.path != morning.path
    with context.reader() as session:
        backups_audited = session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "备份")
        )
    assert backups_audited == 2


@pytest.mark.sqlite_only(reason="SQLite's write-ahead log")
def test_closing_the_window_leaves_every_save_in_the_store_file(qtbot, main_window, data_dir):
    """A user who copies just kehu.sqlite3 after closing the app has everything saved."""
    import sqlite3
    from contextlib import closing

    make_customer(main_window._context, "关窗前保存的客户")
    main_window.close()
    wal = data_dir / "kehu.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    copy = data_dir.parent / "copy.sqlite3"
    copy.write_bytes((data_dir / "kehu.sqlite3").read_bytes())
    with closing(sqlite3.connect(copy)) as connection:
        names = {name for (name,) in connection.execute("SELECT name FROM customers")}
    assert "关窗前保存的客户" in names
