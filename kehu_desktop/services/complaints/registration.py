"""Registering a complaint (客户投诉登记表) with the next gap-free TS-YYYY-NNNN number, and
correcting a registration while it is 登记 or 调查."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint
from kehu_desktop.services.common import (
    case_registration,
    numbering,
    versions,
)
from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.complaints.choices import CATEGORIES, CHANNELS, SEVERITIES
from kehu_desktop.services.complaints.deadlines import deadline_for, escalates
from kehu_desktop.services.complaints.lifecycle import (
    ESCALATE_EVENT,
    HISTORY,
    REGISTER_EVENT,
    Action,
    Status,
    get_complaint,
    start_action,
)


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
    # The version loaded for a correction (None: a new registration, or not checked).
    version: int | None = None


def _validate_registration(session: Session, data: RegistrationInput) -> None:
    desk_errors = {}
    if data.category not in CATEGORIES:
        desk_errors["category"] = f"投诉类别应为 {'/'.join(CATEGORIES)} 之一。"
    if data.severity not in SEVERITIES:
        desk_errors["severity"] = f"严重程度应为 {'/'.join(SEVERITIES)} 之一。"
    if not data.description.strip():
        desk_errors["description"] = "请填写投诉内容。"
    errors = case_registration.registration_errors(
        session, data, channels=CHANNELS, no_customer="请选择投诉的客户。", desk_errors=desk_errors
    )
    if errors:
        raise ValidationError(errors)


# The counter complaints are numbered by, and how a number is printed: TS-2026-0027.
NUMBER_PREFIX = "TS"


def complaint_number(year: int, seq: int) -> str:
    return numbering.formatted(NUMBER_PREFIX, year, seq)


def register(session: Session, operator: Operator, data: RegistrationInput) -> int:
    """Save a new complaint with the next TS-YYYY-NNNN number; returns its id.

    The number is taken from the year's counter in this transaction: a desk registering at the
    same moment waits a moment for the next one instead of being refused.
    """
    _validate_registration(session, data)
    received = data.received_at or datetime.now()
    escalated = escalates(session, data.severity)
    complaint = Complaint(
        **case_registration.opening_fields(
            session,
            operator,
            data,
            received,
            series=numbering.COMPLAINT_SERIES,
            prefix=NUMBER_PREFIX,
            status=Status.REGISTERED,
        ),  # fmt: skip
        product=data.product.strip(),
        batch_no=data.batch_no.strip(),
        order_no=data.order_no.strip(),
        category=data.category,
        severity=data.severity,
        description=data.description.strip(),
        demand=data.demand.strip(),
        deadline=deadline_for(session, data.severity, received.date()),
        escalated=escalated,
    )
    session.add(complaint)
    session.flush()
    HISTORY.append(
        session, complaint, operator, REGISTER_EVENT, received, to_status=Status.REGISTERED
    )
    if escalated:
        HISTORY.append(
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
    c = get_complaint(session, complaint_id)
    return RegistrationInput(version=c.version, **case_registration.as_registered(c, EDITABLE))


def update_registration(
    session: Session,
    operator: Operator,
    complaint_id: int,
    data: RegistrationInput,
    *,
    at: datetime | None = None,
) -> None:
    """Correct the registration while it is 登记 or 调查. The number, the received time and the
    首问责任人 stay as registered; a change of severity recomputes the deadline. Refused when
    the complaint changed after ``data.version`` was loaded."""
    versions.claim(session, Complaint, complaint_id, data.version)
    complaint = start_action(session, operator, complaint_id, Action.EDIT)
    case_registration.refuse_fixed_changes(
        complaint.received_at, complaint.first_responsible_id, data
    )
    _validate_registration(session, replace(data, received_at=None, first_responsible_id=None))
    changed = case_registration.apply_correction(complaint, data, EDITABLE)
    if not changed:
        return
    if "严重程度" in changed:
        complaint.deadline = deadline_for(session, complaint.severity, complaint.received_at.date())
        if escalates(session, complaint.severity) and not complaint.escalated:
            complaint.escalated = True
            changed.append("已升级至主管")
    note = case_registration.correction_note(changed)
    HISTORY.append(session, complaint, operator, Action.EDIT, at, note=note)
