"""Making complaints in tests through the services the window uses."""

from __future__ import annotations

from datetime import datetime

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.complaints import lifecycle, registration
from kehu_desktop.services.complaints.lifecycle import HandlingInput, Status
from kehu_desktop.services.complaints.registration import RegistrationInput
from tests.helpers.cases import step_through

HANDLING = HandlingInput(
    department="品质", cause="来料批次划伤", measures="加强出货检验", result="换货",
    exchange_quantity="20", exchange_amount="1200.50",
)  # fmt: skip


def register(
    context: DeskContext, customer_id: int, operator: Operator | None = None, **values
) -> int:
    values.setdefault("description", "外观划伤")
    with context.session() as session:
        data = RegistrationInput(customer_id=customer_id, **values)
        return registration.register(session, operator or context.operator, data)


def advance(
    context: DeskContext,
    complaint_id: int,
    to: Status,
    operator: Operator | None = None,
    *,
    start: datetime | None = None,
    satisfaction: str = "满意",
    handling: HandlingInput = HANDLING,
) -> None:
    """Drive a complaint step by step up to ``to`` (one hour apart from ``start`` if given)."""
    who = operator or context.operator
    steps = [
        (Status.INVESTIGATING, lambda s, at: lifecycle.investigate(s, who, complaint_id, at=at)),
        (Status.HANDLING, lambda s, at: lifecycle.handle(s, who, complaint_id, handling, at=at)),
        (Status.REPLIED, lambda s, at: lifecycle.reply(s, who, complaint_id, "已换货", at=at)),
        (Status.REVISITED, lambda s, at: lifecycle.record_revisit(
            s, who, complaint_id, satisfaction=satisfaction, at=at)),
        (Status.CLOSED, lambda s, at: lifecycle.close(s, who, complaint_id, at=at)),
    ]  # fmt: skip
    step_through(context, steps, to, start)
