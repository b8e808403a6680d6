"""Visit reports: the daily report (客户访问日报表) and planned vs. done with the coverage rate.

Coverage rate for a period = customers visited on time / customers due. A customer is due in
the period when its next visit, counted from its last visit before the period (or from the
opening of its file), falls on or before the period's last day; it was visited on time when
its first visit in the period is on or before that due date. A customer already overdue when
the period starts can therefore only be late. Frequencies, owners and classes are taken as
they are now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from kehu_desktop.models import Customer, KeyAccount, Staff, Visit, VisitPlan
from kehu_desktop.services.common import excel_export
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.periods import day_bounds
from kehu_desktop.services.visits import visit_plans

UNCLASSIFIED = "未分类"
TOTAL = "合计"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The report's period as times; a period that ends before it starts is refused."""
    if start > end:
        raise UserError(f"开始日期 {start:%Y-%m-%d} 晚于结束日期 {end:%Y-%m-%d}，请对调后重试。")
    return day_bounds(start, end)


# --- 客户访问日报表 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DailyLine:
    day: date
    staff: str
    time: str
    customer: str
    method: str
    purpose: str
    contacts_met: str
    result: str
    follow_up: str
    next_visit_date: date | None


DAILY_HEADERS = ("日期", "业务员", "时间", "客户", "方式", "目的", "会见人员", "结果",
                 "跟进事项", "下次拜访")  # fmt: skip


def daily_report(
    session: Session, start: date, end: date, staff_id: int | None = None
) -> list[DailyLine]:
    """Each visit in ``start``–``end``, by day, staff member and time."""
    low, high = _bounds(start, end)
    query = (
        select(Visit, Staff.name, Customer.code, Customer.name)
        .join(Staff, Staff.id == Visit.staff_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.visited_at >= low, Visit.visited_at < high)
        .options(selectinload(Visit.actions))
    )
    if staff_id is not None:
        query = query.where(Visit.staff_id == staff_id)
    lines = [
        DailyLine(
            v.visited_at.date(),
            staff,
            v.visited_at.strftime("%H:%M"),
            f"{code} {name}",
            v.method,
            v.purpose,
            v.contacts_met,
            v.result,
            "；".join(a.description for a in v.actions),
            v.next_visit_date,
        )  # fmt: skip
        for v, staff, code, name in session.execute(query)
    ]
    return sorted(lines, key=lambda x: (x.day, x.staff, x.time))


def daily_rows(lines: list[DailyLine]) -> list[tuple]:
    return [
        (
            x.day,
            x.staff,
            x.time,
            x.customer,
            x.method,
            x.purpose,
            x.contacts_met,
            x.result,
            x.follow_up,
            x.next_visit_date,
        )  # fmt: skip
        for x in lines
    ]


# --- planned vs. done, coverage -----------------------------------------------------------------


@dataclass(frozen=True)
class CoverageLine:
    """One row: a staff member or an ABC class, or the total of either."""

    dimension: str
    name: str
    planned: int
    done: int
    missed: int
    visits: int
    due: int
    on_time: int

    @property
    def rate(self) -> Decimal | None:
        """Coverage in percent, one decimal; None when nobody was due."""
        if not self.due:
            return None
        return (Decimal(self.on_time) * 100 / Decimal(self.due)).quantize(Decimal("0.1"))


COVERAGE_HEADERS = ("维度", "名称", "计划拜访", "计划完成", "计划未完成", "实际拜访次数",
                    "应访客户", "按时拜访客户", "覆盖率(%)")  # fmt: skip


@dataclass
class _Tally:
    planned: int = 0
    done: int = 0
    missed: int = 0
    visits: int = 0
    due: int = 0
    on_time: int = 0


