"""Showing errors: a clear message for what the user can act on, a report for bugs."""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from kehu_desktop.services.common.errors import UserError

log = logging.getLogger(__name__)


def user_message(error: BaseException) -> str | None:
    """The message for an error the user can act on, or None for a bug."""
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, OperationalError):
        text = str(error.orig)
        if "locked" in text or "busy" in text:
            return "数据库正被另一台电脑或另一个窗口使用，请稍后重试。"
        if "disk" in text or "full" in text:
            return "磁盘已满或无法写入，请腾出空间后重试。未保存的内容没有丢失。"
        return f"数据库无法访问：{text}"
    if isinstance(error, StaleDataError):
        return "该记录已被他人修改或删除，本次未保存。请关闭后重新打开再改。"
    if isinstance(error, IntegrityError):
        return (
            "保存未完成：与已有记录冲突（例如编号重复，可能是另一台电脑刚刚用过）。请检查后重试。"
        )
    if isinstance(error, FileNotFoundError):
        return f"找不到文件：{error.filename}"
    if isinstance(error, PermissionError):
        return f"没有权限写入：{error.filename}（文件是否正在 Excel 中打开？）"
    return None


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    message = user_message(error)
    if message is not None:
        QMessageBox.warning(parent, title, message)
        return
    details = "".join(traceback.format_exception(error))
    log.error("%s\n%s", title, details)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        title,
        "程序出现错误，操作未完成。详细信息已记录在日志中。",
        parent=parent,
    )
    box.setDetailedText(details)
    box.exec()
