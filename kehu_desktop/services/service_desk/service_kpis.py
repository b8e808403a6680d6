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

One query reads a row per request with its repair order's figures; the rows are folded here,
so 50,000 requests take well under half a second (benchmarks/bench_service.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from kehu_desktop.models import (
    Customer,
    FactoryFeedback,
    KeyAccount,
    Product,
    RepairOrder,
    RepairPart,
    ServiceRequest,
    Staff,
)
from kehu_desktop.services.common.revisits import SATISFIED_LEVELS
from kehu_desktop.services.common.working_days import WorkCalendar, load_calendar
from kehu_desktop.services.service_desk.choices import FIXED_RESULTS
from kehu_desktop.services.service_desk.lifecycle import Status

TOP_CUSTOMERS = 50
NO_ENGINEER = "未派工"
NO_PRODUCT = "未指定产品"
CENT = Decimal("0.01")


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
        return _rate(self.response_on_time, self.response_due)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.resolve_on_time, self.resolve_due)

    @property
    def first_fix_rate(self) -> float | None:
        return _rate(self.first_fix, self.repaired)

    @property
    def repeat_rate(self) -> float | None:
        return _rate(self.repeats, self.repaired)

    @property
    def revisit_rate(self) -> float | None:
        return _rate(self.closed_rated, self.closed)

    @property
    def key_satisfaction_rate(self) -> float | None:
        return _rate(self.key_satisfied, self.key_rated)

    @property
    def general_satisfaction_rate(self) -> float | None:
        return _rate(self.general_satisfied, self.general_rated)

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


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


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
        return _rate(self.on_time, self.due)


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


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, datetime.min.time()),
        datetime.combine(end + timedelta(days=1), datetime.min.time()),
    )


def _rows_query(start: date, end: date):
    r = ServiceRequest
    parts = (
        select(
            RepairPart.order_id.label("order_id"),
            func.sum(RepairPart.quantity * RepairPart.unit_cost).label("cost"),
        )
        .group_by(RepairPart.order_id)
        .subquery()
    )
    later = aliased(RepairOrder)
    repeated = (
        select(later.repeat_of_id.label("order_id"))
        .where(later.repeat_of_id.is_not(None))
        .distinct()
        .subquery()
    )
    low, high = _bounds(start, end)
    return (
        select(
            r.status,
            r.customer_id,
            r.engineer_id,
            r.product_id,
            r.received_at,
            r.response_deadline,
            r.dispatched_at,
            r.deadline,
            r.resolved_at,
            r.satisfaction,
            r.closed_at,
            KeyAccount.id,
            RepairOrder.id,
            RepairOrder.result,
            RepairOrder.repeat_of_id,
            repeated.c.order_id,
            RepairOrder.labour_cost,
            RepairOrder.charge_amount,
            parts.c.cost,
        )  # fmt: skip
        .outerjoin(
            KeyAccount, and_(KeyAccount.customer_id == r.customer_id, KeyAccount.active.is_(True))
        )
        .outerjoin(RepairOrder, RepairOrder.request_id == r.id)
        .outerjoin(parts, parts.c.order_id == RepairOrder.id)
        .outerjoin(repeated, repeated.c.order_id == RepairOrder.id)
        .where(r.received_at >= low, r.received_at < high)
    )


def _raw_rows(session: Session, statement) -> list[tuple]:
    """Rows straight from the DB-API cursor (no type processing): dates arrive as ISO text on
    SQLite, which is compared as text below."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _day(value: object) -> str:
    """'2026-11-03' from a date, a datetime or their ISO text; '' for None."""
    return "" if value is None else str(value)[:10]


def _fen(value: object) -> int:
    return 0 if value is None else int(round(float(value) * 100))


class _WorkingDayIndex:
    """Working days between two ISO days, by a running count built once per report."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self._count: dict[str, int] = {}
        running, day = 0, first
        while day <= last:
            running += calendar.is_working_day(day)
            self._count[day.isoformat()] = running
            day += timedelta(days=1)

    def between(self, start: str, end: str) -> int:
        return self._count[end] - self._count[start]


