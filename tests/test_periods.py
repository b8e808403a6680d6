"""Periods as the reports, month filters, lists and plans count them."""

from __future__ import annotations

from datetime import date, datetime

from kehu_desktop.services.common.periods import (
    day_bounds,
    month_bounds,
    month_period,
    month_start,
    recent_months,
)


def test_month_start_steps_over_year_ends_both_ways():
    assert month_start(date(2026, 12, 31)) == date(2026, 12, 1)
    assert month_start(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert month_start(date(2026, 1, 15), -1) == date(2025, 12, 1)
    assert month_start(date(2026, 3, 31), -14) == date(2025, 1, 1)


def test_month_period_ends_on_the_real_last_day():
    assert month_period(date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_period(date(2026, 2, 28)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_period(date(2026, 12, 1)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_recent_months_are_newest_first_with_chinese_labels():
    months = recent_months(date(2026, 2, 17), 3)
    assert months == [(date(2026, 2, 1), "2026年2月"), (date(2026, 1, 1), "2026年1月"),
                      (date(2025, 12, 1), "2025年12月")]  # fmt: skip


def test_bounds_run_from_midnight_to_the_midnight_after_the_last_day():
    assert day_bounds(date(2026, 12, 31), date(2026, 12, 31)) == (
        datetime(2026, 12, 31), datetime(2027, 1, 1)
    )  # fmt: skip
    assert month_bounds(date(2026, 12, 15)) == (datetime(2026, 12, 1), datetime(2027, 1, 1))
    assert month_bounds(date(2028, 2, 29)) == (datetime(2028, 2, 1), datetime(2028, 3, 1))