def coverage(session: Session, start: date, end: date) -> list[CoverageLine]:
    """Planned vs. done and the coverage rate per staff member and per ABC class."""
    low, high = _bounds(start, end)
    by_staff: dict[str, _Tally] = defaultdict(_Tally)
    by_class: dict[str, _Tally] = defaultdict(_Tally)

    def klass(abc: str) -> str:
        return abc or UNCLASSIFIED

    plans = (
        select(Staff.name, Customer.abc_class, VisitPlan.status, func.count())
        .select_from(VisitPlan)
        .join(Staff, Staff.id == VisitPlan.staff_id)
        .join(Customer, Customer.id == VisitPlan.customer_id)
        .where(VisitPlan.planned_date.between(start, end))
        .group_by(Staff.name, Customer.abc_class, VisitPlan.status)
    )
    for staff, abc, status, n in session.execute(plans):
        for tally in (by_staff[staff], by_class[klass(abc)]):
            tally.planned += n
            tally.done += n if status == visit_plans.DONE else 0
            tally.missed += n if status == visit_plans.MISSED else 0
    visits = (
        select(Staff.name, Customer.abc_class, func.count())
        .select_from(Visit)
        .join(Staff, Staff.id == Visit.staff_id)
        .join(Customer, Customer.id == Visit.customer_id)
        .where(Visit.visited_at >= low, Visit.visited_at < high)
        .group_by(Staff.name, Customer.abc_class)
    )
    for staff, abc, n in session.execute(visits):
        by_staff[staff].visits += n
        by_class[klass(abc)].visits += n
    for owner, abc, on_time in _due_customers(session, start, end):
        for tally in (by_staff[owner or "（未指定业务员）"], by_class[klass(abc)]):
            tally.due += 1
            tally.on_time += on_time
    return _lines("业务员", by_staff, sorted(by_staff)) + _lines(
        "ABC分类", by_class, sorted(by_class, key=lambda k: (k == UNCLASSIFIED, k))
    )


def _due_customers(session: Session, start: date, end: date) -> list[tuple[str, str, bool]]:
    """(owner name, ABC class, visited on time) of every customer due in the period."""
    low, high = _bounds(start, end)
    before = (
        select(Visit.customer_id, func.max(Visit.visited_at).label("at"))
        .where(Visit.visited_at < low)
        .group_by(Visit.customer_id)
        .subquery()
    )
    first_in = (
        select(Visit.customer_id, func.min(Visit.visited_at).label("at"))
        .where(Visit.visited_at >= low, Visit.visited_at < high)
        .group_by(Visit.customer_id)
        .subquery()
    )
    query = (
        select(
            visit_plans.interval_column(session),
            func.coalesce(before.c.at, Customer.created_at),
            first_in.c.at,
            Staff.name,
            Customer.abc_class,
        )
        .select_from(Customer)
        .outerjoin(KeyAccount, and_(KeyAccount.customer_id == Customer.id, KeyAccount.active))
        .outerjoin(before, before.c.customer_id == Customer.id)
        .outerjoin(first_in, first_in.c.customer_id == Customer.id)
        .outerjoin(Staff, Staff.id == Customer.owner_id)
        .where(Customer.archived.is_(False), Customer.trade_stage != visit_plans.FORMER_STAGE)
    )
    result = []
    for interval, since, first, owner, abc in session.execute(query):
        due = visit_plans.due_date(since, interval)
        if due <= end:
            result.append((owner, abc, first is not None and first.date() <= due))
    return result


def _lines(dimension: str, tallies: dict[str, _Tally], order: list[str]) -> list[CoverageLine]:
    total = _Tally()
    lines = []
    for name in order:
        t = tallies[name]
        lines.append(CoverageLine(dimension, name, t.planned, t.done, t.missed, t.visits, t.due,
                                  t.on_time))  # fmt: skip
        for field in ("planned", "done", "missed", "visits", "due", "on_time"):
            setattr(total, field, getattr(total, field) + getattr(t, field))
    lines.append(CoverageLine(dimension, TOTAL, total.planned, total.done, total.missed,
                              total.visits, total.due, total.on_time))  # fmt: skip
    return lines


def coverage_rows(lines: list[CoverageLine]) -> list[tuple]:
    return [
        (
            x.dimension,
            x.name,
            x.planned,
            x.done,
            x.missed,
            x.visits,
            x.due,
            x.on_time,
            "" if x.rate is None else x.rate,
        )  # fmt: skip
        for x in lines
    ]


def export_daily(path: Path, lines: list[DailyLine]) -> int:
    return excel_export.write_table(path, "客户访问日报表", DAILY_HEADERS, daily_rows(lines))


def export_coverage(path: Path, lines: list[CoverageLine]) -> int:
    return excel_export.write_table(
        path, "拜访计划与覆盖率", COVERAGE_HEADERS, coverage_rows(lines)
    )
