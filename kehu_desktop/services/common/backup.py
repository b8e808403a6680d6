"""Verified backups: made by themselves, kept by generation, optionally under a password.

A backup is one .zip archive: the store copied by SQLite's online backup and checked with
``integrity_check``, the data folder's ``attachments/`` if there is one, and a manifest (date,
schema version, record counts; no customer data) in the archive comment, readable without the
password. With a password the files are AES-256 encrypted (WinZip AES, via pyzipper: the
standard library's zipfile cannot write encrypted archives, and legacy ZipCrypto is broken).

Automatic backups are made on the first start of a day and at exit and are pruned by
generation (newest per day, per week, per month); manual and safety backups are never pruned.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import tempfile
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pyzipper
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kehu_desktop import __version__
from kehu_desktop.services.common import audit, store_files
from kehu_desktop.services.common.data_location import DB_FILE_NAME
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.settings import SettingSpec

if TYPE_CHECKING:
    from kehu_desktop.services.common.database import Database
    from kehu_desktop.services.common.operators import Operator

log = logging.getLogger(__name__)

FOLDER = SettingSpec("backup.folder", "", "备份文件夹（空：数据文件夹下的 backups）")
GENERATIONS = SettingSpec(
    "backup.generations", {"daily": 7, "weekly": 4, "monthly": 12}, "自动备份保留代数"
)
STALE_DAYS = SettingSpec("backup.stale_days", 2, "超过几天没有成功备份时提醒")
# Kept in the store itself: whoever can read the store can read the data anyway; the password
# protects the copies that leave the PC (a USB stick, a network share).
PASSWORD = SettingSpec("backup.password", "", "备份密码")

ATTACHMENTS = "attachments"
ARCHIVE_PREFIX = "kehu-"
KINDS = {"auto": "自动", "manual": "手动", "before-restore": "恢复前", "before-upgrade": "升级前"}
COUNTED_TABLES = {
    "customers": "客户",
    "contacts": "联系人",
    "visits": "拜访",
    "complaints": "投诉",
    "key_accounts": "大客户",
    "audit_log": "审计记录",
}


class BackupFolderError(UserError):
    """The backup folder cannot be reached or written (USB stick out, share offline)."""


class BackupPasswordError(UserError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    """One backup as listed for restore: when, how big, which schema, how many records."""

    path: Path
    created: datetime
    kind: str
    size: int
    schema: str | None
    counts: dict[str, int] = field(default_factory=dict)
    encrypted: bool = False
    dumped_by_server: bool = False  # PostgreSQL's pg_dump file, not a verified archive

    def headline(self) -> str:
        """What was done, and where the backup is."""
        done = "已用 pg_dump 备份" if self.dumped_by_server else "已备份并验证"
        return f"{done}：{self.path}"

    def describe(self) -> str:
        counts = "，".join(f"{COUNTED_TABLES[k]} {v}" for k, v in self.counts.items())
        lock = "，有密码" if self.encrypted else ""
        return (
            f"{self.created:%Y-%m-%d %H:%M}  {KINDS.get(self.kind, self.kind)}  "
            f"{self.size / 1024 / 1024:.1f} MB  结构版本 {self.schema or '?'}{lock}  {counts}"
        )


@dataclass(frozen=True)
class BackupStatus:
    """What the window warns about: no recent good backup, or a folder it cannot reach."""

    folder: Path
    reachable: bool
    last_good: datetime | None
    stale_days: int

    @property
    def warning(self) -> str | None:
        if not self.reachable:
            return f"备份文件夹 {self.folder} 无法访问（U 盘或网络共享是否已连接？），没有备份。"
        if self.last_good is None:
            return f"还没有任何备份。备份文件夹：{self.folder}"
        age = datetime.now() - self.last_good
        if age > timedelta(days=self.stale_days):
            return (
                f"最近一次成功备份是 {self.last_good:%Y-%m-%d %H:%M}，"
                f"已超过 {self.stale_days} 天。请检查备份文件夹 {self.folder}。"
            )
        return None


@dataclass(frozen=True)
class BackupPlan:
    """What 设置 → 备份设置… edits; ``folder`` empty means ``backups`` in the data folder."""

    folder: str
    daily: int
    weekly: int
    monthly: int
    stale_days: int
    password: str


def load_plan(session: Session) -> BackupPlan:
    generations = {**GENERATIONS.default, **GENERATIONS.get(session)}
    return BackupPlan(
        FOLDER.get(session),
        int(generations["daily"]),
        int(generations["weekly"]),
        int(generations["monthly"]),
        int(STALE_DAYS.get(session)),
        PASSWORD.get(session),
    )


def save_plan(session: Session, acting: Operator, plan: BackupPlan, confirm: str) -> None:
    """Administrators only. The folder must be usable now (it is created if missing)."""
    acting.require_admin()
    errors = {}
    folder = plan.folder.strip()
    if folder:
        path = Path(folder)
        if not path.is_absolute():
            errors["folder"] = "请填写完整的文件夹路径（如 E:\\客户管家备份），或留空使用默认位置。"
        else:
            try:
                path.mkdir(parents=True, exist_ok=True)
                probe = path / ".kehu-write-test"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as error:
                errors["folder"] = f"无法写入该文件夹：{error.strerror or error}"
    for key, value, low, high, label in (
        ("daily", plan.daily, 1, 365, "每日备份"),
        ("weekly", plan.weekly, 0, 104, "每周备份"),
        ("monthly", plan.monthly, 0, 120, "每月备份"),
        ("stale_days", plan.stale_days, 1, 60, "提醒天数"),
    ):
        if not low <= value <= high:
            errors[key] = f"{label}应在 {low} 到 {high} 之间。"
    if plan.password != confirm:
        errors["confirm"] = "两次输入的备份密码不一致。"
    if errors:
        raise ValidationError(errors)
    FOLDER.put(session, folder)
    GENERATIONS.put(session, {"daily": plan.daily, "weekly": plan.weekly, "monthly": plan.monthly})
    STALE_DAYS.put(session, plan.stale_days)
    PASSWORD.put(session, plan.password)


def default_folder(database: Database) -> Path:
    """Where backups go when no folder is chosen: ``backups`` in the data folder."""
    store = database.file_path
    return (database.data_dir or (store.parent if store else Path())) / "backups"


def store_counts(store: Path) -> tuple[str | None, dict[str, int]]:
    """The schema revision and record counts of a SQLite file, read without changing it."""
    with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        schema = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            schema = row[0] if row else None
        counts = {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in COUNTED_TABLES
            if table in tables
        }
    return schema, counts


def write_backup(
    store: Path, folder: Path, kind: str, password: str = "", now: datetime | None = None
) -> BackupInfo:
    """Copy ``store`` (and the ``attachments/`` beside it) into a verified archive in ``folder``."""
    now = now or datetime.now()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupFolderError(f"无法使用备份文件夹 {folder}：{error.strerror or error}") from None
    stem = f"{ARCHIVE_PREFIX}{now:%Y%m%d-%H%M%S}-{kind}"
    target = folder / f"{stem}.zip"
    taken = 1
    while target.exists():  # two backups within one second keep both
        taken += 1
        target = folder / f"{stem}-{taken}.zip"
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="kehu-backup-") as scratch:
        copy = store_files.copy_verified(store, Path(scratch) / DB_FILE_NAME)
        schema, counts = store_counts(copy)
        manifest = {
            "program": "kehu-desktop",
            "version": __version__,
            "created": now.isoformat(),
            "kind": kind,
            "schema": schema,
            "counts": counts,
            "encrypted": bool(password),
        }
        try:
            _write_archive(partial, copy, store.parent / ATTACHMENTS, manifest, password)
            _verify_archive(partial, password)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise BackupFolderError(
                f"无法写入备份文件夹 {folder}：{error.strerror or error}"
            ) from None
    log.info("backup written: %s (%s)", target, kind)
    return BackupInfo(target, now, kind, target.stat().st_size, schema, counts, bool(password))


def _write_archive(
    target: Path, copy: Path, attachments: Path, manifest: dict, password: str
) -> None:
    encryption = pyzipper.WZ_AES if password else None
    with pyzipper.AESZipFile(
        target, "w", compression=pyzipper.ZIP_DEFLATED, encryption=encryption
    ) as archive:
        if password:
            archive.setpassword(password.encode())
        archive.comment = json.dumps(manifest, ensure_ascii=False).encode()
        archive.write(copy, DB_FILE_NAME)
        if attachments.is_dir():
            for path in sorted(attachments.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{ATTACHMENTS}/{path.relative_to(attachments).as_posix()}")


def _verify_archive(path: Path, password: str) -> None:
    """Every file read back and its checksum compared; raises if the archive is unsound."""
    with open_archive(path, password) as archive:
        bad = archive.testzip()
    if bad is not None:
        raise store_files.DamagedCopyError(f"备份文件 {path.name} 中的 {bad} 校验失败。")


def open_archive(path: Path, password: str = "") -> pyzipper.AESZipFile:
    """A backup archive opened for reading; a wrong or missing password is a clear error."""
    try:
        archive = pyzipper.AESZipFile(path)
    except (OSError, pyzipper.BadZipFile) as error:
        raise UserError(f"{path.name} 不是有效的备份文件：{error}") from None
    encrypted = any(info.flag_bits & 0x1 for info in archive.infolist())
    if encrypted:
        if not password:
            archive.close()
            raise BackupPasswordError(f"备份 {path.name} 有密码保护，请输入备份密码。")
        archive.setpassword(password.encode())
        try:
            archive.read(DB_FILE_NAME, pwd=password.encode())
        except RuntimeError:
            archive.close()
            raise BackupPasswordError(f"备份 {path.name} 的密码不正确。") from None
    return archive


def read_info(path: Path) -> BackupInfo:
    """What a backup holds, from its manifest (an archive) or the file itself (a bare copy)."""
    size = path.stat().st_size
    if path.suffix == ".sqlite3":
        schema, counts = store_counts(path)
        kind = "before-upgrade" if "-before-" in path.name else "manual"
        created = datetime.fromtimestamp(path.stat().st_mtime)
        return BackupInfo(path, created, kind, size, schema, counts)
    try:
        with pyzipper.AESZipFile(path) as archive:
            manifest = json.loads(archive.comment.decode() or "{}")
    except (OSError, pyzipper.BadZipFile, ValueError) as error:
        raise UserError(f"{path.name} 不是有效的备份文件：{error}") from None
    return BackupInfo(
        path,
        datetime.fromisoformat(manifest["created"]),
        manifest.get("kind", "manual"),
        size,
        manifest.get("schema"),
        manifest.get("counts", {}),
        bool(manifest.get("encrypted")),
    )


def list_backups(folder: Path) -> list[BackupInfo]:
    """Every readable backup in ``folder``, newest first; unreadable files are skipped."""
    found = []
    for path in [*folder.glob(f"{ARCHIVE_PREFIX}*.zip"), *folder.glob("*.sqlite3")]:
        try:
            found.append(read_info(path))
        except (UserError, OSError, sqlite3.DatabaseError, KeyError) as error:
            log.warning("skipping unreadable backup %s: %s", path, error)
    return sorted(found, key=lambda info: info.created, reverse=True)


def generations_kept(times: Iterable[datetime], daily: int, weekly: int, monthly: int) -> set:
    """Which backups rotation keeps: the newest of each of the last ``daily`` days that have
    one, of the last ``weekly`` ISO weeks, and of the last ``monthly`` months."""
    newest_first = sorted(times, reverse=True)
    kept: set[datetime] = set()
    for limit, bucket in (
        (daily, lambda t: t.date()),
        (weekly, lambda t: t.isocalendar()[:2]),
        (monthly, lambda t: (t.year, t.month)),
    ):
        seen: set = set()
        for moment in newest_first:
            key = bucket(moment)
            if key not in seen and len(seen) < limit:
                seen.add(key)
                kept.add(moment)
    return kept


def rotate(folder: Path, generations: dict[str, int]) -> list[Path]:
    """Delete automatic backups that fall out of every generation; returns what went."""
    automatic = [info for info in list_backups(folder) if info.kind == "auto"]
    kept = generations_kept(
        (info.created for info in automatic),
        generations.get("daily", 7),
        generations.get("weekly", 4),
        generations.get("monthly", 12),
    )
    removed = []
    for info in automatic:
        if info.created not in kept:
            info.path.unlink(missing_ok=True)
            removed.append(info.path)
    return removed


def status(folder: Path, stale_days: int) -> BackupStatus:
    try:
        reachable = folder.is_dir() or not folder.exists() and folder.parent.is_dir()
        backups = list_backups(folder) if folder.is_dir() else []
    except OSError:
        reachable, backups = False, []
    last = max((b.created for b in backups if b.path.suffix == ".zip"), default=None)
    return BackupStatus(folder, reachable, last, stale_days)


def made_today(folder: Path, today: date | None = None) -> bool:
    """Whether today's automatic backup exists (so a later start the same day skips it)."""
    today = today or date.today()
    try:
        return any(b.kind == "auto" and b.created.date() == today for b in list_backups(folder))
    except OSError:
        return False


