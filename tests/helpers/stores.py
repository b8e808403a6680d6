"""Fresh stores for tests on either database: SQLite files, or PostgreSQL databases.

``KEHU_TEST_DB=postgresql+psycopg://user@host:port/name`` runs the suite on that server: every
test gets its own database, copied from one migrated template (``CREATE DATABASE … TEMPLATE``
takes about a tenth of a second), and dropped afterwards. The data folder of a test is pointed
at its database exactly as 设置 → 数据库… points a PC at a server, so the window, the command
line and the services under test all find it the way they would in an office.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from kehu_desktop.services.common import server_connection

TEST_DB_ENV = "KEHU_TEST_DB"
TEST_DB = os.environ.get(TEST_DB_ENV, "")
ON_POSTGRESQL = TEST_DB.startswith("postgresql")


class MemoryKeyring(KeyringBackend):
    """The OS credential store, in memory: tests never read or write the real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class PostgresStores:
    """Creates and drops the per-test databases on the server named by ``KEHU_TEST_DB``."""

    def __init__(self, url: str) -> None:
        self._base: URL = make_url(url)
        self._prefix = f"{self._base.database or 'kehu_test'}_{os.getpid()}"
        self._counter = itertools.count(1)
        self._admin = create_engine(
            self._base.set(database="postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        self.template = f"{self._prefix}_template"
        self._created: list[str] = []
        self._previous: list[str] = []

    def url(self, name: str) -> str:
        return self._base.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str = "template0") -> str:
        """A new database, empty or copied from ``template``; returns its name."""
        name = f"{self._prefix}_{next(self._counter)}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self._created.append(name)
        return name

    def create_template(self) -> str:
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{self.template}" TEMPLATE template0'))
        return self.url(self.template)

    def end_test(self) -> None:
        """Drop the databases of the test before the one just ended.

        One test late: a window closed at the end of a test may still finish a read it had
        started, and must find its database. Dropping closes what tests left connected, so
        the server's connection limit is never reached.
        """
        self._drop(self._previous)
        self._previous, self._created = self._created, []

    def _drop(self, names: list[str]) -> None:
        with self._admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self._drop(self._previous + self._created)
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
        self._admin.dispose()

    def point(self, folder: Path, name: str) -> None:
        """Point the data folder at database ``name``, as 设置 → 数据库… does for a PC."""
        connection = server_connection.ServerConnection.from_url(self.url(name))
        server_connection.save(folder, connection, self._base.password or "")
