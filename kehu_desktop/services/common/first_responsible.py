"""首问负责制, shared by the complaint and the after-sales desks.

The person who first took a case (the registering operator unless another is named) is its
首问责任人 to the end: fixed at registration, never changed by a correction, kept through every
hand-over (转交), which changes only who works on it now. Only that person — or a 主管 — gives
the customer the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kehu_desktop.models import Staff
from kehu_desktop.services.common.case_log import CaseLog
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.operators import Operator

FIELD = "first_responsible_id"
FIXED = "首问责任人登记后不能更改；如需他人处理，请使用“转交”。"


def registration_errors(session: Session, requested_id: int | None) -> dict[str, str]:
    """The problem with the person named at registration (None: the operator), if any."""
    if requested_id is None:
        return {}
    staff = session.get(Staff, requested_id)
    if staff is None or not staff.active:
        return {FIELD: "请选择在职的首问责任人。"}
    return {}


def at_registration(operator: Operator, requested_id: int | None) -> int:
    """Who owns a newly registered case: the person named, else the registering operator."""
    return requested_id or operator.id


def refuse_change(current_id: int, requested_id: int | None) -> None:
    """A correction of the registration may not name another 首问责任人."""
    if requested_id not in (None, current_id):
        raise UserError(FIXED)


def may_answer(operator: Operator, first_responsible_id: int) -> bool:
    return operator.id == first_responsible_id or operator.is_supervisor


def hand_over(
    session: Session,
    history: CaseLog,
    case: Any,
    operator: Operator,
    kind: str,
    at: datetime | None,
    *,
    reason: str,
    to_staff_id: int | None,
    department: str,
    departments: Sequence[str],
) -> None:
    """Pass the work on a case to a colleague (who now handles it) and/or a department, with
    the reason in its history; the 首问责任人 stays the same."""
    check_handover(
        session, to_staff_id=to_staff_id, department=department, reason=reason,
        departments=departments,
    )  # fmt: skip
    if to_staff_id is not None:
        case.handler_id = to_staff_id
    history.append(
        session, case, operator, kind, at, note=reason, handover_to_id=to_staff_id,
        handover_department=department,
    )  # fmt: skip


def check_handover(
    session: Session,
    *,
    to_staff_id: int | None,
    department: str,
    reason: str,
    departments: Sequence[str],
) -> None:
    """A hand-over names an active colleague and/or one of ``departments``, with a reason."""
    errors = {}
    if to_staff_id is None and not department:
        errors["to"] = "请选择转交给哪位同事或哪个部门。"
    if to_staff_id is not None:
        staff = session.get(Staff, to_staff_id)
        if staff is None or not staff.active:
            errors["to"] = "请选择在职的同事。"
    if department and department not in departments:
        errors["department"] = "请选择责任部门。"
    if not reason.strip():
        errors["reason"] = "请填写转交原因。"
    if errors:
        raise ValidationError(errors)
