"""Key-account KPIs for a period (003): the revisit rate and the average satisfaction.

Revisit rate: of the key accounts on the list during the period, the share that were never
left unvisited longer than their card's interval. Inside the period (from the later of its
start and the designation) every gap between contacts must be at most the interval, counting
from the last contact before the period or the designation, whichever is later, up to the
period's end, or today if that is earlier. Any visit record counts, whatever its method.

Average satisfaction: the mean overall score of the surveys of key-account customers dated in
the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kehu_desktop.models import KeyAccount, SatisfactionSurvey, Visit

MIDNIGHT = datetime.min.time()
PERIODS = ("本月", "上月", "本季度", "本年")


@dataclass(frozen=True)
class KeyAccountKpis:
    start: date
    end: date
    accounts: int
    on_schedule: int
    surveys: int
    average_satisfaction: Decimal | None

    @property
    def revisit_rate(self) -> Decimal | None:
        """Percent, to one place; None when no key account was on the list."""
        if not self.accounts:
            return None
        rate = Decimal(self.on_schedule * 100) / self.accounts
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def describe(self) -> str:
        rate = "—" if self.revisit_rate is None else f"{self.revisit_rate}%"
        score = "—" if self.average_satisfaction is None else f"{self.average_satisfaction:.2f}"
        return (f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}：大客户回访率 {rate}"
                f"（本期按期回访 {self.on_schedule}/{self.accounts} 家）· 平均满意度 {score}"
                f"（{self.surveys} 份调查）")  # fmt: skip


def compute(session: Session, start: date, end: date, today: date | None = None) -> KeyAccountKpis:
    today = today or date.today()
    last_day = min(end, today)
    cards = session.execute(
        select(KeyAccount.customer_id, KeyAccount.designated_on, KeyAccount.visit_interval_days)
        .where(KeyAccount.designated_on <= end)
        .where(or_(KeyAccount.active, KeyAccount.delisted_on >= start))
    ).all()
    accounts = on_schedule = 0
    if cards:
        customer_ids = [c for c, _d, _i in cards]
        visit_days = _visit_days(session, customer_ids, start, last_day)
        before = _last_visits_before(session, customer_ids, start)
        for customer_id, designated_on, interval in cards:
            accounts += 1
            visits = [*before.get(customer_id, ()), *visit_days.get(customer_id, ())]
            if _kept_interval(visits, designated_on, max(start, designated_on), last_day, interval):
                on_schedule += 1
    average, surveys = _satisfaction(session, start, end)
    return KeyAccountKpis(start, end, accounts, on_schedule, surveys, average)


def _visit_days(
    session: Session, customer_ids: list[int], first: date, last: date
) -> dict[int, list[date]]:
    """Each customer's visit days from ``first`` to ``last``, in order."""
    days: dict[int, list[date]] = {}
    for chunk in _chunks(customer_ids):
        query = (
            select(Visit.customer_id, Visit.visited_at)
            .where(Visit.customer_id.in_(chunk))
            .where(Visit.visited_at >= datetime.combine(first, MIDNIGHT))
            .where(Visit.visited_at < datetime.combine(last + timedelta(days=1), MIDNIGHT))
            .order_by(Visit.customer_id, Visit.visited_at)
        )
        for customer_id, visited_at in session.execute(query):
            days.setdefault(customer_id, []).append(visited_at.date())
    return days


def _last_visits_before(
    session: Session, customer_ids: list[int], first: date
) -> dict[int, list[date]]:
    """Each customer's latest visit day before ``first`` (a one-item list), if any."""
    days: dict[int, list[date]] = {}
    for chunk in _chunks(customer_ids):
        query = (
            select(Visit.customer_id, func.max(Visit.visited_at))
            .where(Visit.customer_id.in_(chunk))
            .where(Visit.visited_at < datetime.combine(first, MIDNIGHT))
            .group_by(Visit.customer_id)
        )
        for customer_id, visited_at in session.execute(query):
            days[customer_id] = [visited_at.date()]
    return days


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    return [ids[index : index + size] for index in range(0, len(ids), size)]


def _kept_interval(
    visits: list[date], designated_on: date, first: date, last: date, interval: int
) -> bool:
    """No stretch from ``first`` to ``last`` went longer than ``interval`` days unvisited.

    The clock starts at the last contact before ``first`` or at the designation, whichever is
    later: an account already overdue when the period opens counts as late, a newly designated
    one is not late for visits it was never due.
    """
    if last < first:
        return True
    before = [d for d in visits if d < first]
    previous = max(before[-1], designated_on) if before else designated_on
    for day in (d for d in visits if first <= d <= last):
        if (day - previous).days > interval:
            return False
        previous = day
    return (last - previous).days <= interval


def _satisfaction(session: Session, start: date, end: date) -> tuple[Decimal | None, int]:
    query = select(SatisfactionSurvey.overall_score).where(
        SatisfactionSurvey.surveyed_on >= start,
        SatisfactionSurvey.surveyed_on <= end,
        SatisfactionSurvey.customer_id.in_(select(KeyAccount.customer_id)),
    )
    scores = list(session.scalars(query))
    if not scores:
        return None, 0
    average = sum(scores, Decimal(0)) / len(scores)
    return average.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), len(scores)


def period(kind: str, today: date | None = None) -> tuple[date, date]:
    """(start, end) of 本月, 上月, 本季度 or 本年."""
    today = today or date.today()
    if kind == "上月":
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if kind == "本季度":
        first_month = (today.month - 1) // 3 * 3 + 1
        start = date(today.year, first_month, 1)
        end_month = date(today.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
        return start, end_month - timedelta(days=1)
    if kind == "本年":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    start = today.replace(day=1)
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, following - timedelta(days=1)
