"""How often each customer is visited, when the next visit is due, and visits planned ahead
(客户联络计划表).

The rule, in order of precedence:

1. an active key account (大客户) is visited as often as its card says;
2. otherwise the customer's own override (``Customer.visit_interval_days``);
3. otherwise the default for its ABC class, or, while it has no ABC class yet (a new or
   potential customer without twelve months of sales), the default for its 管理分类.

Intervals are kept in days, because the key-account card and the override already are: 30 days
after 31 January is 2 March (1 March in a leap year), so there is no month-end clamping to get
wrong. The next visit is due one interval after the last visit, or, for a customer never
visited, one interval after its file was opened. Former customers (交易阶段 曾经) and archived
files have no frequency. Calendar months appear only where a plan covers "this month", and
those run from the 1st to the month's real last day.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.orm import Session

from kehu_desktop.models import Customer, KeyAccount, LastVisit, Staff, Visit, VisitPlan
from kehu_desktop.models.base import table_of
from kehu_desktop.services.common import versions
from kehu_desktop.services.common.errors import NotFoundError, UserError, ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.periods import month_period, month_start
from kehu_desktop.services.common.settings import SettingSpec
from kehu_desktop.services.customers.customer_fields import ABC_CLASSES, MANAGEMENT_CLASSES

ABC_INTERVALS = SettingSpec(
    "visits.interval_by_abc", {"A": 30, "B": 90, "C": 180}, "按 ABC 分类的拜访间隔（天）"
)
MANAGEMENT_INTERVALS = SettingSpec(
    "visits.interval_by_management",
    {"关键": 30, "潜力": 60, "常规": 90, "临时": 180},
    "未分 ABC 类时按管理分类的拜访间隔（天）",
)
# Used for a class the settings do not name.
FALLBACK_INTERVAL = 90
MAX_INTERVAL = 3660

METHODS = ("上门", "电话", "来访接待", "微信·邮件")
PURPOSES = ("例行", "新品推介", "催收货款", "投诉回访", "满意度调查", "节日问候")
COMPLAINT_REVISIT = "投诉回访"
PLANNED, DONE, MISSED = "计划", "已完成", "未完成"
PLAN_STATUSES = (PLANNED, DONE, MISSED)
FORMER_STAGE = "曾经"
PERIODS = ("本周", "下周", "本月", "下月")


# --- frequencies -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Frequencies:
    """The class defaults in days, as stored in the settings."""

    abc: dict[str, int]
    management: dict[str, int]


def frequencies(session: Session) -> Frequencies:
    abc = {**ABC_INTERVALS.default, **ABC_INTERVALS.get(session)}
    management = {**MANAGEMENT_INTERVALS.default, **MANAGEMENT_INTERVALS.get(session)}
    return Frequencies(
        {k: int(v) for k, v in abc.items()}, {k: int(v) for k, v in management.items()}
    )


def save_frequencies(
    session: Session,
    operator: Operator,
    abc: dict[str, int],
    management: dict[str, int],
    seen: Mapping[str, int] | None = None,
) -> None:
    """Store new class defaults (主管 or 管理员 only); every interval 1–3660 days."""
    operator.require_supervisor()
    errors = {}
    for prefix, values, names in (
        ("abc", abc, ABC_CLASSES),
        ("management", management, MANAGEMENT_CLASSES),
    ):
        for name in names:
            value = values.get(name)
            if not isinstance(value, int) or not 1 <= value <= MAX_INTERVAL:
                errors[f"{prefix}.{name}"] = f"{name} 类的拜访间隔应为 1–{MAX_INTERVAL} 天。"
    if errors:
        raise ValidationError(errors)
    ABC_INTERVALS.put(session, {k: abc[k] for k in ABC_CLASSES}, seen)
    MANAGEMENT_INTERVALS.put(session, {k: management[k] for k in MANAGEMENT_CLASSES}, seen)


# --- next due dates --------------------------------------------------------------------------


# Julian day number of 0001-01-01 00:00, so a date's midnight is ordinal + this (SQLite).
_JULIAN_OFFSET = 1721424.5


def _since() -> ColumnElement[datetime]:
    """What the interval counts from: the latest visit, or the file's creation."""
    return func.coalesce(LastVisit.visited_at, Customer.created_at)


