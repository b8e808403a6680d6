"""Database errors sorted by the driver's error code, never by the words of the message.

SQLite gives every error a numeric result code (``sqlite_errorcode``, Python 3.11+), and
PostgreSQL an SQLSTATE; qutebrowser's ``misc/sql.py`` sorts SQLite errors the same way. What
the user can act on (busy, disk full, read-only, a damaged file, a duplicate number) gets its
own advice; everything else is a bug, logged with its traceback.
"""

from __future__ import annotations

import sqlite3
from enum import Enum

from sqlalchemy.exc import DBAPIError, OperationalError


class Problem(Enum):
    BUSY = "busy"
    FULL = "full"
    READ_ONLY = "read_only"
    CORRUPT = "corrupt"
    UNREACHABLE = "unreachable"
    SERVER_UNREACHABLE = "server_unreachable"
    DUPLICATE = "duplicate"
    BUG = "bug"


MESSAGES = {
    Problem.BUSY: "数据库正被另一台电脑或另一个窗口使用，已等待仍未完成。请稍后重试；"
    "未保存的内容没有丢失。",
    Problem.FULL: "磁盘已满，数据库无法写入。请腾出磁盘空间后重试；未保存的内容没有丢失。",
    Problem.READ_ONLY: "数据库文件是只读的（文件属性、文件夹权限或网络共享设置），无法保存。"
    "请检查权限后重试；未保存的内容没有丢失。",
    Problem.CORRUPT: "数据库文件已损坏。请不要继续录入：用 文件 → 恢复备份… 恢复最近一次完好的"
    "备份（或运行 kehu-admin restore），并检查磁盘。",
    Problem.UNREACHABLE: "无法打开数据库文件（文件夹不存在、U 盘或网络共享已断开？）。"
    "请检查数据文件夹后重试。",
    Problem.SERVER_UNREACHABLE: "无法连接数据库服务器：请检查服务器地址、端口、登录名和密码，"
    "以及服务器是否已启动、防火墙是否允许连接。",
    Problem.DUPLICATE: "保存未完成：编号与已有记录重复（可能是另一台电脑刚刚用过）。请检查后重试。",
}

_SQLITE = {
    sqlite3.SQLITE_BUSY: Problem.BUSY,
    sqlite3.SQLITE_LOCKED: Problem.BUSY,
    sqlite3.SQLITE_FULL: Problem.FULL,
    sqlite3.SQLITE_READONLY: Problem.READ_ONLY,
    sqlite3.SQLITE_PERM: Problem.READ_ONLY,
    sqlite3.SQLITE_CORRUPT: Problem.CORRUPT,
    sqlite3.SQLITE_NOTADB: Problem.CORRUPT,
    sqlite3.SQLITE_CANTOPEN: Problem.UNREACHABLE,
    sqlite3.SQLITE_IOERR: Problem.UNREACHABLE,
}
_SQLITE_UNIQUE = (sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
_POSTGRES = {
    "40001": Problem.BUSY,  # serialization_failure
    "40P01": Problem.BUSY,  # deadlock_detected
    "55P03": Problem.BUSY,  # lock_not_available
    "53100": Problem.FULL,  # disk_full
    "25006": Problem.READ_ONLY,  # read_only_sql_transaction
    "42501": Problem.READ_ONLY,  # insufficient_privilege
    "XX001": Problem.CORRUPT,  # data_corrupted
    "XX002": Problem.CORRUPT,  # index_corrupted
    "08001": Problem.UNREACHABLE,  # cannot connect
    "08006": Problem.UNREACHABLE,  # connection_failure
    "23505": Problem.DUPLICATE,  # unique_violation
}


def classify(error: BaseException) -> Problem | None:
    """The kind of a database error; None if ``error`` is not one."""
    original = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        if code is None:
            return Problem.BUG
        if code in _SQLITE_UNIQUE:
            return Problem.DUPLICATE
        return _SQLITE.get(code & 0xFF, Problem.BUG)
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate:
        return _POSTGRES.get(sqlstate, Problem.BUG)
    if isinstance(error, OperationalError) and type(original).__module__.startswith("psycopg"):
        return Problem.SERVER_UNREACHABLE  # refused before the server said anything
    if isinstance(error, DBAPIError):
        return Problem.BUG
    return None


def message(error: BaseException) -> str | None:
    """The advice for a database error the user can act on; None for a bug or a non-DB error."""
    problem = classify(error)
    return MESSAGES.get(problem) if problem is not None else None
