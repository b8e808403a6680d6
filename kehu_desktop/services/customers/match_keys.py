"""The keys 客户查重 groups customers by, kept on every customer and contact row.

A scan of the whole store then groups by these columns in SQL instead of normalising every
name and phone number again: a customer's name core and the place its name starts with
(``name_keys``), the digits of its phone, and the digits of each contact's mobile and
phone (``phone_key``). ORM writes fill them through mapper events; bulk inserts
(imports, the demo) add ``customer_keys``/``contact_keys`` to their rows; an undo that writes
old values back calls ``refresh``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Mapper, Session

from kehu_desktop.models import Contact, Customer
from kehu_desktop.services.customers.customer_fields import PROVINCES

# Prefecture-level cities a firm's name commonly starts with (the provinces are matched from
# the province list). Not exhaustive: a name starting with any other "XX市" is caught too.
CITIES = (
    "广州 深圳 东莞 佛山 珠海 中山 惠州 江门 汕头 湛江 肇庆 杭州 宁波 温州 嘉兴 湖州 绍兴 金华 "
    "台州 义乌 苏州 南京 无锡 常州 南通 扬州 徐州 昆山 青岛 济南 烟台 潍坊 淄博 临沂 成都 绵阳 "
    "武汉 宜昌 襄阳 厦门 福州 泉州 漳州 郑州 洛阳 长沙 株洲 西安 合肥 芜湖 南昌 南宁 柳州 桂林 "
    "昆明 贵阳 沈阳 大连 长春 哈尔滨 石家庄 唐山 保定 太原 呼和浩特 兰州 银川 西宁 乌鲁木齐 "
    "海口 三亚"
).split()
_ODD_BRACKETS = re.compile(r"[【】\[\]〔〕]")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_REGION_PREFIX = re.compile(
    "^(?:(?:" + "|".join(PROVINCES) + r")(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)?)?"
    r"(?:(?:" + "|".join(CITIES) + r")市?|[\u4e00-\u9fff]{2,3}市)?"
)
# The company-form words taken off the end of a name, however many (集团股份有限公司), longest
# first so that 有限责任公司 goes as one.
_COMPANY_FORMS = (
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "总公司",
    "公司",
    "集团",
    "股份",
    "有限",
)
_DIGITS = re.compile(r"\D")
_SPACES = re.compile(r"\s+")
_PLACE_WORDS = re.compile(r"省|市|壮族自治区|回族自治区|维吾尔自治区|自治区")
_BRACKETED = re.compile(r"\([^)]*\)")


def exact_key(name: str) -> str:
    """The name as typed, minus width, spaces and bracket styles: what “the same name” means
    when matching an imported row to a file."""
    text = unicodedata.normalize("NFKC", name or "")
    if _ODD_BRACKETS.search(text):
        text = text.translate(_BRACKETS)
    if " " in text or "\t" in text or "\n" in text:
        text = _SPACES.sub("", text)
    return text.lower()


def core_key(name: str) -> str:
    """The distinctive part of a firm's name: ``深圳市华达电子有限公司`` and
    ``华达电子（深圳）有限公司`` are both ``华达电子``."""
    return name_keys(name)[0]


def name_keys(name: str) -> tuple[str, str]:
    """(core, place): the core as ``core_key``, and the place the name starts with
    (深圳市… and 深圳… are both 深圳; "" if none)."""
    text = exact_key(name)
    if "(" in text:
        text = _BRACKETED.sub("", text)
    region = _REGION_PREFIX.match(text)
    assert region is not None, "the region prefix is optional, so it matches any text"
    prefix = region.group(0)
    core = text[len(prefix) :] or text
    while core.endswith(_COMPANY_FORMS):
        suffix = next(s for s in _COMPANY_FORMS if core.endswith(s))
        if len(core) == len(suffix):
            break
        core = core[: -len(suffix)]
    return core, _PLACE_WORDS.sub("", prefix) if prefix else ""


def phone_key(phone: str) -> str:
    """The digits of a phone number (86 dropped from a mobile); "" when too short to tell."""
    if not phone:
        return ""
    if not (phone.isascii() and phone.isdigit()):
        phone = _DIGITS.sub("", phone if phone.isascii() else unicodedata.normalize("NFKC", phone))
    digits = phone
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    return digits if len(digits) >= 7 else ""


# The columns, also left out of the audit trail (derived, not anyone's change).
CUSTOMER_COLUMNS = ("match_name", "match_place", "match_phone")
CONTACT_COLUMNS = ("match_mobile", "match_phone")


def customer_keys(name: str, phone: str) -> dict[str, str]:
    core, place = name_keys(name)
    return {"match_name": core, "match_place": place, "match_phone": phone_key(phone)}


def contact_keys(mobile: str, phone: str) -> dict[str, str]:
    return {"match_mobile": phone_key(mobile), "match_phone": phone_key(phone)}


def _fill_customer(_mapper: Mapper[Any], _connection: object, target: Customer) -> None:
    for key, value in customer_keys(target.name or "", target.phone or "").items():
        setattr(target, key, value)


def _fill_contact(_mapper: Mapper[Any], _connection: object, target: Contact) -> None:
    for key, value in contact_keys(target.mobile or "", target.phone or "").items():
        setattr(target, key, value)


def refresh(session: Session, customer_ids: Iterable[int], contact_ids: Iterable[int]) -> None:
    """Work the keys out again for rows whose name or phones were written back in bulk."""
    _refresh(session, Customer, (Customer.name, Customer.phone), customer_ids, customer_keys)
    _refresh(session, Contact, (Contact.mobile, Contact.phone), contact_ids, contact_keys)


def _refresh(
    session: Session,
    model: type[Customer] | type[Contact],
    sources: tuple[Any, Any],
    ids: Iterable[int],
    keys: Callable[[str, str], dict[str, str]],
) -> None:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(model.id, *sources).where(model.id.in_(wanted[start : start + 500]))
        ).all()
        for record_id, first, second in rows:
            session.execute(
                update(model)
                .where(model.id == record_id)
                .values(keys(first, second))
                .execution_options(synchronize_session=False)
            )


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        for when in ("before_insert", "before_update"):
            event.listen(Customer, when, _fill_customer)
            event.listen(Contact, when, _fill_contact)
        _installed = True
