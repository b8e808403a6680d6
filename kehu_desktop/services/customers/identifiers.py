"""Checks for the identifiers and contact details on a customer file.

Each check returns an error message in Chinese, or None when the value is acceptable.
An empty value is always acceptable here: whether a field is required is decided elsewhere.
"""

from __future__ import annotations

import re
import unicodedata

# GB 32100-2015: 统一社会信用代码 uses these 31 characters (no I, O, S, V, Z).
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_MOBILE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")
# Area code (with or without brackets), a 7–8 digit number that may be split 4-4, extension.
_LANDLINE = re.compile(r"^(\(?0\d{2,3}\)?-?)?[2-9]\d{2,3}-?\d{4}(-\d{1,6})?$")
_SERVICE_LINE = re.compile(r"^[48]00-?\d{3}-?\d{4}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_POSTCODE = re.compile(r"^\d{6}$")


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character of a 统一社会信用代码 from its first 17."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def registration_no_check_digit(first14: str) -> str:
    """The check digit of an old 15-digit 工商注册号 (GB/T 17710, ISO 7064 MOD 11,10)."""
    product = 10
    for digit in first14:
        remainder = (product + int(digit)) % 10 or 10
        product = remainder * 2 % 11
    return str((11 - product) % 10)


def normalize(value: str) -> str:
    """What an IME or a pasted document adds: full-width characters, spaces, 转 for extension."""
    text = unicodedata.normalize("NFKC", value).strip()
    return re.sub(r"\s+", "", text).replace("转", "-")


def normalize_credit_code(value: str) -> str:
    """``9144 0300 MA5F UKR7 56`` → ``91440300MA5FUKR756``."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value)).upper()


def check_credit_code(value: str) -> str | None:
    code = normalize_credit_code(value)
    if not code:
        return None
    if len(code) == 15 and code.isdigit():
        if registration_no_check_digit(code[:14]) != code[14]:
            return "15 位工商注册号的校验位不正确，请核对。"
        return None
    if len(code) != 18:
        return "统一社会信用代码应为 18 位（旧工商注册号为 15 位数字）。"
    bad = [c for c in code if c not in _USCC_CHARS]
    if bad:
        return f"统一社会信用代码含有不允许的字符“{bad[0]}”（不使用 I、O、S、V、Z）。"
    if uscc_check_char(code[:17]) != code[17]:
        return "统一社会信用代码的校验位不正确，请核对。"
    return None


def check_mobile(value: str) -> str | None:
    if not value.strip() or _MOBILE.match(normalize(value).replace("-", "")):
        return None
    return "应为 11 位手机号码，以 13–19 开头。"


def check_phone(value: str) -> str | None:
    """A landline with optional area code and extension, a 400/800 line, or a mobile."""
    text = normalize(value)
    if not text or _MOBILE.match(text.replace("-", "")) or _SERVICE_LINE.match(text):
        return None
    if _LANDLINE.match(text):
        return None
    return "格式不正确，例如 010-62345678、0755-8888-8888 转 801 或 13812345678。"


def check_email(value: str) -> str | None:
    text = unicodedata.normalize("NFKC", value).strip()
    if not text or _EMAIL.match(text):
        return None
    return "格式不正确，例如 name@example.com。"


def check_postcode(value: str) -> str | None:
    text = unicodedata.normalize("NFKC", value).strip()
    if not text or _POSTCODE.match(text):
        return None
    return "应为 6 位数字。"
