"""The SQLite store as a file: verified copies, putting a copy back, and who has it open.

Only for SQLite; a PostgreSQL store has no file and is backed up by its server's tools.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from kehu_desktop.services.common.errors import UserError

JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")


class DamagedCopyError(UserError):
    """A copy (or a backup) that SQLite's own check finds damaged."""


def integrity_problems(path: Path) -> list[str]:
    """SQLite's ``integrity_check`` of the file: [] when sound, else what it found.

    A file that is not a database at all (truncated, overwritten) is reported, not raised.
    """
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def copy_verified(source: Path, target: Path) -> Path:
    """A consistent copy of ``source`` (WAL included) by SQLite's online backup, then checked.

    The copy is written beside ``target`` and renamed only once it passed ``integrity_check``,
    so a half-written or damaged copy never takes a good one's name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            # The copy stands alone: no WAL beside it, whatever the source used.
            dst.execute("PRAGMA journal_mode=DELETE")
        problems = integrity_problems(partial)
        if problems:
            raise DamagedCopyError(
                f"数据库副本未通过完整性检查：{'；'.join(problems[:3])}。原数据库没有改动。"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def remove_journals(store: Path) -> None:
    """Delete the ``-wal``/``-shm`` beside ``store``: they belong to the file that was there."""
    for suffix in JOURNAL_SUFFIXES:
        store.with_name(store.name + suffix).unlink(missing_ok=True)


def put_in_place(replacement: Path, store: Path) -> None:
    """Make ``replacement`` the store: renamed over it, the old file's journals removed.

    The journals go first: a ``-wal`` left beside the new file would be replayed into it and
    damage it. ``replacement`` must be on the same disk as ``store``.
    """
    remove_journals(store)
    os.replace(replacement, store)
    remove_journals(store)


def open_elsewhere(store: Path) -> bool:
    """Whether another program (another PC, another window) has the store open now.

    Leaving WAL mode needs the only connection to the file; SQLite refuses it with
    SQLITE_BUSY while anyone else holds one. The mode is set back at once.
    """
    if not store.exists():
        return False
    with closing(sqlite3.connect(store, timeout=0.2)) as connection:
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        except sqlite3.DatabaseError as error:
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            # A damaged file cannot tell; nobody can be working on it usefully either.
            return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        if mode.lower() != "delete":
            return True
        connection.execute("PRAGMA journal_mode=WAL")
    return False
