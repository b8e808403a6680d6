"""Reading the service requests: the filtered list with its deadline flags, one request's
detail with its repair order, history and feedback, the links with complaints, the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from kehu_desktop.models import (
    Complaint,
    Customer,
    Product,
    Purchase,
    RepairOrder,
    ServiceRequest,
    Staff,
)
from kehu_desktop.services.common import case_deadlines, list_export
from kehu_desktop.services.common.case_log import EventRow
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.periods import month_bounds
from kehu_desktop.services.common.working_days import WorkCalendar, load_calendar
from kehu_desktop.services.service_desk import feedback, products
from kehu_desktop.services.service_desk.choices import MODES, RESULTS, URGENCIES, WARRANTY, label
from kehu_desktop.services.service_desk.lifecycle import (
    EVENT_LABELS,
    HISTORY,
    UNDISPATCHED,
    UNRESOLVED,
    Action,
    allowed_actions,
    get_request,
    status_label,
)

LIST_LIMIT = 5000


@dataclass(frozen=True)
class ServiceFilter:
    status: str = ""
    overdue_only: bool = False
    engineer_id: int | None = None
    product_id: int | None = None
    customer_id: int | None = None
    customer_text: str = ""
    month: date | None = None
    limit: int = LIST_LIMIT


@dataclass(frozen=True)
class ServiceRow:
    id: int
    number: str
    received_at: datetime
    customer: str
    product: str
    serial_no: str
    urgency: str
    warranty: str
    status: str
    first_responsible: str
    engineer: str
    planned_date: date | None
    deadline: date
    overdue: bool
    due_today: bool
    # The deadline that runs now: 派工 until dispatched, then 解决 until repaired.
    pending_deadline: str = ""


def _due_on_or_before(day: date) -> ColumnElement[bool]:
    """Open with the dispatch deadline or the resolve deadline on or before ``day``."""
    r = ServiceRequest
    return or_(
        and_(r.status.in_(UNDISPATCHED), r.response_deadline <= day),
        and_(r.status.in_(UNRESOLVED), r.deadline <= day),
    )


def flags(status: str, response_deadline: date, deadline: date, today: date) -> dict[str, bool]:
    """Overdue while the dispatch or the resolve deadline has passed undone; due today when
    one of them is today."""
    pending = []
    if status in UNDISPATCHED:
        pending.append(response_deadline)
    if status in UNRESOLVED:
        pending.append(deadline)
    return {
        "overdue": any(d < today for d in pending),
        "due_today": any(d == today for d in pending),
    }


def _pending(status: str, response_deadline: date, deadline: date) -> str:
    if status in UNDISPATCHED:
        return f"派工 {response_deadline.isoformat()}"
    return f"解决 {deadline.isoformat()}" if status in UNRESOLVED else ""


def list_requests(
    session: Session, flt: ServiceFilter | None = None, today: date | None = None
) -> list[ServiceRow]:
    """The requests newest first (at most ``flt.limit``), with the deadline flags.

    The newest requests are picked from the table alone, walking the received-time index
    (customers are matched by a sub-select), and only those rows are joined with their
    customer; staff and product names come from their small tables.
    """
    flt = flt or ServiceFilter()
    today = today or date.today()
    r = ServiceRequest
    newest = select(r).order_by(r.received_at.desc(), r.id.desc()).limit(flt.limit)
    if flt.status:
        newest = newest.where(r.status == flt.status)
    if flt.overdue_only:
        newest = newest.where(_due_on_or_before(today))
    if flt.engineer_id is not None:
        newest = newest.where(r.engineer_id == flt.engineer_id)
    if flt.product_id is not None:
        newest = newest.where(r.product_id == flt.product_id)
    if flt.customer_id is not None:
        newest = newest.where(r.customer_id == flt.customer_id)
    if flt.customer_text.strip():
        like = f"%{flt.customer_text.strip()}%"
        customers = select(Customer.id).where(or_(Customer.name.like(like),
                                                  Customer.code.like(like)))  # fmt: skip
        newest = newest.where(
            or_(r.customer_id.in_(customers), r.number.like(like), r.serial_no.like(like))
        )
    if flt.month is not None:
        start, end = month_bounds(flt.month)
        newest = newest.where(r.received_at >= start, r.received_at < end)
    picked = newest.subquery()
    query = (
        select(
            picked.c.id,
            picked.c.number,
            picked.c.received_at,
            Customer.code,
            Customer.name,
            picked.c.product_id,
            picked.c.serial_no,
            picked.c.urgency,
            picked.c.warranty,
            picked.c.status,
            picked.c.first_responsible_id,
            picked.c.engineer_id,
            picked.c.planned_date,
            picked.c.response_deadline,
            picked.c.deadline,
        )  # fmt: skip
        .join(Customer, Customer.id == picked.c.customer_id)
        .order_by(picked.c.received_at.desc(), picked.c.id.desc())
    )
    staff = dict(session.execute(select(Staff.id, Staff.name)).all())
    product_names = {
        i: f"{name} {model}".strip()
        for i, name, model in session.execute(select(Product.id, Product.name, Product.model))
    }
    rows = []
    for values in session.execute(query):
        (id_, number, received, code, name, product, serial, urgency, warranty, status,
         first_id, engineer_id, planned, response_deadline, deadline) = values  # fmt: skip
        rows.append(
            ServiceRow(
                id_,
                number,
                received,
                f"{code} {name}",
                product_names.get(product, ""),
                serial,
                label(URGENCIES, urgency),
                label(WARRANTY, warranty),
                status_label(status),
                staff.get(first_id, ""),
                staff.get(engineer_id, ""),
                planned,
                deadline,
                **flags(status, response_deadline, deadline, today),
                pending_deadline=_pending(status, response_deadline, deadline),
            )
        )
    return rows


def due_requests(session: Session, today: date, staff_id: int | None = None) -> list[ServiceRow]:
    """Open requests whose dispatch or resolve deadline is today or past (for 今日)."""
    ids = select(ServiceRequest.id).where(_due_on_or_before(today))
    if staff_id is not None:
        ids = ids.where(
            or_(
                ServiceRequest.first_responsible_id == staff_id,
                ServiceRequest.engineer_id == staff_id,
                ServiceRequest.handler_id == staff_id,
            )
        )
    wanted = set(session.scalars(ids))
    if not wanted:
        return []
    rows = list_requests(session, ServiceFilter(overdue_only=True, limit=len(wanted) + 50), today)
    return sorted((row for row in rows if row.id in wanted), key=lambda row: row.deadline)


def visits_on(session: Session, day: date, staff_id: int | None = None) -> list[ServiceRow]:
    """On-site service visits planned for ``day`` and not yet done (for 今日)."""
    query = select(ServiceRequest.id).where(
        ServiceRequest.mode == "on_site",
        ServiceRequest.planned_date == day,
        ServiceRequest.status.in_(("dispatched",)),
    )
    if staff_id is not None:
        query = query.where(ServiceRequest.engineer_id == staff_id)
    wanted = set(session.scalars(query))
    if not wanted:
        return []
    rows = list_requests(session, ServiceFilter(status="dispatched", limit=100000), day)
    return [row for row in rows if row.id in wanted]


# --- one request -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartRow:
    part: str
    quantity: Decimal
    unit_cost: Decimal

    @property
    def amount(self) -> Decimal:
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class RepairDetail:
    id: int
    repaired_at: datetime
    engineer: str
    diagnosis: str
    cause: str
    labour_hours: Decimal
    labour_cost: Decimal
    charged: bool
    charge_amount: Decimal
    result: str
    result_label: str
    parts: tuple[PartRow, ...]
    parts_cost: Decimal
    repeat_of: str  # the earlier request's number when this is a 返修

    @property
    def total_cost(self) -> Decimal:
        return self.parts_cost + self.labour_cost


@dataclass(frozen=True)
class ServiceDetail:
    """Everything the request dialog shows, read in one short session."""

    id: int
    number: str
    status: str
    status_label: str
    customer_id: int
    customer: str
    is_key_account: bool
    received_at: datetime
    channel: str
    contact_name: str
    contact_phone: str
    product_id: int | None
    product: str
    serial_no: str
    purchased_on: date | None
    warranty_end: date | None
    warranty: str
    fault: str
    demand: str
    urgency: str
    first_responsible: str
    handler: str
    response_deadline: date
    deadline: date
    deadline_note: str
    mode: str
    engineer: str
    planned_date: date | None
    dispatched_at: datetime | None
    resolved_at: datetime | None
    satisfaction: str
    revisited_at: datetime | None
    unreachable_reason: str
    closed_at: datetime | None
    cancel_reason: str
    complaint_id: int | None
    complaint_number: str
    repair: RepairDetail | None
    events: tuple[EventRow, ...]
    feedback: tuple[feedback.FeedbackRow, ...]
    allowed: tuple[Action, ...]
    overdue: bool = False
    due_today: bool = False


def _deadline_note(r: ServiceRequest, calendar: WorkCalendar, today: date) -> str:
    dispatched = r.dispatched_at.date() if r.dispatched_at else None
    resolved = r.resolved_at.date() if r.resolved_at else None
    running = r.status in UNRESOLVED
    response = case_deadlines.describe(
        r.response_deadline, dispatched, r.status in UNDISPATCHED, calendar, today, done="派工"
    )
    resolve = case_deadlines.describe(r.deadline, resolved, running, calendar, today, done="解决")
    return "；".join(f"{what}{text}" for what, text in (("派工：", response), ("解决：", resolve))
                    if text)  # fmt: skip


def load_detail(
    session: Session, operator: Operator, request_id: int, today: date | None = None
) -> ServiceDetail:
    from kehu_desktop.models import KeyAccount  # the key-account desk's table

    today = today or date.today()
    r = get_request(session, request_id)
    # Keyed by optional ids too: a request without an engineer looks up None and gets "".
    names: dict[int | None, str] = dict(session.execute(select(Staff.id, Staff.name)).all())
    events = HISTORY.rows(
        session, r.id, names, kind_label=lambda kind: EVENT_LABELS.get(kind, kind),
        status_label=status_label,
    )  # fmt: skip
    customer = session.get_one(Customer, r.customer_id)
    key_account = session.scalar(
        select(KeyAccount.id).where(KeyAccount.customer_id == r.customer_id, KeyAccount.active)
    )
    product = session.get(Product, r.product_id) if r.product_id else None
    purchase = session.get(Purchase, r.purchase_id) if r.purchase_id else None
    complaint = session.get(Complaint, r.complaint_id) if r.complaint_id else None
    order = r.repair_order
    repair = None
    if order is not None:
        repeat_of = ""
        if order.repeat_of_id is not None:
            earlier = session.get_one(RepairOrder, order.repeat_of_id)
            repeat_of = earlier.request.number
        repair = RepairDetail(
            order.id, order.repaired_at, names.get(order.engineer_id, ""), order.diagnosis,
            order.cause, order.labour_hours, order.labour_cost, order.charged,
            order.charge_amount, order.result, label(RESULTS, order.result),
            tuple(PartRow(p.part, p.quantity, p.unit_cost) for p in order.parts),
            order.parts_cost, repeat_of,
        )  # fmt: skip
    calendar = load_calendar(session)
    return ServiceDetail(
        r.id, r.number, r.status, status_label(r.status), r.customer_id,
        f"{customer.code} {customer.name}", key_account is not None, r.received_at, r.channel,
        r.contact_name, r.contact_phone, r.product_id,
        f"{product.name} {product.model}".strip() if product else "", r.serial_no,
        purchase.purchased_on if purchase else None,
        products.warranty_end(purchase.purchased_on, product.warranty_months)
        if purchase and product else None,
        label(WARRANTY, r.warranty), r.fault, r.demand, label(URGENCIES, r.urgency),
        names.get(r.first_responsible_id, ""), names.get(r.handler_id, ""),
        r.response_deadline, r.deadline, _deadline_note(r, calendar, today),
        label(MODES, r.mode) if r.mode else "", names.get(r.engineer_id, ""), r.planned_date,
        r.dispatched_at, r.resolved_at, r.satisfaction, r.revisited_at, r.unreachable_reason,
        r.closed_at, r.cancel_reason, r.complaint_id, complaint.number if complaint else "",
        repair, events, tuple(feedback.list_feedback(session, request_id=r.id, today=today)),
        tuple(allowed_actions(r, operator)),
        **flags(r.status, r.response_deadline, r.deadline, today),
    )  # fmt: skip


def requests_for_complaint(session: Session, complaint_id: int) -> list[tuple[int, str, str]]:
    """(id, number, status) of the service requests opened from a complaint."""
    query = (
        select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.status)
        .where(ServiceRequest.complaint_id == complaint_id)
        .order_by(ServiceRequest.id)
    )
    return [(i, n, status_label(s)) for i, n, s in session.execute(query)]


# Everything a request is registered with, so the export reads back in (导入 售后服务单).
EXPORT_HEADERS = ("服务单号", "受理时间", "客户", "受理渠道", "联系人", "联系电话", "产品",
                  "序列号/批号", "购买日期", "保修", "故障描述", "客户要求", "紧急程度", "状态",
                  "首问责任人", "工程师", "计划日期", "解决期限", "结案日期", "已超期")  # fmt: skip


def export_rows(session: Session, rows: list[ServiceRow]) -> list[tuple]:
    """The listed requests with the registration fields the list leaves out."""
    r = ServiceRequest
    query = select(
        r.id, r.channel, r.contact_name, r.contact_phone, Purchase.purchased_on, r.fault,
        r.demand, r.closed_at,
    ).outerjoin(Purchase, Purchase.id == r.purchase_id)  # fmt: skip
    more = list_export.more_by_id(session, query, r.id, [row.id for row in rows])
    exported = []
    for row in rows:
        channel, contact, phone, purchased, fault, demand, closed = more[row.id]
        exported.append(
            (row.number, row.received_at, row.customer, channel, contact, phone, row.product,
             row.serial_no, purchased, row.warranty, fault, demand, row.urgency, row.status,
             row.first_responsible, row.engineer, row.planned_date, row.deadline, closed,
             row.overdue)
        )  # fmt: skip
    return exported
