"""Making visits, plans and complaints ready for a revisit, through the desk's services."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from kehu_desktop.models import Customer, KeyAccount
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.complaints import lifecycle, registration
from kehu_desktop.services.visits import visit_records

# Saving a visit refuses times after "now"; tests pass this as "now" so fixed dates work.
LATER = datetime(2030, 1, 1)


def make_visit(
    context: DeskContext,
    customer_id: int,
    when: datetime | str,
    *,
    actions: list[dict[str, str]] | None = None,
    plan_id: int | None = None,
    **values: str,
) -> int:
    """A visit by the context's operator; ``values`` override the form's fields."""
    with context.session() as session:
        data = visit_records.new_input(session, context.operator, customer_id, plan_id=plan_id)
        stamp = when if isinstance(when, str) else when.strftime("%Y-%m-%d %H:%M")
        data.values.update({"visited_at": stamp, "result": "谈了下季度订单", **values})
        data.actions = actions or []
        return visit_records.save_visit(session, context.operator, data, now=LATER)


def set_customer(context: DeskContext, customer_id: int, **values: object) -> None:
    """Set columns the customer form does not (created_at, abc_class) directly."""
    with context.session() as session:
        session.execute(update(Customer).where(Customer.id == customer_id).values(**values))


def make_key_account(
    context: DeskContext, customer_id: int, interval: int, active: bool = True
) -> None:
    with context.session() as session:
        session.add(
            KeyAccount(
                customer_id=customer_id,
                level="重点",
                visit_interval_days=interval,
                active=active,
                designated_on=date(2026, 1, 1),
            )  # fmt: skip
        )


def make_replied_complaint(context: DeskContext, customer_id: int) -> int:
    """A complaint taken through 登记 → 调查 → 处理 → 答复, waiting for its revisit."""
    operator = context.operator
    with context.session() as session:
        complaint_id = registration.register(
            session,
            operator,
            registration.RegistrationInput(
                customer_id=customer_id, description="外箱压损", category="包装运输"
            ),
        )
        lifecycle.investigate(session, operator, complaint_id, "查运输记录")
        lifecycle.handle(
            session,
            operator,
            complaint_id,
            lifecycle.HandlingInput(
                department="仓储", cause="堆码过高", measures="改进包装", result="换货"
            ),  # fmt: skip
        )
        lifecycle.reply(session, operator, complaint_id, "已换货并改进包装")
    return complaint_id
