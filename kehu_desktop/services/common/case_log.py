"""The append-only history of a case — a complaint, a service request — shared by the desks.

Every step of a case adds an event row saying who did what, when, from which status to which;
rows are never changed or removed (a flush that tries is refused, whoever asks). Times never go
back: a step given no time is stamped now, or at the last step's time if the clock of this PC
is behind; a step given an earlier time than the last one is refused. Case records themselves
are never deleted (they are cancelled instead).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.operators import Operator

# Row type → (refusal when deleted, refusal when changed; "" when changes are allowed).
_PROTECTED: dict[type, tuple[str, str]] = {}


def protect(model: type, *, deleted: str, changed: str = "") -> None:
    """Refuse every delete of ``model`` rows with ``deleted``, and every change with
    ``changed`` when given (append-only rows)."""
    _PROTECTED[model] = (deleted, changed)


@event.listens_for(Session, "before_flush")
def _refuse_protected_changes(session: Session, _context: object, _instances: object) -> None:
    for obj in session.deleted:
        refusal = _PROTECTED.get(type(obj))
        if refusal is not None:
            raise UserError(refusal[0])
    for obj in session.dirty:
        refusal = _PROTECTED.get(type(obj))
        if refusal is not None and refusal[1] and session.is_modified(obj):
            raise UserError(refusal[1])


def out_of_stage(case_noun: str, status: str, step: str, *, final: bool) -> UserError:
    """The refusal of a ``step`` the case's ``status`` does not lead to (words, not codes):
    a closed or cancelled (``final``) case takes no more steps."""
    if final:
        return UserError(f"{case_noun}已{status}，不能再{step}。")
    return UserError(f"{case_noun}当前处于“{status}”阶段，不能{step}。")


@dataclass(frozen=True)
class EventRow:
    """One step of a case as its history table shows it: names, not ids."""

    at: datetime
    actor: str
    kind: str
    from_status: str
    to_status: str
    note: str
    handover_to: str
    handover_department: str


def _as_stored(code: str) -> str:
    return code


@dataclass(frozen=True)
class CaseLog:
    """The history of one kind of case: ``event_model`` rows linked by ``case_key``.

    The event model has the columns ``at``, ``actor_id``, ``kind``, ``from_status``,
    ``to_status``, ``note``, ``handover_to_id`` and ``handover_department``; the case has
    ``id`` and ``status``.
    """

    event_model: type[Any]  # a model with ``at`` and the ``case_key`` column
    case_key: str

    def last_at(self, session: Session, case_id: int) -> datetime | None:
        column = getattr(self.event_model, self.case_key)
        return session.scalar(select(func.max(self.event_model.at)).where(column == case_id))

    def append(
        self,
        session: Session,
        case: Any,
        operator: Operator,
        kind: str,
        at: datetime | None,
        *,
        to_status: str | None = None,
        note: str = "",
        handover_to_id: int | None = None,
        handover_department: str = "",
    ) -> datetime:
        """Add an event (and move the status); returns the time it was stamped with."""
        last = self.last_at(session, case.id)
        when = at or datetime.now()
        if last is not None and when < last:
            if at is not None:
                raise UserError(f"时间不能早于上一步（{last:%Y-%m-%d %H:%M}）。")
            when = last
        from_status = case.status
        if to_status is not None:
            case.status = to_status
        session.add(
            self.event_model(
                **{self.case_key: case.id},
                at=when,
                actor_id=operator.id,
                kind=kind,
                from_status=from_status,
                to_status=case.status,
                note=note.strip(),
                handover_to_id=handover_to_id,
                handover_department=handover_department,
            )
        )
        return when

    def add_note(
        self, session: Session, case: Any, operator: Operator, kind: str, note: str,
        at: datetime | None,
    ) -> None:  # fmt: skip
        """A remark on the case, its status unchanged; an empty one is refused."""
        if not note.strip():
            raise ValidationError({"note": "请填写备注内容。"})
        self.append(session, case, operator, kind, at, note=note)

    def close(
        self, session: Session, case: Any, operator: Operator, kind: str, note: str,
        at: datetime | None, *, to_status: str,
    ) -> None:  # fmt: skip
        """Close the case (the rules have allowed it), stamping its ``closed_at``."""
        case.closed_at = self.append(session, case, operator, kind, at, to_status=to_status,
                                     note=note)  # fmt: skip

    def cancel(
        self, session: Session, case: Any, operator: Operator, kind: str, reason: str,
        at: datetime | None, *, to_status: str, no_reason: str,
    ) -> None:  # fmt: skip
        """Cancel the case (cases are cancelled, never deleted) with its reason, refused with
        ``no_reason`` when none is given."""
        if not reason.strip():
            raise ValidationError({"reason": no_reason})
        case.cancel_reason = reason.strip()[:200]
        self.append(session, case, operator, kind, at, to_status=to_status, note=reason)

    def rows(
        self,
        session: Session,
        case_id: int,
        names: Mapping[int | None, str],
        *,
        kind_label: Callable[[str], str] = _as_stored,
        status_label: Callable[[str], str] = _as_stored,
    ) -> tuple[EventRow, ...]:
        """The case's steps in order, people by ``names`` (staff id → name), kinds and statuses
        in the words of the desk (stored as they read, unless labels are given)."""
        column = getattr(self.event_model, self.case_key)
        events = session.scalars(
            select(self.event_model)
            .where(column == case_id)
            .order_by(self.event_model.at, self.event_model.id)
        )
        return tuple(
            EventRow(
                e.at,
                names.get(e.actor_id, ""),
                kind_label(e.kind),
                status_label(e.from_status),
                status_label(e.to_status),
                e.note,
                names.get(e.handover_to_id, "") if e.handover_to_id else "",
                e.handover_department,
            )  # fmt: skip
            for e in events
        )
