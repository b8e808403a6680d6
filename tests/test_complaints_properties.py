"""Random action sequences through the complaint service keep its invariants."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from kehu_desktop.models import Complaint, ComplaintEvent
from kehu_desktop.services.complaints import choices, lifecycle, registration
from kehu_desktop.services.complaints.lifecycle import Action
from tests.helpers.cases import (
    CaseDesk,
    play_sequence,
    revisit_outcome,
    sequence_settings,
    step_sequences,
)
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
        lifecycle.record_revisit(session, operator, complaint_id, at=at, **revisit_outcome(rated))
    elif action == Action.CLOSE:
        lifecycle.close(session, operator, complaint_id, at=at)
    elif action == Action.CANCEL:
        lifecycle.cancel(session, operator, complaint_id, "客户撤回", at=at)
    elif action == Action.HAND_OVER:
        lifecycle.hand_over(session, operator, complaint_id, reason="转交", department="品质",
                             at=at)  # fmt: skip
    elif action == Action.EDIT:
        data = registration.load_registration(session, complaint_id)
        # A correction that changes something (two at the same minute must differ too).
        data = replace(data, demand=f"要求 {at:%H:%M} 第 {next(EDITS)} 次")
        registration.update_registration(session, operator, complaint_id, data, at=at)
    elif action == Action.ACKNOWLEDGE:
        lifecycle.acknowledge_escalation(session, operator, complaint_id, at=at)
    else:
        lifecycle.add_note(session, operator, complaint_id, "跟进", at=at)


EDITS = itertools.count(1)
DESK = CaseDesk(Complaint, ComplaintEvent, "complaint_id", lifecycle.Status.CLOSED,
                lifecycle.refusal, _call)  # fmt: skip


@sequence_settings
@given(severity=st.sampled_from(choices.SEVERITIES), sequence=step_sequences(Action))
def test_random_sequences_keep_invariants(context, agent, supervisor, severity, sequence):
    operators = {"admin": context.operator, "agent": agent, "supervisor": supervisor}
    customer = make_customer(context, "随机测试客户")
    complaint_id = register(context, customer, operator=agent, received_at=START,
                            severity=severity)  # fmt: skip
    play_sequence(context, DESK, complaint_id, operators, sequence, START, agent.id)
