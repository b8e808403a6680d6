"""Reading the complaint ledger (台账): the filtered list with its deadline flags, one
complaint's detail with its timeline, the customer pickers' lookups and the Excel export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from kehu_desktop.models import Complaint, Contact, Customer, Staff
from kehu_desktop.services.common import list_export
from kehu_desktop.services.common.case_log import EventRow
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.periods import month_bounds
from kehu_desktop.services.complaints.deadlines import Clock, deadline_flags, describe_deadline
from kehu_desktop.services.complaints.lifecycle import (
    FINAL_STATUSES,
    HISTORY,
    UNANSWERED_STATUSES,
    Action,
    allowed_actions,
    get_complaint,
)


def open_complaints_for_customer(session: Session, customer_id: int) -> list[tuple[int, str, str]]:
    """(id, number, status) of the customer's complaints still open or awaiting a revisit."""
    query = (
        select(Complaint.id, Complaint.number, Complaint.status)
        .where(Complaint.customer_id == customer_id, Complaint.status.not_in(FINAL_STATUSES))
        .order_by(Complaint.received_at.desc())
    )
    return [(i, n, s) for i, n, s in session.execute(query)]


def customer_contacts(session: Session, customer_id: int) -> list[tuple[str, str]]:
    """(name, phone) of the customer's contacts, to fill in who complained."""
    query = (
        select(Contact.name, Contact.mobile, Contact.phone)
        .where(Contact.customer_id == customer_id)
        .order_by(Contact.id)
    )
    return [(name, mobile or phone or "") for name, mobile, phone in session.execute(query)]


@dataclass(frozen=True)
class ComplaintFilter:
    status: str = ""
    overdue_only: bool = False
    # Escalated 重大/特殊 complaints a 主管 has not acknowledged yet.
    escalation_pending_only: bool = False
    severity: str = ""
    category: str = ""
    month: date | None = None
    first_responsible_id: int | None = None
    customer_id: int | None = None
    customer_text: str = ""
    limit: int = 5000


@dataclass(frozen=True)
class ComplaintRow:
    id: int
    number: str
    received_at: datetime
    customer: str
    category: str
    severity: str
    status: str
    first_responsible: str
    handler: str
    deadline: date
    escalation_deadline: date | None
    escalation_pending: bool
    escalation_overdue: bool
    overdue: bool
    due_today: bool
    deadline_provisional: bool = False


def list_complaints(
    session: Session, flt: ComplaintFilter | None = None, today: date | None = None
) -> list[ComplaintRow]:
    """The ledger (台账), newest first, with the overdue / due-today / escalation flags."""
    flt = flt or ComplaintFilter()
    clock = Clock.read(session, today)
    first, handler = aliased(Staff), aliased(Staff)
    # Columns, not whole records: up to 5,000 rows are listed, and building an ORM object per
    # complaint took most of the time (and Python's lock, which the window needs).
    query = (
        select(
            Complaint.id,
            Complaint.number,
            Complaint.received_at,
            Complaint.category,
            Complaint.severity,
            Complaint.status,
            Complaint.deadline,
            Complaint.escalated,
            Complaint.escalation_acknowledged_at,
            Customer.name.label("customer"),
            first.name.label("first_responsible"),
            handler.name.label("handler"),
        )
        .join(Customer, Customer.id == Complaint.customer_id)
        .join(first, first.id == Complaint.first_responsible_id)
        .outerjoin(handler, handler.id == Complaint.handler_id)
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .limit(flt.limit)
    )
    if flt.status:
        query = query.where(Complaint.status == flt.status)
    if flt.overdue_only:
        query = query.where(
            Complaint.status.in_(UNANSWERED_STATUSES), Complaint.deadline <= clock.today
        )
    if flt.escalation_pending_only:
        query = query.where(
            Complaint.escalated.is_(True), Complaint.escalation_acknowledged_at.is_(None)
        )
    if flt.severity:
        query = query.where(Complaint.severity == flt.severity)
    if flt.category:
        query = query.where(Complaint.category == flt.category)
    if flt.month is not None:
        start, end = month_bounds(flt.month)
        query = query.where(Complaint.received_at >= start, Complaint.received_at < end)
    if flt.first_responsible_id is not None:
        query = query.where(Complaint.first_responsible_id == flt.first_responsible_id)
    if flt.customer_id is not None:
        query = query.where(Complaint.customer_id == flt.customer_id)
    if flt.customer_text.strip():
        like = f"%{flt.customer_text.strip()}%"
        query = query.where(or_(Customer.name.like(like), Customer.code.like(like),
                                Complaint.number.like(like)))  # fmt: skip
    return [
        ComplaintRow(
            id=c.id,
            number=c.number,
            received_at=c.received_at,
            customer=c.customer,
            category=c.category,
            severity=c.severity,
            status=c.status,
            first_responsible=c.first_responsible,
            handler=c.handler or "",
            deadline=c.deadline,
            **deadline_flags(c, clock),
        )
        for c in session.execute(query)
    ]


