"""``kehu-admin check`` finds damage and tampering and says what to do, never a traceback;
the audit log and complaint events are append-only in the database itself."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from kehu_desktop.cli import main
from kehu_desktop.services.common.data_location import DB_FILE_NAME
from kehu_desktop.services.complaints.lifecycle import Status
from tests.helpers.complaints import advance, register
from tests.helpers.customers import make_customer

# The SQLite file's own features (backup archives, restore, driver error codes, file damage,
# triggers checked on the file): PostgreSQL stores are backed up with pg_dump.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def audited_store(database, context):
    """A store with audit entries and a complaint with several events, then closed."""
    customer = make_customer(context, "北京华达机械有限公司")
    complaint = register(context, customer)
    advance(context, complaint, Status.REPLIED)
    database.dispose()
    return database.data_dir


def _check(data_dir, capsys) -> tuple[int, str]:
    code = main(["--data-dir", str(data_dir), "check"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out


def _sqlite_shell(data_dir, *statements: str) -> None:
    """What someone with the sqlite3 command line could do."""
    with closing(sqlite3.connect(data_dir / DB_FILE_NAME)) as connection, connection:
        for statement in statements:
            connection.execute(statement)


def test_a_sound_store_passes(audited_store, capsys):
    code, out = _check(audited_store, capsys)
    assert code == 0
    assert "审计日志哈希链：完好" in out and "只追加保护（触发器）：完好" in out
    assert "结论：正常" in out


def test_the_database_refuses_to_change_or_delete_audit_entries_and_events(audited_store):
    for statement in (
        "DELETE FROM audit_log",
        "UPDATE audit_log SET changes = '{}' WHERE id = 2",
        "DELETE FROM complaint_events WHERE id = 1",
        "UPDATE complaint_events SET note = '改写' WHERE id = 1",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            _sqlite_shell(audited_store, statement)


def test_the_orm_cannot_update_audit_entries_either(database, admin):
    with pytest.raises(IntegrityError), database.session() as session:
        session.execute(text("UPDATE audit_log SET action = '改' WHERE id = 1"))


def test_check_finds_a_deleted_audit_entry(audited_store, capsys):
    _sqlite_shell(
        audited_store,
        "DROP TRIGGER audit_log_no_delete",
        "DELETE FROM audit_log WHERE id = 3",
    )
    code, out = _check(audited_store, capsys)
    assert code == 1
    assert "audit_log_no_delete" in out
    assert "审计记录 #3 已被删除（链在 #4 处断开）" in out


def test_check_finds_an_altered_complaint_event(audited_store, capsys):
    _sqlite_shell(
        audited_store,
        "DROP TRIGGER complaint_events_no_update",
        "UPDATE complaint_events SET note = '客户同意不再追究' WHERE id = 2",
        # ...and the trigger put back, so only the chain can tell.
        "CREATE TRIGGER complaint_events_no_update BEFORE UPDATE ON complaint_events "
        "BEGIN SELECT RAISE(ABORT, 'complaint_events is append-only'); END",
    )
    code, out = _check(audited_store, capsys)
    assert code == 1
    assert "处理记录 #2" in out and "被改动" in out
    assert "只追加保护（触发器）：完好" in out


def test_check_on_a_truncated_file(audited_store, capsys):
    store = audited_store / DB_FILE_NAME
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])
    code, out = _check(audited_store, capsys)
    assert code == 1
    assert "文件被截断" in out and "恢复备份" in out


def test_check_on_a_page_damaged_file(audited_store, capsys):
    store = audited_store / DB_FILE_NAME
    with closing(sqlite3.connect(store)) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    data = bytearray(store.read_bytes())
    for page in range(2, pages, 3):  # scribble over a third of the pages past the schema
        start = page * page_size
        data[start + 8 : start + 64] = b"\xa5" * 56
    store.write_bytes(bytes(data))
    code, out = _check(audited_store, capsys)
    assert code == 1
    assert "完整性检查" in out or "已损坏" in out
    assert "恢复" in out


def test_check_on_a_file_that_is_not_a_database(tmp_path, capsys):
    (tmp_path / DB_FILE_NAME).write_bytes(b"this is a spreadsheet, not a store" * 100)
    code, out = _check(tmp_path, capsys)
    assert code == 1 and "不是完整的 SQLite 数据库" in out


def test_init_without_a_terminal_says_how_to_give_a_password(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kehu_desktop.cli", "--data-dir", str(tmp_path), "init"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "--admin-password" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_bug_in_a_command_is_logged_with_its_traceback(data_dir, capsys, monkeypatch):
    from kehu_desktop import cli

    def broken(_database, _args):
        raise KeyError("missing_field")

    monkeypatch.setitem(cli.build_parser.__globals__, "_search", broken)
    code = main(["--data-dir", str(data_dir), "search", "华达"])
    err = capsys.readouterr().err
    assert code == 3 and "程序的缺陷" in err and "Traceback" not in err
    log = (data_dir / "kehu.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "missing_field" in log
