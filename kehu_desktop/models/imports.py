"""Batches of bulk changes (an import, a merge, the demo data) and what each one touched,
so that a batch can be shown as one entry in the audit trail and undone as a whole."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kehu_desktop.models.base import Base


class ImportBatch(Base):
    """One import, merge or demo load: who, when, from which file, and whether it was undone."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    # customers / visits / complaints / sales / merge / demo
    kind: Mapped[str] = mapped_column(String(12), index=True)
    source: Mapped[str] = mapped_column(String(260), default="")
    # When the batch was written; a record it touched and changed later is newer than this.
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    undone_at: Mapped[datetime | None]


class ImportBatchRecord(Base):
    """One record a batch created, updated, moved to another customer or deleted.

    ``before`` holds what undoing needs as JSON: the old values of an update or a move, the
    whole row of a deletion; empty for a creation.
    """

    __tablename__ = "import_batch_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(8))
    before: Mapped[str] = mapped_column(Text, default="")
