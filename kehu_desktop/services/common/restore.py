"""Restoring a backup: verified first, the current store kept, the file replaced correctly.

The order matters. Nothing changes until the chosen backup has been unpacked beside the store
and passed ``integrity_check`` and its schema is one this program knows. Then the current
store is saved as a 恢复前 backup, the restored file is renamed over the store with the old
``-wal``/``-shm`` removed (a stale WAL would be replayed into the restored file and damage
it), the attachments are swapped, and the store is opened, which upgrades an older backup.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from kehu_desktop.models import Staff
from kehu_desktop.services.common import audit, backup, operators, store_files
from kehu_desktop.services.common.data_location import DB_FILE_NAME
from kehu_desktop.services.common.database import Database, open_database, refuse_newer
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.operators import Operator

log = logging.getLogger(__name__)

STAGING = ".restoring"


class StoreInUseError(UserError):
    def __init__(self) -> None:
        super().__init__(
            "数据库正在另一台电脑或另一个窗口中使用。请先在那里退出客户管家，再恢复备份；"
            "当前数据没有改动。"
        )


@dataclass(frozen=True)
class RestoreResult:
    """The restored store, opened; ``operator``: who restored it, as the restored data knows
    them (None if the restored data has no such active operator)."""

    restored: backup.BackupInfo
    safety_copy: Path | None
    database: Database
    operator: Operator | None = None

    def describe(self) -> str:
        kept = f"恢复前的数据已另存为 {self.safety_copy}。" if self.safety_copy else ""
        return f"已恢复 {self.restored.created:%Y-%m-%d %H:%M} 的备份。{kept}"


def _unpack(source: Path, password: str, staging: Path) -> Path:
    """The backup's store (and attachments) unpacked into ``staging``; returns the store."""
    target = staging / DB_FILE_NAME
    if source.suffix == ".sqlite3":
        shutil.copyfile(source, target)
        return target
    with backup.open_archive(source, password) as archive:
        for name in archive.namelist():
            inside = Path(name)
            wanted = name == DB_FILE_NAME or inside.parts[:1] == (backup.ATTACHMENTS,)
            if not wanted or inside.is_absolute() or ".." in inside.parts:
                continue
            archive.extract(name, staging)
    if not target.exists():
        raise UserError(f"{source.name} 中没有数据库文件，不是客户管家的备份。")
    return target


def verify(source: Path, password: str, staging: Path) -> tuple[backup.BackupInfo, Path]:
    """Unpack and check the backup; raises with a Chinese message if it cannot be used."""
    info = backup.read_info(source)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    unpacked = _unpack(source, password, staging)
    problems = store_files.integrity_problems(unpacked)
    if problems:
        raise store_files.DamagedCopyError(
            f"备份 {source.name} 已损坏（{'；'.join(problems[:3])}），不能恢复。当前数据没有改动。"
        )
    schema, _counts = backup.store_counts(unpacked)
    if schema is not None:
        refuse_newer(schema)
    return info, unpacked


def _keep_current(store: Path, folder: Path, password: str) -> Path | None:
    """The store as it is now, saved before it is replaced; a damaged one is copied raw."""
    if not store.exists():
        return None
    try:
        return backup.write_backup(store, folder, "before-restore", password).path
    except (store_files.DamagedCopyError, sqlite3.DatabaseError):
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{store.stem}-{datetime.now():%Y%m%d-%H%M%S}-damaged.sqlite3"
        shutil.copyfile(store, target)
        for suffix in store_files.JOURNAL_SUFFIXES:
            journal = store.with_name(store.name + suffix)
            if journal.exists():
                shutil.copyfile(journal, target.with_name(target.name + suffix))
        return target


def _swap_attachments(data_dir: Path, staging: Path) -> None:
    current, restored = data_dir / backup.ATTACHMENTS, staging / backup.ATTACHMENTS
    old = data_dir / f"{backup.ATTACHMENTS}.old"
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        current.rename(old)
    if restored.exists():
        restored.rename(current)
    shutil.rmtree(old, ignore_errors=True)


def restore(
    data_dir: Path,
    source: Path,
    password: str = "",
    *,
    safety_folder: Path,
    safety_password: str = "",
    username: str | None = None,
) -> RestoreResult:
    """Replace the store in ``data_dir`` with the backup ``source``; returns it opened.

    The caller must have closed its own connections to the store. ``username`` is the
    operator the restore is audited as, looked up in the restored data.
    """
    store = data_dir / DB_FILE_NAME
    staging = data_dir / STAGING
    try:
        info, unpacked = verify(source, password, staging)
        if store_files.open_elsewhere(store):
            raise StoreInUseError
        safety = _keep_current(store, safety_folder, safety_password)
        store_files.put_in_place(unpacked, store)
        _swap_attachments(data_dir, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("restored %s over %s (safety copy %s)", source, store, safety)
    database = open_database(data_dir)
    with database.session() as session:
        staff_id = session.scalar(
            select(Staff.id).where(
                func.lower(Staff.username) == (username or "").lower(), Staff.active
            )
        )
        audit.record_event(
            session,
            staff_id,
            "恢复",
            audit.STORE,
            None,
            {
                "备份": str(source),
                "备份时间": f"{info.created:%Y-%m-%d %H:%M}",
                "恢复前的数据": str(safety or ""),
            },
        )
        operator = operators.operator_by_id(session, staff_id) if staff_id else None
    return RestoreResult(info, safety, database, operator)