def due_order(session: Session, interval: ColumnElement[int]) -> ColumnElement:
    """Orders customers by when their next visit is due (in the store's SQL dialect)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(_since()) + interval
    return cast(_since(), Date) + interval


def _due_by(session: Session, interval: ColumnElement[int], end: date) -> ColumnElement[bool]:
    """The next visit is due on or before ``end``."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(_since()) + interval < (end.toordinal() + 1 + _JULIAN_OFFSET)
    return cast(_since(), Date) + interval <= end


def due_date(since: datetime, interval_days: int) -> date:
    return since.date() + timedelta(days=interval_days)


def interval_column(session: Session) -> ColumnElement[int]:
    """The visit interval in days of each customer (needs the key-account outer join)."""
    f = frequencies(session)
    class_default = case(
        (
            Customer.abc_class != "",
            case(f.abc, value=Customer.abc_class, else_=FALLBACK_INTERVAL),
        ),
        else_=case(f.management, value=Customer.management_class, else_=FALLBACK_INTERVAL),
    )
    return func.coalesce(
        KeyAccount.visit_interval_days, Customer.visit_interval_days, class_default
    )


def schedule_query(
    session: Session, due_by: date | None = None, staff_id: int | None = None
) -> Select:
    """Customers with a visit frequency: (customer_id, interval_days, last_visit, since).

    With ``due_by``, only those due on or before that day; with ``staff_id``, only that staff
    member's customers. The next due date is ``due_date(since, interval_days)``.
    """
    interval = interval_column(session)
    query = (
        select(
            Customer.id.label("customer_id"),
            interval.label("interval_days"),
            LastVisit.visited_at.label("last_visit"),
            _since().label("since"),
        )
        .select_from(Customer)
        .outerjoin(KeyAccount, and_(KeyAccount.customer_id == Customer.id, KeyAccount.active))
        .outerjoin(LastVisit, LastVisit.customer_id == Customer.id)
        # IS NOT 1 rather than = 0: nearly every file is live, so scanning beats the index.
        .where(Customer.archived.is_not(True), Customer.trade_stage != FORMER_STAGE)
    )
    if due_by is not None:
        query = query.where(_due_by(session, interval, due_by))
    if staff_id is not None:
        query = query.where(Customer.owner_id == staff_id)
    return query


# --- the latest visit per customer -----------------------------------------------------------


def refresh_last_visits(session: Session, customer_ids: Iterable[int] | None = None) -> None:
    """Bring ``last_visits`` up to date for ``customer_ids`` (all customers when None).

    Visits written through the ORM are tracked automatically; code that bulk-inserts visits
    (demo data, imports) calls this afterwards.
    """
    connection = session.connection()
    table = table_of(LastVisit)
    latest = select(Visit.customer_id, func.max(Visit.visited_at)).group_by(Visit.customer_id)
    if customer_ids is None:
        connection.execute(delete(table))
        connection.execute(insert(table).from_select(["customer_id", "visited_at"], latest))
        return
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        connection.execute(delete(table).where(table.c.customer_id.in_(chunk)))
        connection.execute(
            insert(table).from_select(
                ["customer_id", "visited_at"], latest.where(Visit.customer_id.in_(chunk))
            )
        )


@event.listens_for(Session, "after_flush")
def _track_last_visits(session: Session, _context: object) -> None:
    changed = {
        visit.customer_id
        for visit in (*session.new, *session.dirty, *session.deleted)
        if isinstance(visit, Visit)
    }
    for visit in session.dirty:
        if isinstance(visit, Visit):
            # A visit moved to another customer leaves the old one's latest visit to find again.
            history = inspect(visit).attrs.customer_id.history
            changed.update(history.deleted or ())
    if changed:
        refresh_last_visits(session, changed)


