"""Turning what a spreadsheet cell holds into what a field needs.

Sheets kept by hand hold phone numbers as numbers (13812345678.0), full-width digits and
spaces typed through an IME, dates as Excel serial numbers or as text (2019.3.5, 2020年5月,
2018/07/01), and a region as one cell (广东省东莞市, "广东 深圳").
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from kehu_desktop.services.common.parsing import parse_date, parse_month
from kehu_desktop.services.customers.customer_fields import PROVINCES

# Excel's day 0 (its 1900 leap-year bug folded in, as every reader does).
_EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers of 1950-01-01 … 2099-12-31: a bare number in that span in a date column is
# a date Excel stored as a number.
_SERIALS = range(18264, 73051)
_TIME = re.compile(r"^(.*?\d)[\sT]+(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?$")
_PROVINCE_SUFFIX = re.compile(r"^(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)")
_SPACES = re.compile(r"\s+")
_WHOLE_FLOAT = re.compile(r"\d+\.0+")
_SERIAL_TEXT = re.compile(r"\d{5}(\.\d+)?")
_CITY_END = re.compile(r"(?<=市)|(?<=地区)|(?<=自治州)|(?<=盟)")
_CITY_SUFFIX = re.compile(r"(市|地区)$")
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
# Full-width digits, letters, @ . - and the ideographic space an IME types, folded to ASCII;
# Chinese punctuation such as （） is left as written.
_FULL_WIDTH = {0x3000: " "} | {
    code: code - 0xFEE0
    for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B),
                 0xFF20, 0xFF0E, 0xFF0D, 0xFF3F, 0xFF0B)
}  # fmt: skip


def text(value: object) -> str:
    """The cell as the text a person reads: numbers without a spurious .0, dates in ISO
    form, full-width characters folded to ASCII, surrounding spaces dropped."""
    if isinstance(value, str):  # most cells: checked first, the import reads every one
        return (value if value.isascii() else value.translate(_FULL_WIDTH)).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M") if value.time() != time() else value.date().isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).translate(_FULL_WIDTH).strip()


def digits_text(value: object) -> str:
    """A phone or code cell: ``13812345678.0`` and ``138 1234 5678`` → ``13812345678``
    (dashes kept: 0755-88888888)."""
    raw = text(value)
    if _WHOLE_FLOAT.fullmatch(raw):
        raw = raw.split(".")[0]
    return _SPACES.sub("", raw)


def date_value(value: object) -> date:
    """A date from a date cell, an Excel serial number, or text such as 2019.3.5,
    2018/07/01, 2019年3月5日 or 2020年5月 (the first of the month)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    raw = text(value)
    if _SERIAL_TEXT.fullmatch(raw):
        return _serial(float(raw))
    try:
        return parse_date(raw)
    except ValueError:
        pass
    try:
        return parse_month(raw)
    except ValueError:
        raise ValueError(f"“{raw}”不是有效日期，请写作 2026-11-22。") from None


def datetime_value(value: object) -> datetime:
    """A time stamp; a bare date is taken as 09:00, as the visit and complaint forms do."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, float) and not value.is_integer() and int(value) in _SERIALS:
        day = _serial(value)
        minutes = round((value - int(value)) * 24 * 60)
        return datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
    raw = text(value)
    match = _TIME.match(raw)
    if match:
        day = date_value(match.group(1))
        hour, minute = int(match.group(2)), int(match.group(3))
        if hour > 23 or minute > 59:
            raise ValueError(f"“{raw}”不是有效时间。")
        return datetime(day.year, day.month, day.day, hour, minute)
    day = date_value(value)
    return datetime(day.year, day.month, day.day, 9, 0)


def _serial(number: float) -> date:
    if int(number) not in _SERIALS:
        raise ValueError(f"“{text(number)}”不是有效日期。")
    return _EXCEL_EPOCH + timedelta(days=int(number))


def region(value: object) -> tuple[str, str]:
    """``广东省东莞市`` / ``广东 深圳`` / ``北京市朝阳区`` → (province, city); ("", "") when no
    province is recognised (the caller reports it)."""
    raw = _SPACES.sub(" ", text(value))
    if not raw:
        return "", ""
    parts = raw.split(" ")
    squeezed = "".join(parts)
    province = next((p for p in PROVINCES if squeezed.startswith(p)), "")
    if not province:
        return "", ""
    if len(parts) > 1 and parts[0].startswith(province):
        rest = "".join(parts[1:])
    else:
        rest = squeezed[len(province) :]
        rest = _PROVINCE_SUFFIX.sub("", rest, count=1)
    if province in _MUNICIPALITIES:
        return province, province
    city = _CITY_END.split(rest, maxsplit=1)[0]
    return province, _CITY_SUFFIX.sub("", city)[:20]
