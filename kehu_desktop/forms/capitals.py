"""Amounts in Chinese capitals (大写金额) as the People's Bank writes them on cheques and invoices.

Rules: 零 once for any run of zeros inside a group or across groups; 元 always written; a zero
between 元 and a non-zero 分 becomes 零 (…元零贰分); an amount with no 分 ends in 角 (…伍角),
and one with neither 角 nor 分 ends in 整.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _integer_capitals(value: int) -> str:
    """The yuan part without the 元; '' for zero."""
    if value == 0:
        return ""
    groups: list[int] = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    text = ""
    pending_zero = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        digits = [group // 1000, group // 100 % 10, group // 10 % 10, group % 10]
        if text and digits[0] == 0:
            pending_zero = True
        for position, digit in enumerate(digits):
            if digit == 0:
                if text:
                    pending_zero = True
                continue
            if pending_zero:
                text += "零"
                pending_zero = False
            text += DIGITS[digit] + SMALL_UNITS[3 - position]
        text += GROUP_UNITS[index]
        pending_zero = False
        # a group ending in zeros leaves a zero to write before the next non-zero digit
        if digits[3] == 0 and index > 0:
            pending_zero = True
    return text


def amount_in_capitals(amount: Decimal | int | str) -> str:
    """``Decimal('16409.02')`` → ``'壹万陆仟肆佰零玖元零贰分'``."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "负" if value < 0 else ""
    fen_total = int(abs(value) * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    text = _integer_capitals(yuan)
    if yuan:
        text += "元"
    if jiao == 0 and fen == 0:
        return sign + text + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return sign + text
