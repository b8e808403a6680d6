"""Visit records (客户访问记录表, 客户接待表) and the follow-up actions they leave.

A visit may come from a plan (the plan is then done), may set the next visit date (a routine
plan is made for that day), and, with purpose 投诉回访, moves its complaint on through the
complaint service, in the same unit of work.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func, select
from sqlalchemy.orm import Session, selectinload

from kehu_desktop.models import (
    Complaint,
    Contact,
    Customer,
    FollowUpAction,
    Staff,
    Visit,
    VisitPlan,
)
from kehu_desktop.services.common import versions
from kehu_desktop.services.common.errors import NotFoundError, UserError, ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.parsing import parse_date
from kehu_desktop.services.complaints import lifecycle
from kehu_desktop.services.customers import search
from kehu_desktop.services.visits import visit_plans
from kehu_desktop.services.visits.visit_plans import COMPLAINT_REVISIT, METHODS, PURPOSES

_DATETIME = re.compile(r"^(.+?)\s+(\d{1,2})[:：](\d{2})$")
CONTACT_SEPARATOR = "、"
DEFAULT_LIST_DAYS = 90
LIST_LIMIT = 5000
TEXT_LIMITS = {"contacts_met": 200, "discussion": 4000, "requests": 4000, "result": 4000}


# --- the list --------------------------------------------------------------------------------


@dataclass
class VisitFilter:
    """What the visit list shows; ``date_from``/``date_to`` are inclusive days."""

    date_from: date | None = None
    date_to: date | None = None
    staff_id: int | None = None
    method: str = ""
    purpose: str = ""
    customer_text: str = ""
    customer_id: int | None = None


@dataclass(frozen=True)
class VisitRow:
    id: int
    visited_at: datetime
    customer_id: int
    customer: str
    staff: str
    method: str
    purpose: str
    contacts_met: str
    result: str
    next_visit_date: date | None
    open_actions: int


def default_filter(today: date | None = None) -> VisitFilter:
    today = today or date.today()
    return VisitFilter(date_from=today - timedelta(days=DEFAULT_LIST_DAYS), date_to=today)


def _open_actions() -> ColumnElement[int]:
    return (
        select(func.count(FollowUpAction.id))
        .where(FollowUpAction.visit_id == Visit.id, FollowUpAction.done_on.is_(None))
        .scalar_subquery()
    )


def _filtered(session: Session, flt: VisitFilter, *columns: SQLColumnExpression[Any]) -> Select:
    """``columns`` of the visits ``flt`` selects, newest first (plain columns load fast)."""
    query = (
        select(*columns)
        .select_from(Visit)
        .join(Customer, Customer.id == Visit.customer_id)
        .join(Staff, Staff.id == Visit.staff_id)
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
    )
    if flt.date_from is not None:
        query = query.where(
            Visit.visited_at >= datetime.combine(flt.date_from, datetime.min.time())
        )
    if flt.date_to is not None:
        end = datetime.combine(flt.date_to + timedelta(days=1), datetime.min.time())
        query = query.where(Visit.visited_at < end)
    for column, wanted in (
        (Visit.staff_id, flt.staff_id),
        (Visit.customer_id, flt.customer_id),
        (Visit.method, flt.method or None),
        (Visit.purpose, flt.purpose or None),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    condition = search.matching(session, flt.customer_text)
    if condition is not None:
        query = query.where(condition)
    return query


def _customer() -> ColumnElement[str]:
    return Customer.code + " " + Customer.name


def list_visits(
    session: Session, flt: VisitFilter | None = None, limit: int = LIST_LIMIT
) -> list[VisitRow]:
    """Visits the filter selects, newest first (at most ``limit``)."""
    query = _filtered(
        session, flt or default_filter(),
        Visit.id, Visit.visited_at, Visit.customer_id, _customer(), Staff.name, Visit.method,
        Visit.purpose, Visit.contacts_met, Visit.result, Visit.next_visit_date, _open_actions(),
    ).limit(limit)  # fmt: skip
    return [VisitRow(*row) for row in session.execute(query)]


def customer_history(session: Session, customer_id: int) -> list[VisitRow]:
    """Every visit to one customer, newest first (the page in the customer file)."""
    return list_visits(session, VisitFilter(customer_id=customer_id), limit=100_000)


EXPORT_HEADERS = ("拜访时间", "客户", "业务员", "方式", "目的", "接待/会见人员", "交谈内容",
                  "客户要求与意见", "结果", "下次拜访日期", "未完成跟进事项")  # fmt: skip


def export_rows(session: Session, flt: VisitFilter, limit: int = LIST_LIMIT) -> list[tuple]:
    query = _filtered(
        session, flt,
        Visit.visited_at, _customer(), Staff.name, Visit.method, Visit.purpose,
        Visit.contacts_met, Visit.discussion, Visit.requests, Visit.result,
        Visit.next_visit_date, _open_actions(),
    ).limit(limit)  # fmt: skip
    return [tuple(row) for row in session.execute(query)]


# --- one visit -------------------------------------------------------------------------------


@dataclass
class VisitInput:
    """A visit as typed: every value a string, parsed and checked on save.

    ``exact_visited_at`` is the full time behind the minute ``visited_at`` shows (the moment a
    new visit was begun, or the stored time); while the text is unchanged it is saved as is, so
    a complaint revisit begun in the same minute as the reply is not taken for an earlier step.
    """

    values: dict[str, str] = field(default_factory=dict)
    actions: list[dict[str, str]] = field(default_factory=list)
    id: int | None = None
    plan_id: int | None = None
    exact_visited_at: datetime | None = None
    version: int | None = None  # as loaded, for an existing visit


ACTION_KEYS = ("description", "owner_id", "due_date", "done_on")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def new_input(
    session: Session,
    operator: Operator,
    customer_id: int | None = None,
    plan_id: int | None = None,
    now: datetime | None = None,
) -> VisitInput:
    """A blank visit by the operator now, or the visit a plan becomes when it is done."""
    now = now or datetime.now()
    values = {
        "customer_id": _text(customer_id),
        "staff_id": str(operator.id),
        "visited_at": _text(now),
        "method": "上门",
        "purpose": "例行",
        "contacts_met": "",
        "discussion": "",
        "requests": "",
        "result": "",
        "next_visit_date": "",
        "complaint_id": "",
        "satisfaction": "",
        "unreachable_reason": "",
    }
    if plan_id is not None:
        plan = session.get(VisitPlan, plan_id)
        if plan is None:
            raise NotFoundError("该拜访计划不存在或已被删除。")
        if plan.status != visit_plans.PLANNED:
            raise UserError(f"该计划已{plan.status}。")
        values.update(customer_id=str(plan.customer_id), staff_id=str(plan.staff_id),
                      method=plan.method, purpose=plan.purpose)  # fmt: skip
    return VisitInput(values=values, plan_id=plan_id, exact_visited_at=now)


def load_input(session: Session, visit_id: int) -> VisitInput:
    visit = session.get(Visit, visit_id, options=[selectinload(Visit.actions)])
    if visit is None:
        raise NotFoundError("该拜访记录不存在或已被删除。")
    values = {
        name: _text(getattr(visit, name))
        for name in ("customer_id", "staff_id", "visited_at", "method", "purpose", "contacts_met",
                     "discussion", "requests", "result", "next_visit_date", "complaint_id")
    }  # fmt: skip
    complaint = session.get(Complaint, visit.complaint_id) if visit.complaint_id else None
    values.update(
        satisfaction=complaint.satisfaction if complaint else "",
        unreachable_reason=complaint.unreachable_reason if complaint else "",
    )
    actions = [
        {"id": str(a.id), **{k: _text(getattr(a, k)) for k in ACTION_KEYS}} for a in visit.actions
    ]
    return VisitInput(
        values=values,
        actions=actions,
        id=visit.id,
        exact_visited_at=visit.visited_at,
        version=visit.version,
    )


def parse_datetime(text: str) -> datetime:
    """``2026-11-22 14:30`` (or a bare date, taken as 09:00)."""
    raw = text.strip()
    match = _DATETIME.match(raw)
    if match:
        day = parse_date(match.group(1))
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise ValueError(f"“{text}”不是有效时间。")
        return datetime(day.year, day.month, day.day, hour, minute)
    day = parse_date(raw)
    return datetime(day.year, day.month, day.day, 9, 0)


def _visited_at(data: VisitInput) -> datetime:
    """The typed time, or the exact time behind it while the form still shows that."""
    text = data.values.get("visited_at", "")
    exact = data.exact_visited_at
    if exact is not None and text.strip() == _text(exact):
        return exact
    return parse_datetime(text)


def _optional_id(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() else None


class _ActionValues(TypedDict):
    """A checked follow-up action row; ``id`` is None for a new one."""

    id: int | None
    description: str
    owner_id: int | None
    due_date: date | None
    done_on: date | None


@dataclass(frozen=True)
class _Clean:
    """A checked visit: ``values`` go onto the Visit as they are; the two that start further
    work (the complaint revisited, the next visit's plan) are also kept typed."""

    values: Mapping[str, object]
    complaint_id: int | None
    next_visit_date: date | None
    actions: list[_ActionValues]


def validate(session: Session, data: VisitInput, now: datetime | None = None) -> _Clean:
    """Parse and check everything; raises ValidationError listing every problem at once."""
    now = now or datetime.now()
    raw = data.values
    errors: dict[str, str] = {}
    customer_id = _optional_id(raw.get("customer_id", ""))
    staff_id = _optional_id(raw.get("staff_id", ""))
    method, purpose = raw.get("method", ""), raw.get("purpose", "")
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        errors["customer_id"] = "请选择客户。"
    if staff_id is None or session.get(Staff, staff_id) is None:
        errors["staff_id"] = "请选择业务员。"
    if method not in METHODS:
        errors["method"] = f"拜访方式只能是：{'、'.join(METHODS)}。"
    if purpose not in PURPOSES:
        errors["purpose"] = f"拜访目的只能是：{'、'.join(PURPOSES)}。"
    visited_at = None
    try:
        visited_at = _visited_at(data)
        if visited_at > now + timedelta(minutes=5):
            raise ValueError("拜访时间不能晚于现在；以后的拜访请做成拜访计划。")
    except ValueError as error:
        errors["visited_at"] = f"拜访时间：{error}"
    next_visit = None
    if raw.get("next_visit_date", "").strip():
        try:
            next_visit = parse_date(raw["next_visit_date"])
            if visited_at and next_visit <= visited_at.date():
                raise ValueError("应晚于本次拜访日期。")
        except ValueError as error:
            errors["next_visit_date"] = f"下次拜访日期：{error}"
    texts = {}
    for name, limit in TEXT_LIMITS.items():
        texts[name] = raw.get(name, "").strip()
        if len(texts[name]) > limit:
            errors[name] = f"内容过长（最多 {limit} 字）。"
    if purpose != COMPLAINT_REVISIT and not (texts["discussion"] or texts["result"]):
        errors["result"] = "请至少填写交谈内容或拜访结果。"
    complaint_id = _optional_id(raw.get("complaint_id", ""))
    if purpose == COMPLAINT_REVISIT and complaint_id is None:
        errors["complaint_id"] = "投诉回访必须关联一宗投诉。"
    if purpose != COMPLAINT_REVISIT:
        complaint_id = None
    actions = _validate_actions(session, data.actions, errors)
    if errors:
        raise ValidationError(errors)
    values = {"customer_id": customer_id, "staff_id": staff_id, "visited_at": visited_at,
              "method": method, "purpose": purpose, "next_visit_date": next_visit,
              "complaint_id": complaint_id, **texts}  # fmt: skip
    return _Clean(values, complaint_id, next_visit, actions)


def _validate_actions(
    session: Session, rows: list[dict[str, str]], errors: dict[str, str]
) -> list[_ActionValues]:
    actions: list[_ActionValues] = []
    for index, raw in enumerate(rows):
        if not any(str(raw.get(k, "")).strip() for k in ACTION_KEYS):
            continue  # a blank row the user added and left
        where = f"跟进事项第 {index + 1} 行："
        key = f"action.{index}"
        description = raw.get("description", "").strip()
        if not description:
            errors[key] = f"{where}请填写事项内容。"
            continue
        if len(description) > 200:
            errors[key] = f"{where}事项内容最多 200 字。"
            continue
        owner_id = _optional_id(raw.get("owner_id", ""))
        if owner_id is not None and session.get(Staff, owner_id) is None:
            errors[key] = f"{where}负责人不存在。"
            continue
        try:
            due = parse_date(raw["due_date"]) if raw.get("due_date", "").strip() else None
            done = parse_date(raw["done_on"]) if raw.get("done_on", "").strip() else None
        except ValueError as error:
            errors[key] = f"{where}{error}"
            continue
        actions.append({"id": _optional_id(raw.get("id", "")), "description": description,
                        "owner_id": owner_id, "due_date": due, "done_on": done})  # fmt: skip
    return actions


def save_visit(
    session: Session, operator: Operator, data: VisitInput, now: datetime | None = None
) -> int:
    """Create or update a visit with its follow-up actions; returns its id.

    An existing visit changed (its fields or its actions) after ``data.version`` was loaded is
    not overwritten.
    """
    if data.id is not None:
        versions.claim(session, Visit, data.id, data.version)
    clean = validate(session, data, now)
    visit: Visit | None
    if data.id is None:
        visit = Visit()
        session.add(visit)
        was_revisit = False
    else:
        visit = session.get_one(Visit, data.id)
        was_revisit = visit.complaint_id is not None
        if was_revisit and clean.complaint_id != visit.complaint_id:
            raise UserError("投诉回访记录已计入投诉处理，不能改为其他目的或关联其他投诉。")
    for name, value in clean.values.items():
        setattr(visit, name, value)
    existing = {a.id: a for a in visit.actions}
    visit.actions = [
        _action(existing.get(row["id"]) if row["id"] else None, row) for row in clean.actions
    ]
    session.flush()
    if data.plan_id is not None:
        visit_plans.complete_plan(session, data.plan_id, visit)
    if clean.complaint_id is not None and not was_revisit:
        _record_revisit(session, operator, visit, data.values)
    if clean.next_visit_date is not None:
        visit_plans.ensure_plan(
            session, visit.customer_id, visit.staff_id, clean.next_visit_date, visit.method
        )
    session.flush()
    return visit.id


def _record_revisit(
    session: Session, operator: Operator, visit: Visit, raw: dict[str, str]
) -> None:
    """Move the complaint on (回访) through the complaint service, which owns the rules."""
    complaint = session.get(Complaint, visit.complaint_id)
    if complaint is None or complaint.customer_id != visit.customer_id:
        raise ValidationError({"complaint_id": "所选投诉不属于该客户。"})
    lifecycle.record_revisit(
        session,
        operator,
        complaint.id,
        satisfaction=raw.get("satisfaction", "").strip() or None,
        unreachable_reason=raw.get("unreachable_reason", ""),
        note=visit.result,
        at=visit.visited_at,
        visit_id=visit.id,
    )


def revisit_choices(
    session: Session, operator: Operator, customer_id: int
) -> list[tuple[int, str]]:
    """(id, "number（status）") of the customer's complaints the complaint service would take a
    revisit for now (replied, or revisited without reaching the customer), newest first."""
    query = (
        select(Complaint)
        .where(
            Complaint.customer_id == customer_id,
            Complaint.status.not_in(lifecycle.FINAL_STATUSES),
        )
        .order_by(Complaint.received_at.desc())
    )
    return [
        (complaint.id, f"{complaint.number}（{complaint.status}）")
        for complaint in session.scalars(query)
        if lifecycle.refusal(complaint, operator, lifecycle.Action.REVISIT) is None
    ]


def complaint_label(session: Session, complaint_id: int) -> str:
    complaint = session.get(Complaint, complaint_id)
    return f"{complaint.number}（{complaint.status}）" if complaint else ""


def _action(action: FollowUpAction | None, row: _ActionValues) -> FollowUpAction:
    action = action or FollowUpAction()
    action.description = row["description"]
    action.owner_id = row["owner_id"]
    action.due_date = row["due_date"]
    action.done_on = row["done_on"]
    return action


def set_action_done(session: Session, action_id: int, done_on: date | None) -> None:
    """Mark a follow-up action done on ``done_on`` (or open again with None)."""
    action = session.get(FollowUpAction, action_id)
    if action is None:
        raise NotFoundError("该跟进事项不存在或已被删除。")
    action.done_on = done_on


def contact_names(session: Session, customer_id: int) -> list[str]:
    """The customer's contacts as "name（title）" choices for 接待/会见人员."""
    query = select(Contact.name, Contact.title).where(Contact.customer_id == customer_id)
    return [
        f"{name}（{title}）" if title else name
        for name, title in session.execute(query.order_by(Contact.id))
    ]


def staff_name(session: Session, staff_id: int | None) -> str:
    staff = session.get(Staff, staff_id) if staff_id else None
    return staff.name if staff else ""
