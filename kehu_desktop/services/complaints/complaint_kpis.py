"""The complaint KPIs (投诉月报, 003 表1-7 / 表1-21) for any period, with breakdowns.

A period's figures cover the complaints *received* in it (dates inclusive); 撤销 ones are
counted but left out of every rate. Definitions:

- 处理及时率 = answered (答复) on or before the deadline ÷ due, where *due* means answered,
  or with a deadline on or before the period's last day (or today, if earlier). A complaint
  answered and then cancelled is in neither count, so the rate never passes 100 %.
- 解决率 = answered (答复/回访/结案) ÷ received (not cancelled).
- 满意率 = rated 非常满意/满意 at the revisit ÷ rated at a revisit.
- 回访率 = closed with a rating from a revisit ÷ closed (the rest were closed as unreachable).
- 记录完整率 = records with every field their stage requires ÷ records.

The customer breakdown lists the ``TOP_CUSTOMERS`` customers with the most complaints.
Everything is summed in SQL in two grouped queries, so a report over 50,000 complaints takes
well under half a second (benchmarks/bench_complaints.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, fields
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint, Customer
from kehu_desktop.services.common.periods import day_bounds, month_period, month_start
from kehu_desktop.services.common.rates import percent, rate
from kehu_desktop.services.complaints.choices import SATISFIED_LEVELS
from kehu_desktop.services.complaints.lifecycle import Status

ANSWERED = (Status.REPLIED, Status.REVISITED, Status.CLOSED)
HANDLED = (Status.HANDLING, *ANSWERED)
UNASSIGNED_DEPARTMENT = "未指定"
TOP_CUSTOMERS = 50
CENT = Decimal("0.01")
QUANTUM = Decimal("0.0001")


@dataclass(frozen=True)
class Figures:
    """Counts and totals for one group of complaints; rates are None when nothing to divide."""

    received: int = 0
    cancelled: int = 0
    due: int = 0
    on_time: int = 0
    resolved: int = 0
    closed: int = 0
    rated: int = 0
    satisfied: int = 0
    closed_rated: int = 0
    complete: int = 0
    overdue_open: int = 0
    _: KW_ONLY  # the sums by name: a count in the wrong place must not pass for one
    return_quantity: Decimal = Decimal("0")
    return_amount: Decimal = Decimal("0.00")
    exchange_quantity: Decimal = Decimal("0")
    exchange_amount: Decimal = Decimal("0.00")
    claim_amount: Decimal = Decimal("0.00")

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def effective(self) -> int:
        return self.received - self.cancelled

    @property
    def timely_rate(self) -> float | None:
        return rate(self.on_time, self.due)

    @property
    def resolution_rate(self) -> float | None:
        return rate(self.resolved, self.effective)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.rated)

    @property
    def revisit_rate(self) -> float | None:
        return rate(self.closed_rated, self.closed)

    @property
    def completeness_rate(self) -> float | None:
        return rate(self.complete, self.effective)


@dataclass(frozen=True)
class ComplaintKpis:
    """The report for ``start``..``end``; each breakdown is ((label, Figures), …), largest first.

    ``trend`` holds one entry per month (first day of the month) for the months up to ``end``.
    """

    start: date
    end: date
    total: Figures
    by_category: tuple[tuple[str, Figures], ...]
    by_severity: tuple[tuple[str, Figures], ...]
    by_department: tuple[tuple[str, Figures], ...]
    by_customer: tuple[tuple[str, Figures], ...]
    trend: tuple[tuple[date, Figures], ...]


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _complete() -> ColumnElement[bool]:
    """Every field the complaint's stage requires is filled in."""
    c = Complaint
    registration = and_(
        c.contact_name != "", c.contact_phone != "", c.product != "", c.demand != ""
    )
    handling = and_(c.department != "", c.cause != "", c.measures != "", c.result != "")
    return and_(
        registration,
        or_(c.status.not_in(HANDLED), handling),
        or_(c.status.not_in(ANSWERED), c.reply != ""),
        or_(c.status != Status.CLOSED, c.satisfaction != "", c.unreachable_reason != ""),
    )


