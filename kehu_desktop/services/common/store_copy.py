"""Moving a firm's store from one PC's SQLite file to the office's PostgreSQL server.

Every table is copied row for row with its ids, so the audit trail, the complaint timelines and
every link between records stay as they were. The copy runs in one transaction on the target:
it lands whole, with the same count of rows in every table, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.orm import Session

from kehu_desktop.models import Base
from kehu_desktop.services.common.database import Database, sync_sequences
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.customers import search

CHUNK = 5000
# Rows every new store has from its migrations (the numbering counters): replaced by the
# source's, and no reason to call a target occupied.
SEEDED_TABLES = frozenset({"counters"})

# What the user calls the tables worth naming in the summary.
_LABELS = {
    "customers": "客户",
    "contacts": "联系人",
    "visits": "拜访记录",
    "complaints": "投诉",
    "complaint_events": "投诉处理记录",
    "key_accounts": "大客户",
    "staff": "操作员",
    "settings": "设置",
    "audit_log": "审计记录",
}


@dataclass(frozen=True)
class CopyResult:
    counts: dict[str, int]  # table name → rows copied (equal in source and target)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        named = "，".join(f"{label} {self.counts.get(t, 0):,}" for t, label in _LABELS.items())
        return f"共复制 {self.total:,} 条记录（{len(self.counts)} 个表，核对一致）：{named}"


def copy_store(
    source: Database, target: Database, progress: Callable[[str, int], None] | None = None
) -> CopyResult:
    """Copy every record of ``source`` into the empty store ``target``.

    Both stores are at the current schema (``open_database`` migrates them). Refuses a target
    that holds any record. ``progress(table, rows)`` is called after each chunk.
    """
    tables = Base.metadata.sorted_tables  # parents before children
    with source.engine.connect() as reading, target.engine.begin() as writing:
        occupied = {
            t.name: n for t in tables if t.name not in SEEDED_TABLES and (n := _count(writing, t))
        }
        if occupied:
            listed = "，".join(f"{name} {n:,} 行" for name, n in occupied.items())
            raise UserError(
                f"目标数据库 {target.location} 不是空的（{listed}）。"
                "请新建一个空数据库再复制，已有的数据不会被覆盖。"
            )
        counts = {}
        for table in tables:
            if table.name in SEEDED_TABLES:
                writing.execute(table.delete())
            counts[table.name] = _copy_table(reading, writing, table, progress)
        for table in tables:
            copied = _count(writing, table)
            if copied != counts[table.name]:  # raising rolls the whole copy back
                raise UserError(
                    f"复制核对失败：{table.name} 源 {counts[table.name]:,} 行，"
                    f"目标 {copied:,} 行。目标数据库未做任何改动。"
                )
        sync_sequences(writing)  # the rows came with their ids
        search.refill(Session(bind=writing))
    target.optimize()
    return CopyResult(counts)


def _count(connection: Connection, table: Table) -> int:
    return connection.scalar(select(func.count()).select_from(table)) or 0


def _copy_table(
    reading: Connection,
    writing: Connection,
    table: Table,
    progress: Callable[[str, int], None] | None,
) -> int:
    copied = 0
    rows = reading.execute(select(table).order_by(*table.primary_key.columns))
    while chunk := rows.fetchmany(CHUNK):
        writing.execute(insert(table), [row._asdict() for row in chunk])
        copied += len(chunk)
        if progress:
            progress(table.name, copied)
    return copied
