"""Visit records (拜访记录)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Customer, Staff, Visit


@dataclass(frozen=True)
class VisitRow:
    id: int
    visited_at: datetime
    customer: str
    staff: str
    method: str
    purpose: str
    result: str


def list_visits(session: Session, limit: int = 2000) -> list[VisitRow]:
    """The latest visits, newest first."""
    query = (
        select(Visit, Customer.name, Staff.name)
        .join(Customer, Customer.id == Visit.customer_id)
        .join(Staff, Staff.id == Visit.staff_id)
        .order_by(Visit.visited_at.desc())
        .limit(limit)
    )
    return [
        VisitRow(v.id, v.visited_at, customer, staff, v.method, v.purpose, v.result)
        for v, customer, staff in session.execute(query)
    ]
