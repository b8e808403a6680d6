"""Append-only tables: triggers that refuse UPDATE and DELETE (and on PostgreSQL TRUNCATE), and
hash chains over the rows.

The audit log and the complaint events must not be rewritten quietly. The database itself
refuses to change or remove their rows (a trigger per table and statement kind), and each row
carries a SHA-256 hash over its content and the previous row's hash, so an entry deleted or
altered behind the program's back (with the sqlite3 shell, say, after dropping the trigger)
breaks the chain where it happened. ``kehu-admin check`` verifies both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Connection, text

APPEND_ONLY_TABLES = ("audit_log", "complaint_events")
_STATEMENTS = ("UPDATE", "DELETE")


def _statements(dialect: str) -> tuple[str, ...]:
    """What the triggers refuse: PostgreSQL's TRUNCATE empties a table without touching a row,
    so no row trigger sees it (SQLite has no TRUNCATE)."""
    return (*_STATEMENTS, "TRUNCATE") if dialect == "postgresql" else _STATEMENTS


def _canonical(value: object) -> object:
    if value is None:
        return ""  # a column default ("") and an unset value (None) seal alike
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | str):
        return value
    return str(value)


def seal(previous: str, values: Sequence[object]) -> str:
    """The hash of one row: its values in a fixed order, chained to ``previous``."""
    payload = json.dumps(
        [previous, *(_canonical(v) for v in values)], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def lock_for_append(connection: Connection, table: str) -> None:
    """Hold the write lock before reading the end of a chain, so no other writer can append
    between the read and this transaction's insert (which would fork the chain).

    SQLite: a write that changes nothing starts the write transaction (the Python driver does
    not begin one before a SELECT). PostgreSQL: an advisory lock held to the end of the
    transaction, one for every chain, as SQLite's one write lock: a transaction appends to
    two chains (a complaint step and its audit entries) in whatever order its flushes come,
    and with a lock per chain two such transactions waited on each other (deadlock).
    """
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"UPDATE {table} SET id = id WHERE 0"))
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('kehu.append_only'))"))


def _trigger_name(table: str, statement: str) -> str:
    return f"{table}_no_{statement.lower()}"


def install_triggers(connection: Connection) -> None:
    """Make the append-only tables refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(
            text(
                "CREATE OR REPLACE FUNCTION kehu_refuse_change() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
            )
        )
    for table in APPEND_ONLY_TABLES:
        for statement in _statements(dialect):
            name = _trigger_name(table, statement)
            if dialect == "sqlite":
                connection.execute(
                    text(
                        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {statement} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                    )
                )
            elif dialect == "postgresql":
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
                each = "STATEMENT" if statement == "TRUNCATE" else "ROW"
                connection.execute(
                    text(
                        f"CREATE TRIGGER {name} BEFORE {statement} ON {table} "
                        f"FOR EACH {each} EXECUTE FUNCTION kehu_refuse_change()"
                    )
                )


def drop_triggers(connection: Connection) -> None:
    """For a migration that must rewrite an append-only table (then installs them again)."""
    for table in APPEND_ONLY_TABLES:
        for statement in _statements(connection.dialect.name):
            suffix = f" ON {table}" if connection.dialect.name == "postgresql" else ""
            connection.execute(
                text(f"DROP TRIGGER IF EXISTS {_trigger_name(table, statement)}{suffix}")
            )


def missing_triggers(connection: Connection) -> list[str]:
    """The append-only triggers that are absent or no longer refuse anything."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        triggers = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
        working = {name for name, sql in triggers if sql and "RAISE(ABORT" in sql}
    elif dialect == "postgresql":
        working = set(
            connection.scalars(
                text(
                    "SELECT t.tgname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                    "WHERE t.tgenabled <> 'D' AND p.proname = 'kehu_refuse_change'"
                )
            )
        )
    else:
        return []
    return [
        _trigger_name(table, statement)
        for table in APPEND_ONLY_TABLES
        for statement in _statements(dialect)
        if _trigger_name(table, statement) not in working
    ]
