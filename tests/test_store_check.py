"""``kehu-admin check`` finds damage and tampering and says what to do, never a traceback;
the audit log and complaint events are append-only in the database itself."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kehu_desktop.cli import main
from kehu_desktop.services.common import server_connection
from kehu_desktop.services.common.data_location import DB_FILE_NAME
from kehu_desktop.services.complaints.lifecycle import Status
from tests.helpers.complaints import advance, register
from tests.helpers.customers import make_customer
from tests.helpers.stores import ON_POSTGRESQL

# Damage to the file itself is SQLite's alone; the append-only triggers and the hash chains
# are checked on either store.
FILE_DAMAGE = "damage to the SQLite file itself"


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


def _shell(data_dir, *statements: str) -> None:
    """What someone with the database's own command line (sqlite3, psql) could do."""
    if not ON_POSTGRESQL:
        with closing(sqlite3.connect(data_dir / DB_FILE_NAME)) as connection, connection:
            for statement in statements:
                connection.execute(statement)
        return
    import psycopg

    url = make_url(server_connection.store_url(data_dir)).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        for statement in statements:
            connection.execute(statement)


def _refused() -> type[Exception]:
    """The error a trigger's refusal raises in the shell."""
    if not ON_POSTGRESQL:
        return sqlite3.IntegrityError
    import psycopg

    return psycopg.errors.RaiseException


def _drop_trigger(name: str, table: str) -> str:
    return f"DROP TRIGGER {name}" + (f" ON {table}" if ON_POSTGRESQL else "")


def _create_refusing_trigger(name: str, statement: str, table: str) -> str:
    if ON_POSTGRESQL:
        return (
            f"CREATE TRIGGER {name} BEFORE {statement} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION kehu_refuse_change()"
        )
    return (
        f"CREATE TRIGGER {name} BEFORE {statement} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    )


def test_a_sound_store_passes(audited_store, capsys):
    code, out = _check(audited_store, capsys)
    assert code == 0
    assert "审计日志哈希链：完好" in out and "只追加保护（触发器）：完好" in out
    assert "结论：正常" in out


def test_the_database_refuses_to_change_or_delete_audit_entries_and_events(audited_store):
    # PostgreSQL's TRUNCATE empties a table without touching a row (SQLite has none).
    emptying = ("TRUNCATE audit_log", "TRUNCATE complaint_events") if ON_POSTGRESQL else ()
    for statement in (
        "DELETE FROM audit_log",
        "UPDATE audit_log SET changes = '{}' WHERE id = 2",
        "DELETE FROM complaint_events WHERE id = 1",
        "UPDATE complaint_events SET note = '改写' WHERE id = 1",
        *emptying,
    ):
        with pytest.raises(_refused(), match="append-only"):
            _shell(audited_store, statement)


def test_the_orm_cannot_update_audit_entries_either(database, admin):
    with pytest.raises(DBAPIError, match="append-only"), database.session() as session:
        session.execute(text("UPDATE audit_log SET action = '改' WHERE id = 1"))


def test_check_finds_a_deleted_audit_entry(audited_store, capsys):
    _shell(
        audited_store,
        _drop_trigger("audit_log_no_delete", "audit_log"),
        "DELETE FROM audit_log WHERE id = 3",
    )
    code, out = _check(audited_store, capsys)
    assert code == 1
    assert "audit_log_no_delete" in out
    assert "审计记录 #3 已被删除（链在 #4 处断开）" in out


def test_check_finds_a_removed_trigger(audited_store, capsys):
    name = "audit_log_no_truncate" if ON_POSTGRESQL else "audit_log_no_update"
    _shell(audited_store, _drop_trigger(name, "audit_log"))
    code, out = _check(audited_store, capsys)
    assert code == 1 and name in out


def test_check_finds_an_altered_complaint_event(audited_store, capsys):
    _shell(
        audited_store,
        _drop_trigger("complaint_events_no_update", "complaint_events"),
        "UPDATE complaint_events SET note = '客户同意不再追究' WHERE id = 2",
        # ...and the trigger put back, so only the chain can tell.
        _create_refusing_trigger("complaint_events_no_update", "UPDATE", "complaint_events"),
    )
    code, out = _check(audited_store, capsys)
    assert code == 1
    assert "处理记录 #2" in out and "被改动" in out
    assert "只追加保护（触发器）：完好" in out


@pytest.mark.sqlite_only(reason=FILE_DAMAGE)
def test_check_on_a_truncated_file(audited_store, capsys):
    store = audited_store / DB_FILE_NAME
    data = store.read_bytes()
    store.write_bytes(data[: len(data) // 2])
    code, out = _check(audited_store, capsys)
    assert code == 1
    assert "文件被截断" in out and "恢复备份" in out


@pytest.mark.sqlite_only(reason=FILE_DAMAGE)
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


@pytest.mark.sqlite_only(reason=FILE_DAMAGE)
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
