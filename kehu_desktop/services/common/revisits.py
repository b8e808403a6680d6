"""Revisits (回访) and the rule for closing a case, shared by the complaint and after-sales
desks: a case is closed only after a revisit that recorded the customer's rating, or the
reason the customer could not be reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kehu_desktop.services.common.case_log import CaseLog
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.operators import Operator

SATISFACTION_LEVELS = ("非常满意", "满意", "一般", "不满意", "非常不满意")
SATISFIED_LEVELS = ("非常满意", "满意")
NO_REVISIT = "尚未回访：结案前需要回访并记录客户满意度，或记录无法联系客户的原因。"


@dataclass(frozen=True)
class RevisitOutcome:
    """What a revisit found: a rating, or why nobody could be reached; ``note`` is the
    history line."""

    satisfaction: str
    unreachable_reason: str
    note: str


def revisit_outcome(
    satisfaction: str | None, unreachable_reason: str, note: str = "", reference: str = ""
) -> RevisitOutcome:
    """Check a revisit and word its history line (``reference`` e.g. the visit it came from)."""
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
    if reference:
        parts.append(reference)
    return RevisitOutcome(
        satisfaction or "", "" if satisfaction else unreachable_reason.strip(), "；".join(parts)
    )


def revisit_recorded(satisfaction: str, unreachable_reason: str) -> bool:
    """Whether a case may be closed: rated, or the customer found unreachable."""
    return bool(satisfaction or unreachable_reason)


def record_revisit(
    session: Session,
    history: CaseLog,
    case: Any,
    operator: Operator,
    kind: str,
    at: datetime | None,
    *,
    to_status: str,
    satisfaction: str | None,
    unreachable_reason: str,
    note: str = "",
    reference: str = "",
) -> None:
    """Check a revisit of ``case`` (its step allowed), add it to the history and keep what it
    found on the case: the rating (a later revisit that reached nobody keeps an earlier one)
    or why the customer could not be reached."""
    outcome = revisit_outcome(satisfaction, unreachable_reason, note, reference)
    case.revisited_at = history.append(
        session, case, operator, kind, at, to_status=to_status, note=outcome.note
    )
    if outcome.satisfaction:
        case.satisfaction = outcome.satisfaction
    case.unreachable_reason = outcome.unreachable_reason


def already_rated(case_noun: str) -> UserError:
    """The refusal of a second revisit once the customer's rating is recorded."""
    return UserError(f"该{case_noun}已回访并记录了满意度。")
