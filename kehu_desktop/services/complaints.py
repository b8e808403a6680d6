"""Complaints (客户投诉): registration, the enforced lifecycle and the ledger.

登记 → 调查 → 处理 → 答复 → 回访 → 结案, or 撤销 with a reason. Every step appends a
``ComplaintEvent``; events are never changed or removed (a flush that tries is refused). The
首问责任人 (first-responsible person) is fixed at registration; a handover (转交) changes only
who works on it now. Every rule is checked here, so the window, the visits desk and the command
line are all held to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import event, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from kehu_desktop.models import Complaint, ComplaintEvent, Contact, Customer, Staff
from kehu_desktop.services.errors import NotFoundError, PermissionDenied, UserError, ValidationError
from kehu_desktop.services.operators import Operator
from kehu_desktop.services.parsing import parse_money, parse_quantity
from kehu_desktop.services.settings import SettingSpec
from kehu_desktop.services.working_days import WorkCalendar, load_calendar, save_calendar

CHANNELS = ("电话", "上门", "邮件", "信函", "网络")
CATEGORIES = ("产品质量", "交货期", "服务态度", "价格结算", "包装运输", "其他")
SEVERITIES = ("一般", "重大", "特殊")
DEPARTMENTS = ("品质", "生产", "仓储", "销售", "财务", "客服")
RESULTS = ("退货", "换货", "维修", "赔偿", "解释致歉")
SATISFACTION_LEVELS = ("非常满意", "满意", "一般", "不满意", "非常不满意")
SATISFIED_LEVELS = ("非常满意", "满意")


class Status(StrEnum):
    REGISTERED = "登记"
    INVESTIGATING = "调查"
    HANDLING = "处理"
    REPLIED = "答复"
    REVISITED = "回访"
    CLOSED = "结案"
    CANCELLED = "撤销"


STATUSES = tuple(Status)
FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED)
# Statuses in which the reply deadline still runs.
UNANSWERED_STATUSES = (Status.REGISTERED, Status.INVESTIGATING, Status.HANDLING)


class Action(StrEnum):
    """What can be done to a complaint; the value is the event kind and the button text."""

    INVESTIGATE = "开始调查"
    HANDLE = "记录处理"
    REPLY = "答复客户"
    REVISIT = "回访"
    CLOSE = "结案"
    CANCEL = "撤销"
    HAND_OVER = "转交"
    ACKNOWLEDGE = "确认升级"
    NOTE = "备注"
    EDIT = "修改登记"


REGISTER_EVENT = "登记"
NO_REVISIT = "尚未回访：结案前需要回访并记录客户满意度，或记录无法联系客户的原因。"
ESCALATE_EVENT = "升级主管"

# Action → (statuses it may start from, status it leads to; None keeps the status).
TRANSITIONS: dict[Action, tuple[tuple[Status, ...], Status | None]] = {
    Action.INVESTIGATE: ((Status.REGISTERED,), Status.INVESTIGATING),
    Action.HANDLE: ((Status.INVESTIGATING, Status.HANDLING), Status.HANDLING),
    Action.REPLY: ((Status.HANDLING,), Status.REPLIED),
    Action.REVISIT: ((Status.REPLIED, Status.REVISITED), Status.REVISITED),
    Action.CLOSE: ((Status.REVISITED,), Status.CLOSED),
    Action.CANCEL: (
        (Status.REGISTERED, Status.INVESTIGATING, Status.HANDLING, Status.REPLIED),
        Status.CANCELLED,
    ),
    Action.HAND_OVER: (
        (
            Status.REGISTERED,
            Status.INVESTIGATING,
            Status.HANDLING,
            Status.REPLIED,
            Status.REVISITED,
        ),
        None,
    ),  # fmt: skip
    Action.ACKNOWLEDGE: (STATUSES, None),
    Action.NOTE: (STATUSES, None),
    Action.EDIT: ((Status.REGISTERED, Status.INVESTIGATING), None),
}

DEADLINE_DAYS = SettingSpec(
    "complaints.deadline_days", {"一般": 3, "重大": 7, "特殊": 5}, "投诉答复期限（工作日）"
)
ESCALATION_DAYS = SettingSpec(
    "complaints.escalation_days", {"重大": 1, "特殊": 1}, "升级主管确认期限（工作日）"
)


# --- append-only events -------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _refuse_event_changes(session: Session, _context: object, _instances: object) -> None:
    """The event log and the ledger are append-only: no update or delete gets to the store."""
    for obj in session.deleted:
        if isinstance(obj, ComplaintEvent):
            raise UserError("投诉处理记录只能追加，不能删除。")
        if isinstance(obj, Complaint):
            raise UserError("投诉台账中的记录不能删除，请使用“撤销”。")
    for obj in session.dirty:
        if isinstance(obj, ComplaintEvent) and session.is_modified(obj):
            raise UserError("投诉处理记录只能追加，不能修改。")


def _last_event_at(session: Session, complaint_id: int) -> datetime | None:
    return session.scalar(
        select(func.max(ComplaintEvent.at)).where(ComplaintEvent.complaint_id == complaint_id)
    )


def _append(
    session: Session,
    complaint: Complaint,
    operator: Operator,
    kind: str,
    at: datetime | None,
    *,
    to_status: Status | None = None,
    note: str = "",
    handover_to_id: int | None = None,
    handover_department: str = "",
) -> datetime:
    """Add an event (and move the status); times may not go back before the last event."""
    last = _last_event_at(session, complaint.id)
    when = at or datetime.now()
    if last is not None and when < last:
        if at is not None:
            raise UserError(f"时间不能早于上一步（{last:%Y-%m-%d %H:%M}）。")
        when = last
    from_status = complaint.status
    if to_status is not None:
        complaint.status = to_status
    session.add(
        ComplaintEvent(
            complaint_id=complaint.id,
            at=when,
            actor_id=operator.id,
            kind=kind,
            from_status=from_status,
            to_status=complaint.status,
            note=note.strip(),
            handover_to_id=handover_to_id,
            handover_department=handover_department,
        )
    )
    return when


# --- rules --------------------------------------------------------------------------------


def _get(session: Session, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFoundError(f"找不到编号为 {complaint_id} 的投诉。")
    return complaint


def refusal(complaint: Complaint, operator: Operator, action: Action) -> UserError | None:
    """The error saying why ``action`` is not allowed now, or None if it is."""
    sources, _target = TRANSITIONS[action]
    status = Status(complaint.status)
    if action == Action.ACKNOWLEDGE:
        if not complaint.escalated or complaint.escalation_acknowledged_at is not None:
            return UserError("该投诉没有待确认的升级。")
        if not operator.is_supervisor:
            return PermissionDenied("升级的投诉只能由主管或管理员确认。")
        return None
    if action == Action.CLOSE and (
        status == Status.REPLIED
        or (
            status == Status.REVISITED
            and not (complaint.satisfaction or complaint.unreachable_reason)
        )
    ):
        return UserError(NO_REVISIT)
    if action == Action.REVISIT and status == Status.REVISITED and complaint.satisfaction:
        return UserError("该投诉已回访并记录了满意度。")
    if status not in sources:
        if status in FINAL_STATUSES:
            return UserError(f"投诉已{status}，不能再{action}。")
        return UserError(f"投诉当前处于“{status}”阶段，不能{action}。")
    if action == Action.REPLY and not (
        operator.id == complaint.first_responsible_id or operator.is_supervisor
    ):
        return PermissionDenied("按首问负责制，只有首问责任人（或主管）可以答复客户。")
    return None


def _start(session: Session, operator: Operator, complaint_id: int, action: Action) -> Complaint:
    """The complaint ``action`` is about, once the rules allow it now."""
    complaint = _get(session, complaint_id)
    error = refusal(complaint, operator, action)
    if error is not None:
        raise error
    return complaint


def allowed_actions(complaint: Complaint, operator: Operator) -> list[Action]:
    return [a for a in Action if refusal(complaint, operator, a) is None]


# --- registration -------------------------------------------------------------------------


@dataclass
class RegistrationInput:
    """The fields of 客户投诉登记表 as the dialog collects them."""

    customer_id: int | None = None
    received_at: datetime | None = None
    channel: str = "电话"
    contact_name: str = ""
    contact_phone: str = ""
    product: str = ""
    batch_no: str = ""
    order_no: str = ""
    category: str = "产品质量"
    severity: str = "一般"
    description: str = ""
    demand: str = ""
    # None: the registering operator took it first.
    first_responsible_id: int | None = None


def deadline_for(session: Session, severity: str, received: date) -> date:
    days = int(DEADLINE_DAYS.get(session).get(severity, DEADLINE_DAYS.default["一般"]))
    return load_calendar(session).add_working_days(received, days)


def escalates(session: Session, severity: str) -> bool:
    """Whether a complaint of ``severity`` is escalated to the 主管 role when registered."""
    return severity in ESCALATION_DAYS.get(session)


def escalation_deadline(session: Session, severity: str, received: date) -> date | None:
    """The day by which a 主管 must acknowledge the escalation of a complaint of ``severity``
    received on ``received``; None when that severity is not escalated."""
    return _escalation_due(load_calendar(session), ESCALATION_DAYS.get(session), severity, received)


def _escalation_due(
    calendar: WorkCalendar, days: dict[str, int], severity: str, received: date
) -> date | None:
    return (
        None if severity not in days else calendar.add_working_days(received, int(days[severity]))
    )


@dataclass(frozen=True)
class Clock:
    """What deadline flags are measured against: a day, the working calendar and the
    escalation periods, read once per listing."""

    today: date
    calendar: WorkCalendar
    escalation_days: dict[str, int]

    @classmethod
    def read(cls, session: Session, today: date | None = None) -> Clock:
        return cls(today or date.today(), load_calendar(session), ESCALATION_DAYS.get(session))


def _deadline_flags(c: Complaint, clock: Clock) -> dict[str, object]:
    """The deadline fields of a list row or detail record. The reply is overdue or due today
    while unanswered; an escalation is pending until a 主管 acknowledges it, overdue once its
    deadline (working days from registration) has passed."""
    due = (
        _escalation_due(clock.calendar, clock.escalation_days, c.severity, c.received_at.date())
        if c.escalated
        else None
    )
    pending = c.escalated and c.escalation_acknowledged_at is None
    running = c.status in UNANSWERED_STATUSES
    return {
        "overdue": running and c.deadline < clock.today,
        "due_today": running and c.deadline == clock.today,
        "escalation_deadline": due,
        "escalation_pending": pending,
        "escalation_overdue": pending and due is not None and due < clock.today,
    }


def _validate_registration(session: Session, data: RegistrationInput) -> None:
    errors = {}
    if data.customer_id is None or session.get(Customer, data.customer_id) is None:
        errors["customer_id"] = "请选择投诉的客户。"
    if data.channel not in CHANNELS:
        errors["channel"] = f"受理渠道应为 {'/'.join(CHANNELS)} 之一。"
    if data.category not in CATEGORIES:
        errors["category"] = f"投诉类别应为 {'/'.join(CATEGORIES)} 之一。"
    if data.severity not in SEVERITIES:
        errors["severity"] = f"严重程度应为 {'/'.join(SEVERITIES)} 之一。"
    if not data.description.strip():
        errors["description"] = "请填写投诉内容。"
    if data.received_at is not None and data.received_at > datetime.now():
        errors["received_at"] = "受理时间不能晚于现在。"
    if data.first_responsible_id is not None:
        staff = session.get(Staff, data.first_responsible_id)
        if staff is None or not staff.active:
            errors["first_responsible_id"] = "请选择在职的首问责任人。"
    if errors:
        raise ValidationError(errors)


def _take_write_lock(session: Session) -> None:
    """Start the write transaction now so the number read below cannot be taken meanwhile.

    On SQLite a writing statement takes the database's single write lock (other desks wait on
    the busy timeout); elsewhere the unique (year, seq) constraint and the retry catch a clash.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Complaint).where(text("0")).values(seq=Complaint.seq))


