"""The after-sales service desk (售后服务): products and warranty, purchases, service requests
with their append-only history, repair orders and their parts, feedback to the factory."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kehu_desktop.models.base import Base, Quantity, Tracked


class Product(Tracked, Base):
    """A product or model the firm sells, with its warranty period."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(60), default="")
    warranty_months: Mapped[int] = mapped_column(default=12)
    active: Mapped[bool] = mapped_column(default=True)


class Purchase(Tracked, Base):
    """A customer's purchase of a product: what the warranty is counted from."""

    __tablename__ = "purchases"
    __table_args__ = (Index("ix_purchases_product_serial", "product_id", "serial_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    serial_no: Mapped[str] = mapped_column(String(60), default="")
    purchased_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(200), default="")

    product: Mapped[Product] = relationship()


class ServiceRequest(Tracked, Base):
    """One request with the fields of 售后服务登记表; status and steps are stable codes."""

    __tablename__ = "service_requests"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        # Periods are read by received time; the columns after it let the KPI report (and
        # its count per customer) read a period from the index alone, never the wide rows.
        Index(
            "ix_service_requests_period",
            "received_at",
            "customer_id",
            "status",
            "engineer_id",
            "product_id",
            "dispatched_at",
            "response_deadline",
            "resolved_at",
            "deadline",
            "satisfaction",
            "closed_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    received_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(8))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    purchase_id: Mapped[int | None] = mapped_column(ForeignKey("purchases.id"))
    serial_no: Mapped[str] = mapped_column(String(60), default="")
    fault: Mapped[str] = mapped_column(Text)
    demand: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(8), default="normal")
    # Worked out from the purchase on the day received: in / expired / unknown.
    warranty: Mapped[str] = mapped_column(String(8), default="unknown")
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    first_responsible_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    response_deadline: Mapped[date]
    deadline: Mapped[date]
    status: Mapped[str] = mapped_column(String(12), default="registered", index=True)
    # 派工
    mode: Mapped[str] = mapped_column(String(8), default="")
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    planned_date: Mapped[date | None] = mapped_column(index=True)
    dispatched_at: Mapped[datetime | None]
    # 处理: when the repair order was first recorded
    resolved_at: Mapped[datetime | None]
    # 回访 and 结案
    satisfaction: Mapped[str] = mapped_column(String(8), default="")
    revisited_at: Mapped[datetime | None]
    unreachable_reason: Mapped[str] = mapped_column(String(200), default="")
    closed_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")

    customer = relationship("Customer")
    product: Mapped[Product | None] = relationship()
    first_responsible = relationship("Staff", foreign_keys=[first_responsible_id])
    engineer = relationship("Staff", foreign_keys=[engineer_id])
    events: Mapped[list[ServiceEvent]] = relationship(
        back_populates="request", order_by="ServiceEvent.id"
    )
    repair_order: Mapped[RepairOrder | None] = relationship(back_populates="request")


class ServiceEvent(Base):
    """One step in a service request's life. Rows are only ever added."""

    __tablename__ = "service_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str] = mapped_column(String(12), default="")
    to_status: Mapped[str] = mapped_column(String(12), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    handover_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    handover_department: Mapped[str] = mapped_column(String(8), default="")

    request: Mapped[ServiceRequest] = relationship(back_populates="events")
    actor = relationship("Staff", foreign_keys=[actor_id])


class RepairOrder(Tracked, Base):
    """产品维修报告单: one per request, corrected while the request is 处理."""

    __tablename__ = "repair_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), unique=True)
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    repaired_at: Mapped[datetime] = mapped_column(index=True)
    diagnosis: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text, default="")
    labour_hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    labour_cost: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    charged: Mapped[bool] = mapped_column(default=False)
    charge_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    result: Mapped[str] = mapped_column(String(12))
    # Σ quantity × unit cost of the parts, kept with the order when it is saved (the report
    # sums it over tens of thousands of orders).
    parts_cost: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    # The earlier order on the same unit within the repeat window, when this is a 返修.
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("repair_orders.id"), index=True)
    # Set when a later 返修 names this order: it did not fix the unit for good.
    repeated: Mapped[bool] = mapped_column(default=False)

    request: Mapped[ServiceRequest] = relationship(back_populates="repair_order")
    parts: Mapped[list[RepairPart]] = relationship(
        back_populates="order", order_by="RepairPart.id", cascade="all, delete-orphan"
    )


class RepairPart(Base):
    __tablename__ = "repair_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("repair_orders.id"), index=True)
    part: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_cost: Mapped[Decimal]

    order: Mapped[RepairOrder] = relationship(back_populates="parts")


class FactoryFeedback(Tracked, Base):
    """售后服务信息反馈表: a quality problem found in service, sent to a department."""

    __tablename__ = "factory_feedback"
    __table_args__ = (UniqueConstraint("year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    raised_at: Mapped[datetime] = mapped_column(index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    department: Mapped[str] = mapped_column(String(8))
    problem: Mapped[str] = mapped_column(Text)
    reply_deadline: Mapped[date]
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None]


class Attachment(Base):
    """A photo or file kept with a record, stored once per content in the data folder's
    ``attachments/`` (named by its SHA-256). Rows are only ever added."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_kind", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    is_image: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime]
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
