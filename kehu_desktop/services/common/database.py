"""Opening the store: where it lives, the SQLite settings, migrations and the pre-upgrade copy.

The store is the SQLite file in the data folder, or a PostgreSQL database: given as ``--db URL``
or saved for this PC under 设置 → 数据库… (``server_connection``).
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, Select, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from kehu_desktop.migrations import SCHEMA_HEAD
from kehu_desktop.services.common import audit, server_connection, store_files, versions
from kehu_desktop.services.common.data_location import DB_FILE_NAME, resolve_data_dir
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.complaints import event_chain  # noqa: F401  (seals new events)
from kehu_desktop.services.customers import match_keys, search

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
log = logging.getLogger(__name__)


class NewerStoreError(UserError):
    """The store was written by a newer version of the program: it is not opened at all."""

    def __init__(self, found: str, head: str) -> None:
        super().__init__(
            f"这个数据库来自更新版本的客户管家（结构版本 {found}），本程序只认识到 {head}。"
            "为免损坏数据，没有打开它。请安装最新版本后再打开；数据库没有任何改动。"
        )


class UpgradeFailedError(UserError):
    """A migration failed; the store is back as it was before the attempt."""

    def __init__(self, current: str | None, head: str, copy: Path | None) -> None:
        where = f"升级前的副本保存在 {copy}。" if copy else ""
        super().__init__(
            f"数据库升级失败（结构版本 {current or '空'} → {head}），已恢复为升级前的状态，"
            f"数据没有改变。{where}请把日志文件发给技术支持。"
        )


# Execution option marking a connection that will write: on SQLite its transaction starts with
# BEGIN IMMEDIATE, taking the single write lock at once (waiting on the busy timeout while
# another desk holds it). A deferred transaction that read first and wrote later would instead
# fail at once with "database is locked" whenever another desk committed in between.
WRITER = "kehu_writer"


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin) instead of the driver's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: a record the window reported saved survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    # A writer waits for the write lock rather than refusing the save: each desk holds it for
    # one short transaction, but SQLite's waiting is not first-come first-served, and on a
    # busy PC with eight desks saving, a wait of more than 5 s was seen.
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(WRITER, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgresql_session(dbapi_connection: Any, _record: object) -> None:
    # psycopg prepares a statement run five times on a connection, and the server then plans
    # it once for any parameters: a search for 138 and one for 0755-8 share a plan, which
    # for one of them read 8,000 customers instead of stopping at the first screenful (24 ms
    # of server CPU per phone search instead of 4). Planning each execution costs a fraction
    # of a millisecond; the search and list queries depend on their parameters.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    dbapi_connection.commit()


def head_revision() -> str:
    return SCHEMA_HEAD


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def refuse_newer(revision: str) -> None:
    """Raise ``NewerStoreError`` unless this program's migrations know ``revision``."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_alembic_config())
    if revision not in {script.revision for script in scripts.walk_revisions()}:
        raise NewerStoreError(revision, head_revision())


