"""The service request lifecycle: 登记 → 派工 → 处理 → 回访 → 结案, or 撤销 with a reason.

Every step appends a ``ServiceEvent`` through the history shared with complaints (times never go
back, rows are never changed). The 首问责任人 is fixed at registration and a hand-over keeps
it (``services/common/first_responsible``); closing needs a revisit with a rating or the reason
the customer could not be reached (``services/common/revisits``). Every rule is checked here,
so the window, the command line and the demo are all held to it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from kehu_desktop.models import ServiceEvent, ServiceRequest, Staff
from kehu_desktop.services.common import case_log, first_responsible, revisits
from kehu_desktop.services.common.case_log import CaseLog, out_of_stage
from kehu_desktop.services.common.errors import (
    NotFoundError,
    PermissionDenied,
    UserError,
    ValidationError,
)
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.revisits import NO_REVISIT, already_rated, revisit_recorded
from kehu_desktop.services.service_desk.choices import DEPARTMENTS, MODES


class Status(StrEnum):
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    PROCESSING = "processing"
    REVISITED = "revisited"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    Status.REGISTERED: "登记", Status.DISPATCHED: "派工", Status.PROCESSING: "处理",
    Status.REVISITED: "回访", Status.CLOSED: "结案", Status.CANCELLED: "撤销",
}  # fmt: skip
FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED)
OPEN_STATUSES = (Status.REGISTERED, Status.DISPATCHED, Status.PROCESSING, Status.REVISITED)
# The dispatch (响应) deadline runs until the first 派工, the resolve deadline until the repair.
UNDISPATCHED = (Status.REGISTERED,)
UNRESOLVED = (Status.REGISTERED, Status.DISPATCHED)


class Action(StrEnum):
    DISPATCH = "dispatch"
    REPAIR = "repair"
    REVISIT = "revisit"
    CLOSE = "close"
    CANCEL = "cancel"
    HAND_OVER = "hand_over"
    FEEDBACK = "feedback"
    NOTE = "note"
    EDIT = "edit"


ACTION_LABELS: dict[str, str] = {
    Action.DISPATCH: "派工", Action.REPAIR: "维修报告", Action.REVISIT: "回访",
    Action.CLOSE: "结案", Action.CANCEL: "撤销", Action.HAND_OVER: "转交",
    Action.FEEDBACK: "反馈工厂", Action.NOTE: "备注", Action.EDIT: "修改登记",
}  # fmt: skip
REGISTER_EVENT = "register"
ATTACH_EVENT = "attach"
FEEDBACK_REPLY_EVENT = "feedback_reply"
EVENT_LABELS: dict[str, str] = {**ACTION_LABELS, REGISTER_EVENT: "登记", ATTACH_EVENT: "附件",
                FEEDBACK_REPLY_EVENT: "工厂答复"}  # fmt: skip

# Action → (statuses it may start from, status it leads to; None keeps the status).
TRANSITIONS: dict[Action, tuple[tuple[Status, ...], Status | None]] = {
    Action.DISPATCH: ((Status.REGISTERED, Status.DISPATCHED), Status.DISPATCHED),
    Action.REPAIR: ((Status.DISPATCHED, Status.PROCESSING), Status.PROCESSING),
    Action.REVISIT: ((Status.PROCESSING, Status.REVISITED), Status.REVISITED),
    Action.CLOSE: ((Status.REVISITED,), Status.CLOSED),
    Action.CANCEL: ((Status.REGISTERED, Status.DISPATCHED, Status.PROCESSING), Status.CANCELLED),
    Action.HAND_OVER: (OPEN_STATUSES, None),
    Action.FEEDBACK: ((*OPEN_STATUSES, Status.CLOSED), None),
    Action.NOTE: (tuple(Status), None),
    Action.EDIT: ((Status.REGISTERED, Status.DISPATCHED), None),
}

HISTORY = CaseLog(ServiceEvent, "request_id")
case_log.protect(
    ServiceEvent,
    deleted="售后服务记录只能追加，不能删除。",
    changed="售后服务记录只能追加，不能修改。",
)
case_log.protect(ServiceRequest, deleted="售后服务单不能删除，请使用“撤销”。")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)  # type: ignore[call-overload]


def get_request(session: Session, request_id: int) -> ServiceRequest:
    request = session.get(ServiceRequest, request_id)
    if request is None:
        raise NotFoundError(f"找不到编号为 {request_id} 的售后服务单。")
    return request


def refusal(request: ServiceRequest, operator: Operator, action: Action) -> UserError | None:
    """The error saying why ``action`` is not allowed now, or None if it is."""
    sources, _target = TRANSITIONS[action]
    status = Status(request.status)
    if action == Action.CLOSE and status == Status.PROCESSING:
        return UserError(NO_REVISIT)
    if action == Action.CLOSE and status == Status.REVISITED:
        if not revisit_recorded(request.satisfaction, request.unreachable_reason):
            return UserError(NO_REVISIT)
        if not first_responsible.may_answer(operator, request.first_responsible_id):
            return PermissionDenied("按首问负责制，只有首问责任人（或主管）可以结案。")
    if action == Action.REVISIT and status == Status.REVISITED and request.satisfaction:
        return already_rated("服务单")
    if status not in sources:
        return out_of_stage(
            "服务单", status_label(status), ACTION_LABELS[action], final=status in FINAL_STATUSES
        )
    return None


def start_action(
    session: Session, operator: Operator, request_id: int, action: Action
) -> ServiceRequest:
    request = get_request(session, request_id)
    error = refusal(request, operator, action)
    if error is not None:
        raise error
    return request


def allowed_actions(request: ServiceRequest, operator: Operator) -> list[Action]:
    return [a for a in Action if refusal(request, operator, a) is None]


# --- steps ----------------------------------------------------------------------------------


def dispatch(
    session: Session,
    operator: Operator,
    request_id: int,
    *,
    mode: str,
    engineer_id: int | None,
    planned_date: date | None,
    note: str = "",
    at: datetime | None = None,
) -> None:
    """派工: on site or back to the factory, an engineer, a planned date. A second 派工 changes
    the plan; the response is timed from the first."""
    request = start_action(session, operator, request_id, Action.DISPATCH)
    errors = {}
    if mode not in MODES:
        errors["mode"] = "请选择服务方式（上门服务或返厂维修）。"
    engineer = session.get(Staff, engineer_id) if engineer_id is not None else None
    if engineer is None or not engineer.active:
        errors["engineer_id"] = "请选择在职的服务工程师。"
    if planned_date is None:
        errors["planned_date"] = "请填写计划服务日期。"
    elif planned_date < request.received_at.date():
        errors["planned_date"] = "计划服务日期不能早于受理日期。"
    if errors:
        raise ValidationError(errors)
    assert engineer is not None and planned_date is not None  # each missing one is an error above
    request.mode, request.engineer_id, request.planned_date = mode, engineer_id, planned_date
    summary = f"{MODES[mode]}，工程师 {engineer.name}，计划 {planned_date.isoformat()}"
    when = HISTORY.append(
        session, request, operator, Action.DISPATCH, at, to_status=Status.DISPATCHED,
        note=f"{summary}。{note.strip()}" if note.strip() else summary,
    )  # fmt: skip
    if request.dispatched_at is None:
        request.dispatched_at = when


def record_revisit(
    session: Session,
    operator: Operator,
    request_id: int,
    *,
    satisfaction: str | None,
    unreachable_reason: str = "",
    note: str = "",
    at: datetime | None = None,
) -> None:
    """回访 (售后跟踪服务): the rating, or why the customer could not be reached."""
    request = start_action(session, operator, request_id, Action.REVISIT)
    revisits.record_revisit(
        session, HISTORY, request, operator, Action.REVISIT, at, to_status=Status.REVISITED,
        satisfaction=satisfaction, unreachable_reason=unreachable_reason, note=note,
    )  # fmt: skip


def close(
    session: Session, operator: Operator, request_id: int, note: str = "", *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    request = start_action(session, operator, request_id, Action.CLOSE)
    HISTORY.close(session, request, operator, Action.CLOSE, note, at, to_status=Status.CLOSED)


def cancel(
    session: Session, operator: Operator, request_id: int, reason: str, *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    request = start_action(session, operator, request_id, Action.CANCEL)
    HISTORY.cancel(session, request, operator, Action.CANCEL, reason, at,
                   to_status=Status.CANCELLED, no_reason="撤销服务单必须填写原因。")  # fmt: skip


def hand_over(
    session: Session,
    operator: Operator,
    request_id: int,
    *,
    reason: str,
    to_staff_id: int | None = None,
    department: str = "",
    at: datetime | None = None,
) -> None:
    """Pass the work to a colleague and/or a department; the 首问责任人 stays the same."""
    request = start_action(session, operator, request_id, Action.HAND_OVER)
    first_responsible.hand_over(
        session, HISTORY, request, operator, Action.HAND_OVER, at, reason=reason,
        to_staff_id=to_staff_id, department=department, departments=DEPARTMENTS,
    )  # fmt: skip


def add_note(
    session: Session, operator: Operator, request_id: int, note: str, *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    request = start_action(session, operator, request_id, Action.NOTE)
    HISTORY.add_note(session, request, operator, Action.NOTE, note, at)
