"""Complaint deadlines in working days: the reply deadline per severity, the escalation to a
主管 and its deadline, the flags a listing shows, and the settings that hold them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypedDict

from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint
from kehu_desktop.services.common import case_deadlines
from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.settings import SettingSpec
from kehu_desktop.services.common.working_days import (
    WorkCalendar,
    effective_days,
    load_calendar,
    save_calendar,
    shown_years,
)
from kehu_desktop.services.complaints.choices import SEVERITIES
from kehu_desktop.services.complaints.lifecycle import UNANSWERED_STATUSES

DEADLINE_DAYS = SettingSpec(
    "complaints.deadline_days", {"一般": 3, "重大": 7, "特殊": 5}, "投诉答复期限（工作日）"
)
ESCALATION_DAYS = SettingSpec(
    "complaints.escalation_days", {"重大": 1, "特殊": 1}, "升级主管确认期限（工作日）"
)


@dataclass(frozen=True)
class DeadlineRules:
    """What a new complaint's deadlines are counted with, read once (the registration form
    previews the deadlines as the severity and received time change)."""

    calendar: WorkCalendar
    deadline_days: dict[str, int]
    escalation_days: dict[str, int]

    @classmethod
    def read(cls, session: Session) -> DeadlineRules:
        return cls(load_calendar(session), DEADLINE_DAYS.get(session), ESCALATION_DAYS.get(session))

    def deadline(self, severity: str, received: date) -> date:
        days = case_deadlines.days_from(self.deadline_days, DEADLINE_DAYS, severity)
        return self.calendar.add_working_days(received, days)

    def escalation(self, severity: str, received: date) -> date | None:
        return _escalation_due(self.calendar, self.escalation_days, severity, received)


def deadline_for(session: Session, severity: str, received: date) -> date:
    return DeadlineRules.read(session).deadline(severity, received)


def escalates(session: Session, severity: str) -> bool:
    """Whether a complaint of ``severity`` is escalated to the 主管 role when registered."""
    return severity in ESCALATION_DAYS.get(session)


def escalation_deadline(session: Session, severity: str, received: date) -> date | None:
    """The day by which a 主管 must acknowledge the escalation of a complaint of ``severity``
    received on ``received``; None when that severity is not escalated."""
    return DeadlineRules.read(session).escalation(severity, received)


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


class DeadlineFlags(TypedDict):
    """The deadline fields a list row and a detail record share (passed on as keywords)."""

    deadline_provisional: bool
    overdue: bool
    due_today: bool
    escalation_deadline: date | None
    escalation_pending: bool
    escalation_overdue: bool


class DeadlineFields(Protocol):
    """What the flags are worked out from: a complaint, or a list's row of its columns."""

    @property
    def severity(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def deadline(self) -> date: ...
    @property
    def escalated(self) -> bool: ...
    @property
    def escalation_acknowledged_at(self) -> datetime | None: ...


def deadline_flags(c: DeadlineFields, clock: Clock) -> DeadlineFlags:
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
        # Counted in a year whose 调休 days are not confirmed yet: the date may still move.
        "deadline_provisional": running and clock.calendar.is_provisional(c.deadline),
        "overdue": running and c.deadline < clock.today,
        "due_today": running and c.deadline == clock.today,
        "escalation_deadline": due,
        "escalation_pending": pending,
        "escalation_overdue": pending and due is not None and due < clock.today,
    }


def describe_deadline(c: Complaint, clock: Clock) -> str:
    """How the reply deadline stands, in working days: 还剩 2 个工作日, 已超期 1 个工作日 …"""
    replied = c.replied_at.date() if c.replied_at is not None else None
    running = c.status in UNANSWERED_STATUSES
    return case_deadlines.describe(c.deadline, replied, running, clock.calendar, clock.today)


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineSettings:
    """What the 投诉期限与节假日 dialog edits: the deadlines, and the calendar of ``years``
    (this year and the next); ``confirmed`` are the years the user has reviewed, and
    ``provisional`` the shown years whose 调休 days are not confirmed."""

    deadline_days: dict[str, int]
    escalation_days: dict[str, int]
    holidays: tuple[date, ...]
    makeup_workdays: tuple[date, ...]
    years: tuple[int, ...] = ()
    confirmed: tuple[int, ...] = ()
    provisional: tuple[int, ...] = ()


def load_deadline_settings(session: Session, today: date | None = None) -> DeadlineSettings:
    calendar = load_calendar(session)
    years = shown_years(today or date.today())
    holidays, makeup = effective_days(calendar, years)
    return DeadlineSettings(
        {s: int(DEADLINE_DAYS.get(session).get(s, 3)) for s in SEVERITIES},
        {s: int(d) for s, d in ESCALATION_DAYS.get(session).items()},
        tuple(holidays),
        tuple(makeup),
        years,
        provisional=tuple(y for y in years if not calendar.year(y).confirmed),
    )


def save_deadline_settings(
    session: Session,
    operator: Operator,
    values: DeadlineSettings,
    seen: Mapping[str, int] | None = None,
) -> None:
    """主管/管理员 only. A reply deadline is fixed at registration, so a new one applies to
    complaints registered from now on; escalation deadlines are counted from each pending
    complaint's registration with the setting in force."""
    operator.require_supervisor()
    for severity, days in {**values.deadline_days, **values.escalation_days}.items():
        if severity not in SEVERITIES or not 0 <= days <= 60:
            raise ValidationError({severity: f"{severity}投诉的期限应在 0 到 60 个工作日之间。"})
    save_calendar(
        session,
        list(values.holidays),
        list(values.makeup_workdays),
        years=values.years,
        confirmed=values.confirmed,
        seen=seen,
    )
    DEADLINE_DAYS.put(session, dict(values.deadline_days), seen)
    ESCALATION_DAYS.put(session, dict(values.escalation_days), seen)
