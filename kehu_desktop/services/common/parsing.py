"""Reading typed values from what a user typed or a spreadsheet held.

Each parser raises ``ValueError`` with a message in Chinese naming the expected form; the
caller attaches it to the field or row it came from.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
EARLIEST = date(1900, 1, 1)
# Money columns hold 16 digits with 2 decimals; a figure past a trillion yuan is a typo.
MAX_MONEY = Decimal("9999999999999.99")
MAX_QUANTITY = Decimal("999999999999.9999")
MAX_INT = 2**31 - 1


def _plain_digits(text: str) -> str:
    """Full-width digits and signs typed through a Chinese IME → ASCII (１２３ → 123)."""
    return unicodedata.normalize("NFKC", text)


def parse_money(text: str | int | float | Decimal, *, allow_negative: bool = False) -> Decimal:
    """``1,234.5`` or ``￥1234.50`` → Decimal('1234.50'); at most two decimal places."""
    if isinstance(text, Decimal | int):
        value = Decimal(text)
    else:
        cleaned = _plain_digits(str(text)).strip().replace(",", "").lstrip("¥￥")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError(f"“{text}”不是有效的金额。") from None
    if not value.is_finite():
        raise ValueError(f"“{text}”不是有效的金额。")
    if value < 0 and not allow_negative:
        raise ValueError("金额不能为负数。")
    if abs(value) > MAX_MONEY:
        raise ValueError("金额过大，请核对（最多 9,999,999,999,999.99 元）。")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("金额最多保留两位小数（分）。")
    return value.quantize(Decimal("0.01"))


def parse_quantity(text: str | int | float | Decimal) -> Decimal:
    try:
        value = Decimal(_plain_digits(str(text)).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"“{text}”不是有效的数量。") from None
    if not value.is_finite():
        raise ValueError(f"“{text}”不是有效的数量。")
    if value < 0:
        raise ValueError("数量不能为负数。")
    if value > MAX_QUANTITY or value != value.quantize(Decimal("0.0001")):
        raise ValueError("数量过大或小数位超过 4 位，请核对。")
    return value


def parse_int(text: str | int, *, minimum: int = 0) -> int:
    try:
        value = int(_plain_digits(str(text)).strip())
    except ValueError:
        raise ValueError(f"“{text}”不是整数。") from None
    if value < minimum:
        raise ValueError(f"不能小于 {minimum}。")
    if value > MAX_INT:
        raise ValueError("数值过大，请核对。")
    return value


def parse_date(text: str | date | datetime) -> date:
    """2026-11-22, 2026/11/22, 2026.11.22 or 2026年11月22日."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    match = _DATE.match(str(text).strip())
    if not match:
        raise ValueError(f"“{text}”不是有效日期，请写作 2026-11-22。")
    try:
        value = date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError(f"“{text}”不是存在的日期。") from None
    if value < EARLIEST:
        raise ValueError("日期早于 1900 年，请核对。")
    return value


def parse_month(text: str | date | datetime) -> date:
    """2026-11 or 2026年11月 (or any date in the month) → the first day of that month."""
    if isinstance(text, date | datetime):
        return date(text.year, text.month, 1)
    raw = str(text).strip()
    match = _MONTH.match(raw)
    if match:
        year, month = (int(g) for g in match.groups())
        if not 1 <= month <= 12 or year < EARLIEST.year:
            raise ValueError(f"“{text}”不是有效月份。")
        return date(year, month, 1)
    try:
        return parse_month(parse_date(raw))
    except ValueError:
        raise ValueError(f"“{text}”不是有效月份，请写作 2026-11。") from None