class Database:
    """One store: its engine and the sessions services open on it.

    A session carries the signed-in operator in ``session.info`` so the audit listener can
    stamp every change with who made it.
    """

    def __init__(self, url: str, data_dir: Path | None = None) -> None:
        self.url = url
        self.data_dir = data_dir
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.is_postgresql = parsed.get_backend_name() == "postgresql"
        connect_args = {"check_same_thread": False} if self.is_sqlite else {}
        # hide_parameters: error messages (and so the log and bug reports) carry no customer data;
        # pre_ping: a server restarted overnight must not cost the first save of the morning.
        self.engine: Engine = create_engine(
            url,
            connect_args=connect_args,
            hide_parameters=True,
            pool_pre_ping=not self.is_sqlite,
        )
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        elif self.is_postgresql:
            event.listen(self.engine, "connect", _postgresql_session)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(
            self.engine.execution_options(**{WRITER: True}), expire_on_commit=False
        )
        self.operator_id: int | None = None

    @property
    def file_path(self) -> Path | None:
        database = make_url(self.url).database
        return Path(database) if self.is_sqlite and database else None

    @property
    def location(self) -> str:
        """Where the data lives, as shown in the status bar."""
        if self.file_path:
            return str(self.file_path)
        return make_url(self.url).set(password=None).render_as_string()  # never the password

    @contextmanager
    def session(self, operator_id: int | None = None) -> Iterator[Session]:
        """A short unit of work, committed on success and rolled back on any error.

        Changes are stamped with ``operator_id``, else with the store's default operator. On
        SQLite the transaction holds the write lock from its first statement, so what it reads
        (a version, a status, a counter) cannot change before it writes.
        """
        with self._writers() as session:
            session.info[audit.OPERATOR_KEY] = operator_id or self.operator_id
            try:
                with session.begin():
                    yield session
            except StaleDataError as error:
                # Only when a record was changed between ``versions.claim`` and the flush,
                # which the lock taken there rules out; said plainly all the same.
                raise versions.StaleRecordError(
                    "该记录刚被其他用户修改，本次未保存。请重新载入后再改。"
                ) from error

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A session for reading only; nothing it does is committed."""
        with self._sessions() as session:
            yield session

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.scalar(text("SELECT version_num FROM alembic_version"))

    def upgrade(self) -> Path | None:
        """Bring the schema to head safely; returns the verified pre-upgrade copy, if made.

        A SQLite store that holds data is first copied and the copy checked; if a migration
        fails, that copy is put back, so nothing half-migrated stays (SQLite commits DDL as
        it goes). On PostgreSQL the migration's transaction is rolled back instead. A store
        written by a newer version is refused before anything touches it.
        """
        current = self.current_revision()
        head = head_revision()
        copy = None
        if current != head:
            from alembic import command  # loaded only when there is something to upgrade

            if current is not None:
                refuse_newer(current)
                copy = self._copy_before_upgrade(current, head)
            config = _alembic_config()
            try:
                with self.engine.connect() as connection, self._foreign_keys_deferred(connection):
                    with connection.begin():
                        config.attributes["connection"] = connection
                        command.upgrade(config, "head")
            except Exception as error:
                log.exception("schema upgrade %s -> %s failed", current, head)
                self._undo_failed_upgrade(copy)
                raise UpgradeFailedError(current, head, copy) from error
        with self.engine.begin() as connection:
            search.ensure_tables(connection)
        return copy

    @contextmanager
    def _foreign_keys_deferred(self, connection: Connection) -> Iterator[None]:
        """Foreign keys unchecked while migrating, then checked over the whole file.

        A SQLite migration that changes a table rebuilds it (copy, drop, rename); dropping a
        table others refer to (staff, customers) fails while foreign keys are enforced. The
        setting cannot change inside a transaction, so it is switched on the bare connection.
        """
        if not self.is_sqlite:
            yield
            return
        raw = connection.connection.driver_connection
        assert raw is not None  # None only once a connection is invalidated; this one is in use
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            yield
            broken = raw.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"升级后有 {len(broken)} 条记录的关联失效：{broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")

    def _copy_before_upgrade(self, current: str, head: str) -> Path | None:
        """One verified copy per upgrade step: a retry after a failure replaces it."""
        source = self.file_path
        if source is None or not source.exists():
            return None
        target = source.parent / "backups" / f"{source.stem}-before-{head}-from-{current}.sqlite3"
        return store_files.copy_verified(source, target)

    def _undo_failed_upgrade(self, copy: Path | None) -> None:
        self.engine.dispose()
        if copy is not None and self.file_path is not None:
            restored = copy.with_name(copy.name + ".restoring")
            shutil.copyfile(copy, restored)
            store_files.put_in_place(restored, self.file_path)

    def pg_dump(self, folder: Path, label: str) -> Path:
        """PostgreSQL: a ``pg_dump`` custom-format copy in ``folder``, when pg_dump is
        installed on this PC (else UserError saying how to back up on the server)."""
        url = make_url(self.url)
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise UserError(
                "本机找不到 PostgreSQL 的 pg_dump。请在数据库服务器上备份：\n"
                f"pg_dump -Fc -h {url.host or 'localhost'} -U {url.username} "
                f"-f kehu-备份.dump {url.database}"
            )
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{url.database}-{datetime.now():%Y%m%d-%H%M%S}-{label}.dump"
        libpq_url = url.set(drivername="postgresql", password=None)
        environment = dict(os.environ)
        if url.password:
            environment["PGPASSWORD"] = url.password
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--file={target}", libpq_url.render_as_string()],
            env=environment,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            target.unlink(missing_ok=True)
            raise UserError(f"pg_dump 备份失败：{done.stderr.strip()}")
        return target

    def server_version(self) -> str:
        """The database server's name and version, e.g. ``PostgreSQL 15.18``."""
        with self.engine.connect():  # the dialect learns the version on the first connection
            info = self.engine.dialect.server_version_info or ()
        version = ".".join(str(part) for part in info)
        return f"{'PostgreSQL' if self.is_postgresql else self.engine.dialect.name} {version}"

    def optimize(self) -> None:
        """Refresh the query planner's statistics (after bulk loads, and on closing).

        Without them SQLite may walk a whole index in list order instead of looking up the
        few hundred customers a search found.
        """
        if self.is_sqlite:
            with self.engine.begin() as connection:
                connection.exec_driver_sql("PRAGMA analysis_limit=1000")
                connection.exec_driver_sql("ANALYZE")
        elif self.is_postgresql:
            # VACUUM cannot run in a transaction; it also clears what bulk updates left behind.
            with self.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.exec_driver_sql("VACUUM ANALYZE")

    def dispose(self) -> None:
        """Close the store's connections. SQLite first moves the write-ahead log into the file,
        so the .sqlite3 file alone holds every save (a user copying just that file loses
        nothing); a desk still reading elsewhere only makes the move partial."""
        if self.file_path is not None and self.file_path.exists():  # never create the file
            try:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except DBAPIError:
                pass  # busy or gone: SQLite checkpoints again when the last connection closes
        self.engine.dispose()