def _vectors(rows: Sequence[tuple], cutoff: str, index: _WorkingDayIndex):
    """(customer, engineer, product, figures vector) per request."""
    cancelled = Status.CANCELLED
    closed_status = Status.CLOSED
    for (status, customer, engineer, product, received, response_deadline, dispatched,
         deadline, resolved, satisfaction, closed, key_account, order, result, repeat_of,
         repeated, labour, charge, parts) in rows:  # fmt: skip
        if status == cancelled:
            yield customer, engineer, product, (1, 1) + (0,) * 17
            continue
        response_deadline, deadline = _day(response_deadline), _day(deadline)
        dispatched, resolved = _day(dispatched), _day(resolved)
        is_closed = status == closed_status
        rated = bool(satisfaction)
        satisfied = satisfaction in SATISFIED_LEVELS
        has_order = order is not None
        yield customer, engineer, product, (
            1, 0,
            int(bool(dispatched) or response_deadline <= cutoff),
            int(bool(dispatched) and dispatched <= response_deadline),
            int(bool(resolved) or deadline <= cutoff),
            int(bool(resolved) and resolved <= deadline),
            int(has_order),
            int(has_order and result in FIXED_RESULTS and repeat_of is None and repeated is None),
            int(has_order and repeat_of is not None),
            int(is_closed),
            int(is_closed and rated),
            int(rated and key_account is not None),
            int(satisfied and key_account is not None),
            int(rated and key_account is None),
            int(satisfied and key_account is None),
            index.between(_day(received), _day(closed)) if is_closed and closed else 0,
            _fen(parts), _fen(labour), _fen(charge),
        )  # fmt: skip


def _sum(vectors: list[tuple]) -> Figures:
    return (
        Figures(*(sum(column) for column in zip(*vectors, strict=True))) if vectors else Figures()
    )


def _ranked(groups: dict[object, list[tuple]], names: dict, missing: str, limit: int | None = None):
    folded = sorted(
        (
            (names.get(key, missing) if key is not None else missing, _sum(v))
            for key, v in groups.items()
        ),
        key=lambda item: (-item[1].received, item[0]),
    )
    return tuple(folded[:limit] if limit else folded)


def compute(session: Session, start: date, end: date, *, today: date | None = None) -> ServiceKpis:
    """The KPI figures for requests received from ``start`` to ``end`` (inclusive)."""
    today = today or date.today()
    cutoff = min(end, today)
    rows = _raw_rows(session, _rows_query(start, end))
    calendar = load_calendar(session)
    index = _WorkingDayIndex(calendar, start, max(end, today) + timedelta(days=1))
    everything: list[tuple] = []
    by_engineer: dict[object, list[tuple]] = defaultdict(list)
    by_product: dict[object, list[tuple]] = defaultdict(list)
    by_customer: dict[object, list[tuple]] = defaultdict(list)
    for customer, engineer, product, vector in _vectors(rows, cutoff.isoformat(), index):
        everything.append(vector)
        by_engineer[engineer].append(vector)
        by_product[product].append(vector)
        by_customer[customer].append(vector)
    staff = dict(session.execute(select(Staff.id, Staff.name)).all())
    product_names = {
        i: f"{name} {model}".strip()
        for i, name, model in session.execute(select(Product.id, Product.name, Product.model))
    }
    top = sorted(by_customer, key=lambda c: -len(by_customer[c]))[:TOP_CUSTOMERS]
    customer_names = {
        i: f"{code} {name}"
        for i, code, name in session.execute(
            select(Customer.id, Customer.code, Customer.name).where(Customer.id.in_(top))
        )
    }
    return ServiceKpis(
        start, end, _sum(everything), feedback_figures(session, start, end, cutoff),
        _ranked(by_engineer, staff, NO_ENGINEER), _ranked(by_product, product_names, NO_PRODUCT),
        _ranked({c: by_customer[c] for c in top}, customer_names, "", TOP_CUSTOMERS),
    )  # fmt: skip


def feedback_figures(session: Session, start: date, end: date, cutoff: date) -> FeedbackFigures:
    """Feedback raised in the period: due once answered or past its reply deadline."""
    f = FactoryFeedback
    low, high = _bounds(start, end)
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
