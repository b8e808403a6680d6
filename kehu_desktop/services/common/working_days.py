"""Working-day arithmetic with China's public holidays and 调休 make-up working days.

Weekends are days off unless listed as make-up working days; listed holidays are days off even
on weekdays. Both lists live in the settings table, shipped filled in for 2026 from the
国务院办公厅 holiday notice, and are edited in the 投诉期限与节假日 dialog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.parsing import parse_date
from kehu_desktop.services.common.settings import SettingSpec

# 国务院办公厅关于2026年部分节假日安排的通知
HOLIDAYS_2026 = [
    "2026-01-01", "2026-01-02", "2026-01-03",  # 元旦
    "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",  # 春节
    "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
    "2026-04-04", "2026-04-05", "2026-04-06",  # 清明节
    "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",  # 劳动节
    "2026-06-19", "2026-06-20", "2026-06-21",  # 端午节
    "2026-09-25", "2026-09-26", "2026-09-27",  # 中秋节
    "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05",  # 国庆节
    "2026-10-06", "2026-10-07",
]  # fmt: skip
MAKEUP_WORKDAYS_2026 = [
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
]  # fmt: skip

HOLIDAYS = SettingSpec("calendar.holidays", HOLIDAYS_2026, "法定节假日")
MAKEUP_WORKDAYS = SettingSpec("calendar.makeup_workdays", MAKEUP_WORKDAYS_2026, "调休上班日")


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days."""

    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself does not count).

        With ``days == 0`` the answer is ``start`` if it is a working day, else the next one.
        """
        day = start
        if days == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        remaining = days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )


def parse_day_list(text: str) -> list[date]:
    """One date per line or separated by commas/spaces (2026-10-01, 2026/10/1, 2026年10月1日)."""
    days = []
    for raw in text.replace("，", ",").replace(",", "\n").split():
        try:
            days.append(parse_date(raw))
        except ValueError as error:
            raise UserError(f"“{raw}”不是有效的日期：{error}") from None
    return sorted(set(days))


def load_calendar(session: Session) -> WorkCalendar:
    return WorkCalendar(
        frozenset(date.fromisoformat(d) for d in HOLIDAYS.get(session)),
        frozenset(date.fromisoformat(d) for d in MAKEUP_WORKDAYS.get(session)),
    )


def save_calendar(
    session: Session,
    holidays: list[date],
    makeup_workdays: list[date],
    seen: Mapping[str, int] | None = None,
) -> None:
    clash = sorted(set(holidays) & set(makeup_workdays))
    if clash:
        raise UserError(f"{clash[0].isoformat()} 不能既是节假日又是调休上班日。")
    HOLIDAYS.put(session, [d.isoformat() for d in sorted(set(holidays))], seen)
    MAKEUP_WORKDAYS.put(session, [d.isoformat() for d in sorted(set(makeup_workdays))], seen)
