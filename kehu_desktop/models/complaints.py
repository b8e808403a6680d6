"""Complaints (客户投诉) and their append-only event log."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kehu_desktop.models.base import Base, Quantity, Tracked, Versioned, VersionedPart


class Complaint(Versioned, Tracked, Base):
    """One complaint with the fields of 客户投诉登记表 and 客户投诉处理表."""

    __tablename__ = "complaints"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(8))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    product: Mapped[str] = mapped_column(String(100), default="")
    batch_no: Mapped[str] = mapped_column(String(40), default="")
    order_no: Mapped[str] = mapped_column(String(40), default="")
    category: Mapped[str] = mapped_column(String(8))
    severity: Mapped[str] = mapped_column(String(4), default="一般")
    description: Mapped[str] = mapped_column(Text)
    demand: Mapped[str] = mapped_column(Text, default="")
    first_responsible_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    deadline: Mapped[date]
    status: Mapped[str] = mapped_column(String(4), default="登记", index=True)
    # Escalation of 重大/特殊 complaints to the 主管 role.
    escalated: Mapped[bool] = mapped_column(default=False)
    escalation_acknowledged_at: Mapped[datetime | None]
    # Handling (客户投诉处理表)
    department: Mapped[str] = mapped_column(String(8), default="")
    cause: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    department_opinion: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(8), default="")
    return_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    return_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    exchange_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    exchange_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    claim_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    # Reply, revisit, close
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None]
    satisfaction: Mapped[str] = mapped_column(String(8), default="")
    revisited_at: Mapped[datetime | None]
    unreachable_reason: Mapped[str] = mapped_column(String(200), default="")
    closed_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")

    customer = relationship("Customer")
    first_responsible = relationship("Staff", foreign_keys=[first_responsible_id])
    handler = relationship("Staff", foreign_keys=[handler_id])
    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id"
    )


class ComplaintEvent(VersionedPart, Base):
    """One step in a complaint's life. Rows are only ever added, never changed or removed."""

    __tablename__ = "complaint_events"
    version_owner = ("complaint", "complaint_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(8))
    from_status: Mapped[str] = mapped_column(String(4), default="")
    to_status: Mapped[str] = mapped_column(String(4), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    handover_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    handover_department: Mapped[str] = mapped_column(String(8), default="")
    # SHA-256 over this event and the complaint's previous event (services.common.sealing).
    chain_hash: Mapped[str] = mapped_column(String(64), default="")

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    actor = relationship("Staff", foreign_keys=[actor_id])
