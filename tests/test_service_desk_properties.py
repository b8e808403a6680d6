"""Random action sequences through the after-sales services keep the desk's invariants:
closed ⇒ revisited with a rating or the customer recorded unreachable; history times never go
back; the first-responsible person never changes; a refused step changes nothing."""

from __future__ import annotations

import itertools
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from kehu_desktop.models import ServiceEvent, ServiceRequest
from kehu_desktop.services.service_desk import feedback, lifecycle, registration, repair_orders
from kehu_desktop.services.service_desk.lifecycle import Action
from tests.helpers.cases import (
    CaseDesk,
    play_sequence,
    revisit_outcome,
    sequence_settings,
    step_sequences,
)
from tests.helpers.customers import make_customer
from tests.helpers.service_desk import REPAIR, register

START = datetime(2026, 6, 1, 9)


def _call(session, operator, request_id: int, action: Action, at: datetime, rated: bool):
    if action == Action.DISPATCH:
        lifecycle.dispatch(session, operator, request_id, mode="on_site", engineer_id=operator.id,
                           planned_date=at.date(), at=at)  # fmt: skip
    elif action == Action.REPAIR:
        repair_orders.record_repair(session, operator, request_id, REPAIR, at=at)
    elif action == Action.REVISIT:
        lifecycle.record_revisit(session, operator, request_id, at=at, **revisit_outcome(rated))
    elif action == Action.CLOSE:
        lifecycle.close(session, operator, request_id, at=at)
    elif action == Action.CANCEL:
        lifecycle.cancel(session, operator, request_id, "客户撤回", at=at)
    elif action == Action.HAND_OVER:
        lifecycle.hand_over(session, operator, request_id, reason="转交", department="品质",
                            at=at)  # fmt: skip
    elif action == Action.FEEDBACK:
        feedback.raise_feedback(session, operator, department="品质", problem="批次",
                                request_id=request_id, at=at)  # fmt: skip
    elif action == Action.EDIT:
        data = registration.load_registration(session, request_id)
        # A correction that changes something (two at the same minute must differ too).
        data.demand = f"要求 {at:%H:%M} 第 {next(EDITS)} 次"
        registration.update_registration(session, operator, request_id, data, at=at)
    else:
        lifecycle.add_note(session, operator, request_id, "跟进", at=at)


EDITS = itertools.count(1)
DESK = CaseDesk(ServiceRequest, ServiceEvent, "request_id", lifecycle.Status.CLOSED,
                lifecycle.refusal, _call)  # fmt: skip


@sequence_settings
@given(sequence=step_sequences(Action), urgency=st.sampled_from(("normal", "urgent", "critical")))
def test_random_sequences_keep_invariants(context, agent, supervisor, sequence, urgency):
    operators = {"admin": context.operator, "agent": agent, "supervisor": supervisor}
    customer = make_customer(context, "随机测试客户")
    request_id = register(context, customer, operator=agent, received_at=START, urgency=urgency)
    play_sequence(
        context, DESK, request_id, operators, sequence, START, agent.id, check=_desk_invariants
    )


def _desk_invariants(request: ServiceRequest) -> None:
    """Repaired once past 派工; the deadlines counted from the day received."""
    if request.status in ("processing", "revisited", "closed"):
        assert request.repair_order is not None and request.resolved_at is not None
    assert request.response_deadline >= date(2026, 6, 1)
