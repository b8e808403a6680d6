"""Database errors are sorted by the driver's error code; bugs are logged and reported."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from kehu_desktop.services.common import db_errors, log_file
from kehu_desktop.services.common.data_location import DB_FILE_NAME
from kehu_desktop.ui.common import errors
from tests.helpers.customers import make_customer

# Errors raised by the SQLite driver on its file (locked, disk full, read-only, damaged).
pytestmark = pytest.mark.sqlite_only(reason="the SQLite driver's errors on its file")


def _error_from(url: str, *statements: str) -> DBAPIError:
    engine = create_engine(url, connect_args={"timeout": 0})
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    except DBAPIError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError("no error")


@pytest.fixture
def store(data_dir):
    return data_dir / DB_FILE_NAME


def test_busy(store):
    holder = sqlite3.connect(store)
    holder.execute("BEGIN IMMEDIATE")
    try:
        error = _error_from(f"sqlite:///{store}", "CREATE TABLE probe (x)")
    finally:
        holder.rollback()
        holder.close()
    assert db_errors.classify(error) is db_errors.Problem.BUSY
    assert "另一台电脑" in errors.user_message(error)


def test_disk_full(store):
    error = _error_from(
        f"sqlite:///{store}",
        "PRAGMA max_page_count = 1",
        "CREATE TABLE filler (x TEXT)",
        "INSERT INTO filler VALUES (zeroblob(100000))",
    )
    assert db_errors.classify(error) is db_errors.Problem.FULL
    assert "磁盘已满" in errors.user_message(error)


def test_read_only(store):
    error = _error_from(f"sqlite:///file:{store}?mode=ro&uri=true", "CREATE TABLE probe (x)")
    assert db_errors.classify(error) is db_errors.Problem.READ_ONLY
    assert "只读" in errors.user_message(error)


def test_corrupt(store):
    with closing(sqlite3.connect(store)) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'customers'"
        ).fetchone()[0]
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(store.read_bytes())
    data[(root - 1) * page_size : (root - 1) * page_size + 100] = b"\xff" * 100
    store.write_bytes(bytes(data))
    error = _error_from(f"sqlite:///{store}", "SELECT * FROM customers")
    assert db_errors.classify(error) is db_errors.Problem.CORRUPT
    assert "恢复备份" in errors.user_message(error)


def test_duplicate_number(context, store):
    make_customer(context, "北京华达机械有限公司", code="KH000001")
    error = _error_from(
        f"sqlite:///{store}",
        "INSERT INTO customers SELECT * FROM customers WHERE code = 'KH000001'",
    )
    assert db_errors.classify(error) is db_errors.Problem.DUPLICATE
    assert "编号与已有记录重复" in errors.user_message(error)


def test_a_missing_table_is_a_bug_not_the_users_problem(store):
    error = _error_from(f"sqlite:///{store}", "SELECT * FROM last_visits_renamed")
    assert db_errors.classify(error) is db_errors.Problem.BUG
    assert errors.user_message(error) is None
    # A NOT NULL or foreign-key failure is a bug too, not a "duplicate number".
    error = _error_from(f"sqlite:///{store}", "INSERT INTO settings (key) VALUES ('k')")
    assert db_errors.classify(error) is db_errors.Problem.BUG


def test_the_bug_dialog_logs_the_traceback_and_saves_a_report(
    qtbot, store, tmp_path, monkeypatch, caplog
):
    log_file.install(store.parent, "test")
    error = _error_from(f"sqlite:///{store}", "SELECT * FROM no_such_table")
    report = tmp_path / "报告.txt"

    def press_save(box: QMessageBox) -> int:
        assert "不是您的操作问题" in box.text()
        next(b for b in box.buttons() if b.text() == "保存错误报告…").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press_save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    parent = QWidget()
    qtbot.addWidget(parent)
    with caplog.at_level(logging.ERROR):
        errors.show_error(parent, "保存客户", error)
    assert "no_such_table" in caplog.text and "Traceback" in caplog.text
    logged = (store.parent / log_file.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "Traceback" in logged
    saved = report.read_text(encoding="utf-8")
    assert "程序版本" in saved and "no_such_table" in saved and "日志" in saved


def test_error_messages_carry_no_customer_data(context, database):
    make_customer(context, "保密客户有限公司", code="KH000009")
    with pytest.raises(DBAPIError) as caught, database.session() as session:
        session.execute(
            text("INSERT INTO customers (code, name) VALUES (:code, :name)"),
            {"code": "KH000009", "name": "保密客户有限公司"},
        )
    assert "保密客户" not in str(caught.value)
