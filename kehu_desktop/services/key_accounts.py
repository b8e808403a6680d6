"""Key accounts (大客户)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from kehu_desktop.models import Customer, KeyAccount, Staff


@dataclass(frozen=True)
class KeyAccountRow:
    id: int
    customer: str
    level: str
    manager: str
    visit_interval_days: int
    designated_on: date


def list_key_accounts(session: Session) -> list[KeyAccountRow]:
    manager = aliased(Staff)
    query = (
        select(KeyAccount, Customer.name, manager.name)
        .join(Customer, Customer.id == KeyAccount.customer_id)
        .outerjoin(manager, manager.id == KeyAccount.manager_id)
        .where(KeyAccount.active)
        .order_by(Customer.code)
    )
    return [
        KeyAccountRow(k.id, customer, k.level, name or "", k.visit_interval_days, k.designated_on)
        for k, customer, name in session.execute(query)
    ]
