"""Feedback to the factory (售后服务信息反馈表): a quality problem found in service goes to a
department with a reply deadline in working days; unanswered past it, it is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from kehu_desktop.models import FactoryFeedback, Product, ServiceRequest, Staff
from kehu_desktop.services.common import numbering
from kehu_desktop.services.common.errors import NotFoundError, UserError, ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.working_days import load_calendar
from kehu_desktop.services.service_desk.choices import DEPARTMENTS
from kehu_desktop.services.service_desk.lifecycle import (
    FEEDBACK_REPLY_EVENT,
    HISTORY,
    Action,
    start_action,
)
from kehu_desktop.services.service_desk.settings import FEEDBACK_DAYS

SERIES = "FK"


def raise_feedback(
    session: Session,
    operator: Operator,
    *,
    department: str,
    problem: str,
    request_id: int | None = None,
    product_id: int | None = None,
    at: datetime | None = None,
) -> int:
    """Send a problem to ``department``; from a service request it is noted in its history."""
    errors = {}
    if department not in DEPARTMENTS:
        errors["department"] = "请选择反馈部门。"
    if not problem.strip():
        errors["problem"] = "请填写发现的质量问题。"
    if errors:
        raise ValidationError(errors)
    request = None
    if request_id is not None:
        request = start_action(session, operator, request_id, Action.FEEDBACK)
        product_id = product_id or request.product_id
    raised = at or datetime.now()
    for attempt in range(5):
        try:
            with session.begin_nested():
                seq = numbering.next_number(session, SERIES, raised.year)
                item = FactoryFeedback(
                    number=numbering.formatted(SERIES, raised.year, seq),
                    year=raised.year, seq=seq, request_id=request_id, product_id=product_id,
                    raised_at=raised, raised_by_id=operator.id, department=department,
                    problem=problem.strip(),
                    reply_deadline=load_calendar(session).add_working_days(
                        raised.date(), int(FEEDBACK_DAYS.get(session))
                    ),
                )  # fmt: skip
                session.add(item)
                session.flush()
                break
        except IntegrityError:
            if attempt == 4:
                raise UserError("反馈编号分配冲突，请重试。") from None
    if request is not None:
        HISTORY.append(
            session, request, operator, Action.FEEDBACK, at,
            note=f"{item.number} 反馈{department}：{problem.strip()}",
        )  # fmt: skip
    return item.id


def record_reply(
    session: Session, operator: Operator, feedback_id: int, reply: str, *,
    at: datetime | None = None,
) -> None:  # fmt: skip
    item = session.get(FactoryFeedback, feedback_id)
    if item is None:
        raise NotFoundError("找不到该反馈。")
    if item.replied_at is not None:
        raise UserError(f"反馈 {item.number} 已有答复。")
    if not reply.strip():
        raise ValidationError({"reply": "请填写部门的答复。"})
    when = at or datetime.now()
    if when < item.raised_at:
        raise UserError("答复时间不能早于反馈时间。")
    item.reply, item.replied_at = reply.strip(), when
    if item.request_id is not None:
        request = session.get_one(ServiceRequest, item.request_id)
        HISTORY.append(
            session, request, operator, FEEDBACK_REPLY_EVENT, at,
            note=f"{item.number} {item.department}答复：{reply.strip()}",
        )  # fmt: skip


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    number: str
    raised_at: datetime
    department: str
    problem: str
    product: str
    request_number: str
    raised_by: str
    reply_deadline: date
    reply: str
    replied_at: datetime | None
    overdue: bool

    @property
    def state(self) -> str:
        if self.replied_at is not None:
            late = self.replied_at.date() > self.reply_deadline
            return "超期答复" if late else "按期答复"
        return "超期未答复" if self.overdue else "待答复"


def list_feedback(
    session: Session,
    *,
    request_id: int | None = None,
    overdue_only: bool = False,
    today: date | None = None,
    limit: int = 2000,
) -> list[FeedbackRow]:
    """Feedback newest first; overdue means unanswered after its reply deadline."""
    today = today or date.today()
    raiser = aliased(Staff)
    query = (
        select(FactoryFeedback, Product.name, ServiceRequest.number, raiser.name)
        .outerjoin(Product, Product.id == FactoryFeedback.product_id)
        .outerjoin(ServiceRequest, ServiceRequest.id == FactoryFeedback.request_id)
        .join(raiser, raiser.id == FactoryFeedback.raised_by_id)
        .order_by(FactoryFeedback.raised_at.desc(), FactoryFeedback.id.desc())
        .limit(limit)
    )
    if request_id is not None:
        query = query.where(FactoryFeedback.request_id == request_id)
    if overdue_only:
        query = query.where(
            FactoryFeedback.replied_at.is_(None), FactoryFeedback.reply_deadline < today
        )
    return [
        FeedbackRow(
            f.id,
            f.number,
            f.raised_at,
            f.department,
            f.problem,
            product or "",
            request_number or "",
            raised_by,
            f.reply_deadline,
            f.reply,
            f.replied_at,
            f.replied_at is None and f.reply_deadline < today,
        )  # fmt: skip
        for f, product, request_number, raised_by in session.execute(query)
    ]
