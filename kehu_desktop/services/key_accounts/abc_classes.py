"""ABC classes from the trailing twelve months' sales (002 §1.2.3).

Rules, decided here once:

* The window is the twelve calendar months ending with the month of ``as_of`` (the current,
  possibly partial, month included), so freshly entered or imported figures count at once.
* Customers are ranked by their sales in the window. A customer is A while the cumulative share
  of the customers ranked *before* it is below the A cut-off (default 80 %), so the customer
  that crosses the line is still A; B likewise up to the B cut-off (default 95 %); C the rest.
* Ties: customers with equal sales form one group and all take the class of the group's first
  place, so the order of equal customers never decides a class.
* Customers without sales in the window (none, or a zero total) are not ranked: their class is
  blank (未分类), so a prospect is not mistaken for a small buyer. When the whole window's total
  is zero, nobody is ranked.
* Archived customers are ranked too: their sales are part of the firm's revenue.

The recomputation is a bulk operation (100,000 customers in well under two seconds), written
with Core statements; its trace is ``CustomerClassHistory``, which gets a row whenever a
customer's class changes, rather than the audit log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    and_,
    cast,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from kehu_desktop.models import (
    Customer,
    CustomerClassHistory,
    KeyAccount,
    KeyAccountProposal,
    SalesRecord,
)
from kehu_desktop.models.base import table_of
from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.settings import SettingSpec

CUTOFFS: SettingSpec[dict[str, float]] = SettingSpec(
    "abc.cutoffs", {"a": 80, "b": 95}, "ABC 分类累计销售额界限（%）"
)
UNRANKED = ""
# An amount in whole fen: exact to sum, where SQLite's stored floats are not. 64-bit: a
# 32-bit integer would end at ¥21,474,836.47.
_FEN = cast(func.round(SalesRecord.amount * 100), BigInteger)


@dataclass(frozen=True)
class Cutoffs:
    """Cumulative shares of sales, in percent, that close class A and class B."""

    a: Decimal
    b: Decimal


@dataclass(frozen=True)
class AbcResult:
    as_of: date
    first_month: date
    total: Decimal
    counts: dict[str, int]
    changed: int

    def describe(self) -> str:
        parts = [f"{c} 类 {self.counts.get(c, 0):,} 位" for c in ("A", "B", "C")]
        parts.append(f"未分类 {self.counts.get(UNRANKED, 0):,} 位")
        return (f"{self.first_month:%Y-%m} 至 {self.as_of:%Y-%m} 销售额 {self.total:,.2f} 元；"
                f"{'，'.join(parts)}；{self.changed:,} 位客户分类有变化")  # fmt: skip


def get_cutoffs(session: Session) -> Cutoffs:
    raw = CUTOFFS.get(session)
    return Cutoffs(Decimal(str(raw["a"])), Decimal(str(raw["b"])))


def put_cutoffs(
    session: Session,
    operator: Operator,
    a: Decimal | str,
    b: Decimal | str,
    seen: Mapping[str, int] | None = None,
) -> Cutoffs:
    """Store new cut-offs after checking 0 < A < B ≤ 100."""
    operator.require_supervisor()
    try:
        a_value, b_value = Decimal(str(a).strip()), Decimal(str(b).strip())
    except ArithmeticError:
        raise ValidationError({"abc": "ABC 界限必须是数字（百分比）。"}) from None
    if not (0 < a_value < b_value <= 100):
        raise ValidationError({"abc": "ABC 界限须满足 0 < A 类界限 < B 类界限 ≤ 100。"})
    CUTOFFS.put(session, {"a": float(a_value), "b": float(b_value)}, seen)
    return Cutoffs(a_value, b_value)


def window(as_of: date) -> tuple[date, date]:
    """(first month, last month) of the trailing twelve months ending with ``as_of``'s month."""
    index = as_of.year * 12 + as_of.month - 1 - 11
    return date(index // 12, index % 12 + 1, 1), date(as_of.year, as_of.month, 1)


def sales_in_window(session: Session, as_of: date) -> dict[int, int]:
    """Each customer's sales in the window, in fen (exact integers; SQLite stores floats)."""
    first, last = window(as_of)
    fen = func.sum(_FEN)
    query = (
        select(SalesRecord.customer_id, fen)
        .where(SalesRecord.month >= first, SalesRecord.month <= last)
        .group_by(SalesRecord.customer_id)
    )
    # PostgreSQL sums bigints as numeric (Decimal); whole fen either way.
    return {customer: int(fen) for customer, fen in session.connection().execute(query)}


def customer_sales(session: Session, customer_id: int, as_of: date | None = None) -> Decimal:
    """One customer's sales in the trailing twelve months, in yuan."""
    first, last = window(as_of or date.today())
    query = select(func.coalesce(func.sum(_FEN), 0)).where(
        SalesRecord.customer_id == customer_id,
        SalesRecord.month >= first,
        SalesRecord.month <= last,
    )
    return Decimal(int(session.scalar(query) or 0)) / 100


def classify(sales: dict[int, int], cutoffs: Cutoffs) -> dict[int, str]:
    """The class of every customer in ``sales`` (any unit); those with nothing are unranked."""
    ranked = sorted((k for k, v in sales.items() if v > 0), key=sales.__getitem__, reverse=True)
    total = sum(sales[k] for k in ranked)
    classes = {k: UNRANKED for k, v in sales.items() if v <= 0}
    if total <= 0:
        return classes
    # before / total < cut-off / 100, in whole numbers: exact, and fast for 100,000 customers.
    a_num, a_den = cutoffs.a.as_integer_ratio()
    b_num, b_den = cutoffs.b.as_integer_ratio()
    a_bound, a_scale = a_num * total, 100 * a_den
    b_bound, b_scale = b_num * total, 100 * b_den
    before = 0
    group_value, group_class = None, ""
    for customer_id in ranked:
        value = sales[customer_id]
        if value != group_value:
            group_value = value
            if before * a_scale < a_bound:
                group_class = "A"
            else:
                group_class = "B" if before * b_scale < b_bound else "C"
        classes[customer_id] = group_class
        before += value
    return classes


def recompute(
    session: Session,
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AbcResult:
    """Recompute every customer's class, store it and record the changes in the history."""
    as_of = as_of or date.today()
    cutoffs = get_cutoffs(session)
    connection = session.connection()
    report = progress or (lambda _done, _total: None)
    sales = sales_in_window(session, as_of)
    report(1, 3)
    customers = table_of(Customer)
    current: dict[int, str] = dict(
        connection.execute(select(customers.c.id, customers.c.abc_class)).all()
    )
    classes = classify({k: sales.get(k, 0) for k in current}, cutoffs)
    changes = [(i, cls, sales.get(i, 0)) for i, cls in classes.items() if current[i] != cls]
    report(2, 3)
    if changes:
        _write_changes(connection, changes, as_of)
    session.expire_all()
    report(3, 3)
    counts: dict[str, int] = {}
    for cls in classes.values():
        counts[cls] = counts.get(cls, 0) + 1
    total = Decimal(sum(v for v in sales.values() if v > 0)) / 100
    return AbcResult(as_of, window(as_of)[0], total, counts, len(changes))


_CHANGES = Table(
    "abc_changes",
    MetaData(),
    Column("customer_id", Integer, primary_key=True),
    Column("abc_class", String(1)),
    Column("fen", BigInteger),
    prefixes=["TEMPORARY"],
)


def _write_changes(
    connection: Connection, changes: list[tuple[int, str, int]], as_of: date
) -> None:
    """Set the changed classes and add their history rows with two set-based statements.

    The changes go first into a temporary table through the driver's own executemany: for
    100,000 rows the ORM's per-row parameter handling would cost more than everything else.
    """
    _CHANGES.create(connection)
    try:
        marks = ", ".join([_placeholder(connection.dialect.paramstyle)] * 3)
        connection.exec_driver_sql(f"INSERT INTO abc_changes VALUES ({marks})", changes)
        customers = table_of(Customer)
        new_class = (
            select(_CHANGES.c.abc_class)
            .where(_CHANGES.c.customer_id == customers.c.id)
            .scalar_subquery()
        )
        connection.execute(
            update(customers)
            .where(customers.c.id.in_(select(_CHANGES.c.customer_id)))
            .values(abc_class=new_class)
        )
        history = table_of(CustomerClassHistory)
        connection.execute(
            insert(history).from_select(
                ["customer_id", "computed_on", "abc_class", "sales_12m"],
                select(
                    _CHANGES.c.customer_id,
                    literal(as_of, type_=Date),
                    _CHANGES.c.abc_class,
                    _CHANGES.c.fen / literal(100, type_=Numeric(16, 2)),
                ),
            )
        )
    finally:
        _CHANGES.drop(connection)


def _placeholder(paramstyle: str) -> str:
    return "?" if paramstyle == "qmark" else "%s"


@dataclass(frozen=True)
class Suggestion:
    """An A-class customer that is not (yet) a key account and has no open proposal."""

    id: int
    code: str
    name: str
    sales_12m: Decimal


def suggestions(session: Session, as_of: date | None = None, limit: int = 200) -> list[Suggestion]:
    """A-class customers without an active key-account card or a pending proposal, biggest
    first; these are the ones worth proposing for designation."""
    first, last = window(as_of or date.today())
    active_card = select(KeyAccount.id).where(
        KeyAccount.customer_id == Customer.id, KeyAccount.active
    )
    pending = select(KeyAccountProposal.id).where(
        KeyAccountProposal.customer_id == Customer.id, KeyAccountProposal.status == "待审批"
    )
    fen = func.coalesce(func.sum(_FEN), 0)
    query = (
        select(Customer.id, Customer.code, Customer.name, fen.label("fen"))
        .outerjoin(
            SalesRecord,
            and_(
                SalesRecord.customer_id == Customer.id,
                SalesRecord.month >= first,
                SalesRecord.month <= last,
            ),
        )
        .where(
            Customer.abc_class == "A",
            Customer.archived.is_(False),
            ~active_card.exists(),
            ~pending.exists(),
        )
        .group_by(Customer.id)
        .order_by(fen.desc(), Customer.code)
        .limit(limit)
    )
    return [
        Suggestion(i, code, name, Decimal(int(fen)) / 100)
        for i, code, name, fen in session.execute(query)
    ]


def class_history(session: Session, customer_id: int) -> list[CustomerClassHistory]:
    query = (
        select(CustomerClassHistory)
        .where(CustomerClassHistory.customer_id == customer_id)
        .order_by(CustomerClassHistory.computed_on.desc(), CustomerClassHistory.id.desc())
    )
    return list(session.scalars(query))