@dataclass(frozen=True)
class Schedule:
    """One customer's visit frequency, where it comes from, and when the next visit is due."""

    interval_days: int
    source: str
    last_visit: date | None
    next_due: date

    def describe(self) -> str:
        last = self.last_visit.isoformat() if self.last_visit else "尚无拜访"
        return (f"拜访频率：每 {self.interval_days} 天（{self.source}）；上次拜访：{last}；"
                f"下次应访：{self.next_due.isoformat()}")  # fmt: skip


def schedule_for(session: Session, customer_id: int) -> Schedule | None:
    """The customer's schedule, or None when it has none (archived or a former customer)."""
    row = session.execute(
        schedule_query(session)
        .add_columns(
            KeyAccount.visit_interval_days.label("card"),
            Customer.visit_interval_days.label("override"),
            Customer.abc_class,
            Customer.management_class,
        )
        .where(Customer.id == customer_id)
    ).one_or_none()
    if row is None:
        return None
    if row.card is not None:
        source = "大客户管理卡"
    elif row.override is not None:
        source = "本客户单独设定"
    elif row.abc_class:
        source = f"{row.abc_class} 类默认"
    else:
        source = f"{row.management_class}客户默认（尚未分 ABC 类）"
    last = row.last_visit.date() if row.last_visit else None
    return Schedule(row.interval_days, source, last, due_date(row.since, row.interval_days))


# --- plans -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    id: int
    planned_date: date
    customer_id: int
    customer: str
    staff_id: int
    staff: str
    method: str
    purpose: str
    status: str
    missed_reason: str
    visit_id: int | None
    version: int


def period(kind: str, today: date) -> tuple[date, date]:
    """本周/下周 (Monday to Sunday), 本月/下月 (1st to the real last day of the month)."""
    if kind in ("本周", "下周"):
        monday = today - timedelta(days=today.weekday())
        if kind == "下周":
            monday += timedelta(days=7)
        return monday, monday + timedelta(days=6)
    if kind not in ("本月", "下月"):
        raise ValueError(f"未知的计划周期：{kind}")
    return month_period(month_start(today, kind == "下月"))


def plan_rows_query() -> Select:
    """The columns of ``PlanRow`` (plain columns: thousands of rows load fast)."""
    return (
        select(
            VisitPlan.id,
            VisitPlan.planned_date,
            VisitPlan.customer_id,
            Customer.code + " " + Customer.name,
            VisitPlan.staff_id,
            Staff.name,
            VisitPlan.method,
            VisitPlan.purpose,
            VisitPlan.status,
            VisitPlan.missed_reason,
            VisitPlan.visit_id,
            VisitPlan.version,
        )
        .join(Customer, Customer.id == VisitPlan.customer_id)
        .join(Staff, Staff.id == VisitPlan.staff_id)
    )


def to_plan_rows(result: Iterable[Sequence[Any]]) -> list[PlanRow]:
    return [PlanRow(*row) for row in result]


def list_plans(
    session: Session,
    start: date,
    end: date,
    staff_id: int | None = None,
    status: str = "",
) -> list[PlanRow]:
    """Plans dated ``start``–``end`` (客户联络计划表), by date."""
    query = plan_rows_query().where(VisitPlan.planned_date.between(start, end))
    if staff_id is not None:
        query = query.where(VisitPlan.staff_id == staff_id)
    if status:
        query = query.where(VisitPlan.status == status)
    return to_plan_rows(session.execute(query.order_by(VisitPlan.planned_date, VisitPlan.id)))


