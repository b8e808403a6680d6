"""The log file in the data folder, for the window and ``kehu-admin`` alike.

The Windows build has no console, so what goes to stderr is lost; the log keeps warnings and
errors (bugs with their traceback) in ``kehu.log`` beside the store, rotated at 1 MB with five
old files kept. A bug report is the log's tail with versions: no customer data (SQL parameters
are kept out of error messages, see ``database``).
"""

from __future__ import annotations

import logging
import platform
import sys
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from kehu_desktop import __version__

LOG_FILE_NAME = "kehu.log"
MAX_BYTES = 1024 * 1024
KEPT_FILES = 5
_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(program)s] %(name)s: %(message)s"


class _ProgramFilter(logging.Filter):
    def __init__(self, program: str) -> None:
        super().__init__()
        self.program = program

    def filter(self, record: logging.LogRecord) -> bool:
        record.program = self.program
        return True


def install(data_dir: Path, program: str) -> Path | None:
    """Send the program's log to ``kehu.log`` in ``data_dir``; returns its path.

    If the folder cannot be written, logging stays on stderr and None is returned.
    """
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    path = data_dir / LOG_FILE_NAME
    for handler in root.handlers[:]:
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path.absolute():
                return path
            uninstall()
    try:
        handler = RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=KEPT_FILES, encoding="utf-8", delay=True
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(_ProgramFilter(program))
    root.addHandler(handler)
    return path


def uninstall() -> None:
    """Stop writing to the log file (when the data folder changes, and after tests)."""
    root = logging.getLogger()
    for handler in root.handlers[:]:
        if isinstance(handler, RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()


def current_path() -> Path | None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def tail(path: Path | None, lines: int = 300) -> str:
    if path is None or not path.exists():
        return "（没有日志文件）"
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def bug_report(details: str, schema: str | None) -> str:
    """What a user sends to support after a bug: versions, the error, the log's tail."""
    return "\n".join(
        [
            "客户管家错误报告",
            f"时间：{datetime.now():%Y-%m-%d %H:%M:%S}",
            f"程序版本：{__version__}",
            f"数据库结构版本：{schema or '未知'}",
            f"Python {sys.version.split()[0]}，{platform.platform()}",
            "",
            "错误：",
            details,
            "",
            f"日志（{current_path() or '无'}）最后部分：",
            tail(current_path()),
        ]
    )