def _measures(session: Session, cutoff: date) -> list[ColumnElement]:
    c = Complaint
    live = c.status != Status.CANCELLED
    # SQLite keeps datetimes as ISO text: the first ten characters are the day, far cheaper
    # per row than date().
    sqlite = session.get_bind().dialect.name == "sqlite"
    replied_day = func.substr(c.replied_at, 1, 10) if sqlite else func.date(c.replied_at)
    return [
        func.count(c.id),
        _flag(c.status == Status.CANCELLED),
        _flag(and_(live, or_(c.replied_at.is_not(None), c.deadline <= cutoff))),
        _flag(and_(live, c.replied_at.is_not(None), replied_day <= c.deadline)),
        _flag(c.status.in_(ANSWERED)),
        _flag(c.status == Status.CLOSED),
        _flag(and_(live, c.satisfaction != "")),
        _flag(and_(live, c.satisfaction.in_(SATISFIED_LEVELS))),
        _flag(and_(c.status == Status.CLOSED, c.satisfaction != "")),
        _flag(and_(live, _complete())),
        _flag(
            and_(
                c.status.in_((Status.REGISTERED, Status.INVESTIGATING, Status.HANDLING)),
                c.deadline < cutoff,
            )
        ),  # fmt: skip
        func.coalesce(func.sum(c.return_quantity), 0),
        func.coalesce(func.sum(c.return_amount), 0),
        func.coalesce(func.sum(c.exchange_quantity), 0),
        func.coalesce(func.sum(c.exchange_amount), 0),
        func.coalesce(func.sum(c.claim_amount), 0),
    ]


_COUNTS = 11


def _figures(values: Sequence) -> Figures:
    """Figures from one result row: the counts, then quantity/amount sums in field order."""
    counts = [int(v or 0) for v in values[:_COUNTS]]
    return_quantity, return_amount, exchange_quantity, exchange_amount, claim_amount = (
        Decimal(str(v or 0)) for v in values[_COUNTS:]
    )
    return Figures(
        *counts,
        return_quantity=return_quantity.quantize(QUANTUM),
        return_amount=return_amount.quantize(CENT),
        exchange_quantity=exchange_quantity.quantize(QUANTUM),
        exchange_amount=exchange_amount.quantize(CENT),
        claim_amount=claim_amount.quantize(CENT),
    )


def _period(start: date, end: date) -> ColumnElement[bool]:
    first, after = day_bounds(start, end)
    return and_(Complaint.received_at >= first, Complaint.received_at < after)


def compute(
    session: Session,
    start: date,
    end: date,
    *,
    trend_months: int = 12,
    today: date | None = None,
) -> ComplaintKpis:
    """The KPI figures for complaints received from ``start`` to ``end`` (inclusive).

    Deadlines count as passed up to ``end`` or today, whichever is earlier. One query, grouped by
    category × severity × department × month × in-period, is folded here into the total, the
    three breakdowns and the trend; a second one ranks the customers.
    """
    cutoff = min(end, today or date.today())
    where = _period(start, end)
    trend_first = month_start(end, 1 - trend_months) if trend_months else start
    department = func.coalesce(func.nullif(Complaint.department, ""), UNASSIGNED_DEPARTMENT)
    in_period = case((where, 1), else_=0)
    keys = (Complaint.category, Complaint.severity, department, _month_key(session), in_period)
    query = (
        select(*keys, *_measures(session, cutoff))
        .where(_period(min(start, trend_first), max(end, month_period(end)[1])))
        .group_by(*keys)
    )
    total = Figures()
    folded: list[dict[str, Figures]] = [{}, {}, {}, {}]
    for row in session.execute(query):
        figures = _figures(row[len(keys) :])
        if row[4]:
            total += figures
            for index, label in enumerate(row[:3]):
                folded[index][label] = folded[index].get(label, Figures()) + figures
        folded[3][row[3]] = folded[3].get(row[3], Figures()) + figures
    return ComplaintKpis(
        start=start,
        end=end,
        total=total,
        by_category=_ranked(folded[0]),
        by_severity=_ranked(folded[1]),
        by_department=_ranked(folded[2]),
        by_customer=_by_customer(session, where, cutoff),
        trend=_trend(folded[3], trend_first, trend_months),
    )


def _by_customer(
    session: Session, where: ColumnElement[bool], cutoff: date
) -> tuple[tuple[str, Figures], ...]:
    """The customers with the most complaints (``TOP_CUSTOMERS``), largest first."""
    counted = func.count(Complaint.id)
    top = (
        select(Complaint.customer_id)
        .where(where)
        .group_by(Complaint.customer_id)
        .order_by(counted.desc(), Complaint.customer_id)
        .limit(TOP_CUSTOMERS)
    )
    ids = list(session.scalars(top))
    if not ids:
        return ()
    names = dict(
        session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids))).all()
    )
    query = (
        select(Complaint.customer_id, *_measures(session, cutoff))
        .where(where, Complaint.customer_id.in_(ids))
        .group_by(Complaint.customer_id)
    )
    found = {row[0]: _figures(row[1:]) for row in session.execute(query)}
    return tuple((names[i], found[i]) for i in ids)


