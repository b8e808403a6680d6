"""Starting the window: the data folder, the operator, the store, the main window.

The sign-in dialog appears at once; the store opens (and migrates) on a worker thread while
the operator types, so the heavy imports (SQLAlchemy, the desks) are not paid before the
first window shows.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from kehu_desktop.services.common import log_file, network_drive, server_connection
from kehu_desktop.services.common.data_location import DB_FILE_NAME, resolve_data_dir
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.ui.admin.sign_in_dialog import FirstAdminDialog, SignInDialog
from kehu_desktop.ui.common.fonts import install_chinese_font
from kehu_desktop.ui.common.garbage_collection import FullCollections
from kehu_desktop.ui.common.layout_memory import LayoutMemory, PcSetting
from kehu_desktop.ui.common.qt_types import ClassMaker
from kehu_desktop.ui.common.wheel_guard import install_wheel_guard

if TYPE_CHECKING:
    from kehu_desktop.services.common.database import Database
    from kehu_desktop.services.common.operators import Operator, SignIn
    from kehu_desktop.services.common.restore import RestoreResult
    from kehu_desktop.ui.main_window import MainWindow

DEFAULT_TEST_PASSWORD = "admin"
RECENT_USERNAMES = PcSetting("sign_in/recent_usernames", [], "最近在本机登录的登录名，最新在前")
MAX_RECENT_USERS = 10


_translators: list[QTranslator] = []


class _DeskWording(QTranslator):
    """The desk's own words where Qt's Chinese differs from what the app says elsewhere: the
    unsaved-changes question offers 保存 / 放弃 / 取消 (Qt's translation says 丢弃)."""

    WORDS = {("QPlatformTheme", "Discard"): "放弃"}

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return self.WORDS.get((context, source))  # None: not ours, the next translator speaks

    def isEmpty(self) -> bool:
        return False


def _install_qt_translation(app: QApplication) -> None:
    """Qt's own texts in Chinese: 保存/取消/是/否 on standard buttons, not Save/Cancel/Yes/No."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
    ):
        app.installTranslator(translator)
        _translators.append(translator)
    wording = _DeskWording(app)  # installed last, asked first
    app.installTranslator(wording)
    _translators.append(wording)


# How long a worker thread may keep Python's interpreter lock while the GUI thread waits for it.
# Each time the GUI thread comes back from Qt into Python (a model's data(), a slot) it must take
# the lock again, and a scheduler trace of the scripted day (benchmarks/bench_day.py) shows each
# such wait lasting the whole interval. At Python's default of 5 ms a worker reading a long list
# made painting one table wait a tenth of a second or more; at 1 ms the GUI thread still waited
# 0.76 s in all over the day, in 719 waits. At 0.1 ms the longest stalls fell by about a fifth.
# At 0.05 ms the longest stalls of ten scripted days were 45–84 ms, against 52–148 ms at
# 0.1 ms. Workers lose little: a switch only happens while another thread asks for the lock.
GIL_SWITCH_INTERVAL_S = 0.00005


def ensure_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if existing is None:
        # Qt's raster painting hands a fill of many spans (a table's grid, a selected row) to
        # a thread pool of its own and waits for it. With the store's work on the other core
        # of an office PC, the window waited for those threads to be scheduled: 1,800 such
        # waits in the scripted day. Qt's switch (read when the pool is first wanted) keeps
        # painting on the GUI thread.
        os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    app = existing or QApplication(argv or sys.argv[:1])
    if existing is None or not _translators:
        app.setApplicationName("客户管家")
        app.setOrganizationName("Kehu")
        install_chinese_font(app)
        install_wheel_guard(app)
        _install_qt_translation(app)
        sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
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


def _prepare_window(data_dir: Path, url: str | None) -> Database:
    """Open the store, import the main window's modules (the desks, their dialogs and the
    print dialog with the form renderers) and set up the ORM mappers while the operator
    types: signing in then only builds the window, and the first Ctrl+P does not wait for
    ReportLab and openpyxl."""
    from sqlalchemy.orm import configure_mappers

    from kehu_desktop.forms import definition
    from kehu_desktop.services.common import working_days
    from kehu_desktop.services.customers import pinyin_initials

    with making_long_lived_objects():
        database = _open_store(data_dir, url)
        import kehu_desktop.ui.main_window  # noqa: F401
        import kehu_desktop.ui.printing.print_dialog  # noqa: F401

        configure_mappers()  # else paid by the first query after signing in (0.1 s and more)
        # Loaded here, while the operator types, rather than by the first save (pypinyin's
        # dictionaries) or the first complaint deadline (the holiday tables): together half a
        # second of work the window would otherwise wait for.
        pinyin_initials.sort_key("客户管家")
        working_days.library_year(date.today().year)
        definition.builtin_definitions()  # else parsed when 打印 first opens (40 ms and more)
    return database


@contextmanager
def making_long_lived_objects() -> Iterator[None]:
    """Make what stays for the whole run (modules, the ORM's mappings, pypinyin's
    dictionaries, the main window) with the cyclic garbage collector paused, then set it aside
    from the collector. A full collection walks every object Python tracks while holding the
    interpreter lock; with these among them one took 0.1–0.4 s on a large store and froze the
    window, whichever thread set it off. What is made later is collected as usual; objects set
    aside are still freed once no longer referenced (only a cycle among them would stay)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


