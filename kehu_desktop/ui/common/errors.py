"""Showing errors: a clear message for what the user can act on, a report for bugs.

Database errors are sorted by the driver's error code (``services.common.db_errors``): busy,
disk full, read-only and unreachable get their advice; a damaged file offers to restore the
latest good backup; anything else is a bug, logged with its traceback, and the dialog offers
to save a report (versions, the error, the log's tail; no customer data).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy.orm.exc import StaleDataError

from kehu_desktop.services.common import db_errors, log_file
from kehu_desktop.services.common.errors import UserError

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("errors", text)


def user_message(error: BaseException) -> str | None:
    """The message for an error the user can act on, or None for a bug."""
    if isinstance(error, UserError):
        return str(error)
    advice = db_errors.message(error)
    if advice is not None:
        return advice
    if isinstance(error, StaleDataError):
        return _tr("该记录已被他人修改或删除，本次未保存。请关闭后重新打开再改。")
    if isinstance(error, FileNotFoundError):
        return _tr("找不到文件：") + str(error.filename)
    if isinstance(error, PermissionError):
        return _tr("没有权限写入：{0}（文件是否正在 Excel 中打开？）").format(error.filename)
    if isinstance(error, OSError) and error.strerror:
        return _tr("文件操作失败：{0}（{1}）").format(error.strerror, error.filename or "")
    return None


def _from_window(parent: QWidget | None, name: str) -> object:
    """What the main window offers (its 恢复备份… action, its schema version), if the error
    happened inside it; dialogs shown before the window exists get None."""
    window = parent.window() if parent is not None else None
    return getattr(window, name, None)


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    if parent is not None and not shiboken6.isValid(parent):
        log.warning("%s (its window had closed): %s", title, error)
        return
    message = user_message(error)
    if message is None:
        _show_bug(parent, title, error)
        return
    if db_errors.classify(error) is db_errors.Problem.CORRUPT:
        log.error("%s: damaged store: %s", title, error)
        restore: Callable[[], object] | None = _from_window(parent, "restore_backup")
        if restore is not None:
            box = QMessageBox(QMessageBox.Icon.Critical, title, message, parent=parent)
            restore_button = box.addButton(_tr("恢复备份…"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Close)
            box.exec()
            if box.clickedButton() is restore_button:
                restore()
            return
    elif db_errors.classify(error) is not None:
        log.warning("%s: %s", title, error)
    QMessageBox.warning(parent, title, message)


def _show_bug(parent: QWidget | None, title: str, error: BaseException) -> None:
    details = "".join(traceback.format_exception(error))
    log.error("%s\n%s", title, details)
    where = log_file.current_path()
    text = _tr("程序出现错误，操作未完成。这是程序的缺陷，不是您的操作问题。")
    if where is not None:
        text += _tr("详细信息已记录在日志 {0} 中。").format(where)
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, parent=parent)
    box.setDetailedText(details)
    save_button = box.addButton(_tr("保存错误报告…"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if not shiboken6.isValid(box):
        return  # its window closed meanwhile (the program quitting): the log has it all
    if box.clickedButton() is save_button:
        save_bug_report(parent, details, _from_window(parent, "schema_revision"))


def save_bug_report(parent: QWidget | None, details: str, schema: str | None) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _tr("保存错误报告"), "客户管家错误报告.txt", _tr("文本文件 (*.txt)")
    )
    if not path:
        return None
    target = Path(path)
    try:
        target.write_text(log_file.bug_report(details, schema), encoding="utf-8")
    except OSError as error:
        QMessageBox.warning(parent, _tr("保存错误报告"), user_message(error) or str(error))
        return None
    return target