def _month_key(session: Session) -> ColumnElement:
    """'2026-11' for a complaint's month; on SQLite a plain substring, much cheaper per row."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(Complaint.received_at, 1, 7)
    return func.to_char(Complaint.received_at, "YYYY-MM")


def _trend(
    by_month: dict[str, Figures], first: date, months: int
) -> tuple[tuple[date, Figures], ...]:
    trend = []
    for offset in range(months):
        label = month_start(first, offset)
        trend.append((label, by_month.get(f"{label:%Y-%m}", Figures())))
    return tuple(trend)


def _ranked(groups: dict[str, Figures]) -> tuple[tuple[str, Figures], ...]:
    return _labelled(sorted(groups.items(), key=lambda r: (-r[1].received, str(r[0]))))


def _labelled(rows: list[tuple[object, Figures]]) -> tuple[tuple[str, Figures], ...]:
    return tuple((str(label), figures) for label, figures in rows)


BREAKDOWNS = (("按类别", "by_category"), ("按严重程度", "by_severity"),
              ("按责任部门", "by_department"), ("投诉最多的客户", "by_customer"))  # fmt: skip
# The rows of the report as the view, the .xlsx export and the command line show them.
RATE_ROWS = (
    ("处理及时率", "timely_rate"),
    ("解决率", "resolution_rate"),
    ("满意率", "satisfaction_rate"),
    ("回访率", "revisit_rate"),
    ("记录完整率", "completeness_rate"),
)
BREAKDOWN_HEADERS = ("分组", "受理", "撤销", "已答复", "按期答复", "应答复", "结案", "处理及时率",
                     "解决率", "满意率", "回访率", "记录完整率", "退货数量", "退货金额",
                     "换货数量", "换货金额", "索赔金额")  # fmt: skip


SUMMARY_LABELS = ("受理投诉", "其中撤销", "已答复（解决）", "已结案", "超期未答复",
                  *(label for label, _n in RATE_ROWS), "退货", "换货", "索赔金额")  # fmt: skip


def summary_lines(kpis: ComplaintKpis) -> list[tuple[str, str]]:
    """(label, value) pairs of the headline figures, in ``SUMMARY_LABELS`` order."""
    t = kpis.total
    values = [
        f"{t.received} 宗",
        f"{t.cancelled} 宗",
        f"{t.resolved} 宗",
        f"{t.closed} 宗",
        f"{t.overdue_open} 宗",
        *(percent(getattr(t, name)) for _label, name in RATE_ROWS),
        f"{t.return_quantity.normalize():f} 件 / ￥{t.return_amount:,.2f}",
        f"{t.exchange_quantity.normalize():f} 件 / ￥{t.exchange_amount:,.2f}",
        f"￥{t.claim_amount:,.2f}",
    ]
    return list(zip(SUMMARY_LABELS, values, strict=True))


def breakdown_row(label: str, f: Figures) -> tuple:
    return (label, f.received, f.cancelled, f.resolved, f.on_time, f.due, f.closed,
            percent(f.timely_rate), percent(f.resolution_rate), percent(f.satisfaction_rate),
            percent(f.revisit_rate), percent(f.completeness_rate), f.return_quantity,
            f.return_amount, f.exchange_quantity, f.exchange_amount, f.claim_amount)  # fmt: skip


def report_rows(kpis: ComplaintKpis) -> list[tuple]:
    """Every breakdown and the monthly trend under one header, as the .xlsx export holds them."""
    rows = [breakdown_row("合计", kpis.total)]
    for prefix, groups in (("类别", kpis.by_category), ("严重程度", kpis.by_severity),
                           ("部门", kpis.by_department), ("客户", kpis.by_customer)):  # fmt: skip
        rows += [breakdown_row(f"{prefix}：{label}", f) for label, f in groups]
    rows += [breakdown_row(f"月份：{month:%Y-%m}", f) for month, f in kpis.trend]
    return rows


def report_text(kpis: ComplaintKpis) -> str:
    """The report as plain text (for ``kehu-admin report complaints``): the same figures as the
    report view, then each breakdown as tab-separated rows."""
    lines = [f"客户投诉统计 {kpis.start.isoformat()} 至 {kpis.end.isoformat()}"]
    lines += [f"{label}：{value}" for label, value in summary_lines(kpis)]
    for title, name in BREAKDOWNS:
        groups = getattr(kpis, name)
        lines += ["", f"【{title}】", "\t".join(BREAKDOWN_HEADERS)]
        lines += ["\t".join(_plain(v) for v in breakdown_row(label, f)) for label, f in groups]
    lines += ["", "【近 12 个月】", "月份\t受理\t结案\t满意率"]
    lines += [f"{m:%Y-%m}\t{f.received}\t{f.closed}\t{percent(f.satisfaction_rate)}"
              for m, f in kpis.trend]  # fmt: skip
    return "\n".join(lines)


def _plain(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"
    return str(value)