def register(
    session: Session, operator: Operator, data: RegistrationInput, *, attempts: int = 5
) -> int:
    """Save a new complaint with the next TS-YYYY-NNNN number; returns its id."""
    _validate_registration(session, data)
    received = data.received_at or datetime.now()
    for attempt in range(attempts):
        try:
            with session.begin_nested():
                return _insert(session, operator, data, received)
        except IntegrityError:
            if attempt == attempts - 1:
                raise UserError("投诉编号分配冲突，请重试。") from None
    raise AssertionError("unreachable")


def _insert(
    session: Session, operator: Operator, data: RegistrationInput, received: datetime
) -> int:
    _take_write_lock(session)
    year = received.year
    seq = (session.scalar(select(func.max(Complaint.seq)).where(Complaint.year == year)) or 0) + 1
    responsible = data.first_responsible_id or operator.id
    escalated = escalates(session, data.severity)
    complaint = Complaint(
        number=f"TS-{year}-{seq:04d}",
        year=year,
        seq=seq,
        received_at=received,
        channel=data.channel,
        customer_id=data.customer_id,
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(),
        product=data.product.strip(),
        batch_no=data.batch_no.strip(),
        order_no=data.order_no.strip(),
        category=data.category,
        severity=data.severity,
        description=data.description.strip(),
        demand=data.demand.strip(),
        first_responsible_id=responsible,
        handler_id=responsible,
        deadline=deadline_for(session, data.severity, received.date()),
        status=Status.REGISTERED,
        escalated=escalated,
    )
    session.add(complaint)
    session.flush()
    _append(session, complaint, operator, REGISTER_EVENT, received, to_status=Status.REGISTERED)
    if escalated:
        _append(
            session, complaint, operator, ESCALATE_EVENT, received,
            note=f"{data.severity}投诉，已升级至主管，待主管确认。",
        )  # fmt: skip
    session.flush()
    return complaint.id