def _check_plan_fields(
    session: Session, customer_id: int | None, staff_id: int | None, method: str, purpose: str
) -> dict[str, str]:
    errors = {}
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        errors["customer_id"] = "请选择客户。"
    elif customer.archived:
        errors["customer_id"] = f"客户“{customer.name}”已归档，不能再安排拜访。"
    if not staff_id or session.get(Staff, staff_id) is None:
        errors["staff_id"] = "请选择业务员。"
    if method not in METHODS:
        errors["method"] = f"拜访方式只能是：{'、'.join(METHODS)}。"
    if purpose not in PURPOSES:
        errors["purpose"] = f"拜访目的只能是：{'、'.join(PURPOSES)}。"
    return errors


def add_plan(
    session: Session,
    customer_id: int | None,
    staff_id: int | None,
    planned_date: date | None,
    purpose: str = "例行",
    method: str = "上门",
    *,
    today: date | None = None,
) -> int:
    """Plan a visit; the date may be today or later, not in the past."""
    errors = _check_plan_fields(session, customer_id, staff_id, method, purpose)
    if planned_date is None:
        errors["planned_date"] = "请填写计划日期。"
    elif planned_date < (today or date.today()):
        errors["planned_date"] = "计划日期不能早于今天。"
    if errors:
        raise ValidationError(errors)
    plan = VisitPlan(
        customer_id=customer_id,
        staff_id=staff_id,
        planned_date=planned_date,
        purpose=purpose,
        method=method,
        status=PLANNED,
    )
    session.add(plan)
    session.flush()
    return plan.id


def _open_plan(session: Session, plan_id: int, version: int | None = None) -> VisitPlan:
    """The plan, locked for this transaction, while it is still open (and, when ``version``
    is given, unchanged since the user saw it): of two desks closing it at once, one wins."""
    plan = versions.claim(session, VisitPlan, plan_id, version)
    if plan.status != PLANNED:
        raise UserError(f"该计划已{plan.status}，不能再更改。")
    return plan


def mark_missed(session: Session, plan_id: int, reason: str, version: int | None = None) -> None:
    """A planned visit that did not happen; the reason is required (客户联络结果)."""
    plan = _open_plan(session, plan_id, version)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"missed_reason": "请填写未完成的原因。"})
    if len(reason) > 200:
        raise ValidationError({"missed_reason": "原因最多 200 个字。"})
    plan.status, plan.missed_reason = MISSED, reason


def complete_plan(session: Session, plan_id: int, visit: Visit) -> None:
    """The plan became ``visit`` (called by the visit service when the visit is recorded)."""
    plan = _open_plan(session, plan_id)
    if plan.customer_id != visit.customer_id:
        raise UserError("拜访记录的客户与计划不一致。")
    plan.status, plan.visit_id = DONE, visit.id


def cancel_plan(session: Session, plan_id: int, version: int | None = None) -> None:
    """Remove a plan made by mistake; a done or missed plan is history and stays."""
    session.delete(_open_plan(session, plan_id, version))


def ensure_plan(
    session: Session, customer_id: int, staff_id: int, planned_date: date, method: str
) -> None:
    """A routine plan on ``planned_date`` unless the customer already has one open that day."""
    exists = session.scalar(
        select(VisitPlan.id).where(
            VisitPlan.customer_id == customer_id,
            VisitPlan.planned_date == planned_date,
            VisitPlan.status == PLANNED,
        )
    )
    if exists is None:
        session.add(
            VisitPlan(
                customer_id=customer_id,
                staff_id=staff_id,
                planned_date=planned_date,
                purpose="例行",
                method=method,
                status=PLANNED,
            )  # fmt: skip
        )


@dataclass(frozen=True)
class ProposedPlan:
    """One routine visit 按频率生成计划 would make."""

    customer_id: int
    customer: str
    staff_id: int
    staff: str
    planned_date: date
    due_date: date


