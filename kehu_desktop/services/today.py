"""The today view (今日): what the desk should do today.

Visits planned for today (and planned visits left open from earlier days), customers whose next
visit is due by today under their frequency (see ``visit_plans``), follow-up actions open and
due by today, complaints whose reply is due today or overdue (for one staff member: those they
are first-responsible for), escalated complaints waiting for a 主管, contacts' birthdays and
important dates in the next seven days (today included), and from the after-sales desk the
on-site service visits planned today and the requests whose dispatch or resolve deadline is
today or past. Birthdays and important dates recur every year; one on 29 February is
remembered on 28 February in a year without it.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar, cast

from sqlalchemy import SQLColumnExpression, func, or_, select
from sqlalchemy.orm import Session

from kehu_desktop.models import (
    Contact,
    Customer,
    FollowUpAction,
    ImportantDate,
    Staff,
    Visit,
    VisitPlan,
)
from kehu_desktop.services.complaints.ledger import ComplaintFilter, ComplaintRow, list_complaints
from kehu_desktop.services.service_desk import ledger
from kehu_desktop.services.service_desk.ledger import ServiceRow
from kehu_desktop.services.visits import visit_plans
from kehu_desktop.services.visits.visit_plans import PlanRow

REMINDER_DAYS = 7
OVERDUE_LIMIT = 500
T = TypeVar("T")


@dataclass(frozen=True)
class DueCustomer:
    customer_id: int
    customer: str
    owner: str
    interval_days: int
    last_visit: date | None
    due_date: date
    days_overdue: int


@dataclass(frozen=True)
class DueAction:
    id: int
    due_date: date
    description: str
    owner: str
    customer_id: int
    customer: str
    visit_id: int
    visited_on: date


@dataclass(frozen=True)
class DateReminder:
    """A birthday or important date falling on ``day`` (this year's occurrence)."""

    day: date
    days_away: int
    occasion: str
    person: str
    title: str
    mobile: str
    customer_id: int
    customer: str


@dataclass(frozen=True)
class TodayView:
    today: date
    plans: list[PlanRow]
    due_customers: list[DueCustomer]
    due_customer_total: int
    actions: list[DueAction]
    reminders: list[DateReminder]
    complaints: list[ComplaintRow] = field(default_factory=list)
    escalations: list[ComplaintRow] = field(default_factory=list)
    # The after-sales desk: on-site visits planned today, requests due today or overdue.
    service_visits: list[ServiceRow] = field(default_factory=list)
    service_due: list[ServiceRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Everything waiting for the desk, as shown in the tab title."""
        return (
            len(self.plans)
            + self.due_customer_total
            + len(self.actions)
            + len(self.reminders)
            + len(self.complaints)
            + len(self.escalations)
            + len(self.service_visits)
            + len(self.service_due)
        )


def compute(
    reader: Callable[[], AbstractContextManager[Session]],
    today: date | None = None,
    staff_id: int | None = None,
    due_limit: int = OVERDUE_LIMIT,
    section_ready: Callable[[str, object], None] | None = None,
) -> TodayView:
    """The today view, for everyone or for one staff member.

    ``reader`` opens a read-only session (``DeskContext.reader``); the sections are read in
    it one after the other, the quick ones first, so they agree with each other.
    ``section_ready(name, rows)`` is told of each section as soon as it is read (``name`` is
    the ``TodayView`` field; the customers due come as ``(rows, total)``), so a screen shows the
    first rows at once. Read side by side on connections of their own, the sections took
    longer to show the first of them (0.2 s instead of 0.03 s over 100,000 customers): their
    Python work shares one interpreter lock, and it shared it with the window painting them.
    """
    today = today or date.today()
    with reader() as session:

        def read(name: str, section: Callable[..., T], *args: object) -> T:
            result = section(session, today, staff_id, *args)
            if section_ready is not None:
                section_ready(name, result)
            return result

        plans = read("plans", open_plans)
        actions = read("actions", due_actions)
        complaints = read("complaints", due_complaints)
        escalations = read("escalations", pending_escalations)
        service_visits = read("service_visits", ledger.visits_on)
        service_due = read("service_due", ledger.due_requests)
        dates = read("reminders", reminders)
        due_rows, due_total = read("due_customers", due_customers, due_limit)
    return TodayView(
        today, plans, due_rows, due_total, actions, dates, complaints, escalations,
        service_visits, service_due,
    )  # fmt: skip


def due_complaints(
    session: Session, today: date, staff_id: int | None = None
) -> list[ComplaintRow]:
    """Complaints still unanswered whose reply deadline is today or past, most overdue first."""
    rows = list_complaints(
        session,
        ComplaintFilter(overdue_only=True, first_responsible_id=staff_id, limit=OVERDUE_LIMIT),
        today,
    )
    return sorted(rows, key=lambda r: (r.deadline, r.received_at))


def pending_escalations(
    session: Session, today: date, _staff_id: int | None = None
) -> list[ComplaintRow]:
    """Escalated 重大/特殊 complaints no 主管 has acknowledged yet: for everyone to see, since
    whoever takes the call must know a 主管 is still to confirm."""
    rows = list_complaints(
        session, ComplaintFilter(escalation_pending_only=True, limit=OVERDUE_LIMIT), today
    )
    return sorted(rows, key=lambda r: r.received_at)


def open_plans(session: Session, today: date, staff_id: int | None = None) -> list[PlanRow]:
    """Planned visits for today, and those of earlier days neither done nor marked missed."""
    query = visit_plans.plan_rows_query().where(
        VisitPlan.status == visit_plans.PLANNED, VisitPlan.planned_date <= today
    )
    if staff_id is not None:
        query = query.where(VisitPlan.staff_id == staff_id)
    query = query.order_by(VisitPlan.planned_date, VisitPlan.id)
    return visit_plans.to_plan_rows(session.execute(query))


def due_customers(
    session: Session, today: date, staff_id: int | None = None, limit: int = OVERDUE_LIMIT
) -> tuple[list[DueCustomer], int]:
    """The customers due by today, longest overdue first (at most ``limit``), and how many."""
    schedule = visit_plans.schedule_query(session, today, staff_id)
    interval = schedule.selected_columns.interval_days
    query = (
        schedule.add_columns(Customer.code, Customer.name, Staff.name, func.count().over())
        .outerjoin(Staff, Staff.id == Customer.owner_id)
        .order_by(visit_plans.due_order(session, interval), Customer.id)
        .limit(limit)
    )
    found = session.execute(query).all()
    rows = []
    for customer_id, interval_days, last, since, code, name, owner, _total in found:
        due = visit_plans.due_date(since, interval_days)
        rows.append(
            DueCustomer(
                customer_id,
                f"{code} {name}",
                owner or "",
                interval_days,
                last.date() if last else None,
                due,
                (today - due).days,
            )  # fmt: skip
        )
    return rows, (found[0][-1] if found else 0)


def due_actions(session: Session, today: date, staff_id: int | None = None) -> list[DueAction]:
    """Follow-up actions not done and due by today; done ones leave the view."""
    owner = func.coalesce(FollowUpAction.owner_id, Visit.staff_id)
    query = (
        select(
            FollowUpAction.id,
            FollowUpAction.due_date,
            FollowUpAction.description,
            Staff.name,
            Customer.id,
            Customer.code + " " + Customer.name,
            Visit.id,
            Visit.visited_at,
        )
        .join(Visit, Visit.id == FollowUpAction.visit_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .join(Staff, Staff.id == owner)
        .where(FollowUpAction.done_on.is_(None), FollowUpAction.due_date <= today)
        .where(Customer.archived.is_not(True))
        .order_by(FollowUpAction.due_date, FollowUpAction.id)
    )
    if staff_id is not None:
        query = query.where(owner == staff_id)
    # cast: the query keeps due dates up to today, so none is NULL.
    return [
        DueAction(action_id, cast(date, due), text, owner_name, customer_id, customer, visit_id,
                  visited_at.date())
        for action_id, due, text, owner_name, customer_id, customer, visit_id, visited_at
        in session.execute(query)
    ]  # fmt: skip


def occurrences(today: date, days: int = REMINDER_DAYS) -> dict[tuple[int, int], date]:
    """(month, day) → the day in the window ``today`` … ``today + days - 1`` it is celebrated on.

    29 February falls on 28 February in years without it.
    """
    window: dict[tuple[int, int], date] = {}
    for offset in range(days):
        day = today + timedelta(days=offset)
        window[day.month, day.day] = day
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            window[2, 29] = day
    return window


def _days_in_window(
    session: Session,
    column: SQLColumnExpression[date | None],
    window: dict[tuple[int, int], date],
) -> list[date]:
    """Every date in the years ``column`` spans that falls on a month-day of the window, so
    that an index on ``column`` finds the matches (no per-row date arithmetic)."""
    # Two queries: SQLite answers a lone min() or max() from the index, not both together.
    first = session.scalar(select(func.min(column)))
    last = session.scalar(select(func.max(column))) if first is not None else None
    if first is None or last is None:
        return []
    days = []
    for year in range(first.year, last.year + 1):
        for month, day in window:
            if month == 2 and day == 29 and not calendar.isleap(year):
                continue
            days.append(date(year, month, day))
    return days


def reminders(session: Session, today: date, staff_id: int | None = None) -> list[DateReminder]:
    """Contacts' birthdays and important dates in the next seven days, soonest first."""
    window = occurrences(today)
    found = []
    base = (
        select(
            Contact.name, Contact.title, Contact.mobile, Customer.id, Customer.code, Customer.name
        )  # fmt: skip
        .join(Customer, Customer.id == Contact.customer_id)
        .where(Customer.archived.is_not(True))
    )
    if staff_id is not None:
        base = base.where(or_(Customer.owner_id == staff_id, Customer.owner_id.is_(None)))
    birthdays = base.add_columns(Contact.birthday).where(
        Contact.birthday.in_(_days_in_window(session, Contact.birthday, window))
    )
    for person, title, mobile, customer_id, code, name, born in session.execute(birthdays):
        day = window[born.month, born.day]
        found.append((day, f"{day.year - born.year} 岁生日", person, title, mobile, customer_id,
                      f"{code} {name}"))  # fmt: skip
    dates = (
        base.add_columns(ImportantDate.label, ImportantDate.day)
        .join(ImportantDate, ImportantDate.contact_id == Contact.id)
        .where(ImportantDate.day.in_(_days_in_window(session, ImportantDate.day, window)))
    )
    for person, title, mobile, customer_id, code, name, label, first in session.execute(dates):
        day = window[first.month, first.day]
        years = day.year - first.year
        occasion = f"{label}（{years} 周年）" if years > 0 else label
        found.append((day, occasion, person, title, mobile, customer_id, f"{code} {name}"))
    found.sort(key=lambda r: (r[0], r[6], r[2]))
    return [
        DateReminder(
            day, (day - today).days, occasion, person, title, mobile, customer_id, customer
        )  # fmt: skip
        for day, occasion, person, title, mobile, customer_id, customer in found
    ]
