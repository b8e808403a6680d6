"""``kehu-admin check``: is the store sound, and if not, what is wrong and what to do.

The check never changes the store (no upgrade, no repair) and never stops at a traceback: a
truncated or damaged file, a missing table, a broken audit chain are each reported in Chinese
with the next step.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kehu_desktop.services.common import audit, db_errors, sealing, store_files
from kehu_desktop.services.common.database import (
    Database,
    NewerStoreError,
    head_revision,
    refuse_newer,
)
from kehu_desktop.services.complaints import event_chain

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_ADVICE = "请用 文件 → 恢复备份… 或 kehu-admin restore 恢复最近一次完好的备份。"


@dataclass
class CheckReport:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def note(self, line: str) -> None:
        self.lines.append(line)

    def problem(self, line: str) -> None:
        self.lines.append(line)
        self.problems.append(line)

    def text(self) -> str:
        verdict = "结论：正常" if self.healthy else f"结论：发现 {len(self.problems)} 个问题"
        return "\n".join([*self.lines, verdict])


def _file_problem(path: Path) -> str | None:
    if not path.exists():
        return f"数据库文件 {path} 不存在。"
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return f"{path.name} 不是完整的 SQLite 数据库（文件被截断或覆盖）。{RESTORE_ADVICE}"
    page_size = int.from_bytes(header[16:18], "big") or 65536
    pages = int.from_bytes(header[28:32], "big")
    if pages and path.stat().st_size < page_size * pages:
        return (
            f"{path.name} 比它应有的大小短（{path.stat().st_size} 字节，应为 "
            f"{page_size * pages} 字节），文件被截断。{RESTORE_ADVICE}"
        )
    return None


def check(database: Database) -> CheckReport:
    """Every check that applies to this store; each failure is a line saying what to do."""
    report = CheckReport()
    report.note(f"数据库：{database.location}")
    path = database.file_path
    if path is not None:
        problem = _file_problem(path)
        if problem:
            report.problem(problem)
            return report
        problems = store_files.integrity_problems(path)
        if problems:
            report.problem(f"完整性检查：{'；'.join(problems[:5])}。{RESTORE_ADVICE}")
            return report
        report.note("完整性检查：ok")
    try:
        _check_contents(database, report)
    except (DBAPIError, sqlite3.Error) as error:
        log.warning("check stopped: %s", error)
        advice = db_errors.message(error) or f"数据库结构不完整或已损坏。{RESTORE_ADVICE}"
        report.problem(f"检查中断：{advice}（{getattr(error, 'orig', error)}）")
    return report


def _check_contents(database: Database, report: CheckReport) -> None:
    current, head = database.current_revision(), head_revision()
    report.note(f"结构版本：{current or '无'}（本程序 {head}）")
    if current is None:
        report.problem(
            "数据库中没有结构版本：不是客户管家的数据库，或尚未初始化（kehu-admin init）。"
        )
        return
    if current != head:
        try:
            refuse_newer(current)
        except NewerStoreError as error:
            report.problem(str(error))
            return
        report.problem(
            "数据库结构较旧（本检查不改动数据库）：启动客户管家，或运行 kehu-admin backup "
            "等其他命令，即会先备份再自动升级。"
        )
        return
    with database.engine.connect() as connection:
        if database.is_sqlite:
            broken_links = connection.execute(text("PRAGMA foreign_key_check")).all()
            if broken_links:
                report.problem(f"外键检查：{len(broken_links)} 处记录引用了不存在的记录。")
            else:
                report.note("外键检查：ok")
        missing = sealing.missing_triggers(connection)
    if missing:
        report.problem(
            f"只追加保护已被移除：{', '.join(missing)}。审计日志或投诉记录可能被改写，"
            "请核对下面的审计链检查，并报告管理员。"
        )
    else:
        report.note("只追加保护（触发器）：完好")
    with database.reader() as session:
        for label, breaks in (
            ("审计日志", audit.chain_breaks(session)),
            ("投诉处理记录", event_chain.chain_breaks(session)),
        ):
            if breaks:
                for line in breaks[:20]:
                    report.problem(f"{label}：{line}")
                if len(breaks) > 20:
                    report.problem(f"{label}：另有 {len(breaks) - 20} 处")
            else:
                report.note(f"{label}哈希链：完好")
        counts = session.execute(
            text(
                "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM complaints), "
                "(SELECT count(*) FROM visits), (SELECT count(*) FROM audit_log)"
            )
        ).one()
    report.note(
        f"客户 {counts[0]} 位，投诉 {counts[1]} 宗，拜访 {counts[2]} 次，审计记录 {counts[3]} 条"
    )
