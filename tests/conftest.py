"""Shared fixtures: each test gets its own store, built by the code the app uses.

``KEHU_TEST_DB=postgresql+psycopg://…`` runs every test on PostgreSQL instead of SQLite (see
``tests/helpers/stores.py``); tests of what only SQLite has are marked ``sqlite_only(reason=…)``.
"""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402

from kehu_desktop.models import Role  # noqa: E402
from kehu_desktop.services.common import operators  # noqa: E402
from kehu_desktop.services.common.context import DeskContext  # noqa: E402
from kehu_desktop.services.common.database import DB_FILE_NAME, Database, open_database  # noqa: E402
from tests.helpers.stores import ON_POSTGRESQL, TEST_DB, MemoryKeyring, PostgresStores  # noqa: E402

ADMIN_PASSWORD = "admin-pass"


@pytest.fixture(autouse=True)
def no_unanswered_message_boxes(monkeypatch):
    """A message box nobody answers would hang the whole run: fail the test instead.

    A test that expects a box patches the one it expects (after this, so it wins).
    """
    from PySide6.QtWidgets import QMessageBox

    def refuse(*args, **_kwargs):
        texts = " / ".join(a for a in args if isinstance(a, str))
        raise AssertionError(f"unexpected message box: {texts}")

    for name in ("warning", "critical", "information", "question", "about", "exec"):
        monkeypatch.setattr(QMessageBox, name, refuse)


@pytest.fixture(autouse=True)
def no_log_file_left_behind():
    """A command run in a test logs to its own data folder; the next test starts without."""
    from kehu_desktop.services.common import log_file

    yield
    log_file.uninstall()


@pytest.fixture(autouse=True)
def python_collects_its_own_garbage():
    """A test that starts the app (``app.main``) leaves Python's collector as it found it."""
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing():
    """Argon2 at its lowest cost: the tests check the rules, not the hash's strength."""
    original = operators._hasher
    operators._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    operators._hasher = original


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, skip what only SQLite has, saying what (the marker's reason)."""
    if not ON_POSTGRESQL:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason", "file, WAL, FTS, pragmas")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only ({reason})"))


@pytest.fixture(autouse=True, scope="session")
def memory_keyring():
    """Passwords saved by the code under test stay in memory, never in this PC's keyring."""
    original = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(original)


@pytest.fixture(scope="session")
def postgres_stores(memory_keyring):
    """The per-test databases on the server of ``KEHU_TEST_DB`` (None on SQLite)."""
    if not ON_POSTGRESQL:
        yield None
        return
    stores = PostgresStores(TEST_DB)
    open_database(url=stores.create_template()).dispose()
    yield stores
    stores.close()


@pytest.fixture(autouse=True)
def drop_test_databases(postgres_stores):
    yield
    if postgres_stores is not None:
        # Work a test's window started in the background finishes against its database, not
        # a dropped one whose failure would surface in the next test.
        operations = sys.modules.get("kehu_desktop.ui.common.operations")
        if operations is not None:
            operations.wait_for_running()
        postgres_stores.end_test()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, postgres_stores):
    """One store migrated to head; each test starts from a copy instead of migrating again."""
    if postgres_stores is not None:
        return None
    folder = tmp_path_factory.mktemp("template")
    open_database(folder).dispose()
    return folder / DB_FILE_NAME


@pytest.fixture
def store_folder(tmp_path, postgres_stores):
    """Makes data folders for tests that build a store themselves: ``store_folder("new")``.

    On SQLite the folder is empty (the store is created in it); on PostgreSQL it is pointed at
    a new, empty database.
    """

    def make(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir(parents=True)
        if postgres_stores is not None:
            postgres_stores.point(folder, postgres_stores.create())
        return folder

    return make


@pytest.fixture
def empty_store_url(tmp_path, postgres_stores):
    """Makes URLs of new, empty stores: a PostgreSQL database, or an SQLite file."""
    made = iter(range(1, 1000))

    def make() -> str:
        if postgres_stores is not None:
            return postgres_stores.url(postgres_stores.create())
        return f"sqlite:///{tmp_path / f'store-{next(made)}.sqlite3'}"

    return make


@pytest.fixture
def data_dir(tmp_path, migrated_template, postgres_stores):
    folder = tmp_path / "data"
    folder.mkdir()
    if postgres_stores is not None:
        postgres_stores.point(folder, postgres_stores.create(postgres_stores.template))
    else:
        shutil.copy(migrated_template, folder / DB_FILE_NAME)
    return folder


@pytest.fixture
def database(data_dir) -> Database:
    db = open_database(data_dir)
    yield db
    db.dispose()


@pytest.fixture
def admin(database) -> operators.Operator:
    with database.session() as session:
        return operators.create_first_admin(session, "admin", "系统管理员", ADMIN_PASSWORD)


@pytest.fixture
def agent(database, admin) -> operators.Operator:
    with database.session() as session:
        return operators.create_staff(session, "zhangli", "张丽", Role.AGENT, "agent-pass")


@pytest.fixture
def supervisor(database, admin) -> operators.Operator:
    with database.session() as session:
        return operators.create_staff(session, "wangqiang", "王强", Role.SUPERVISOR, "super-pass")


@pytest.fixture
def context(database, admin) -> DeskContext:
    return DeskContext(database, admin)


@pytest.fixture
def main_window(qtbot, data_dir):
    from kehu_desktop.app import create_main_window
    from kehu_desktop.ui.common.operations import wait_for_running

    window = create_main_window(data_dir)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    wait_for_running()  # the first desk is chosen (a new store opens on the customer list)
    yield window
    window.close()
