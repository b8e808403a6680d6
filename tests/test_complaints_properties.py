"""Random action sequences through the complaint service keep its invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kehu_desktop.models import Complaint, ComplaintEvent
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.complaints import choices, lifecycle, registration
from kehu_desktop.services.complaints.lifecycle import Action
from tests.helpers.complaints import HANDLING, register
from tests.helpers.customers import make_customer

START = datetime(2026, 6, 1, 9)


def _call(session, operator, complaint_id: int, action: Action, at: datetime, rated: bool):
    if action == Action.INVESTIGATE:
        lifecycle.investigate(session, operator, complaint_id, at=at)
    elif action == Action.HANDLE:
        lifecycle.handle(session, operator, complaint_id, HANDLING, at=at)
    elif action == Action.REPLY:
        lifecycle.reply(session, operator, complaint_id, "已处理", at=at)
    elif action == Action.REVISIT:
        lifecycle.record_revisit(
            session, operator, complaint_id, at=at,
            satisfaction="满意" if rated else None, unreachable_reason="" if rated else "空号",
        )  # fmt: skip
    elif action == Action.CLOSE:
        lifecycle.close(session, operator, complaint_id, at=at)
    elif action == Action.CANCEL:
        lifecycle.cancel(session, operator, complaint_id, "客户撤回", at=at)
    elif action == Action.HAND_OVER:
        lifecycle.hand_over(session, operator, complaint_id, reason="转交", department="品质",
                             at=at)  # fmt: skip
    elif action == Action.EDIT:
        data = registration.load_registration(session, complaint_id)
        registration.update_registration(
            session, operator, complaint_id, replace(data, demand=f"要求 {at:%H:%M}"), at=at
        )
    elif action == Action.ACKNOWLEDGE:
        lifecycle.acknowledge_escalation(session, operator, complaint_id, at=at)
    else:
        lifecycle.add_note(session, operator, complaint_id, "跟进", at=at)


steps = st.lists(
    st.tuples(
        st.sampled_from(list(Action)),
        st.sampled_from(("admin", "agent", "supervisor")),
        st.integers(min_value=-3, max_value=48),  # hours after the previous step; < 0 goes back
        st.booleans(),
    ),
    max_size=14,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(severity=st.sampled_from(choices.SEVERITIES), sequence=steps)
def test_random_sequences_keep_invariants(context, agent, supervisor, severity, sequence):
    operators = {"admin": context.operator, "agent": agent, "supervisor": supervisor}
    customer = make_customer(context, "随机测试客户")
    complaint_id = register(context, customer, operator=agent, received_at=START,
                            severity=severity)  # fmt: skip
    at = START
    for action, who, hours, rated in sequence:
        operator = operators[who]
        at_step = at + timedelta(hours=hours)
        with context.reader() as session:
            c = session.get(Complaint, complaint_id)
            expected_ok = lifecycle.refusal(c, operator, action) is None and hours >= 0
            before = c.status
        try:
            with context.session() as session:
                _call(session, operator, complaint_id, action, at_step, rated)
        except UserError:
            assert not expected_ok, f"{action} by {who} refused from {before}"
            with context.reader() as session:
                assert session.get(Complaint, complaint_id).status == before
        else:
            assert expected_ok, f"{action} by {who} allowed from {before}"
            at = at_step

    with context.reader() as session:
        c = session.get(Complaint, complaint_id)
        events = session.scalars(
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == complaint_id)
            .order_by(ComplaintEvent.id)
        ).all()
        assert c.first_responsible_id == agent.id
        if c.status == lifecycle.Status.CLOSED:
            assert c.satisfaction or c.unreachable_reason
            assert c.revisited_at is not None
        times = [e.at for e in events]
        assert times == sorted(times)
        assert events[-1].to_status == c.status
        for earlier, later in zip(events, events[1:], strict=False):
            assert later.from_status == earlier.to_status