@dataclass(frozen=True)
class DuePlanning:
    """What 按频率生成计划 would make (``proposed``) or made (``batch`` set), and the due
    customers left out and why."""

    proposed: tuple[ProposedPlan, ...]
    already_planned: int = 0
    without_owner: int = 0
    batch: str | None = None

    @property
    def created(self) -> int:
        return len(self.proposed) if self.batch else 0

    def summary(self, period_name: str, staff_name: str = "") -> str:
        """The preview as 将生成 N 条计划（下周）, the result as 已生成 N 条计划（下周）, with why
        due customers were left out, or why none were due."""
        reasons = []
        if self.already_planned:
            reasons.append(f"{self.already_planned} 位到期客户已有未完成的计划")
        if self.without_owner:
            reasons.append(f"{self.without_owner} 位到期客户没有负责业务员")
        if not (self.proposed or reasons):
            whose = f"{staff_name}负责的客户中" if staff_name else ""
            reasons.append(f"{whose}没有在该周期结束前到期的客户")
        why = "：" + "；".join(reasons) if reasons else ""
        verb = "已生成" if self.batch else "将生成"
        return f"{verb} {len(self.proposed)} 条计划（{period_name}）{why}。"


def preview_due_visits(
    session: Session,
    start: date,
    end: date,
    staff_id: int | None = None,
    today: date | None = None,
) -> DuePlanning:
    """The routine visits to plan for every customer due by ``end`` that has no open plan yet.

    Each is planned on its due date, but never before ``start`` nor before today (a customer
    already overdue is planned today); each goes to ``staff_id`` or, when None, to the
    customer's own 负责业务员 (customers without one are left out).
    """
    earliest = max(start, today or date.today())
    has_open_plan = (
        select(VisitPlan.id)
        .where(VisitPlan.customer_id == Customer.id, VisitPlan.status == PLANNED)
        .exists()
    )
    query = schedule_query(session, end, staff_id).add_columns(
        Customer.owner_id, has_open_plan, Customer.code, Customer.name
    )
    names = dict(session.execute(select(Staff.id, Staff.name)).all())
    proposed = []
    already_planned = without_owner = 0
    for _id, interval, _last, since, owner_id, planned, code, name in session.execute(query):
        who = staff_id if staff_id is not None else owner_id
        if planned:
            already_planned += 1
            continue
        if who is None:
            without_owner += 1
            continue
        due = due_date(since, interval)
        proposed.append(
            ProposedPlan(_id, f"{code} {name}", who, names.get(who, ""), max(due, earliest), due)
        )
    proposed.sort(key=lambda p: (p.planned_date, p.customer))
    return DuePlanning(tuple(proposed), already_planned, without_owner)


def plan_due_visits(
    session: Session,
    start: date,
    end: date,
    staff_id: int | None = None,
    method: str = "上门",
    today: date | None = None,
) -> DuePlanning:
    """Make the plans ``preview_due_visits`` proposes, as one batch that ``undo_planning`` can
    take back."""
    planning = preview_due_visits(session, start, end, staff_id, today)
    batch = uuid.uuid4().hex
    session.add_all(
        VisitPlan(
            customer_id=p.customer_id,
            staff_id=p.staff_id,
            planned_date=p.planned_date,
            purpose="例行",
            method=method,
            status=PLANNED,
            batch=batch,
        )  # fmt: skip
        for p in planning.proposed
    )
    session.flush()
    return replace(planning, batch=batch)


@dataclass(frozen=True)
class UndonePlanning:
    removed: int
    kept: int

    def summary(self) -> str:
        kept = f"；{self.kept} 条已办理或已标记未完成，予以保留" if self.kept else ""
        return f"已撤销 {self.removed} 条生成的计划{kept}。"


def undo_planning(session: Session, batch: str) -> UndonePlanning:
    """Take back a batch of generated plans: those still open go; those done or marked missed
    since are kept (they record what happened)."""
    plans = list(session.scalars(select(VisitPlan).where(VisitPlan.batch == batch)))
    if not plans:
        raise NotFoundError("这批计划已不存在，可能已被撤销。")
    removed = [p for p in plans if p.status == PLANNED and p.visit_id is None]
    for plan in removed:
        session.delete(plan)
    session.flush()
    return UndonePlanning(len(removed), len(plans) - len(removed))
