"""Working-day deadlines of cases, shared by the complaint and after-sales desks.

A desk declares, as a setting, how many working days each kind of case (a severity, an
urgency) has; the deadline is that many working days after the day it was received, counted on
the shared calendar (weekends, public holidays and 调休 make-up days, see ``working_days``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kehu_desktop.services.common.settings import SettingSpec
from kehu_desktop.services.common.working_days import WorkCalendar, load_calendar


def days_from(days: dict[str, int], spec: SettingSpec[dict[str, int]], key: str) -> int:
    """The working days ``days`` (``spec``'s stored value) give ``key``; the default's, or the
    default's first entry, when not set."""
    fallback = next(iter(spec.default.values()))
    return int(days.get(key, spec.default.get(key, fallback)))


def days_for(spec: SettingSpec[dict[str, int]], session: Session, key: str) -> int:
    """The working days ``spec`` gives ``key`` now."""
    return days_from(spec.get(session), spec, key)


def deadline_after(
    session: Session, spec: SettingSpec[dict[str, int]], key: str, start: date
) -> date:
    return load_calendar(session).add_working_days(start, days_for(spec, session, key))


def describe(
    deadline: date, done_on: date | None, running: bool, calendar: WorkCalendar, today: date,
    *, done: str = "答复",
) -> str:  # fmt: skip
    """How a deadline stands: 按期答复, 超期 1 个工作日答复, 今天到期, 还剩 2 个工作日 …

    ``done_on`` is the day the work was done (None if not yet); ``running`` whether the
    deadline still runs for an undone case (it stops when a case is cancelled, say).
    """
    if done_on is not None:
        late = calendar.working_days_between(deadline, done_on)
        return f"按期{done}" if late <= 0 else f"超期 {late} 个工作日{done}"
    if not running:
        return ""
    if deadline == today:
        return "今天到期"
    left = calendar.working_days_between(today, deadline)
    if deadline > today:
        # A year whose 调休 the State Council has not announced yet is counted by the rules.
        note = "（暂定：该年调休安排尚未确认）" if calendar.is_provisional(deadline) else ""
        return f"还剩 {left} 个工作日{note}"
    return f"已超期 {-left} 个工作日"
