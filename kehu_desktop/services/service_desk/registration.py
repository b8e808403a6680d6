"""Registering a service request (售后服务登记表) with the next gap-free SH-YYYY-NNNN number,
its warranty worked out from the customer's purchase and its working-day deadlines; correcting
a registration while it is 登记 or 派工."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint, Product, Purchase, ServiceRequest
from kehu_desktop.services.common import case_registration
from kehu_desktop.services.common.case_deadlines import days_from, deadline_after
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.working_days import WorkCalendar, load_calendar
from kehu_desktop.services.service_desk import products
from kehu_desktop.services.service_desk.choices import (
    CHANNELS,
    SERVICE_COMPLAINT_RESULTS,
    URGENCIES,
)
from kehu_desktop.services.service_desk.lifecycle import (
    HISTORY,
    REGISTER_EVENT,
    Action,
    Status,
    get_request,
    start_action,
)
from kehu_desktop.services.service_desk.settings import RESOLVE_DAYS, RESPONSE_DAYS

SERIES = "SH"


@dataclass
class RequestInput:
    """The fields of 售后服务登记表 as the dialog collects them."""

    customer_id: int | None = None
    received_at: datetime | None = None
    channel: str = "电话"
    contact_name: str = ""
    contact_phone: str = ""
    product_id: int | None = None
    serial_no: str = ""
    # The purchase date the customer gives when none is on record; saved as a purchase.
    purchased_on: date | None = None
    fault: str = ""
    demand: str = ""
    urgency: str = "normal"
    complaint_id: int | None = None
    # None: the registering operator took it first.
    first_responsible_id: int | None = None


def _validate(session: Session, data: RequestInput) -> None:
    desk_errors = {}
    if data.urgency not in URGENCIES:
        desk_errors["urgency"] = f"紧急程度应为 {'/'.join(URGENCIES.values())} 之一。"
    if data.product_id is not None and session.get(Product, data.product_id) is None:
        desk_errors["product_id"] = "请选择产品。"
    if data.purchased_on is not None:
        if data.product_id is None:
            desk_errors["purchased_on"] = "填写购买日期时请选择产品。"
        elif data.purchased_on > (data.received_at or datetime.now()).date():
            desk_errors["purchased_on"] = "购买日期不能晚于受理日期。"
    if not data.fault.strip():
        desk_errors["fault"] = "请填写故障描述。"
    errors = case_registration.registration_errors(
        session, data, channels=CHANNELS, no_customer="请选择客户。", desk_errors=desk_errors
    )
    if data.complaint_id is not None:
        complaint = session.get(Complaint, data.complaint_id)
        if complaint is None:
            errors["complaint_id"] = "找不到关联的投诉。"
        elif complaint.result not in SERVICE_COMPLAINT_RESULTS:
            errors["complaint_id"] = (
                f"只有处理结果为{'/'.join(SERVICE_COMPLAINT_RESULTS)}的投诉可以转售后服务。"
            )
        elif complaint.customer_id != data.customer_id:
            errors["complaint_id"] = "关联投诉的客户与服务单的客户不一致。"
    if errors:
        raise ValidationError(errors)


def _warranty(session: Session, request: ServiceRequest, data: RequestInput) -> None:
    """Link the purchase (recording the date the customer gives if none is on file) and work
    out the warranty on the day received."""
    if data.product_id is None or data.customer_id is None:  # (a customer is required above)
        request.purchase_id, request.warranty = None, "unknown"
        return
    purchase = products.find_purchase(session, data.customer_id, data.product_id, data.serial_no)
    if purchase is None and data.purchased_on is not None:
        purchase_id = products.add_purchase(
            session, data.customer_id, data.product_id, data.serial_no, data.purchased_on,
            note=f"登记售后服务单 {request.number} 时录入",
        )  # fmt: skip
        purchase = session.get(Purchase, purchase_id)
    product = session.get_one(Product, data.product_id)
    request.purchase_id = purchase.id if purchase else None
    request.warranty = products.warranty_status(
        purchase.purchased_on if purchase else None,
        product.warranty_months,
        request.received_at.date(),
    )


def register(session: Session, operator: Operator, data: RequestInput, *, attempts: int = 5) -> int:
    """Save a new request with the next SH-YYYY-NNNN number; returns its id."""
    _validate(session, data)
    if data.complaint_id is not None:
        open_link = session.scalar(
            select(ServiceRequest.number).where(
                ServiceRequest.complaint_id == data.complaint_id,
                ServiceRequest.status != Status.CANCELLED,
            )
        )
        if open_link is not None:
            raise UserError(f"该投诉已转售后服务单 {open_link}。")
    received = data.received_at or datetime.now()
    for attempt in range(attempts):
        try:
            with session.begin_nested():
                return _insert(session, operator, data, received)
        except IntegrityError:
            if attempt == attempts - 1:
                raise UserError("服务单编号分配冲突，请重试。") from None
    raise AssertionError("unreachable")


def _insert(session: Session, operator: Operator, data: RequestInput, received: datetime) -> int:
    request = ServiceRequest(
        **case_registration.opening_fields(
            session,
            operator,
            data,
            received,
            series=SERIES,
            prefix=SERIES,
            status=Status.REGISTERED,
        ),  # fmt: skip
        product_id=data.product_id,
        serial_no=data.serial_no.strip(),
        fault=data.fault.strip(),
        demand=data.demand.strip(),
        urgency=data.urgency,
        complaint_id=data.complaint_id,
        response_deadline=deadline_after(session, RESPONSE_DAYS, data.urgency, received.date()),
        deadline=deadline_after(session, RESOLVE_DAYS, data.urgency, received.date()),
    )
    session.add(request)
    session.flush()
    _warranty(session, request, data)
    note = ""
    if data.complaint_id is not None:
        note = f"由投诉 {session.get_one(Complaint, data.complaint_id).number} 转入"
    HISTORY.append(
        session, request, operator, REGISTER_EVENT, received, to_status=Status.REGISTERED,
        note=note,
    )  # fmt: skip
    session.flush()
    return request.id


# Registration fields a correction may change, with their labels for the event note.
EDITABLE = {"customer_id": "客户", "channel": "受理渠道", "contact_name": "联系人",
            "contact_phone": "联系电话", "product_id": "产品", "serial_no": "序列号/批号",
            "fault": "故障描述", "demand": "客户要求", "urgency": "紧急程度"}  # fmt: skip


def load_registration(session: Session, request_id: int) -> RequestInput:
    r = get_request(session, request_id)
    return RequestInput(complaint_id=r.complaint_id, **case_registration.as_registered(r, EDITABLE))


def update_registration(
    session: Session,
    operator: Operator,
    request_id: int,
    data: RequestInput,
    *,
    at: datetime | None = None,
) -> None:
    """Correct the registration while it is 登记 or 派工. The number, received time,
    首问责任人 and deadlines stay as registered; the warranty is worked out again."""
    request = start_action(session, operator, request_id, Action.EDIT)
    case_registration.refuse_fixed_changes(request.received_at, request.first_responsible_id, data)
    if data.complaint_id != request.complaint_id:
        raise UserError("关联的投诉登记后不能更改。")
    _validate(
        session,
        replace(data, received_at=request.received_at, first_responsible_id=None),
    )
    changed = case_registration.apply_correction(request, data, EDITABLE)
    if not changed and data.purchased_on is None:
        return
    _warranty(session, request, data)
    note = case_registration.correction_note(changed or ["购买日期"])
    HISTORY.append(session, request, operator, Action.EDIT, at, note=note)


def input_from_complaint(session: Session, complaint_id: int) -> RequestInput:
    """A new request filled from a complaint settled with 维修/退货/换货 (转售后服务)."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise UserError("找不到该投诉。")
    serial = complaint.batch_no
    return RequestInput(
        customer_id=complaint.customer_id, channel="电话", contact_name=complaint.contact_name,
        contact_phone=complaint.contact_phone, serial_no=serial,
        fault=f"{complaint.description}（投诉 {complaint.number}，处理结果：{complaint.result}）",
        demand=complaint.demand, complaint_id=complaint.id,
    )  # fmt: skip


@dataclass(frozen=True)
class DeadlineRules:
    """What a new request's deadlines are counted with, read once (the registration form
    previews them as the urgency and received time change)."""

    calendar: WorkCalendar
    response_days: dict[str, int]
    resolve_days: dict[str, int]

    @classmethod
    def read(cls, session: Session) -> DeadlineRules:
        return cls(load_calendar(session), RESPONSE_DAYS.get(session), RESOLVE_DAYS.get(session))

    def preview(self, urgency: str, received: date) -> tuple[date, date]:
        """The dispatch and resolve deadlines of a request received on ``received``."""
        return (
            self.calendar.add_working_days(
                received, days_from(self.response_days, RESPONSE_DAYS, urgency)
            ),
            self.calendar.add_working_days(
                received, days_from(self.resolve_days, RESOLVE_DAYS, urgency)
            ),
        )


def complaint_number(session: Session, complaint_id: int | None) -> str:
    """The number of the complaint a request came from ("" when none)."""
    complaint = session.get(Complaint, complaint_id) if complaint_id is not None else None
    return complaint.number if complaint else ""
