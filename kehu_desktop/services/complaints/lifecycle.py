"""The complaint lifecycle: 登记 → 调查 → 处理 → 答复 → 回访 → 结案, or 撤销 with a reason.

Every step appends a ``ComplaintEvent``; events are never changed or removed (a flush that
tries is refused). The 首问责任人 (first-responsible person) is fixed at registration; a
handover (转交) changes only who works on it now. Every rule is checked here, so the window,
the visits desk and the command line are all held to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint, ComplaintEvent, Staff
from kehu_desktop.services.common import case_log, first_responsible, revisits
from kehu_desktop.services.common.case_log import CaseLog, out_of_stage
from kehu_desktop.services.common.errors import (
    NotFoundError,
    PermissionDenied,
    UserError,
    ValidationError,
)
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.parsing import parse_money, parse_quantity
from kehu_desktop.services.common.revisits import NO_REVISIT, already_rated, revisit_recorded
from kehu_desktop.services.complaints.choices import DEPARTMENTS, RESULTS


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

# --- append-only events -------------------------------------------------------------------

HISTORY = CaseLog(ComplaintEvent, "complaint_id")
case_log.protect(
    ComplaintEvent,
    deleted="投诉处理记录只能追加，不能删除。",
    changed="投诉处理记录只能追加，不能修改。",
)
case_log.protect(Complaint, deleted="投诉台账中的记录不能删除，请使用“撤销”。")


# --- rules --------------------------------------------------------------------------------


def get_complaint(session: Session, complaint_id: int) -> Complaint:
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
            and not revisit_recorded(complaint.satisfaction, complaint.unreachable_reason)
        )
    ):
        return UserError(NO_REVISIT)
    if action == Action.REVISIT and status == Status.REVISITED and complaint.satisfaction:
        return already_rated("投诉")
    if status not in sources:
        return out_of_stage("投诉", status, action, final=status in FINAL_STATUSES)
    if action == Action.REPLY and not first_responsible.may_answer(
        operator, complaint.first_responsible_id
    ):
        return PermissionDenied("按首问负责制，只有首问责任人（或主管）可以答复客户。")
    return None


def start_action(
    session: Session,
    operator: Operator,
    complaint_id: int,
    action: Action,
    seen_status: str | None = None,
) -> Complaint:
    """The complaint ``action`` is about, held for this transaction, once the rules allow it.

    ``seen_status`` is the status the user saw when choosing the step (None: as read now). The
    step goes ahead only while the complaint is still in it: one compare-and-set UPDATE … WHERE
    status = :seen checks that and locks the row, so of two desks acting at once one wins, the
    other is told who moved it on, and the event chain never forks.
    """
    complaint = get_complaint(session, complaint_id)
    seen = seen_status or complaint.status
    # An UPDATE's result is a CursorResult (it has the rowcount); Session.execute is typed with
    # the general Result, as SQLAlchemy's docs say, and the cast says which it is.
    taken = cast(
        CursorResult[Any],
        session.execute(
            update(Complaint)
            .where(Complaint.id == complaint_id, Complaint.status == seen)
            .values(version=Complaint.version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    session.refresh(complaint)  # what the complaint is now that the row is ours
    if taken.rowcount != 1:
        raise UserError(_moved_on(session, complaint, seen, action))
    error = refusal(complaint, operator, action)
    if error is not None:
        raise error
    return complaint


def _moved_on(session: Session, complaint: Complaint, seen: str, action: Action) -> str:
    last = session.scalar(
        select(ComplaintEvent)
        .where(ComplaintEvent.complaint_id == complaint.id)
        .order_by(ComplaintEvent.id.desc())
        .limit(1)
    )
    actor = session.get(Staff, last.actor_id) if last else None
    by = f"已被 {actor.name if actor else '其他用户'}"
    when = f" 于 {last.at:%Y-%m-%d %H:%M}“{last.kind}”" if last else ""
    return (
        f"投诉 {complaint.number} {by}{when}，现处于“{complaint.status}”阶段（您看到时是"
        f"“{seen}”），本次“{action}”未执行。请刷新后查看是否还需要。"
    )


def allowed_actions(complaint: Complaint, operator: Operator) -> list[Action]:
    return [a for a in Action if refusal(complaint, operator, a) is None]


# --- lifecycle steps ------------------------------------------------------------------------


def investigate(
    session: Session, operator: Operator, complaint_id: int, note: str = "", *,
    at: datetime | None = None,
    seen_status: str | None = None,
) -> None:  # fmt: skip
    complaint = start_action(session, operator, complaint_id, Action.INVESTIGATE, seen_status)
    HISTORY.append(
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
    seen_status: str | None = None,
) -> None:  # fmt: skip
    """Record (or correct, while still 处理) the handling; moves 调查 → 处理."""
    complaint = start_action(session, operator, complaint_id, Action.HANDLE, seen_status)
    values = _parse_handling(data)
    for name, value in values.items():
        setattr(complaint, name, value)
    summary = f"{values['department']}：{values['result']}"
    note = f"{summary}。{data.note.strip()}" if data.note.strip() else summary
    HISTORY.append(
        session, complaint, operator, Action.HANDLE, at, to_status=Status.HANDLING, note=note
    )


def reply(
    session: Session, operator: Operator, complaint_id: int, reply_text: str, *,
    at: datetime | None = None,
    seen_status: str | None = None,
) -> None:  # fmt: skip
    """The answer given to the customer; by the first-responsible person (首问负责制)."""
    complaint = start_action(session, operator, complaint_id, Action.REPLY, seen_status)
    if not reply_text.strip():
        raise ValidationError({"reply": "请填写答复客户的内容。"})
    complaint.reply = reply_text.strip()
    complaint.replied_at = HISTORY.append(
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
    seen_status: str | None = None,
    visit_id: int | None = None,
) -> None:
    """A revisit (回访): the customer's rating, or why they could not be reached.

    Moves 答复 → 回访. A revisit that reached nobody may be followed by one that did.
    The visits desk calls this when it saves a 投诉回访 visit (``visit_id`` is noted).
    """
    complaint = start_action(session, operator, complaint_id, Action.REVISIT, seen_status)
    revisits.record_revisit(
        session, HISTORY, complaint, operator, Action.REVISIT, at, to_status=Status.REVISITED,
        satisfaction=satisfaction, unreachable_reason=unreachable_reason, note=note,
        reference=f"（拜访记录 #{visit_id}）" if visit_id is not None else "",
    )  # fmt: skip


def close(
    session: Session, operator: Operator, complaint_id: int, note: str = "", *,
    at: datetime | None = None,
    seen_status: str | None = None,
) -> None:  # fmt: skip
    complaint = start_action(session, operator, complaint_id, Action.CLOSE, seen_status)
    HISTORY.close(session, complaint, operator, Action.CLOSE, note, at, to_status=Status.CLOSED)


def cancel(
    session: Session, operator: Operator, complaint_id: int, reason: str, *,
    at: datetime | None = None,
    seen_status: str | None = None,
) -> None:  # fmt: skip
    complaint = start_action(session, operator, complaint_id, Action.CANCEL, seen_status)
    HISTORY.cancel(session, complaint, operator, Action.CANCEL, reason, at,
                   to_status=Status.CANCELLED, no_reason="撤销投诉必须填写原因。")  # fmt: skip


def hand_over(
    session: Session,
    operator: Operator,
    complaint_id: int,
    *,
    reason: str,
    to_staff_id: int | None = None,
    department: str = "",
    at: datetime | None = None,
    seen_status: str | None = None,
) -> None:
    """Pass the work to a colleague and/or a department; the 首问责任人 stays the same."""
    complaint = start_action(session, operator, complaint_id, Action.HAND_OVER, seen_status)
    first_responsible.hand_over(
        session, HISTORY, complaint, operator, Action.HAND_OVER, at, reason=reason,
        to_staff_id=to_staff_id, department=department, departments=DEPARTMENTS,
    )  # fmt: skip
    if department:
        complaint.department = department


def acknowledge_escalation(
    session: Session, operator: Operator, complaint_id: int, note: str = "", *,
    at: datetime | None = None,
    seen_status: str | None = None,
) -> None:  # fmt: skip
    """A 主管 has seen the 重大/特殊 complaint; the flag in the list goes away."""
    complaint = start_action(session, operator, complaint_id, Action.ACKNOWLEDGE, seen_status)
    complaint.escalation_acknowledged_at = HISTORY.append(
        session, complaint, operator, Action.ACKNOWLEDGE, at, note=note
    )


def add_note(
    session: Session, operator: Operator, complaint_id: int, note: str, *,
    at: datetime | None = None,
    seen_status: str | None = None,
) -> None:  # fmt: skip
    complaint = start_action(session, operator, complaint_id, Action.NOTE, seen_status)
    HISTORY.add_note(session, complaint, operator, Action.NOTE, note, at)
