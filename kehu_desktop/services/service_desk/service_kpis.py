"""The after-sales KPIs (seed 003 表1-6, 表1-18, 表1-19) for any period, by engineer, product
and customer.

A period's figures cover the requests *received* in it (dates inclusive); 撤销 ones are counted
but left out of every rate and sum. A deadline counts as passed up to the period's last day, or
today if earlier. Definitions:

- 响应及时率 = dispatched (first 派工) on or before the dispatch deadline ÷ due, where *due*
  means dispatched, or with a dispatch deadline already passed.
- 解决及时率 = repair order recorded on or before the resolve deadline ÷ due (likewise).
- 一次修复率 = repair orders that put the unit right (修复/更换), were not themselves a 返修
  and were not followed by one ÷ repair orders.
- 返修率 = repair orders that are a repeat repair of the same unit ÷ repair orders.
- 回访率 = closed with a rating from a revisit ÷ closed (the rest: customer unreachable).
- 满意率 = rated 非常满意/满意 ÷ rated, for 大客户 (an active key-account card) and 一般客户
  separately.
- 信息反馈及时率 = factory feedback raised in the period and answered by its deadline ÷ due.
- 平均结案工作日 = working days from receipt to 结案, averaged over the closed requests.
- Costs: parts (quantity × unit cost) and labour of the repair orders, and what was charged.

Everything is counted and summed in SQL (see ``_grouped``), by engineer × product and for the
busiest customers: working days to close through a table of working-day counts joined in; each
repair order keeps its parts cost and whether a 返修 followed it. See
benchmarks/bench_service.py for the time over 50,000 requests.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Integer,
    Select,
    SQLColumnExpression,
    String,
    and_,
    cast,
    column,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from kehu_desktop.models import (
    Customer,
    FactoryFeedback,
    KeyAccount,
    Product,
    RepairOrder,
    ServiceRequest,
    Staff,
)
from kehu_desktop.services.common.periods import day_bounds
from kehu_desktop.services.common.rates import percent, rate
from kehu_desktop.services.common.revisits import SATISFIED_LEVELS
from kehu_desktop.services.common.working_days import load_calendar
from kehu_desktop.services.service_desk.choices import FIXED_RESULTS
from kehu_desktop.services.service_desk.lifecycle import Status

TOP_CUSTOMERS = 50
NO_ENGINEER = "未派工"
NO_PRODUCT = "未指定产品"
CENT = Decimal("0.01")


# A select the scope narrows, whatever its columns.
_Query = TypeVar("_Query", bound=Select)


@dataclass(frozen=True)
class Figures:
    """Counts and sums for one group of requests; money sums are kept in fen."""

    received: int = 0
    cancelled: int = 0
    response_due: int = 0
    response_on_time: int = 0
    resolve_due: int = 0
    resolve_on_time: int = 0
    repaired: int = 0
    first_fix: int = 0
    repeats: int = 0
    closed: int = 0
    closed_rated: int = 0
    key_rated: int = 0
    key_satisfied: int = 0
    general_rated: int = 0
    general_satisfied: int = 0
    close_days: int = 0
    parts_fen: int = 0
    labour_fen: int = 0
    charge_fen: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def effective(self) -> int:
        return self.received - self.cancelled

    @property
    def response_rate(self) -> float | None:
        return rate(self.response_on_time, self.response_due)

    @property
    def resolution_rate(self) -> float | None:
        return rate(self.resolve_on_time, self.resolve_due)

    @property
    def first_fix_rate(self) -> float | None:
        return rate(self.first_fix, self.repaired)

    @property
    def repeat_rate(self) -> float | None:
        return rate(self.repeats, self.repaired)

    @property
    def revisit_rate(self) -> float | None:
        return rate(self.closed_rated, self.closed)

    @property
    def key_satisfaction_rate(self) -> float | None:
        return rate(self.key_satisfied, self.key_rated)

    @property
    def general_satisfaction_rate(self) -> float | None:
        return rate(self.general_satisfied, self.general_rated)

    @property
    def average_close_days(self) -> float | None:
        return self.close_days / self.closed if self.closed else None

    @property
    def parts_cost(self) -> Decimal:
        return _yuan(self.parts_fen)

    @property
    def labour_cost(self) -> Decimal:
        return _yuan(self.labour_fen)

    @property
    def charges(self) -> Decimal:
        return _yuan(self.charge_fen)


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def days_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class FeedbackFigures:
    raised: int = 0
    due: int = 0
    on_time: int = 0
    overdue_open: int = 0

    @property
    def timely_rate(self) -> float | None:
        return rate(self.on_time, self.due)


@dataclass(frozen=True)
class ServiceKpis:
    """The report for ``start``..``end``; each breakdown is ((label, Figures), …), largest
    first."""

    start: date
    end: date
    total: Figures
    feedback: FeedbackFigures
    by_engineer: tuple[tuple[str, Figures], ...]
    by_product: tuple[tuple[str, Figures], ...]
    by_customer: tuple[tuple[str, Figures], ...]


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count().filter(condition)


def _day(session: Session, column: SQLColumnExpression[Any]) -> ColumnElement[date]:
    """The day of a datetime column, to compare with a date column. SQLite keeps datetimes as
    ISO text, whose first ten characters are the day as its dates are kept (far cheaper per
    row than date())."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 10)
    return cast(column, Date)


