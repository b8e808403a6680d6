"""Backups that verify themselves, rotate by generation, and restore correctly."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from kehu_desktop.cli import main
from kehu_desktop.models import AuditEntry, Customer
from kehu_desktop.services.common import backup, restore
from kehu_desktop.services.common.database import NewerStoreError, head_revision, open_database
from kehu_desktop.services.common.errors import UserError
from tests.helpers.customers import make_customer
from tests.test_released_stores import FIXTURES

# Backup archives hold a copy of the SQLite file, and restore puts one in its place; a
# PostgreSQL store is backed up by pg_dump (tests/test_admin_cli.py, test_database_dialog.py).
pytestmark = pytest.mark.sqlite_only(reason="archives and restores of the SQLite file")


def _customers(database) -> int:
    with database.reader() as session:
        return session.scalar(select(func.count(Customer.id)))


def _audit_actions(database) -> list[str]:
    with database.reader() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_backup_is_a_verified_archive_with_attachments_and_is_audited(
    database, context, tmp_path
):
    make_customer(context, "北京华达机械有限公司")
    attachments = database.data_dir / "attachments" / "visits"
    attachments.mkdir(parents=True)
    (attachments / "photo.jpg").write_bytes(b"\xff\xd8jpeg")
    info = backup.back_up(database, "manual", tmp_path / "usb")
    assert info.path.parent == tmp_path / "usb" and info.path.suffix == ".zip"
    assert info.schema == head_revision() and info.counts["customers"] == 1
    with backup.open_archive(info.path) as archive:
        assert set(archive.namelist()) == {"kehu.sqlite3", "attachments/visits/photo.jpg"}
    assert backup.read_info(info.path).counts == info.counts
    assert _audit_actions(database)[-1] == "备份"


def test_an_encrypted_backup_round_trips_and_refuses_a_wrong_password(database, context, tmp_path):
    make_customer(context, "上海精工五金厂")
    info = backup.back_up(database, "manual", tmp_path / "safe", password="s3cret-密码")
    assert info.encrypted
    with pytest.raises(UserError, match="有密码保护"):
        backup.open_archive(info.path)
    with pytest.raises(UserError, match="密码不正确"):
        backup.open_archive(info.path, "wrong")
    # Without the password nothing of the store can be read from the archive.
    assert b"SQLite format 3" not in info.path.read_bytes()
    make_customer(context, "在备份之后录入的客户")
    data_dir = database.data_dir
    database.dispose()
    with pytest.raises(UserError, match="密码不正确"):
        restore.restore(data_dir, info.path, "wrong", safety_folder=tmp_path / "safety")
    result = restore.restore(
        data_dir, info.path, "s3cret-密码", safety_folder=tmp_path / "safety", username="admin"
    )
    try:
        assert _customers(result.database) == 1
        assert _audit_actions(result.database)[-1] == "恢复"
    finally:
        result.database.dispose()
    # The store as it was before the restore is kept, with both customers.
    kept = backup.read_info(result.safety_copy)
    assert kept.kind == "before-restore" and kept.counts["customers"] == 2


def test_generations_keep_the_newest_per_day_week_and_month():
    start = datetime(2026, 1, 1, 9)
    times = [start + timedelta(hours=12 * n) for n in range(2 * 365)]
    kept = backup.generations_kept(times, daily=7, weekly=4, monthly=12)
    newest = max(times)
    assert newest in kept
    days = {t.date() for t in kept if newest - t < timedelta(days=7)}
    assert len(days) == 7
    assert len({(t.year, t.month) for t in kept}) == 12
    assert len(kept) <= 7 + 4 + 12
    assert min(kept) > newest - timedelta(days=366)


def test_automatic_backups_are_rotated_and_manual_ones_kept(database, context, tmp_path):
    folder = tmp_path / "rotation"
    with database.session() as session:
        backup.GENERATIONS.put(session, {"daily": 2, "weekly": 1, "monthly": 1})
    store = database.file_path
    for day in range(1, 6):
        backup.write_backup(store, folder, "auto", now=datetime(2026, 3, day, 18))
    backup.write_backup(store, folder, "manual", now=datetime(2026, 2, 1, 18))
    backup.back_up(database, "auto", folder)
    left = backup.list_backups(folder)
    automatic = sorted(b.created.date().isoformat() for b in left if b.kind == "auto")
    # Today's and 2026-03-05 are the two newest days; the same week and month add nothing.
    assert len(automatic) == 2 and "2026-03-05" in automatic
    assert [b.kind for b in left].count("manual") == 1


def test_backup_status_warns_when_stale_or_unreachable(tmp_path, database, admin):
    folder = tmp_path / "backups"
    assert backup.status(folder, 2).warning.startswith("还没有任何备份")
    old = backup.write_backup(database.file_path, folder, "auto", now=datetime(2020, 1, 1))
    assert "已超过 2 天" in backup.status(folder, 2).warning
    backup.write_backup(database.file_path, folder, "auto")
    assert backup.status(folder, 2).warning is None
    assert backup.status(folder, 2).last_good > old.created
    gone = tmp_path / "unplugged-usb" / "kehu"
    assert "无法访问" in backup.status(gone, 2).warning
    assert backup.made_today(folder)


def test_restore_with_a_stale_wal_beside_the_store(database, context, tmp_path):
    make_customer(context, "备份里的客户")
    info = backup.back_up(database, "manual", tmp_path / "bk")
    store, data_dir = database.file_path, database.data_dir
    # A crash leaves a -wal beside the store holding changes the backup does not have.
    writer = sqlite3.connect(store)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE customers SET name = '崩溃前改的名字'")
    writer.commit()
    stale_wal = tmp_path / "stale-wal"
    shutil.copy(store.with_name(store.name + "-wal"), stale_wal)
    writer.close()
    database.dispose()
    shutil.copy(stale_wal, store.with_name(store.name + "-wal"))
    result = restore.restore(data_dir, info.path, safety_folder=tmp_path / "safety")
    try:
        with result.database.reader() as session:
            assert session.scalar(select(Customer.name)) == "备份里的客户"
    finally:
        result.database.dispose()
    with closing(sqlite3.connect(store)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The crashed session's change is in the safety copy, not lost.
    with backup.open_archive(result.safety_copy) as archive:
        archive.extract("kehu.sqlite3", tmp_path / "kept")
    with closing(sqlite3.connect(tmp_path / "kept" / "kehu.sqlite3")) as connection:
        assert connection.execute("SELECT name FROM customers").fetchone()[0] == "崩溃前改的名字"


def test_restore_of_an_older_backup_upgrades_it(tmp_path):
    data_dir = tmp_path / "data"
    open_database(data_dir).dispose()
    old_copy = tmp_path / "kehu-before-upgrade.sqlite3"
    shutil.copy(FIXTURES / "0.1.0" / "kehu.sqlite3", old_copy)
    result = restore.restore(data_dir, old_copy, safety_folder=tmp_path / "safety")
    try:
        assert result.database.current_revision() == head_revision()
        assert _customers(result.database) == 40
    finally:
        result.database.dispose()


def test_restore_refuses_a_backup_from_a_newer_version(tmp_path, database):
    newer = tmp_path / "newer.sqlite3"
    shutil.copy(database.file_path, newer)
    with closing(sqlite3.connect(newer)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    data_dir = database.data_dir
    database.dispose()
    before = (data_dir / "kehu.sqlite3").read_bytes()
    with pytest.raises(NewerStoreError):
        restore.restore(data_dir, newer, safety_folder=tmp_path / "safety")
    assert (data_dir / "kehu.sqlite3").read_bytes() == before
    assert not (tmp_path / "safety").exists()


def test_restore_is_refused_while_another_pc_has_the_store_open(database, context, tmp_path):
    info = backup.back_up(database, "manual", tmp_path / "bk")
    with database.reader() as session:
        session.scalar(select(func.count(Customer.id)))  # this "other PC" holds a connection
        with pytest.raises(restore.StoreInUseError, match="另一台电脑"):
            restore.restore(database.data_dir, info.path, safety_folder=tmp_path / "safety")
    assert not (tmp_path / "safety").exists()


def test_cli_backup_and_restore(tmp_path, capsys, monkeypatch):
    folder = str(tmp_path / "data")
    assert main(["--data-dir", folder, "init", "--admin-password", "secret-123"]) == 0
    password_file = tmp_path / "pw.txt"
    password_file.write_text("备份密码\n", encoding="utf-8")
    out_dir = tmp_path / "usb"
    assert main(["--data-dir", folder, "backup", "-o", str(out_dir),
                 "--password-file", str(password_file)]) == 0  # fmt: skip
    assert "已备份并验证" in capsys.readouterr().out
    archive = next(out_dir.glob("kehu-*.zip"))
    # Without a terminal and without --yes nothing is replaced.
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--data-dir", folder, "restore", str(archive),
                 "--password-file", str(password_file)]) == 2  # fmt: skip
    assert "--yes" in capsys.readouterr().err
    assert main(["--data-dir", folder, "restore", str(archive), "--yes",
                 "--password-file", str(password_file)]) == 0  # fmt: skip
    assert "已恢复" in capsys.readouterr().out
    assert main(["--data-dir", folder, "restore"]) == 0
    assert "恢复前" in capsys.readouterr().out


def test_restore_into_a_folder_whose_store_is_lost(database, context, tmp_path, capsys):
    make_customer(context, "丢失前的客户")
    info = backup.back_up(database, "manual", tmp_path / "usb")
    new_pc = tmp_path / "new-pc"
    assert main(["--data-dir", str(new_pc), "restore", str(info.path), "--yes"]) == 0
    assert "已恢复" in capsys.readouterr().out
    assert not (new_pc / "backups").exists()  # nothing to keep: there was no store
    restored = open_database(new_pc)
    try:
        assert _customers(restored) == 1
    finally:
        restored.dispose()
