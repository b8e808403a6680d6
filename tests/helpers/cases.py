"""Driving a case — a complaint, a service request — in tests, alike for both case desks: step
by step up to a status, and through random sequences of steps that must keep the rules every
case keeps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.operators import Operator

# A step of a case: what it does in a session at a time (None: now).
Step = Callable[[Session, datetime | None], object]


def step_through(
    context: DeskContext, steps: Sequence[tuple[str, Step]], to: str, start: datetime | None
) -> None:
    """Take ``steps`` (status reached, step) in order until ``to`` is reached, one hour apart
    from ``start`` if given, each in a transaction of its own."""
    for hours, (status, step) in enumerate(steps, start=1):
        at = start + timedelta(hours=hours) if start else None
        with context.session() as session:
            step(session, at)
        if status == to:
            return


def revisit_outcome(rated: bool) -> dict[str, Any]:
    """A revisit's findings: 满意, or a customer who could not be reached."""
    return {
        "satisfaction": "满意" if rated else None,
        "unreachable_reason": "" if rated else "空号",
    }


# Each example is a store's worth of transactions: 25 of them are enough.
sequence_settings = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def step_sequences(actions: Iterable[Any]) -> st.SearchStrategy[list[tuple[Any, str, int, bool]]]:
    """Up to 14 steps: the action, who takes it (``admin``, ``agent`` or ``supervisor``), hours
    after the previous step (< 0 goes back), whether a revisit reached the customer."""
    return st.lists(
        st.tuples(
            st.sampled_from(list(actions)),
            st.sampled_from(("admin", "agent", "supervisor")),
            st.integers(min_value=-3, max_value=48),
            st.booleans(),
        ),
        max_size=14,
    )


@dataclass(frozen=True)
class CaseDesk:
    """What a random sequence needs of a desk: its case and event models (events linked by
    ``case_key``), its ``closed`` status, its rules (``refusal``) and how to take a step
    (``call``: session, operator, case id, action, time, whether the revisit reached the
    customer)."""

    case_model: type[Any]
    event_model: type[Any]
    case_key: str
    closed: str
    refusal: Callable[[Any, Operator, Any], UserError | None]
    call: Callable[[Session, Operator, int, Any, datetime, bool], object]


def play_sequence(
    context: DeskContext,
    desk: CaseDesk,
    case_id: int,
    operators: Mapping[str, Operator],
    sequence: Sequence[tuple[Any, str, int, bool]],
    start: datetime,
    first_responsible_id: int,
    check: Callable[[Any], None] = lambda _case: None,
) -> None:
    """Try each (action, who, hours after the last step, rated) of ``sequence``: a step is
    taken exactly when the rules allow it (and its time does not go back); a refused one
    changes nothing. After each, the rules every case keeps hold, and the desk's own
    (``check``)."""
    at = start
    for action, who, hours, rated in sequence:
        operator = operators[who]
        at_step = at + timedelta(hours=hours)
        with context.reader() as session:
            case = session.get_one(desk.case_model, case_id)
            expected_ok = desk.refusal(case, operator, action) is None and hours >= 0
            before = (case.status, case.satisfaction, case.unreachable_reason)
            events_before = len(_events(session, desk, case_id))
        try:
            with context.session() as session:
                desk.call(session, operator, case_id, action, at_step, rated)
            done = True
        except UserError:
            done = False
        assert done == expected_ok, (action, who, hours, before)
        with context.reader() as session:
            case = session.get_one(desk.case_model, case_id)
            events = _events(session, desk, case_id)
            if done:
                at = at_step
                assert len(events) > events_before
            else:
                assert (case.status, case.satisfaction, case.unreachable_reason) == before
                assert len(events) == events_before
            assert case.first_responsible_id == first_responsible_id
            if case.status == desk.closed:
                assert case.satisfaction or case.unreachable_reason
                assert case.revisited_at is not None and case.closed_at is not None
            times = [e.at for e in events]
            assert times == sorted(times)
            assert events[-1].to_status == case.status
            for earlier, later in zip(events, events[1:], strict=False):
                assert later.from_status == earlier.to_status
            check(case)


def _events(session: Session, desk: CaseDesk, case_id: int) -> list[Any]:
    column = getattr(desk.event_model, desk.case_key)
    return list(
        session.scalars(
            select(desk.event_model).where(column == case_id).order_by(desk.event_model.id)
        )
    )
