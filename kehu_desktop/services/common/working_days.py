"""Working-day arithmetic with China's public holidays and 调休 make-up working days.

Weekends are days off unless they are make-up working days; holidays are days off even on
weekdays. Every year's days come from the ``holidays`` package, which follows the 国务院办公厅
notices: a year's statutory holidays are known in advance, its 调休 arrangement only once the
notice is out (usually in November of the year before). Until then the year is *provisional*.

The firm keeps its own changes on top: for each year its lists cover (edited in the
投诉期限与节假日 dialog, or confirmed in the year-end review), its lists replace the library's.
A year is confirmed when the firm has reviewed it or the library has that year's notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays as holiday_library
from sqlalchemy.orm import Session

from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.parsing import parse_date
from kehu_desktop.services.common.settings import SettingSpec

# The firm's own lists, for the years they cover (empty: every year from the library).
# Stored as ISO dates (2026-10-01).
HOLIDAYS: SettingSpec[list[str]] = SettingSpec("calendar.holidays", [], "法定节假日")
MAKEUP_WORKDAYS: SettingSpec[list[str]] = SettingSpec("calendar.makeup_workdays", [], "调休上班日")
# From this day of December the window asks to review next year's calendar if unconfirmed.
REVIEW_FROM = (12, 1)


@dataclass(frozen=True)
class YearDays:
    """One year's days off and make-up working days, and whether they are confirmed."""

    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    confirmed: bool


@cache
def library_year(year: int) -> YearDays:
    """The year as the ``holidays`` package has it; confirmed once it has the 调休 notice."""
    china = holiday_library.country_holidays("CN", years=year)
    days_off = frozenset(day for day in china if day.year == year)
    makeup = frozenset(day for day in china.weekend_workdays if day.year == year)
    return YearDays(days_off, makeup, confirmed=bool(makeup))


class WorkCalendar:
    """Which days are working days: the firm's lists for the years they cover, the library's
    for every other year."""

    def __init__(
        self,
        holidays: frozenset[date] = frozenset(),
        makeup_workdays: frozenset[date] = frozenset(),
    ) -> None:
        self.holidays = frozenset(holidays)
        self.makeup_workdays = frozenset(makeup_workdays)
        self.firm_years = frozenset(d.year for d in self.holidays | self.makeup_workdays)
        self._years: dict[int, YearDays] = {}

    def year(self, year: int) -> YearDays:
        days = self._years.get(year)
        if days is None:
            if year in self.firm_years:
                days = YearDays(
                    frozenset(d for d in self.holidays if d.year == year),
                    frozenset(d for d in self.makeup_workdays if d.year == year),
                    confirmed=True,
                )
            else:
                days = library_year(year)
            self._years[year] = days
        return days

    def is_working_day(self, day: date) -> bool:
        days = self.year(day.year)
        if day in days.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in days.holidays

    def is_provisional(self, day: date) -> bool:
        """Whether ``day`` falls in a year whose 调休 arrangement is not yet confirmed."""
        return not self.year(day.year).confirmed

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

    def review_due(self, today: date) -> int | None:
        """From 1 December: next year, if its calendar is still unconfirmed; else None."""
        if (today.month, today.day) < REVIEW_FROM:
            return None
        following = today.year + 1
        return None if self.year(following).confirmed else following


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


def shown_years(today: date) -> tuple[int, int]:
    """The years the settings dialog lists: this one and the next."""
    return today.year, today.year + 1


def effective_days(calendar: WorkCalendar, years: tuple[int, ...]) -> tuple[list[date], list[date]]:
    """The days off and make-up days in force for ``years``, for the dialog to show."""
    holidays = sorted(d for y in years for d in calendar.year(y).holidays)
    makeup = sorted(d for y in years for d in calendar.year(y).makeup_workdays)
    return holidays, makeup


def save_calendar(
    session: Session,
    holidays: list[date],
    makeup_workdays: list[date],
    *,
    years: tuple[int, ...] | None = None,
    confirmed: tuple[int, ...] = (),
    seen: Mapping[str, int] | None = None,
) -> None:
    """Store the firm's lists for ``years`` (default: every year the lists mention).

    Other years the firm had stay as they were. A year the lists leave exactly as the library
    has it, while the library has no notice for it yet, is not stored (so it stays
    provisional) unless it is in ``confirmed``: the user reviewed it. ``seen``: the settings'
    versions the dialog loaded (a change saved elsewhere meanwhile is refused).
    """
    clash = sorted(set(holidays) & set(makeup_workdays))
    if clash:
        raise UserError(f"{clash[0].isoformat()} 不能既是节假日又是调休上班日。")
    current = load_calendar(session)
    given = {d.year for d in [*holidays, *makeup_workdays]}
    years = tuple(sorted(given | set(years or ())))
    kept_holidays = {d for d in current.holidays if d.year not in years}
    kept_makeup = {d for d in current.makeup_workdays if d.year not in years}
    for year in years:
        year_off = {d for d in holidays if d.year == year}
        year_makeup = {d for d in makeup_workdays if d.year == year}
        library = library_year(year)
        untouched = year_off == library.holidays and year_makeup == library.makeup_workdays
        if untouched and (library.confirmed or year not in confirmed):
            continue  # nothing of the firm's own: the library's days (and status) stand
        kept_holidays |= year_off
        kept_makeup |= year_makeup
    HOLIDAYS.put(session, [d.isoformat() for d in sorted(kept_holidays)], seen)
    MAKEUP_WORKDAYS.put(session, [d.isoformat() for d in sorted(kept_makeup)], seen)
