"""Periods as the desks count them: whole days from one date to another, and calendar months
— a report's period, a list's month filter, a trend's bars — counted back or forward from a
day."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The times a period of whole days covers: from midnight of ``start`` up to (and not
    including) midnight after ``end``."""
    return datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The times ``month``'s whole month covers (as ``day_bounds``)."""
    return day_bounds(*month_period(month))


def month_start(day: date, shift: int = 0) -> date:
    """The first day of the month ``shift`` months after ``day``'s (before it when negative)."""
    year, month = divmod(day.year * 12 + day.month - 1 + shift, 12)
    return date(year, month + 1, 1)


def month_period(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    first = month_start(day)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_label(first: date) -> str:
    """How a month is named in a filter: 2026年3月."""
    return f"{first.year}年{first.month}月"


def recent_months(today: date, count: int) -> list[tuple[date, str]]:
    """The ``count`` months up to ``today``'s, newest first, as (first day, label)."""
    months = [month_start(today, -back) for back in range(count)]
    return [(first, month_label(first)) for first in months]
