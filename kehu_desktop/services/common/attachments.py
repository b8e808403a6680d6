"""Photos and files kept with a record (a service request, a complaint, a customer's file).

The file's bytes are stored once per content in ``<data folder>/attachments/ab/abcdef….jpg``,
named by their SHA-256 (the same photo attached twice takes the room once); a row in the store
says which record it belongs to, its original name, who added it and when. Attachment rows are
only added, never changed, so editing a record can never lose one. The folder sits beside the
database, inside the data folder that backups and hand copies take whole.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Attachment, Complaint, Customer, ServiceRequest, Staff
from kehu_desktop.services.common import case_log
from kehu_desktop.services.common.errors import NotFoundError, UserError
from kehu_desktop.services.common.operators import Operator

FOLDER = "attachments"
MAX_BYTES = 20 * 1024 * 1024
OWNERS: dict[str, tuple[type, str]] = {
    "service_request": (ServiceRequest, "售后服务单"),
    "complaint": (Complaint, "投诉"),
    "customer": (Customer, "客户档案"),
}
# Leading bytes of the picture formats the window can show as thumbnails.
_IMAGE_MAGIC = {
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",),
    ".gif": (b"GIF87a", b"GIF89a"), ".bmp": (b"BM",), ".webp": (b"RIFF",),
}  # fmt: skip

case_log.protect(Attachment, deleted="附件只能追加，不能删除。", changed="附件只能追加，不能修改。")


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    file_name: str
    size: int
    is_image: bool
    added_at: datetime
    added_by: str
    path: Path

    @property
    def present(self) -> bool:
        return self.path.is_file()

    @property
    def size_text(self) -> str:
        if self.size < 1024:
            return f"{self.size} B"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.0f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


def folder(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def stored_path(data_dir: Path, sha256: str, file_name: str) -> Path:
    """Where the content lives; the original suffix is kept so the system viewer opens it."""
    suffix = Path(file_name).suffix.lower()[:10]
    return folder(data_dir) / sha256[:2] / f"{sha256}{suffix}"


def _read(source: Path) -> bytes:
    name = source.name
    if source.is_dir():
        raise UserError(f"“{name}”是文件夹，请选择文件。")
    try:
        size = source.stat().st_size
        if size > MAX_BYTES:
            raise UserError(
                f"文件“{name}”有 {size / 1024 / 1024:.1f} MB，超过了 "
                f"{MAX_BYTES // 1024 // 1024} MB 的上限。请压缩或缩小后再添加。"
            )
        data = source.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到文件“{source}”。") from None
    except OSError as error:
        raise UserError(f"无法读取文件“{name}”：{error.strerror or error}。") from None
    if not data:
        raise UserError(f"文件“{name}”是空的。")
    return data


def _is_image(name: str, data: bytes) -> bool:
    """Whether a picture; a file named as one whose content is not is refused as unreadable."""
    magic = _IMAGE_MAGIC.get(Path(name).suffix.lower())
    if magic is None:
        return False
    if not data.startswith(magic):
        raise UserError(f"“{name}”不是可以识别的图片（文件可能已损坏，或扩展名不对）。")
    return True


def _write_once(target: Path, data: bytes) -> None:
    """Write the content unless it is already there, through a temporary file so a crash
    never leaves half a file under the final name."""
    if target.is_file() and target.stat().st_size == len(data):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check_owner(session: Session, owner_kind: str, owner_id: int) -> None:
    if owner_kind not in OWNERS:
        raise UserError(f"不能给“{owner_kind}”添加附件。")
    model, what = OWNERS[owner_kind]
    if session.get(model, owner_id) is None:
        raise NotFoundError(f"找不到该{what}。")


def add(
    session: Session,
    data_dir: Path,
    operator: Operator,
    owner_kind: str,
    owner_id: int,
    source: Path,
    *,
    at: datetime | None = None,
) -> int:
    """Keep a copy of ``source`` with the record; returns the attachment's id."""
    _check_owner(session, owner_kind, owner_id)
    source = Path(source)
    data = _read(source)
    is_image = _is_image(source.name, data)
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        _write_once(stored_path(data_dir, sha256, source.name), data)
    except OSError as error:
        raise UserError(f"无法保存附件到数据文件夹：{error.strerror or error}。") from None
    row = Attachment(
        owner_kind=owner_kind, owner_id=owner_id, sha256=sha256, file_name=source.name[:200],
        size=len(data), is_image=is_image, added_at=at or datetime.now(),
        added_by_id=operator.id,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def list_for(
    session: Session, data_dir: Path, owner_kind: str, owner_id: int
) -> list[AttachmentRow]:
    """The record's attachments, oldest first, each with where its content is."""
    query = (
        select(Attachment, Staff.name)
        .outerjoin(Staff, Staff.id == Attachment.added_by_id)
        .where(Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id)
        .order_by(Attachment.added_at, Attachment.id)
    )
    return [
        AttachmentRow(
            a.id,
            a.file_name,
            a.size,
            a.is_image,
            a.added_at,
            name or "",
            stored_path(data_dir, a.sha256, a.file_name),
        )  # fmt: skip
        for a, name in session.execute(query)
    ]


def count_for(session: Session, owner_kind: str, owner_id: int) -> int:
    query = select(Attachment.id).where(
        Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id
    )
    return len(session.scalars(query).all())
