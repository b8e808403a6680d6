"""The audit log and the key/value settings store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kehu_desktop.models.base import Base, Tracked, Versioned


class AuditEntry(Base):
    """One create, update or delete (or a sign-in, backup, restore): who, when, which record,
    old → new values (JSON). Append-only, chained by hash."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(8))
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int | None]
    # The key of a record whose key is not a number (a setting's "firm.name").
    record_key: Mapped[str | None] = mapped_column(String(60))
    changes: Mapped[str] = mapped_column(Text, default="{}")
    # SHA-256 over this entry and the previous entry's hash (services.common.sealing).
    entry_hash: Mapped[str] = mapped_column(String(64), default="")
    # The import or merge this change was part of, so the whole batch reads as one.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"), index=True)


class Setting(Versioned, Tracked, Base):
    """A business setting shared by every desk (JSON value); declared in services.settings."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
