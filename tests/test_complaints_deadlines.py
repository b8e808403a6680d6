"""Working-day deadlines across weekends, public holidays and 调休 make-up days."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import select

from kehu_desktop.models import Complaint
from kehu_desktop.services.common import working_days
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.working_days import WorkCalendar
from kehu_desktop.services.complaints import choices, deadlines, ledger, lifecycle
from tests.helpers.complaints import advance, register
from tests.helpers.customers import make_customer

# 2026 as the holiday library has it from the 国务院办公厅 notice.
CAL_2026 = WorkCalendar()


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 20), 3, date(2026, 11, 25)),  # Friday: the weekend is skipped
        (date(2026, 11, 23), 3, date(2026, 11, 26)),  # plain working week
        (date(2026, 9, 30), 1, date(2026, 10, 8)),  # 国庆 1–7 October off
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # Saturday 10 October is a 调休 workday
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Saturday before 春节 is worked
        (date(2026, 2, 13), 2, date(2026, 2, 24)),  # 春节 15–23 February off
        (date(2026, 4, 3), 1, date(2026, 4, 7)),  # 清明 4–6 April
        (date(2026, 11, 21), 0, date(2026, 11, 23)),  # received on Saturday: due Monday
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # 元旦 1–3 off, Sunday 4 January worked
    ],
)
def test_add_working_days(start, days, expected):
    assert CAL_2026.add_working_days(start, days) == expected


def test_working_days_between():
    assert CAL_2026.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CAL_2026.working_days_between(date(2026, 10, 10), date(2026, 9, 30)) == -3
    assert CAL_2026.working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0


def test_shipped_calendar_and_editing(context):
    with context.session() as session:
        calendar = working_days.load_calendar(session)
        assert not calendar.is_working_day(date(2026, 10, 1))
        assert calendar.is_working_day(date(2026, 9, 20))
        holidays = working_days.parse_day_list("2026-11-23, 2026/11/24\n2026年11月23日")
        assert holidays == [date(2026, 11, 23), date(2026, 11, 24)]
        working_days.save_calendar(session, holidays, [date(2026, 11, 22)])
    with context.reader() as session:
        calendar = working_days.load_calendar(session)
    assert calendar.is_working_day(date(2026, 10, 1))  # the 2026 list was replaced
    assert calendar.add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 22)
    assert calendar.add_working_days(date(2026, 11, 22), 1) == date(2026, 11, 25)


def test_calendar_refuses_bad_input(context):
    with pytest.raises(UserError, match="不是有效的日期"):
        working_days.parse_day_list("2026-13-01")
    with pytest.raises(UserError, match="既是节假日又是调休"), context.session() as session:
        working_days.save_calendar(session, [date(2026, 5, 9)], [date(2026, 5, 9)])


def test_registration_deadline_per_severity(context):
    customer = make_customer(context, "上海宏泰机械有限公司")
    received = datetime(2026, 9, 30, 10)
    with context.session() as session:
        deadlines.DEADLINE_DAYS.put(session, {"一般": 3, "重大": 7, "特殊": 2})
    for severity in choices.SEVERITIES:
        register(context, customer, received_at=received, severity=severity)
    with context.reader() as session:
        found = dict(session.execute(select(Complaint.severity, Complaint.deadline)).all())
        assert deadlines.escalation_deadline(session, "重大", received.date()) == date(2026, 10, 8)
        assert deadlines.escalation_deadline(session, "一般", received.date()) is None
    assert found == {"一般": date(2026, 10, 10), "重大": date(2026, 10, 15),
                     "特殊": date(2026, 10, 9)}  # fmt: skip


def test_overdue_and_due_today_flags(context):
    customer = make_customer(context, "广州鑫盛五金有限公司")
    late = register(context, customer, received_at=datetime(2026, 11, 16, 9))  # due 11-19
    today = register(context, customer, received_at=datetime(2026, 11, 17, 9))  # due 11-20
    with context.reader() as session:
        rows = {r.id: r for r in ledger.list_complaints(session, today=date(2026, 11, 20))}
        overdue = ledger.list_complaints(
            session, ledger.ComplaintFilter(overdue_only=True), today=date(2026, 11, 20)
        )
    assert rows[late].overdue and not rows[late].due_today
    assert rows[today].due_today and not rows[today].overdue
    assert {r.id for r in overdue} == {late, today}


def test_deadline_note_in_working_days(context):
    customer = make_customer(context, "杭州永安电器有限公司")
    complaint_id = register(context, customer, received_at=datetime(2026, 11, 16, 9))  # due 11-19

    def note(today: date) -> str:
        with context.reader() as session:
            detail = ledger.load_detail(session, context.operator, complaint_id, today)
        return detail.deadline_note

    assert note(date(2026, 11, 17)) == "还剩 2 个工作日"
    assert note(date(2026, 11, 19)) == "今天到期"
    assert note(date(2026, 11, 23)) == "已超期 2 个工作日"
    advance(context, complaint_id, lifecycle.Status.REPLIED, start=datetime(2026, 11, 20, 9))
    assert note(date(2026, 11, 23)) == "超期 1 个工作日答复"


def test_escalation_deadline_flags_an_unacknowledged_escalation(context, supervisor):
    """The escalation setting decides when a 主管 must have acknowledged; past it, the list row
    and the detail record say so until someone does."""
    customer = make_customer(context, "苏州恒信精密有限公司")
    with context.session() as session:
        deadlines.ESCALATION_DAYS.put(session, {"重大": 2, "特殊": 1})
    # Friday 10-09; Saturday 10-10 is a 调休 working day, so two working days end on 10-12.
    complaint_id = register(
        context, customer, received_at=datetime(2026, 10, 9, 10), severity="重大"
    )

    def state(today: date) -> tuple:
        with context.reader() as session:
            row = ledger.list_complaints(session, today=today)[0]
            detail = ledger.load_detail(session, context.operator, complaint_id, today)
        assert row.escalation_deadline == detail.escalation_deadline
        assert row.escalation_overdue == detail.escalation_overdue
        return row.escalation_deadline, row.escalation_pending, row.escalation_overdue

    assert state(date(2026, 10, 12)) == (date(2026, 10, 12), True, False)
    assert state(date(2026, 10, 13)) == (date(2026, 10, 12), True, True)
    with context.session() as session:
        lifecycle.acknowledge_escalation(session, supervisor, complaint_id, "已阅")
    assert state(date(2026, 10, 13)) == (date(2026, 10, 12), False, False)
    ordinary = register(context, customer, received_at=datetime(2026, 10, 9, 11))
    with context.reader() as session:
        row = next(r for r in ledger.list_complaints(session) if r.id == ordinary)
    assert (row.escalation_deadline, row.escalation_pending, row.escalation_overdue) == (
        None, False, False,
    )  # fmt: skip


def test_detail_carries_the_reply_deadline_flags(context):
    """The detail dialog shows these flags; the service computes them as for the list."""
    customer = make_customer(context, "宁波海通塑胶有限公司")
    complaint_id = register(context, customer, received_at=datetime(2026, 11, 16, 9))  # due 11-19

    def flags(today: date) -> tuple[bool, bool]:
        with context.reader() as session:
            detail = ledger.load_detail(session, context.operator, complaint_id, today)
        return detail.overdue, detail.due_today

    assert flags(date(2026, 11, 18)) == (False, False)
    assert flags(date(2026, 11, 19)) == (False, True)
    assert flags(date(2026, 11, 20)) == (True, False)
    advance(context, complaint_id, lifecycle.Status.REPLIED, start=datetime(2026, 11, 20, 9))
    assert flags(date(2026, 11, 23)) == (False, False)


def test_escalation_follows_the_setting(context):
    customer = make_customer(context, "天津博远化工有限公司")
    with context.session() as session:
        deadlines.ESCALATION_DAYS.put(session, {"重大": 1})
        assert deadlines.escalates(session, "重大")
        assert not deadlines.escalates(session, "特殊")
    special = register(context, customer, severity="特殊")
    with context.reader() as session:
        assert not session.get(Complaint, special).escalated


# --- every year from the holiday library, the firm's changes on top -------------------------


def test_deadlines_across_the_2026_2027_year_end():
    calendar = WorkCalendar()
    # Thursday 31 December + 1 working day: 元旦 (Friday 1 January 2027) is off.
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert not calendar.is_working_day(date(2027, 1, 1))


def test_deadlines_across_the_2027_spring_festival():
    calendar = WorkCalendar()
    # 除夕 is Friday 5 February 2027, 初一–初三 6–8 February: none of them is worked.
    for day in (date(2027, 2, 5), date(2027, 2, 8)):
        assert not calendar.is_working_day(day)
    due = calendar.add_working_days(date(2027, 2, 4), 1)
    assert due >= date(2027, 2, 9)
    assert calendar.working_days_between(date(2027, 2, 4), due) == 1


def test_a_year_without_the_notice_is_provisional_until_the_firm_confirms_it(context):
    year = 2031  # no 调休 notice can be in the library yet
    assert not working_days.library_year(year).confirmed
    assert working_days.WorkCalendar().is_provisional(date(year, 3, 2))
    assert WorkCalendar().review_due(date(year - 1, 11, 30)) is None
    assert WorkCalendar().review_due(date(year - 1, 12, 1)) == year
    library = working_days.library_year(year)
    with context.session() as session:
        # Saved unchanged and unticked: still the library's, still provisional.
        working_days.save_calendar(
            session, sorted(library.holidays), [], years=(year,), confirmed=()
        )
        assert working_days.load_calendar(session).is_provisional(date(year, 3, 2))
        # Reviewed: one make-up Saturday added and the year ticked as checked.
        working_days.save_calendar(
            session, sorted(library.holidays), [date(year, 3, 8)], years=(year,),
            confirmed=(year,),
        )  # fmt: skip
    with context.reader() as session:
        calendar = working_days.load_calendar(session)
    assert not calendar.is_provisional(date(year, 3, 2))
    assert calendar.is_working_day(date(year, 3, 8))
    assert calendar.review_due(date(year - 1, 12, 1)) is None
    # Other years keep coming from the library.
    assert not calendar.is_working_day(date(2026, 10, 1))


def test_a_complaint_due_in_an_unconfirmed_year_shows_a_provisional_deadline(context, monkeypatch):
    library = working_days.library_year
    # 2027 as long as the State Council's notice is not out (whatever the installed library).
    monkeypatch.setattr(
        working_days,
        "library_year",
        lambda year: replace(library(year), confirmed=False) if year == 2027 else library(year),
    )
    with context.session() as session:
        deadlines.DEADLINE_DAYS.put(session, {"一般": 30, "重大": 7, "特殊": 5})
    customer = make_customer(context, "北京华达机械有限公司")
    complaint = register(context, customer, received_at=datetime(2026, 12, 1, 9))
    early = register(context, customer, received_at=datetime(2026, 11, 2, 9))
    today = date(2026, 12, 1)
    with context.reader() as session:
        rows = {r.id: r for r in ledger.list_complaints(session, today=today)}
        detail = ledger.load_detail(session, context.operator, complaint, today)
    assert rows[complaint].deadline.year == 2027 and rows[complaint].deadline_provisional
    assert "暂定" in detail.deadline_note
    assert rows[early].deadline.year == 2026 and not rows[early].deadline_provisional