class StoreOpening:
    """The store, opened on a worker thread once ``start()`` is called; ``database()`` waits.

    Started only after the sign-in dialog is on screen: the imports it runs hold Python's
    GIL and would otherwise delay the first window.
    """

    def __init__(self, data_dir: Path, url: str | None) -> None:
        self._data_dir, self._url = data_dir, url
        self._future: Future | None = None
        self._starting = threading.Lock()
        # Whether the operator who just signed in must replace a default password.
        self.must_change_password = False
        # Their password, while its stored hash is to be remade at today's cost.
        self.rehash_password: str | None = None

    def start(self) -> None:
        # Called by the GUI thread's timer and by a sign-in on a worker, whichever comes first.
        with self._starting:
            if self._future is None:
                executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="open-store")
                self._future = executor.submit(_prepare_window, self._data_dir, self._url)
                executor.shutdown(wait=False)

    def opened(self) -> bool:
        """Whether the store has been opened (or failed to open): ``database()`` won't wait."""
        return self._future is not None and self._future.done()

    def database(self) -> Database:
        self.start()
        try:
            return self._future.result()
        except UserError:  # a newer store, a failed upgrade put back: said as it is
            raise
        except Exception as error:  # shown in the dialog; the user may cancel or retry later
            from kehu_desktop.services.common import db_errors

            logging.getLogger("kehu_desktop").error("opening the store failed", exc_info=error)
            advice = db_errors.message(error) or f"无法打开数据库：{error}"
            if db_errors.classify(error) is db_errors.Problem.CORRUPT:
                advice += "\n数据库打不开时，请在命令行用 kehu-admin restore 恢复备份。"
            raise UserError(advice) from error

    def sign_in(self, username: str, password: str) -> Operator:
        outcome = sign_in(self.database(), username, password)
        self.must_change_password = outcome.must_change_password
        self.rehash_password = password if outcome.needs_rehash else None
        assert outcome.operator is not None
        return outcome.operator

    def create_first_admin(self, username: str, name: str, password: str, confirm: str) -> Operator:
        from kehu_desktop.services.common import operators

        with self.database().session() as session:
            return operators.create_first_admin(session, username, name, password, confirm)

    def has_staff(self) -> bool:
        from kehu_desktop.services.common import operators

        with self.database().reader() as session:
            return operators.has_staff(session)


def sign_in(database: Database, username: str, password: str) -> SignIn:
    """A successful sign-in (the operator, whether their password must be changed now, whether
    its hash is to be remade); a refusal raises UserError after the failed attempt has been
    counted and audited (committed)."""
    from kehu_desktop.services.common import operators

    with database.session() as session:
        outcome = operators.attempt_sign_in(session, username, password)
    if outcome.operator is None:
        raise UserError(outcome.refusal)
    return outcome


def rehash_when_ready(window: MainWindow, password: str) -> None:
    """Once the window shows its first rows, store the operator's password hashed at today's
    cost (their hash was made at an older one); a failure is only logged, as the old hash
    still works."""
    from kehu_desktop.services.common import operators

    database, staff_id = window.ops.context.database, window.ops.operator.id

    def rehash(_progress: object) -> bool:
        with database.session() as session:
            return operators.rehash_password(session, staff_id, password)

    def start() -> None:
        window.ops.run(
            window,
            rehash,
            lambda _done: None,
            failure=lambda error: logging.getLogger("kehu_desktop").warning(
                "password rehash failed: %s", error
            ),
        )

    window.ready.connect(start)


def remember_username(layout: LayoutMemory, username: str) -> None:
    recent = layout.get(RECENT_USERNAMES)
    layout.put(
        RECENT_USERNAMES, [username, *(u for u in recent if u != username)][:MAX_RECENT_USERS]
    )


def _ask_operator(
    opening: StoreOpening, layout: LayoutMemory, first_start: bool
) -> Operator | None:
    recent = layout.get(RECENT_USERNAMES)
    if not first_start and not recent:
        # Nobody has signed in on this PC yet: is there anyone at all? (Names are not offered:
        # the list shows only the names used on this PC.)
        try:
            first_start = not opening.has_staff()
        except UserError:
            pass
    if first_start:
        dialog: SignInDialog | FirstAdminDialog = FirstAdminDialog(opening.create_first_admin)
    else:
        dialog = SignInDialog(recent, opening.sign_in)
    QTimer.singleShot(0, opening.start)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.operator is None:
        return None
    operator = dialog.operator
    if not first_start and opening.must_change_password:
        if not _change_default_password(opening.database(), operator):
            return None
    remember_username(layout, operator.username)
    return operator


