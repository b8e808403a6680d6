"""Starting the window: the data folder, the store, the operator, the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from kehu_desktop.services import operators
from kehu_desktop.services.context import DeskContext
from kehu_desktop.services.database import Database, open_database, resolve_data_dir
from kehu_desktop.ui.fonts import install_chinese_font
from kehu_desktop.ui.layout_memory import LayoutMemory
from kehu_desktop.ui.main_window import MainWindow
from kehu_desktop.ui.sign_in_dialog import FirstAdminDialog, SignInDialog

DEFAULT_TEST_PASSWORD = "admin"


def ensure_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("客户管家")
    app.setOrganizationName("Kehu")
    install_chinese_font(app)
    return app


def create_main_window(
    data_dir: str | os.PathLike, username: str | None = None, db_url: str | None = None
) -> MainWindow:
    """The main window over ``data_dir`` with an operator signed in, without an event loop.

    Signs in ``username`` (or the first administrator). On an empty store it first creates the
    administrator ``admin`` with password ``admin``; for automated tests and scripts.
    """
    ensure_application()
    database = open_database(data_dir, db_url)
    with database.session() as session:
        if not operators.has_staff(session):
            operators.create_first_admin(session, "admin", "系统管理员", DEFAULT_TEST_PASSWORD)
        if username is None:
            operator = operators.first_admin(session)
        else:
            operator = next(
                operators.operator_by_id(session, row.id)
                for row in operators.list_staff(session)
                if row.username == username
            )
    return MainWindow(DeskContext(database, operator), LayoutMemory(Path(data_dir)))


def _ask_operator(database: Database) -> operators.Operator | None:
    with database.reader() as session:
        first_start = not operators.has_staff(session)
    dialog = FirstAdminDialog(database) if first_start else SignInDialog(database)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.operator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kehu-desktop", description="客户管家")
    parser.add_argument(
        "--data-dir", help="数据文件夹（默认：用户数据目录，或环境变量 KEHU_DATA_DIR）"
    )
    parser.add_argument("--db", help="数据库 URL，例如 postgresql+psycopg://user@host/kehu")
    args, qt_args = parser.parse_known_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.INFO)
    app = ensure_application([sys.argv[0], *qt_args])
    try:
        data_dir = resolve_data_dir(args.data_dir)
        database = open_database(data_dir, args.db)
    except Exception as error:  # the store could not be opened: say so, do not crash
        QMessageBox.critical(None, "无法打开数据库", f"无法打开或升级数据库：\n{error}")
        return 1
    operator = _ask_operator(database)
    if operator is None:
        return 0
    window = MainWindow(DeskContext(database, operator), LayoutMemory(data_dir))
    window.show()
    return app.exec()
