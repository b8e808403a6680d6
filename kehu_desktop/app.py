"""Starting the window: the data folder, the operator, the store, the main window.

The sign-in dialog appears at once; the store opens (and migrates) on a worker thread while
the operator types, so the heavy imports (SQLAlchemy, the desks) are not paid before the
first window shows.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from kehu_desktop.services.common.data_location import DB_FILE_NAME, resolve_data_dir
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.ui.admin.sign_in_dialog import FirstAdminDialog, SignInDialog
from kehu_desktop.ui.common.fonts import install_chinese_font
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.wheel_guard import install_wheel_guard

if TYPE_CHECKING:
    from kehu_desktop.services.common.database import Database
    from kehu_desktop.services.common.operators import Operator
    from kehu_desktop.ui.main_window import MainWindow

DEFAULT_TEST_PASSWORD = "admin"
RECENT_USERS_KEY = "sign_in/recent_usernames"
MAX_RECENT_USERS = 10


_translators: list[QTranslator] = []


def _install_qt_translation(app: QApplication) -> None:
    """Qt's own texts in Chinese: 保存/取消/是/否 on standard buttons, not Save/Cancel/Yes/No."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
    ):
        app.installTranslator(translator)
        _translators.append(translator)


def ensure_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing or QApplication(argv or sys.argv[:1])
    if existing is None or not _translators:
        app.setApplicationName("客户管家")
        app.setOrganizationName("Kehu")
        install_chinese_font(app)
        install_wheel_guard(app)
        _install_qt_translation(app)
    return app


def _report_unexpected(kind, error, trace) -> None:
    """An error no code caught (a bug): logged, and shown rather than lost in a windowed app."""
    from kehu_desktop.ui.common.errors import show_error

    logging.getLogger("kehu_desktop").error("未处理的错误", exc_info=(kind, error, trace))
    if QApplication.instance() is not None and isinstance(error, Exception):
        show_error(QApplication.activeWindow(), "程序错误", error)


def _open_store(data_dir: Path, url: str | None) -> Database:
    from kehu_desktop.services.common.database import open_database

    return open_database(data_dir, url)


class StoreOpening:
    """The store, opened on a worker thread once ``start()`` is called; ``database()`` waits.

    Started only after the sign-in dialog is on screen: the imports it runs hold Python's
    GIL and would otherwise delay the first window.
    """

    def __init__(self, data_dir: Path, url: str | None) -> None:
        self._data_dir, self._url = data_dir, url
        self._future: Future | None = None

    def start(self) -> None:
        if self._future is None:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="open-store")
            self._future = executor.submit(_open_store, self._data_dir, self._url)
            executor.shutdown(wait=False)

    def database(self) -> Database:
        self.start()
        try:
            return self._future.result()
        except Exception as error:  # shown in the dialog; the user may cancel or retry later
            raise UserError(f"无法打开或升级数据库：{error}") from error

    def sign_in(self, username: str, password: str) -> Operator:
        from kehu_desktop.services.common import operators

        with self.database().session() as session:
            return operators.sign_in(session, username, password)

    def create_first_admin(self, username: str, name: str, password: str, confirm: str) -> Operator:
        from kehu_desktop.services.common import operators

        with self.database().session() as session:
            return operators.create_first_admin(session, username, name, password, confirm)

    def usernames(self) -> list[str] | None:
        """The active staff's login names, or None if the store has no operator yet."""
        from kehu_desktop.services.common import operators

        with self.database().reader() as session:
            if not operators.has_staff(session):
                return None
            return [row.username for row in operators.list_staff(session)]


def _ask_operator(
    opening: StoreOpening, layout: LayoutMemory, first_start: bool
) -> Operator | None:
    recent = [str(u) for u in (layout.value(RECENT_USERS_KEY) or [])]
    if not first_start and not recent:
        # Nobody has signed in on this PC yet: the store itself says who may.
        try:
            known = opening.usernames()
        except UserError:
            known = []
        first_start, recent = known is None, known or []
    if first_start:
        dialog = FirstAdminDialog(opening.create_first_admin)
    else:
        dialog = SignInDialog(recent, opening.sign_in)
    QTimer.singleShot(0, opening.start)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    operator = dialog.operator
    remembered = [operator.username] + [u for u in recent if u != operator.username]
    layout.set_value(RECENT_USERS_KEY, remembered[:MAX_RECENT_USERS])
    return operator


def _main_window(database: Database, operator: Operator, data_dir: Path) -> MainWindow:
    from kehu_desktop.services.common.context import DeskContext
    from kehu_desktop.ui.main_window import MainWindow

    return MainWindow(DeskContext(database, operator), LayoutMemory(data_dir))


def create_main_window(
    data_dir: str | os.PathLike, username: str | None = None, db_url: str | None = None
) -> MainWindow:
    """The main window over ``data_dir`` with an operator signed in, without an event loop.

    Signs in ``username`` (or the first administrator). On an empty store it first creates the
    administrator ``admin`` with password ``admin``; for automated tests and scripts.
    """
    from kehu_desktop.services.common import operators

    ensure_application()
    database = _open_store(Path(data_dir), db_url)
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
    return _main_window(database, operator, Path(data_dir))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kehu-desktop", description="客户管家")
    parser.add_argument(
        "--data-dir", help="数据文件夹（默认：用户数据目录，或环境变量 KEHU_DATA_DIR）"
    )
    parser.add_argument("--db", help="数据库 URL，例如 postgresql+psycopg://user@host/kehu")
    args, qt_args = parser.parse_known_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.INFO)
    app = ensure_application([sys.argv[0], *qt_args])
    sys.excepthook = _report_unexpected
    try:
        data_dir = resolve_data_dir(args.data_dir)
    except OSError as error:
        QMessageBox.critical(None, "无法使用数据文件夹", f"数据文件夹不可用：\n{error}")
        return 1
    first_start = args.db is None and not (data_dir / DB_FILE_NAME).exists()
    opening = StoreOpening(data_dir, args.db)
    operator = _ask_operator(opening, LayoutMemory(data_dir), first_start)
    if operator is None:
        return 0
    window = _main_window(opening.database(), operator, data_dir)
    window.show()
    return app.exec()