# Registration fields a correction may change, with their labels for the event note.
EDITABLE = {"customer_id": "客户", "channel": "受理渠道", "contact_name": "联系人",
            "contact_phone": "联系电话", "product": "产品", "batch_no": "批号",
            "order_no": "订单号", "category": "投诉类别", "severity": "严重程度",
            "description": "投诉内容", "demand": "客户要求"}  # fmt: skip


def load_registration(session: Session, complaint_id: int) -> RegistrationInput:
    c = _get(session, complaint_id)
    return RegistrationInput(
        received_at=c.received_at,
        first_responsible_id=c.first_responsible_id,
        **{name: getattr(c, name) for name in EDITABLE},
    )


def update_registration(
    session: Session,
    operator: Operator,
    complaint_id: int,
    data: RegistrationInput,
    *,
    at: datetime | None = None,
) -> None:
    """Correct the registration while it is 登记 or 调查. The number, the received time and the
    首问责任人 stay as registered; a change of severity recomputes the deadline."""
    complaint = _start(session, operator, complaint_id, Action.EDIT)
    if data.first_responsible_id not in (None, complaint.first_responsible_id):
        raise UserError("首问责任人登记后不能更改；如需他人处理，请使用“转交”。")
    if data.received_at is not None and data.received_at != complaint.received_at:
        raise UserError("受理时间登记后不能更改。")
    _validate_registration(session, replace(data, received_at=None, first_responsible_id=None))
    changed = []
    for name, label in EDITABLE.items():
        value = getattr(data, name)
        value = value.strip() if isinstance(value, str) else value
        if value != getattr(complaint, name):
            setattr(complaint, name, value)
            changed.append(label)
    if not changed:
        return
    if "严重程度" in changed:
        complaint.deadline = deadline_for(session, complaint.severity, complaint.received_at.date())
        if escalates(session, complaint.severity) and not complaint.escalated:
            complaint.escalated = True
            changed.append("已升级至主管")
    _append(session, complaint, operator, Action.EDIT, at, note="修改：" + "、".join(changed))


