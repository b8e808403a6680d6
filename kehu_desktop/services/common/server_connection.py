"""Which PostgreSQL server this PC uses instead of the SQLite file in its data folder.

The choice is kept per PC in ``server.json`` in the data folder (host, port, database, login;
never the password). The password goes to the operating system's own credential store through
the ``keyring`` package (Windows Credential Manager, macOS Keychain, the Secret Service on
Linux): the OS protects it with the user's login, whereas anything this program could do to a
password in a file (encoding, a key shipped with the program) would only hide it from a casual
glance. A login that needs no password (``pgpass.conf``, trust on a closed office network) is
saved without one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from kehu_desktop.services.common.errors import UserError, ValidationError

CONNECTION_FILE = "server.json"
KEYRING_SERVICE = "KehuDesktop"
DEFAULT_PORT = 5432
DRIVER = "postgresql+psycopg"


@dataclass(frozen=True)
class ServerConnection:
    """Where the office's PostgreSQL store is, without the password."""

    host: str
    database: str = "kehu"
    username: str = "kehu"
    port: int = DEFAULT_PORT

    @property
    def key(self) -> str:
        """The name the password is kept under in the OS credential store."""
        return f"{self.username}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None = None) -> str:
        """The SQLAlchemy URL, with the password when one is given."""
        from sqlalchemy.engine import URL  # not at import: the app asks load() before SQLAlchemy

        url = URL.create(
            DRIVER,
            username=self.username,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
        )
        return url.render_as_string(hide_password=False)

    def validate(self) -> None:
        errors = {}
        if not self.host.strip():
            errors["host"] = "请填写服务器地址（计算机名或 IP 地址）。"
        if not self.database.strip():
            errors["database"] = "请填写数据库名称。"
        if not self.username.strip():
            errors["username"] = "请填写登录名。"
        if not 0 < self.port < 65536:
            errors["port"] = "端口应在 1 到 65535 之间（PostgreSQL 默认 5432）。"
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_url(cls, url: str) -> ServerConnection:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        return cls(
            host=parsed.host or "",
            database=parsed.database or "",
            username=parsed.username or "",
            port=parsed.port or DEFAULT_PORT,
        )


def load(data_dir: Path) -> ServerConnection | None:
    """The server this PC is pointed at, or None when it uses its own SQLite file."""
    path = data_dir / CONNECTION_FILE
    if not path.exists():
        return None
    try:
        return ServerConnection(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as error:
        raise UserError(
            f"数据库服务器设置文件 {path} 已损坏（{error}），请删除后重新设置。"
        ) from None


def save(data_dir: Path, connection: ServerConnection, password: str) -> None:
    """Point this PC at ``connection`` from the next start; the password goes to the keyring."""
    connection.validate()
    _store_password(connection, password)
    path = data_dir / CONNECTION_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(connection), ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def forget(data_dir: Path) -> None:
    """Back to the SQLite file in the data folder from the next start."""
    connection = load(data_dir)
    if connection is not None:
        _store_password(connection, "")
        (data_dir / CONNECTION_FILE).unlink()


def store_url(data_dir: Path) -> str | None:
    """The URL of the server this PC is pointed at, password included, or None."""
    connection = load(data_dir)
    if connection is None:
        return None
    return connection.url(stored_password(connection))


def check(connection: ServerConnection, password: str) -> str:
    """Connect once and return the server's version; raise UserError saying what is wrong."""
    connection.validate()
    try:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        engine = create_engine(
            connection.url(password), poolclass=NullPool, connect_args={"connect_timeout": 5}
        )
    except ModuleNotFoundError:
        raise UserError(
            "本机未安装 PostgreSQL 驱动 psycopg，请安装 kehu-desktop[postgres]。"
        ) from None
    try:
        with engine.connect() as db:
            return str(db.scalar(text("SHOW server_version")))
    except Exception as error:  # the driver's own message says what failed (host, login…)
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise UserError(f"无法连接到 {connection.key}：{reason}") from None
    finally:
        engine.dispose()


def stored_password(connection: ServerConnection) -> str | None:
    """The password kept for ``connection`` in the OS credential store, if any."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ModuleNotFoundError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, connection.key)
    except KeyringError:
        return None


def _store_password(connection: ServerConnection, password: str) -> None:
    try:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError
    except ModuleNotFoundError:
        if password:
            raise UserError(
                "本机没有安装 keyring，无法安全保存密码。请安装 kehu-desktop[postgres]，"
                "或把密码写入 PostgreSQL 的 pgpass 文件后不填密码。"
            ) from None
        return
    try:
        if password:
            keyring.set_password(KEYRING_SERVICE, connection.key, password)
        else:
            keyring.delete_password(KEYRING_SERVICE, connection.key)
    except PasswordDeleteError:
        pass  # nothing was stored: nothing to remove
    except KeyringError as error:
        if password:
            raise UserError(
                f"无法把密码存入系统凭据库（{error}）。可把密码写入 PostgreSQL 的 pgpass 文件，"
                "然后不填密码保存。"
            ) from None
