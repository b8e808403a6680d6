"""Making sales, key accounts and visits for the key-account tests."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from kehu_desktop.models import SalesRecord, Visit
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.key_accounts import designation


def add_sales(context: DeskContext, customer_id: int, amounts: dict[str, str]) -> None:
    """``{"2026-10": "1000.00", …}`` as that customer's monthly sales."""
    with context.session() as session:
        for month, amount in amounts.items():
            year, number = (int(p) for p in month.split("-"))
            session.add(
                SalesRecord(
                    customer_id=customer_id,
                    month=date(year, number, 1),
                    amount=Decimal(amount),
                    quantity=Decimal(1),
                )
            )


def make_key_account(
    context: DeskContext,
    approver: Operator,
    customer_id: int,
    *,
    level: str = "重点",
    interval: int = 30,
    today: date | None = None,
) -> int:
    """Propose and approve; returns the card's id."""
    with context.session() as session:
        proposal = designation.propose(session, context.operator, customer_id, "年采购额大")
        return designation.approve(
            session,
            approver,
            proposal,
            level=level,
            manager_id=approver.id,
            visit_interval_days=interval,
            today=today,
        )


def add_visit(context: DeskContext, customer_id: int, day: date) -> None:
    with context.session() as session:
        session.add(
            Visit(
                customer_id=customer_id,
                staff_id=context.operator.id,
                visited_at=datetime.combine(day, datetime.min.time()).replace(hour=10),
                method="上门",
                purpose="例行",
                result="客户满意",
            )
        )