# --- lifecycle steps ------------------------------------------------------------------------


def investigate(
    session: Session, operator: Operator, complaint_id: int, note: str = "", *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    complaint = _start(session, operator, complaint_id, Action.INVESTIGATE)
    _append(
        session, complaint, operator, Action.INVESTIGATE, at,
        to_status=Status.INVESTIGATING, note=note,
    )  # fmt: skip


@dataclass
class HandlingInput:
    """客户投诉处理表: department, cause, measures, result and the money involved."""

    department: str = ""
    cause: str = ""
    measures: str = ""
    department_opinion: str = ""
    result: str = ""
    return_quantity: str | Decimal = "0"
    return_amount: str | Decimal = "0"
    exchange_quantity: str | Decimal = "0"
    exchange_amount: str | Decimal = "0"
    claim_amount: str | Decimal = "0"
    note: str = ""


MONEY_FIELDS = ("return_amount", "exchange_amount", "claim_amount")
QUANTITY_FIELDS = ("return_quantity", "exchange_quantity")


def _parse_handling(data: HandlingInput) -> dict[str, object]:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    if data.department not in DEPARTMENTS:
        errors["department"] = "请选择责任部门。"
    if not data.cause.strip():
        errors["cause"] = "请填写调查结果及原因。"
    if not data.measures.strip():
        errors["measures"] = "请填写处理措施。"
    if data.result not in RESULTS:
        errors["result"] = f"处理结果应为 {'/'.join(RESULTS)} 之一。"
    for name in MONEY_FIELDS + QUANTITY_FIELDS:
        raw = getattr(data, name)
        raw = "0" if isinstance(raw, str) and not raw.strip() else raw
        try:
            values[name] = parse_money(raw) if name in MONEY_FIELDS else parse_quantity(raw)
        except ValueError as error:
            errors[name] = str(error)
    if errors:
        raise ValidationError(errors)
    values.update(
        department=data.department,
        cause=data.cause.strip(),
        measures=data.measures.strip(),
        department_opinion=data.department_opinion.strip(),
        result=data.result,
    )
    return values


def handle(
    session: Session, operator: Operator, complaint_id: int, data: HandlingInput, *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    """Record (or correct, while still 处理) the handling; moves 调查 → 处理."""
    complaint = _start(session, operator, complaint_id, Action.HANDLE)
    values = _parse_handling(data)
    for name, value in values.items():
        setattr(complaint, name, value)
    summary = f"{values['department']}：{values['result']}"
    note = f"{summary}。{data.note.strip()}" if data.note.strip() else summary
    _append(session, complaint, operator, Action.HANDLE, at, to_status=Status.HANDLING, note=note)


def reply(
    session: Session, operator: Operator, complaint_id: int, reply_text: str, *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    """The answer given to the customer; by the first-responsible person (首问负责制)."""
    complaint = _start(session, operator, complaint_id, Action.REPLY)
    if not reply_text.strip():
        raise ValidationError({"reply": "请填写答复客户的内容。"})
    complaint.reply = reply_text.strip()
    complaint.replied_at = _append(
        session, complaint, operator, Action.REPLY, at, to_status=Status.REPLIED, note=reply_text
    )


def record_revisit(
    session: Session,
    operator: Operator,
    complaint_id: int,
    *,
    satisfaction: str | None,
    unreachable_reason: str = "",
    note: str = "",
    at: datetime | None = None,
    visit_id: int | None = None,
) -> None:
    """A revisit (回访): the customer's rating, or why they could not be reached.

    Moves 答复 → 回访. A revisit that reached nobody may be followed by one that did.
    The visits desk calls this when it saves a 投诉回访 visit (``visit_id`` is noted).
    """
    complaint = _start(session, operator, complaint_id, Action.REVISIT)
    if satisfaction:
        if satisfaction not in SATISFACTION_LEVELS:
            raise ValidationError({"satisfaction": "请选择客户满意度。"})
    elif not unreachable_reason.strip():
        raise ValidationError({"satisfaction": "请选择客户满意度，或填写无法联系客户的原因。"})
    parts = [
        f"满意度：{satisfaction}" if satisfaction else f"未能联系：{unreachable_reason.strip()}"
    ]
    if note.strip():
        parts.append(note.strip())
    if visit_id is not None:
        parts.append(f"（拜访记录 #{visit_id}）")
    when = _append(
        session, complaint, operator, Action.REVISIT, at,
        to_status=Status.REVISITED, note="；".join(parts),
    )  # fmt: skip
    complaint.revisited_at = when
    if satisfaction:
        complaint.satisfaction = satisfaction
        complaint.unreachable_reason = ""
    else:
        complaint.unreachable_reason = unreachable_reason.strip()


def close(
    session: Session, operator: Operator, complaint_id: int, note: str = "", *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    complaint = _start(session, operator, complaint_id, Action.CLOSE)
    complaint.closed_at = _append(
        session, complaint, operator, Action.CLOSE, at, to_status=Status.CLOSED, note=note
    )


def cancel(
    session: Session, operator: Operator, complaint_id: int, reason: str, *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    complaint = _start(session, operator, complaint_id, Action.CANCEL)
    if not reason.strip():
        raise ValidationError({"reason": "撤销投诉必须填写原因。"})
    complaint.cancel_reason = reason.strip()[:200]
    _append(session, complaint, operator, Action.CANCEL, at, to_status=Status.CANCELLED,
            note=reason)  # fmt: skip


def hand_over(
    session: Session,
    operator: Operator,
    complaint_id: int,
    *,
    reason: str,
    to_staff_id: int | None = None,
    department: str = "",
    at: datetime | None = None,
) -> None:
    """Pass the work to a colleague and/or a department; the 首问责任人 stays the same."""
    complaint = _start(session, operator, complaint_id, Action.HAND_OVER)
    errors = {}
    if to_staff_id is None and not department:
        errors["to"] = "请选择转交给哪位同事或哪个部门。"
    if to_staff_id is not None:
        staff = session.get(Staff, to_staff_id)
        if staff is None or not staff.active:
            errors["to"] = "请选择在职的同事。"
    if department and department not in DEPARTMENTS:
        errors["department"] = "请选择责任部门。"
    if not reason.strip():
        errors["reason"] = "请填写转交原因。"
    if errors:
        raise ValidationError(errors)
    if to_staff_id is not None:
        complaint.handler_id = to_staff_id
    if department:
        complaint.department = department
    _append(
        session, complaint, operator, Action.HAND_OVER, at, note=reason,
        handover_to_id=to_staff_id, handover_department=department,
    )  # fmt: skip


def acknowledge_escalation(
    session: Session, operator: Operator, complaint_id: int, note: str = "", *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    """A 主管 has seen the 重大/特殊 complaint; the flag in the list goes away."""
    complaint = _start(session, operator, complaint_id, Action.ACKNOWLEDGE)
    complaint.escalation_acknowledged_at = _append(
        session, complaint, operator, Action.ACKNOWLEDGE, at, note=note
    )


def add_note(
    session: Session, operator: Operator, complaint_id: int, note: str, *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    complaint = _start(session, operator, complaint_id, Action.NOTE)
    if not note.strip():
        raise ValidationError({"note": "请填写备注内容。"})
    _append(session, complaint, operator, Action.NOTE, at, note=note)


# --- reading --------------------------------------------------------------------------------


def open_complaints_for_customer(session: Session, customer_id: int) -> list[tuple[int, str, str]]:
    """(id, number, status) of the customer's complaints still open or awaiting a revisit."""
    query = (
        select(Complaint.id, Complaint.number, Complaint.status)
        .where(Complaint.customer_id == customer_id, Complaint.status.not_in(FINAL_STATUSES))
        .order_by(Complaint.received_at.desc())
    )
    return [(i, n, s) for i, n, s in session.execute(query)]


def customer_choice(session: Session, customer_id: int) -> tuple[int, str]:
    """(id, "code name") of one customer, as the pickers show it."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("找不到该客户。")
    return customer.id, f"{customer.code} {customer.name}"


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


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1)
    nxt = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return start, nxt


def list_complaints(
    session: Session, flt: ComplaintFilter | None = None, today: date | None = None
) -> list[ComplaintRow]:
    """The ledger (台账), newest first, with the overdue / due-today / escalation flags."""
    flt = flt or ComplaintFilter()
    clock = Clock.read(session, today)
    first, handler = aliased(Staff), aliased(Staff)
    query = (
        select(Complaint, Customer.name, first.name, handler.name)
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
    if flt.severity:
        query = query.where(Complaint.severity == flt.severity)
    if flt.category:
        query = query.where(Complaint.category == flt.category)
    if flt.month is not None:
        start, end = _month_bounds(flt.month)
        query = query.where(Complaint.received_at >= start, Complaint.received_at < end)
    if flt.first_responsible_id is not None:
        query = query.where(Complaint.first_responsible_id == flt.first_responsible_id)
    if flt.customer_id is not None:
        query = query.where(Complaint.customer_id == flt.customer_id)
    if flt.customer_text.strip():
        like = f"%{flt.customer_text.strip()}%"
        query = query.where(or_(Customer.name.like(like), Customer.code.like(like),
                                Complaint.number.like(like)))  # fmt: skip
    rows = []
    for c, customer, first_name, handler_name in session.execute(query):
        rows.append(
            ComplaintRow(
                id=c.id,
                number=c.number,
                received_at=c.received_at,
                customer=customer,
                category=c.category,
                severity=c.severity,
                status=c.status,
                first_responsible=first_name,
                handler=handler_name or "",
                deadline=c.deadline,
                **_deadline_flags(c, clock),
            )
        )
    return rows


@dataclass(frozen=True)
class EventRow:
    at: datetime
    actor: str
    kind: str
    from_status: str
    to_status: str
    note: str
    handover_to: str
    handover_department: str


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
    deadline_note: str = ""
    events: tuple[EventRow, ...] = field(default=())


def _deadline_note(c: Complaint, clock: Clock) -> str:
    """How the reply deadline stands, in working days: 还剩 2 个工作日, 已超期 1 个工作日 …"""
    if c.replied_at is not None:
        late = clock.calendar.working_days_between(c.deadline, c.replied_at.date())
        return "按期答复" if late <= 0 else f"超期 {late} 个工作日答复"
    if c.status not in UNANSWERED_STATUSES:
        return ""
    today = clock.today
    left = clock.calendar.working_days_between(today, c.deadline)
    if c.deadline == today:
        return "今天到期"
    return f"还剩 {left} 个工作日" if c.deadline > today else f"已超期 {-left} 个工作日"


def load_detail(
    session: Session, operator: Operator, complaint_id: int, today: date | None = None
) -> ComplaintDetail:
    c = _get(session, complaint_id)
    clock = Clock.read(session, today)
    names = dict(session.execute(select(Staff.id, Staff.name)).all())
    events = tuple(
        EventRow(
            e.at,
            names.get(e.actor_id, ""),
            e.kind,
            e.from_status,
            e.to_status,
            e.note,
            names.get(e.handover_to_id, "") if e.handover_to_id else "",
            e.handover_department,
        )  # fmt: skip
        for e in session.scalars(
            select(ComplaintEvent)
            .where(ComplaintEvent.complaint_id == c.id)
            .order_by(ComplaintEvent.at, ComplaintEvent.id)
        )
    )
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
        tuple(allowed_actions(c, operator)), **_deadline_flags(c, clock),
        deadline_note=_deadline_note(c, clock), events=events,
    )  # fmt: skip


EXPORT_HEADERS = ("投诉编号", "受理时间", "客户", "类别", "严重程度", "状态", "首问责任人",
                  "当前处理人", "答复期限", "已超期", "待主管确认", "升级确认期限",
                  "升级超期未确认")  # fmt: skip


def export_rows(rows: list[ComplaintRow]) -> list[tuple]:
    return [
        (r.number, r.received_at, r.customer, r.category, r.severity, r.status,
         r.first_responsible, r.handler, r.deadline, r.overdue, r.escalation_pending,
         r.escalation_deadline, r.escalation_overdue)
        for r in rows
    ]  # fmt: skip


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineSettings:
    """What the 投诉期限与节假日 dialog edits."""

    deadline_days: dict[str, int]
    escalation_days: dict[str, int]
    holidays: tuple[date, ...]
    makeup_workdays: tuple[date, ...]


def load_deadline_settings(session: Session) -> DeadlineSettings:
    calendar = load_calendar(session)
    return DeadlineSettings(
        {s: int(DEADLINE_DAYS.get(session).get(s, 3)) for s in SEVERITIES},
        {s: int(d) for s, d in ESCALATION_DAYS.get(session).items()},
        tuple(sorted(calendar.holidays)),
        tuple(sorted(calendar.makeup_workdays)),
    )


def save_deadline_settings(session: Session, operator: Operator, values: DeadlineSettings) -> None:
    """主管/管理员 only. A reply deadline is fixed at registration, so a new one applies to
    complaints registered from now on; escalation deadlines are counted from each pending
    complaint's registration with the setting in force."""
    operator.require_supervisor()
    for severity, days in {**values.deadline_days, **values.escalation_days}.items():
        if severity not in SEVERITIES or not 0 <= days <= 60:
            raise ValidationError({severity: f"{severity}投诉的期限应在 0 到 60 个工作日之间。"})
    save_calendar(session, list(values.holidays), list(values.makeup_workdays))
    DEADLINE_DAYS.put(session, dict(values.deadline_days))
    ESCALATION_DAYS.put(session, dict(values.escalation_days))
