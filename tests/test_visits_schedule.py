"""Visit frequencies and next due dates: class defaults, overrides, key accounts, month ends."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert

from kehu_desktop.models import Visit
from kehu_desktop.services import today as today_view
from kehu_desktop.services.common.errors import PermissionDenied, ValidationError
from kehu_desktop.services.visits import visit_plans, visit_records
from kehu_desktop.services.visits.visit_plans import period, schedule_for
from tests.helpers.customers import make_customer
from tests.helpers.visits import LATER, make_key_account, make_visit, set_customer


def _schedule(context, customer_id):
    with context.reader() as session:
        return schedule_for(session, customer_id)


@pytest.mark.parametrize(
    ("abc", "management", "interval", "source"),
    [
        ("A", "常规", 30, "A 类默认"),
        ("B", "常规", 90, "B 类默认"),
        ("C", "关键", 180, "C 类默认"),
        ("", "关键", 30, "关键客户默认（尚未分 ABC 类）"),
        ("", "潜力", 60, "潜力客户默认（尚未分 ABC 类）"),
        ("", "临时", 180, "临时客户默认（尚未分 ABC 类）"),
    ],
)
def test_class_defaults(context, abc, management, interval, source):
    customer = make_customer(context, "华达电子", management_class=management)
    set_customer(context, customer, abc_class=abc)
    make_visit(context, customer, "2026-03-10 10:00")
    schedule = _schedule(context, customer)
    assert (schedule.interval_days, schedule.source) == (interval, source)
    assert schedule.last_visit == date(2026, 3, 10)
    assert schedule.next_due == date.fromordinal(date(2026, 3, 10).toordinal() + interval)


def test_never_visited_is_due_one_interval_after_the_file_was_opened(context):
    customer = make_customer(context, "新开客户")
    set_customer(context, customer, abc_class="A", created_at=datetime(2026, 5, 20, 16, 0))
    schedule = _schedule(context, customer)
    assert schedule.last_visit is None
    assert schedule.next_due == date(2026, 6, 19)
    assert "尚无拜访" in schedule.describe()


def test_precedence_key_account_then_override_then_class(context):
    customer = make_customer(context, "宏泰机械")
    set_customer(context, customer, abc_class="C")
    make_visit(context, customer, "2026-01-01 09:00")
    assert _schedule(context, customer).interval_days == 180
    set_customer(context, customer, visit_interval_days=45)
    assert (_schedule(context, customer).interval_days, _schedule(context, customer).source) == (
        45,
        "本客户单独设定",
    )
    make_key_account(context, customer, 14)
    schedule = _schedule(context, customer)
    assert (schedule.interval_days, schedule.source) == (14, "大客户管理卡")
    assert schedule.next_due == date(2026, 1, 15)


def test_an_inactive_key_account_card_no_longer_sets_the_frequency(context):
    customer = make_customer(context, "鑫盛五金")
    set_customer(context, customer, abc_class="B", visit_interval_days=60)
    make_key_account(context, customer, 14, active=False)
    assert _schedule(context, customer).interval_days == 60


@pytest.mark.parametrize(
    ("visited", "interval", "due"),
    [
        ("2027-01-31 10:00", 30, date(2027, 3, 2)),  # February has 28 days
        ("2028-01-31 10:00", 30, date(2028, 3, 1)),  # leap year
        ("2026-12-31 23:30", 1, date(2027, 1, 1)),  # year end; the time of day does not count
        ("2028-02-29 08:00", 365, date(2029, 2, 28)),
    ],
)
def test_month_and_year_ends(context, visited, interval, due):
    customer = make_customer(context, "源通包装")
    set_customer(context, customer, visit_interval_days=interval)
    make_visit(context, customer, visited)
    assert _schedule(context, customer).next_due == due


@pytest.mark.parametrize(
    ("kind", "day", "expected"),
    [
        ("本周", date(2026, 11, 22), (date(2026, 11, 16), date(2026, 11, 22))),
        ("下周", date(2026, 11, 22), (date(2026, 11, 23), date(2026, 11, 29))),
        ("本月", date(2028, 2, 10), (date(2028, 2, 1), date(2028, 2, 29))),
        ("本月", date(2027, 2, 10), (date(2027, 2, 1), date(2027, 2, 28))),
        ("下月", date(2026, 12, 31), (date(2027, 1, 1), date(2027, 1, 31))),
        ("下月", date(2026, 1, 31), (date(2026, 2, 1), date(2026, 2, 28))),
    ],
)
def test_plan_periods_use_real_month_ends(kind, day, expected):
    assert period(kind, day) == expected


def test_settings_change_the_defaults_and_are_checked(context, database, agent):
    customer = make_customer(context, "佳美塑胶")
    set_customer(context, customer, abc_class="A")
    abc = {"A": 14, "B": 60, "C": 120}
    management = {"关键": 30, "潜力": 60, "常规": 90, "临时": 180}
    with context.session() as session:
        visit_plans.save_frequencies(session, context.operator, abc, management)
    assert _schedule(context, customer).interval_days == 14
    with pytest.raises(PermissionDenied), database.session() as session:
        visit_plans.save_frequencies(session, agent, abc, management)
    with pytest.raises(ValidationError) as error, context.session() as session:
        visit_plans.save_frequencies(session, context.operator, {**abc, "B": 0}, management)
    assert "B 类的拜访间隔应为 1–3660 天" in str(error.value)


def test_today_lists_customers_due_longest_overdue_first(context):
    late = make_customer(context, "逾期很久")
    soon = make_customer(context, "刚刚到期")
    fine = make_customer(context, "不用拜访")
    former = make_customer(context, "以前的客户", trade_stage="曾经")
    archived = make_customer(context, "已归档")
    for customer in (late, soon, fine, former, archived):
        set_customer(context, customer, abc_class="A")
    set_customer(context, archived, archived=True)
    make_visit(context, late, "2026-08-01 09:00")
    make_visit(context, soon, "2026-10-23 09:00")
    make_visit(context, fine, "2026-11-01 09:00")
    for customer in (former, archived):
        make_visit(context, customer, "2026-01-01 09:00")
    with context.reader() as session:
        rows, total = today_view.due_customers(session, date(2026, 11, 22))
    assert total == 2
    assert [(r.customer.split()[1], r.due_date, r.days_overdue) for r in rows] == [
        ("逾期很久", date(2026, 8, 31), 83),
        ("刚刚到期", date(2026, 11, 22), 0),
    ]
    # A later visit takes the customer off the list.
    make_visit(context, late, "2026-11-21 15:00")
    with context.reader() as session:
        assert today_view.due_customers(session, date(2026, 11, 22))[1] == 1


def test_today_is_read_in_one_session_the_plans_first(context):
    """The sections are read one after the other in one session (they agree with each
    other), the quick plans first: on a large store read side by side, the first section took
    0.2 s to come instead of 0.03 s."""
    make_visit(context, make_customer(context, "客户甲"), "2026-08-01 09:00")
    sessions = []

    def reader():
        sessions.append(1)
        return context.reader()

    told: list[str] = []
    view = today_view.compute(
        reader, date(2026, 11, 22), section_ready=lambda name, _rows: told.append(name)
    )
    assert len(sessions) == 1
    assert told[0] == "plans" and told[-1] == "due_customers"
    assert sorted(told) == sorted(
        ["plans", "actions", "complaints", "escalations", "service_visits", "service_due",
         "reminders", "due_customers"]
    )  # fmt: skip
    assert view.due_customer_total == 1


def test_the_latest_visit_follows_edits_and_bulk_inserts(context):
    customer = make_customer(context, "恒通物流")
    make_visit(context, customer, "2026-05-01 10:00")
    latest = make_visit(context, customer, "2026-06-01 10:00")
    assert _schedule(context, customer).last_visit == date(2026, 6, 1)
    with context.session() as session:
        data = visit_records.load_input(session, latest)
        data.values["visited_at"] = "2026-04-01 10:00"
        visit_records.save_visit(session, context.operator, data, now=LATER)
    assert _schedule(context, customer).last_visit == date(2026, 5, 1)
    with context.session() as session:
        session.execute(
            insert(Visit.__table__),
            [{"customer_id": customer, "staff_id": context.operator.id, "method": "电话",
              "purpose": "例行", "visited_at": datetime(2026, 7, 1, 9)}],
        )  # fmt: skip
        visit_plans.refresh_last_visits(session)
    assert _schedule(context, customer).last_visit == date(2026, 7, 1)
