"""How many records the store holds, for the main window's status bar."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kehu_desktop.models import Complaint, KeyAccount, ServiceRequest, Visit
from kehu_desktop.services.customers import customer_files


@dataclass(frozen=True)
class RecordCounts:
    customers: int
    visits: int
    complaints: int
    key_accounts: int
    service_requests: int

    def describe(self) -> str:
        return (
            f"客户 {self.customers:,} · 拜访 {self.visits:,} · 投诉 {self.complaints:,} · "
            f"大客户 {self.key_accounts:,} · 售后服务 {self.service_requests:,}"
        )


def count_records(session: Session) -> RecordCounts:
    """Customers not archived, every visit, complaint and service request, active key
    accounts: the whole store, whatever the desks' lists happen to show."""

    def total(column: InstrumentedAttribute[int]) -> int:
        return session.scalar(select(func.count(column))) or 0

    return RecordCounts(
        customer_files.count(session),
        total(Visit.id),
        total(Complaint.id),
        session.scalar(select(func.count(KeyAccount.id)).where(KeyAccount.active)) or 0,
        total(ServiceRequest.id),
    )