def back_up(
    database: Database,
    kind: str = "manual",
    folder: Path | None = None,
    password: str | None = None,
) -> BackupInfo:
    """Back the store up now, to ``folder`` or the chosen one, with its password or the set one.

    Automatic backups are rotated afterwards. Every backup is audited.
    """
    settings = settings_of(database)
    folder = folder or settings.folder
    store = database.file_path
    if store is None:
        info = _dump_server(database, folder, kind)
    else:
        password = settings.password if password is None else password
        with database.reader() as session:
            generations = GENERATIONS.get(session)
        info = write_backup(store, folder, kind, password)
        if kind == "auto":
            rotate(folder, generations)
    with database.session() as session:
        audit.record_event(
            session,
            session.info.get(audit.OPERATOR_KEY),
            "备份",
            audit.STORE,
            None,
            {"类型": KINDS[kind], "文件": str(info.path)},
        )
    return info


def _dump_server(database: Database, folder: Path, kind: str) -> BackupInfo:
    """PostgreSQL: the server's own dump (``pg_dump``, custom format: ``pg_restore`` reads it
    back on a server). Not an archive of this program, so not encrypted and not rotated."""
    now = datetime.now()
    with database.reader() as session:
        counts = {
            table: session.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0
            for table in COUNTED_TABLES
        }
    path = database.pg_dump(folder, kind)
    size, schema = path.stat().st_size, database.current_revision()
    return BackupInfo(path, now, kind, size, schema, counts, dumped_by_server=True)


@dataclass(frozen=True)
class BackupSettings:
    folder: Path
    stale_days: int
    password: str


def settings_of(database: Database) -> BackupSettings:
    """The backup settings; the defaults if the store cannot be read (it may be damaged)."""
    default = default_folder(database)
    if database.file_path is not None and not database.file_path.exists():
        return BackupSettings(default, STALE_DAYS.default, "")  # not created by asking
    try:
        with database.reader() as session:
            chosen = FOLDER.get(session)
            return BackupSettings(
                Path(chosen) if chosen else default,
                int(STALE_DAYS.get(session)),
                PASSWORD.get(session),
            )
    except (DBAPIError, sqlite3.Error) as error:
        log.warning("backup settings unreadable, defaults used: %s", error)
        return BackupSettings(default, STALE_DAYS.default, "")