def _day_text(session: Session, column: SQLColumnExpression[Any]) -> ColumnElement[str]:
    """The day of a datetime column as ISO text ('2026-11-03'), to look up in the table of
    working-day counts."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(column, 1, 10)
    return func.to_char(column, "YYYY-MM-DD")


def _working_day_counts(session: Session, first: date, last: date) -> CTE:
    """A table (day, n) with the days as ISO text: n = working days from ``first`` up to that
    day, so the working days between two days are the difference of their n.

    The rows are written into the SQL as a VALUES list: as some 700 pairs of bound parameters
    they cost the statement compiler more time than the query takes to run. Every value is a
    day or a count made here, never text from outside.
    """
    calendar = load_calendar(session)
    rows, running, day = [], 0, first
    while day <= last:
        running += calendar.is_working_day(day)
        rows.append(f"('{day.isoformat()}', {running})")
        day += timedelta(days=1)
    table = f"SELECT column1 AS day, column2 AS n FROM (VALUES {', '.join(rows)}) AS counts"
    return text(table).columns(column("day", String), column("n", Integer)).cte("wd")


@dataclass(frozen=True)
class _Scope:
    """The requests a query covers: received in [low, high), optionally of some customers."""

    low: datetime
    high: datetime
    cutoff: date
    customers: tuple[int, ...] | None = None

    def where(self, query: _Query) -> _Query:
        r = ServiceRequest
        query = query.where(r.received_at >= self.low, r.received_at < self.high)
        if self.customers is not None:
            query = query.where(r.customer_id.in_(self.customers))
        return query


def _grouped(session: Session, scope: _Scope, keys: list[Any]) -> dict[tuple[Any, ...], Figures]:
    """The Figures of the requests in ``scope`` per value of ``keys`` (a missing one is 0).

    Two grouped queries over the period index (ix_service_requests_period holds every request
    column they read): the requests with their repair orders by key *and status*, so that no
    per-row status test is needed (the status sorts the groups into received, cancelled,
    closed here), and the ratings of key-account customers (the rest are 一般客户).

    The keys are grouped as coalesce(key, 0): grouped by the bare column, SQLite walks that
    column's own index for the order and reads every row from the table, at three times the
    cost of reading the period index.
    """
    r, o = ServiceRequest, RepairOrder
    first = session.scalar(scope.where(select(func.min(r.received_at))))
    if first is None:
        return {}
    last = max(scope.high.date(), scope.cutoff, date.today()) + timedelta(days=1)
    counts = _working_day_counts(session, first.date(), last)
    received_n, closed_n = aliased(counts), aliased(counts)
    rated, satisfied = r.satisfaction != "", r.satisfaction.in_(SATISFIED_LEVELS)
    first_fix = and_(o.result.in_(FIXED_RESULTS), o.repeat_of_id.is_(None), o.repeated.is_(False))
    groups = [func.coalesce(key, 0) for key in keys]
    width = len(keys)
    by_status = scope.where(
        select(
            *groups, r.status, func.count(),
            _count(or_(r.dispatched_at.is_not(None), r.response_deadline <= scope.cutoff)),
            _count(_day(session, r.dispatched_at) <= r.response_deadline),
            _count(or_(r.resolved_at.is_not(None), r.deadline <= scope.cutoff)),
            _count(_day(session, r.resolved_at) <= r.deadline),
            _count(rated), _count(satisfied), func.sum(closed_n.c.n - received_n.c.n),
            func.count(o.id), _count(first_fix), func.count(o.repeat_of_id),
            func.sum(o.parts_cost), func.sum(o.labour_cost), func.sum(o.charge_amount),
        )
        .outerjoin(o, o.request_id == r.id)
        .outerjoin(received_n, received_n.c.day == _day_text(session, r.received_at))
        .outerjoin(closed_n, closed_n.c.day == _day_text(session, r.closed_at))
        .group_by(*groups, r.status)
    )  # fmt: skip
    totals: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    for row in session.execute(by_status):
        key, (status, n, response_due, response_on_time, resolve_due, resolve_on_time, rated_n,
              satisfied_n, close_days, repaired, fixed, repeats, parts, labour,
              charged) = tuple(row[:width]), row[width:]  # fmt: skip
        t = totals[key]
        t["received"] += n
        if status == Status.CANCELLED:
            t["cancelled"] += n
            continue
        t.update(
            response_due=response_due, response_on_time=response_on_time,
            resolve_due=resolve_due, resolve_on_time=resolve_on_time,
            general_rated=rated_n, general_satisfied=satisfied_n, repaired=repaired,
            first_fix=fixed, repeats=repeats, parts_fen=_fen(parts), labour_fen=_fen(labour),
            charge_fen=_fen(charged),
        )  # fmt: skip
        if status == Status.CLOSED:
            t.update(closed=n, closed_rated=rated_n, close_days=close_days or 0)
    key_accounts = select(KeyAccount.customer_id).where(KeyAccount.active.is_(True))
    for *group, rated_n, satisfied_n in session.execute(scope.where(
        select(*groups, _count(rated), _count(satisfied))
        .where(r.status != Status.CANCELLED, r.customer_id.in_(key_accounts))
        .group_by(*groups)
    )):  # fmt: skip
        totals[tuple(group)].update(
            key_rated=rated_n, key_satisfied=satisfied_n,
            general_rated=-rated_n, general_satisfied=-satisfied_n,
        )  # fmt: skip
    return {key: Figures(**t) for key, t in totals.items()}


def _fen(amount: Any) -> int:
    """A money sum as the database returns it (Decimal, or a float on SQLite) in fen."""
    return int((Decimal(str(amount or 0)) * 100).quantize(Decimal("1")))


def _ranked(groups: dict[str, Figures]) -> tuple[tuple[str, Figures], ...]:
    return tuple(sorted(groups.items(), key=lambda item: (-item[1].received, item[0])))


def compute(session: Session, start: date, end: date, *, today: date | None = None) -> ServiceKpis:
    """The KPI figures for requests received from ``start`` to ``end`` (inclusive).

    By engineer × product (folded here into the total and both breakdowns), then the
    ``TOP_CUSTOMERS`` customers with the most requests.
    """
    today = today or date.today()
    cutoff = min(end, today)
    low, high = day_bounds(start, end)
    scope = _Scope(low, high, cutoff)
    r = ServiceRequest
    staff = dict(session.execute(select(Staff.id, Staff.name)).all())
    product_names = {
        i: f"{name} {model}".strip()
        for i, name, model in session.execute(select(Product.id, Product.name, Product.model))
    }
    total = Figures()
    by_engineer: dict[str, Figures] = defaultdict(Figures)
    by_product: dict[str, Figures] = defaultdict(Figures)
    pairs = _grouped(session, scope, [r.engineer_id, r.product_id])
    for (engineer, product), figures in pairs.items():
        total += figures
        by_engineer[staff.get(engineer, NO_ENGINEER) if engineer else NO_ENGINEER] += figures
        by_product[product_names.get(product, NO_PRODUCT) if product else NO_PRODUCT] += figures
    top = [
        customer_id
        for customer_id, _count in session.execute(
            scope.where(
                select(r.customer_id, func.count(r.id))
                .group_by(r.customer_id)
                .order_by(func.count(r.id).desc(), r.customer_id)
                .limit(TOP_CUSTOMERS)
            )
        )
    ]
    names = {
        i: f"{code} {name}"
        for i, code, name in session.execute(
            select(Customer.id, Customer.code, Customer.name).where(Customer.id.in_(top))
        )
    }
    per_customer = _grouped(session, replace(scope, customers=tuple(top)), [r.customer_id])
    by_customer = tuple((names.get(c, ""), per_customer[(c,)]) for c in top)
    return ServiceKpis(
        start, end, total, feedback_figures(session, start, end, cutoff),
        _ranked(by_engineer), _ranked(by_product), by_customer,
    )  # fmt: skip


def feedback_figures(session: Session, start: date, end: date, cutoff: date) -> FeedbackFigures:
    """Feedback raised in the period: due once answered or past its reply deadline."""
    f = FactoryFeedback
    low, high = day_bounds(start, end)
    raised = due = on_time = overdue = 0
    for replied_at, deadline in session.execute(
        select(f.replied_at, f.reply_deadline).where(f.raised_at >= low, f.raised_at < high)
    ):
        raised += 1
        if replied_at is not None or deadline <= cutoff:
            due += 1
        if replied_at is not None and replied_at.date() <= deadline:
            on_time += 1
        if replied_at is None and deadline < cutoff:
            overdue += 1
    return FeedbackFigures(raised, due, on_time, overdue)


# --- presenting -------------------------------------------------------------------------------

SUMMARY_LABELS = ("受理", "撤销", "响应及时率", "解决及时率", "一次修复率", "返修率", "回访率",
                  "大客户满意率", "一般客户满意率", "信息反馈及时率", "平均结案工作日",
                  "配件成本", "人工成本", "收费金额")  # fmt: skip


def summary_lines(kpis: ServiceKpis) -> list[tuple[str, str]]:
    t = kpis.total
    values = (
        f"{t.received}", f"{t.cancelled}", percent(t.response_rate), percent(t.resolution_rate),
        percent(t.first_fix_rate), percent(t.repeat_rate), percent(t.revisit_rate),
        percent(t.key_satisfaction_rate), percent(t.general_satisfaction_rate),
        percent(kpis.feedback.timely_rate), days_text(t.average_close_days),
        f"{t.parts_cost:,.2f}", f"{t.labour_cost:,.2f}", f"{t.charges:,.2f}",
    )  # fmt: skip
    return list(zip(SUMMARY_LABELS, values, strict=True))


BREAKDOWN_HEADERS = ("分组", "受理", "撤销", "响应及时率", "解决及时率", "维修单", "一次修复率",
                     "返修率", "结案", "回访率", "大客户满意率", "一般客户满意率",
                     "平均结案工作日", "配件成本", "人工成本", "收费金额")  # fmt: skip


def breakdown_row(label: str, f: Figures) -> tuple:
    return (
        label, f.received, f.cancelled, percent(f.response_rate), percent(f.resolution_rate),
        f.repaired, percent(f.first_fix_rate), percent(f.repeat_rate), f.closed,
        percent(f.revisit_rate), percent(f.key_satisfaction_rate),
        percent(f.general_satisfaction_rate), days_text(f.average_close_days), f.parts_cost,
        f.labour_cost, f.charges,
    )  # fmt: skip


BREAKDOWNS = (("按工程师", "by_engineer"), ("按产品", "by_product"), ("按客户", "by_customer"))


def report_rows(kpis: ServiceKpis) -> list[tuple]:
    """Every line of the report for the .xlsx export: the total, then each breakdown."""
    rows = [breakdown_row("合计", kpis.total)]
    for title, name in BREAKDOWNS:
        rows.append((f"—— {title} ——",) + ("",) * (len(BREAKDOWN_HEADERS) - 1))
        rows.extend(breakdown_row(label, f) for label, f in getattr(kpis, name))
    return rows


def report_text(kpis: ServiceKpis) -> str:
    lines = [f"售后服务报告 {kpis.start.isoformat()} 至 {kpis.end.isoformat()}"]
    lines += [f"  {name}：{value}" for name, value in summary_lines(kpis)]
    fb = kpis.feedback
    lines.append(f"  工厂反馈：{fb.raised} 条，应答复 {fb.due} 条，按期 {fb.on_time} 条，"
                 f"超期未答复 {fb.overdue_open} 条")  # fmt: skip
    for title, name in BREAKDOWNS:
        groups = getattr(kpis, name)
        if not groups:
            continue
        lines.append(f"{title}：")
        for label, f in groups[:10]:
            lines.append(
                f"  {label}：受理 {f.received}，响应及时率 {percent(f.response_rate)}，"
                f"解决及时率 {percent(f.resolution_rate)}，一次修复率 {percent(f.first_fix_rate)}，"
                f"返修率 {percent(f.repeat_rate)}，回访率 {percent(f.revisit_rate)}"
            )
    return "\n".join(lines)
