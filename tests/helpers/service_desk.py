"""Making products and service requests in tests through the services the window uses."""

from __future__ import annotations

from datetime import date, datetime

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.service_desk import lifecycle, products, registration, repair_orders
from kehu_desktop.services.service_desk.lifecycle import Status
from kehu_desktop.services.service_desk.registration import RequestInput
from kehu_desktop.services.service_desk.repair_orders import PartInput, RepairInput
from tests.helpers.cases import step_through

REPAIR = RepairInput(
    diagnosis="主板电容鼓包", cause="电源浪涌", result="repaired",
    parts=[PartInput("电容 470uF", "2", "3.50"), PartInput("保险丝", "1", "1.20")],
    labour_hours="1.5", labour_cost="80",
)  # fmt: skip


def make_product(
    context: DeskContext, code: str = "P-01", name: str = "控制器", months: int = 12
) -> int:
    with context.session() as session:
        return products.save_product(
            session, products.ProductInput(code=code, name=name, model="K7", warranty_months=months)
        )


def register(
    context: DeskContext, customer_id: int, operator: Operator | None = None, **values
) -> int:
    values.setdefault("fault", "无法开机")
    with context.session() as session:
        data = RequestInput(customer_id=customer_id, **values)
        return registration.register(session, operator or context.operator, data)


def advance(
    context: DeskContext,
    request_id: int,
    to: Status,
    operator: Operator | None = None,
    *,
    start: datetime | None = None,
    satisfaction: str | None = "满意",
    repair: RepairInput = REPAIR,
    engineer_id: int | None = None,
    planned: date | None = None,
) -> None:
    """Drive a request step by step up to ``to`` (one hour apart from ``start`` if given)."""
    who = operator or context.operator
    engineer = engineer_id or who.id

    def dispatch(s, at):
        day = planned or (at or datetime.now()).date()
        lifecycle.dispatch(
            s, who, request_id, mode="on_site", engineer_id=engineer, planned_date=day, at=at
        )

    steps = [
        (Status.DISPATCHED, dispatch),
        (Status.PROCESSING, lambda s, at: repair_orders.record_repair(
            s, who, request_id, repair, at=at)),
        (Status.REVISITED, lambda s, at: lifecycle.record_revisit(
            s, who, request_id, satisfaction=satisfaction,
            unreachable_reason="" if satisfaction else "电话无人接听", at=at)),
        (Status.CLOSED, lambda s, at: lifecycle.close(s, who, request_id, at=at)),
    ]  # fmt: skip
    step_through(context, steps, to, start)
