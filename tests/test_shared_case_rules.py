"""The complaint and after-sales desks share one mechanism for the first-responsible person,
working-day deadlines, the append-only history and the closing rule — not two copies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from kehu_desktop.models import Complaint, ServiceRequest
from kehu_desktop.services.common import case_deadlines, first_responsible, revisits
from kehu_desktop.services.common.case_log import CaseLog
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.working_days import WorkCalendar, load_calendar, save_calendar
from kehu_desktop.services.complaints import lifecycle as complaint_lifecycle
from kehu_desktop.services.complaints import registration as complaint_registration
from kehu_desktop.services.service_desk import lifecycle as service_lifecycle
from kehu_desktop.services.service_desk import registration as service_registration
from tests.helpers.complaints import register as register_complaint
from tests.helpers.customers import make_customer
from tests.helpers.service_desk import register as register_request

START = datetime(2026, 11, 2, 9)


def test_both_histories_are_the_shared_case_log():
    assert isinstance(complaint_lifecycle.HISTORY, CaseLog)
    assert isinstance(service_lifecycle.HISTORY, CaseLog)
    assert complaint_lifecycle.NO_REVISIT is service_lifecycle.NO_REVISIT is revisits.NO_REVISIT


def test_first_responsible_is_fixed_the_same_way_on_both_desks(context, agent):
    customer = make_customer(context, "华达电子")
    complaint = register_complaint(context, customer, received_at=START)
    request = register_request(context, customer, received_at=START)
    with context.session() as s:
        c_data = replace(complaint_registration.load_registration(s, complaint),
                         first_responsible_id=agent.id)  # fmt: skip
        with pytest.raises(UserError) as on_complaint:
            complaint_registration.update_registration(s, context.operator, complaint, c_data)
        s_data = service_registration.load_registration(s, request)
        s_data.first_responsible_id = agent.id
        with pytest.raises(UserError) as on_request:
            service_registration.update_registration(s, context.operator, request, s_data)
    assert str(on_complaint.value) == str(on_request.value) == first_responsible.FIXED
    # A hand-over on either desk keeps the first-responsible person.
    with context.session() as s:
        complaint_lifecycle.hand_over(s, context.operator, complaint, reason="出差",
                                      to_staff_id=agent.id)  # fmt: skip
        service_lifecycle.hand_over(s, context.operator, request, reason="出差",
                                    to_staff_id=agent.id)  # fmt: skip
    with context.reader() as s:
        for model, record_id in ((Complaint, complaint), (ServiceRequest, request)):
            row = s.get(model, record_id)
            assert (row.first_responsible_id, row.handler_id) == (context.operator.id, agent.id)
    # And both refuse a hand-over without a reason with the same message.
    messages = []
    for desk, record_id in ((complaint_lifecycle, complaint), (service_lifecycle, request)):
        with context.session() as s, pytest.raises(ValidationError) as refused:
            desk.hand_over(s, context.operator, record_id, reason=" ", department="品质")
        messages.append(refused.value.errors)
    assert messages[0] == messages[1] == {"reason": "请填写转交原因。"}


def test_one_holiday_calendar_moves_both_desks_deadlines(context):
    customer = make_customer(context, "华达电子")
    with context.session() as s:
        calendar = load_calendar(s)
        save_calendar(s, [*calendar.holidays, date(2026, 11, 3)], list(calendar.makeup_workdays))
    complaint = register_complaint(context, customer, received_at=START)
    request = register_request(context, customer, received_at=START, urgency="normal")
    with context.reader() as s:
        # 一般 complaint: 3 working days; normal request: dispatch 1, resolve 5 — all skip the 3rd.
        assert s.get(Complaint, complaint).deadline == date(2026, 11, 6)
        row = s.get(ServiceRequest, request)
        assert (row.response_deadline, row.deadline) == (date(2026, 11, 4), date(2026, 11, 10))


def test_the_deadline_description_is_shared():
    cal = WorkCalendar()
    today = date(2026, 11, 4)
    assert case_deadlines.describe(date(2026, 11, 6), None, True, cal, today) == "还剩 2 个工作日"
    assert case_deadlines.describe(date(2026, 11, 2), None, True, cal, today) == "已超期 2 个工作日"
    assert case_deadlines.describe(date(2026, 11, 4), None, True, cal, today) == "今天到期"
    assert (case_deadlines.describe(date(2026, 11, 2), date(2026, 11, 3), False, cal, today,
                                    done="派工") == "超期 1 个工作日派工")  # fmt: skip