@dataclass(frozen=True)
class ComplaintDetail:
    """Everything the detail dialog shows, read in one short session."""

    id: int
    number: str
    status: str
    customer_id: int
    customer: str
    received_at: datetime
    channel: str
    contact_name: str
    contact_phone: str
    product: str
    batch_no: str
    order_no: str
    category: str
    severity: str
    description: str
    demand: str
    first_responsible: str
    handler: str
    deadline: date
    escalated: bool
    escalation_acknowledged_at: datetime | None
    department: str
    cause: str
    measures: str
    department_opinion: str
    result: str
    return_quantity: Decimal
    return_amount: Decimal
    exchange_quantity: Decimal
    exchange_amount: Decimal
    claim_amount: Decimal
    reply: str
    replied_at: datetime | None
    satisfaction: str
    revisited_at: datetime | None
    unreachable_reason: str
    closed_at: datetime | None
    cancel_reason: str
    allowed: tuple[Action, ...]
    overdue: bool = False
    due_today: bool = False
    escalation_deadline: date | None = None
    escalation_pending: bool = False
    escalation_overdue: bool = False
    deadline_provisional: bool = False
    deadline_note: str = ""
    events: tuple[EventRow, ...] = field(default=())


def load_detail(
    session: Session, operator: Operator, complaint_id: int, today: date | None = None
) -> ComplaintDetail:
    c = get_complaint(session, complaint_id)
    clock = Clock.read(session, today)
    # Keyed by optional ids too: a complaint without a handler looks up None and gets "".
    names: dict[int | None, str] = dict(session.execute(select(Staff.id, Staff.name)).all())
    events = HISTORY.rows(session, c.id, names)
    customer = session.get_one(Customer, c.customer_id)
    return ComplaintDetail(
        c.id, c.number, c.status, c.customer_id, f"{customer.code} {customer.name}",
        c.received_at, c.channel, c.contact_name, c.contact_phone, c.product, c.batch_no,
        c.order_no, c.category, c.severity, c.description, c.demand,
        names.get(c.first_responsible_id, ""), names.get(c.handler_id, ""), c.deadline,
        c.escalated, c.escalation_acknowledged_at, c.department, c.cause, c.measures,
        c.department_opinion, c.result, c.return_quantity, c.return_amount,
        c.exchange_quantity, c.exchange_amount, c.claim_amount, c.reply, c.replied_at,
        c.satisfaction, c.revisited_at, c.unreachable_reason, c.closed_at, c.cancel_reason,
        tuple(allowed_actions(c, operator)), **deadline_flags(c, clock),
        deadline_note=describe_deadline(c, clock), events=events,
    )  # fmt: skip


# The whole complaint, so the export reads back in (导入 投诉台账); the flags after 结案日期
# are worked out by the desk and left alone by the import.
EXPORT_HEADERS = ("投诉编号", "受理时间", "客户", "受理渠道", "联系人", "联系电话", "产品", "批号",
                  "订单号", "类别", "严重程度", "投诉内容", "客户要求", "状态", "首问责任人",
                  "当前处理人", "答复期限", "责任部门", "原因分析", "处理措施", "处理结果",
                  "索赔金额", "答复内容", "满意度", "结案日期", "已超期", "待主管确认",
                  "升级确认期限", "升级超期未确认")  # fmt: skip


def export_rows(session: Session, rows: list[ComplaintRow]) -> list[tuple]:
    """The listed complaints with the fields the list leaves out."""
    c = Complaint
    query = select(c.id, c.channel, c.contact_name, c.contact_phone, c.product, c.batch_no,
                   c.order_no, c.description, c.demand, c.department, c.cause, c.measures,
                   c.result, c.claim_amount, c.reply, c.satisfaction, c.closed_at)  # fmt: skip
    more = list_export.more_by_id(session, query, c.id, [r.id for r in rows])
    exported = []
    for r in rows:
        (channel, contact, phone, product, batch_no, order_no, description, demand, department,
         cause, measures, result, claim, reply, satisfaction, closed) = more[r.id]  # fmt: skip
        exported.append(
            (r.number, r.received_at, r.customer, channel, contact, phone, product, batch_no,
             order_no, r.category, r.severity, description, demand, r.status,
             r.first_responsible, r.handler, r.deadline, department, cause, measures, result,
             claim, reply, satisfaction, closed, r.overdue, r.escalation_pending,
             r.escalation_deadline, r.escalation_overdue)
        )  # fmt: skip
    return exported