def sync_sequences(connection: Connection) -> None:
    """Move PostgreSQL's id sequences past the highest id of every table.

    Rows inserted with explicit ids (demo data, a copied store) do not advance a sequence;
    without this the next ordinary insert would collide with them. SQLite needs nothing.
    """
    if connection.dialect.name != "postgresql":
        return
    from kehu_desktop.models import Base

    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce(max(id), 0) + 1, false) FROM {table.name}"
                )
            )


def first_column(session: Session, statement: Select) -> list:
    """The first column of every row, read straight from the DB-API cursor.

    For long id lists: building SQLAlchemy Row objects costs about a microsecond each, and the
    customer list reads up to 100,000 ids on every refresh. Values are not type-processed, so
    use it for plain integer or text columns only.
    """
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    named = compiled.construct_params()
    params = (
        named
        if compiled.positiontup is None
        else tuple(named[name] for name in compiled.positiontup)
    )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()


def locate_database(data_dir: str | os.PathLike | None = None, url: str | None = None) -> Database:
    """The store, neither created nor migrated: for checking or restoring it as it is.

    ``url`` selects another database (e.g. PostgreSQL); otherwise the server this PC is pointed
    at, else the SQLite file in the data folder.
    """
    folder = resolve_data_dir(data_dir)
    url = url or server_connection.store_url(folder) or f"sqlite:///{folder / DB_FILE_NAME}"
    return Database(url, folder)


def open_database(data_dir: str | os.PathLike | None = None, url: str | None = None) -> Database:
    """Open (creating if need be) and migrate the store.

    ``url`` selects another database (e.g. PostgreSQL); otherwise the server this PC is
    pointed at, else the SQLite file in the data folder.
    """
    database = locate_database(data_dir, url)
    try:
        database.upgrade()
    except BaseException:
        database.dispose()
        raise
    return database


audit.install()
versions.install()
match_keys.install()
