"""Visit plans, visit records and the follow-up actions they leave (拜访记录)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kehu_desktop.models.base import Base, Tracked, Versioned, VersionedPart
from kehu_desktop.models.customers import Contact, ImportantDate


class Visit(Versioned, Tracked, Base):
    """One contact with a customer (客户访问记录表); receptions are method 来访接待."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_customer_time", "customer_id", "visited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(index=True)
    method: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(8))
    contacts_met: Mapped[str] = mapped_column(String(200), default="")
    discussion: Mapped[str] = mapped_column(Text, default="")
    requests: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    next_visit_date: Mapped[date | None]
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)

    customer = relationship("Customer")
    staff = relationship("Staff", foreign_keys=[staff_id])
    actions: Mapped[list[FollowUpAction]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="FollowUpAction.id"
    )


class VisitPlan(Versioned, Tracked, Base):
    """A visit planned ahead (客户联络计划表); done becomes a Visit, or is marked missed."""

    __tablename__ = "visit_plans"
    # The today view reads the open plans up to today.
    __table_args__ = (Index("ix_visit_plans_status_date", "status", "planned_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    planned_date: Mapped[date] = mapped_column(index=True)
    purpose: Mapped[str] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(8), default="上门")
    status: Mapped[str] = mapped_column(String(4), default="计划")
    missed_reason: Mapped[str] = mapped_column(String(200), default="")
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    # Plans made together by 按频率生成计划 share a batch, so the batch can be undone.
    batch: Mapped[str | None] = mapped_column(String(32), index=True)

    customer = relationship("Customer")
    staff = relationship("Staff", foreign_keys=[staff_id])


class FollowUpAction(VersionedPart, Tracked, Base):
    """Something promised at a visit: who does it by when; open until ``done_on`` is set."""

    __tablename__ = "follow_up_actions"
    version_owner = ("visit", "visit_id")
    # The today view reads the open actions due by today.
    __table_args__ = (Index("ix_follow_up_actions_open", "done_on", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    due_date: Mapped[date | None] = mapped_column(index=True)
    done_on: Mapped[date | None]

    visit: Mapped[Visit] = relationship(back_populates="actions")
    owner = relationship("Staff", foreign_keys=[owner_id])


class LastVisit(Base):
    """The time of each customer's latest visit, kept by ``services.visit_plans``.

    Derived from ``visits`` (never edited by hand): it lets the today view find the customers
    due for a visit among 100,000 without looking up each one's latest visit.
    """

    __tablename__ = "last_visits"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    visited_at: Mapped[datetime]


# The today view looks birthdays and important dates up by day (services.today), which needs
# these indexes on the customer file's tables.
Index("ix_contacts_birthday", Contact.birthday)
Index("ix_important_dates_day", ImportantDate.day)