def _change_default_password(database: Database, operator: Operator, parent=None) -> bool:
    """The first sign-in with a default password: a new one, or no sign-in."""
    from kehu_desktop.services.common.context import DeskContext
    from kehu_desktop.ui.admin.password_dialog import ChangePasswordDialog
    from kehu_desktop.ui.common.operations import Operations

    dialog = ChangePasswordDialog(Operations(DeskContext(database, operator)), True, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _main_window(
    database: Database,
    operator: Operator,
    data_dir: Path,
    auto_backup: bool = False,
    desks_later: bool = False,
) -> MainWindow:
    from kehu_desktop.services.common.context import DeskContext
    from kehu_desktop.ui.main_window import MainWindow

    window = MainWindow(
        DeskContext(database, operator),
        LayoutMemory(data_dir),
        auto_backup=auto_backup,
        desks_later=desks_later,
    )
    window.switch_user_requested.connect(lambda: _switch_user(window, database, data_dir))
    window.restored.connect(lambda result: _reopen_restored(window, result, data_dir, auto_backup))
    _windows.add(window)
    window.destroyed.connect(lambda _o=None: _windows.discard(window))
    return window


# Main windows alive (a switch of user opens a new one before the old one closes).
_windows: set[MainWindow] = set()


def _switch_user(window: MainWindow, database: Database, data_dir: Path) -> None:
    """切换用户: someone signs in over the open window, which is replaced by theirs."""
    layout = LayoutMemory(data_dir)
    outcomes: list[tuple[SignIn, str]] = []

    def sign_in_here(username: str, password: str) -> Operator:
        outcome = sign_in(database, username, password)
        outcomes.append((outcome, password))
        assert outcome.operator is not None
        return outcome.operator

    dialog = SignInDialog(layout.get(RECENT_USERNAMES), sign_in_here, window)

    def signed_in() -> None:
        operator = dialog.operator
        if operator is None:
            return
        outcome, password = outcomes[-1]
        if outcome.must_change_password:
            if not _change_default_password(database, operator, window):
                window.switch_abandoned()
                return
        successor = _main_window(database, operator, data_dir, window.auto_backup)
        if outcome.needs_rehash and not outcome.must_change_password:
            rehash_when_ready(successor, password)
        remember_username(layout, operator.username)
        successor.show()
        window.close()  # the store stays open for the successor

    dialog.accepted.connect(signed_in)
    dialog.rejected.connect(window.switch_abandoned)
    dialog.open()


def _reopen_restored(
    window: MainWindow, result: RestoreResult, data_dir: Path, auto_backup: bool
) -> None:
    """After 恢复备份: a window on the restored store replaces the one on the old data."""
    successor = _main_window(result.database, result.operator, data_dir, auto_backup)
    successor.show()
    successor.check_store_health()
    window.close()
    QMessageBox.information(successor, "恢复完成", result.describe())


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
            operators.create_first_admin(
                session, "admin", "系统管理员", DEFAULT_TEST_PASSWORD, default_password=True
            )
        if username is None:
            operator = operators.first_admin(session)
        else:
            operator = next(
                operators.operator_by_id(session, row.id)
                for row in operators.list_staff(session)
                if row.username == username
            )
    return _main_window(database, operator, Path(data_dir))


def warn_if_network_folder(data_dir: Path) -> bool:
    """Warn (once per start) that a SQLite file on a network share is not safe to share."""
    if not network_drive.is_network_folder(data_dir):
        return False
    QMessageBox.warning(
        None, "数据文件夹在网络驱动器上", network_drive.WARNING.format(folder=data_dir)
    )
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kehu-desktop", description="客户管家")
    parser.add_argument(
        "--data-dir", help="数据文件夹（默认：用户数据目录，或环境变量 KEHU_DATA_DIR）"
    )
    parser.add_argument("--db", help="数据库 URL，例如 postgresql+psycopg://user@host/kehu")
    args, qt_args = parser.parse_known_args(argv if argv is not None else sys.argv[1:])
    app = ensure_application([sys.argv[0], *qt_args])
    sys.excepthook = _report_unexpected
    FullCollections.install(app)
    try:
        data_dir = resolve_data_dir(args.data_dir)
    except OSError as error:
        QMessageBox.critical(None, "无法使用数据文件夹", f"数据文件夹不可用：\n{error}")
        return 1
    # The Windows build has no console: the log file is where errors go.
    log_file.install(data_dir, "kehu-desktop")
    uses_own_file = args.db is None and not (data_dir / server_connection.CONNECTION_FILE).exists()
    if uses_own_file:
        warn_if_network_folder(data_dir)
    first_start = uses_own_file and not (data_dir / DB_FILE_NAME).exists()
    opening = StoreOpening(data_dir, args.db)
    ClassMaker(opening.opened, app)  # while the operator types
    operator = _ask_operator(opening, LayoutMemory(data_dir), first_start)
    if operator is None:
        return 0
    with making_long_lived_objects():
        window = _main_window(
            opening.database(), operator, data_dir, auto_backup=True, desks_later=True
        )
    if opening.rehash_password is not None and not opening.must_change_password:
        rehash_when_ready(window, opening.rehash_password)
    opening.rehash_password = None
    # The day's first backup and the notices wait for the first rows.
    window.ready.connect(window.start_store_duties)
    # What the first desk read to show them (the SQL it compiled, its rows) is set aside too.
    window.ready.connect(gc.freeze)
    window.show()
    return app.exec()
