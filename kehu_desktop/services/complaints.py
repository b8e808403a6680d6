"""Complaints (客户投诉)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint, Customer, Staff


@dataclass(frozen=True)
class ComplaintRow:
    id: int
    number: str
    received_at: datetime
    customer: str
    category: str
    severity: str
    status: str
    first_responsible: str
    deadline: date


def list_complaints(session: Session, limit: int = 2000) -> list[ComplaintRow]:
    """The latest complaints, newest first."""
    query = (
        select(Complaint, Customer.name, Staff.name)
        .join(Customer, Customer.id == Complaint.customer_id)
        .join(Staff, Staff.id == Complaint.first_responsible_id)
        .order_by(Complaint.received_at.desc())
        .limit(limit)
    )
    return [
        ComplaintRow(
            c.id,
            c.number,
            c.received_at,
            customer,
            c.category,
            c.severity,
            c.status,
            staff,
            c.deadline,
        )  # fmt: skip
        for c, customer, staff in session.execute(query)
    ]
