"""客户查重: finding customers entered twice.

Two files are likely the same customer when they share a 统一社会信用代码, have the same name
once the noise is taken out (province/city prefix, 有限公司/有限责任公司/股份/集团, full- and
half-width forms, brackets, spaces), share a phone number, or have names one character apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kehu_desktop.models import Contact, Customer
from kehu_desktop.services.common.database import first_column
from kehu_desktop.services.customers import search
from kehu_desktop.services.customers.customer_fields import PROVINCES

SAME_CREDIT_CODE = "统一社会信用代码相同"
SAME_NAME = "名称相同（去掉省市、公司后缀后）"
SAME_PHONE = "电话号码相同"
SIMILAR_NAME = "名称相近（相差一个字）"
REASON_ORDER = (SAME_CREDIT_CODE, SAME_NAME, SAME_PHONE, SIMILAR_NAME)

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
SIMILAR_MIN_LENGTH = 5


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


class Member(NamedTuple):
    """One customer of a group (a tuple: a scan builds a hundred thousand of them)."""

    id: int
    code: str
    name: str
    phone: str
    archived: bool


@dataclass(frozen=True)
class DuplicateGroup:
    reasons: tuple[str, ...]
    members: tuple[Member, ...]

    def describe(self) -> str:
        names = "、".join(f"{m.code} {m.name}" for m in self.members)
        return f"{'；'.join(self.reasons)}：{names}"


class _Groups:
    """Union–find over customer ids, remembering why two were joined."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.reasons: list[tuple[int, str]] = []

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(item, item) != root:
            parent[item], item = root, parent[item]
        return root

    def join(self, ids: list[int], reason: str) -> None:
        for item in ids:
            self.parent.setdefault(item, item)
        first = self.find(ids[0])
        for other in ids[1:]:
            root = self.find(other)
            if root != first:
                self.parent[root] = first
        self.reasons.append((ids[0], reason))


def _buckets(pairs: Iterable[tuple[str, int]]) -> list[list[int]]:
    """The ids sharing a key, for every key two or more ids share (most keys have one id, so
    only the collisions get a set)."""
    first: dict[str, int] = {}
    shared: dict[str, set[int]] = {}
    for key, customer_id in pairs:
        if not key:
            continue
        earlier = first.setdefault(key, customer_id)
        if earlier != customer_id:
            bucket = shared.get(key)
            if bucket is None:
                shared[key] = {earlier, customer_id}
            else:
                bucket.add(customer_id)
    return [sorted(ids) for ids in shared.values()]


def _similar_keys(core: str, place: str) -> list[str]:
    """The core with each character left out in turn (two cores one edit apart share one),
    each prefixed with the place the name starts with."""
    if len(core) < SIMILAR_MIN_LENGTH:
        return []
    return [f"{place}\x01{core[:i]}\x00{core[i + 1 :]}" for i in range(len(core))] + [
        f"{place}\x01{core}\x00"
    ]


def scan(session: Session, include_archived: bool = True) -> list[DuplicateGroup]:
    """Every group of likely duplicates in the store, strongest reason first."""
    query = select(Customer.id, Customer.code, Customer.name, Customer.phone,
                   Customer.credit_code, Customer.archived)  # fmt: skip
    if not include_archived:
        query = query.where(Customer.archived.is_(False))
    contacts = select(Contact.customer_id, Contact.mobile, Contact.phone)
    return group(_raw_rows(session, query), _raw_rows(session, contacts))


def _raw_rows(session: Session, statement: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows straight from the DB-API cursor: 100,000 customers and their contacts read several
    times faster than through SQLAlchemy's Row objects (plain text and integer columns only)."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    named = compiled.construct_params()
    params: Mapping[str, Any] | tuple[Any, ...] = named
    if compiled.positiontup is not None:
        params = tuple(named[name] for name in compiled.positiontup)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def group(rows: list[tuple], contacts: list[tuple]) -> list[DuplicateGroup]:
    """The duplicate groups among ``rows`` (id, code, name, phone, credit code, archived)
    with their contacts' (customer id, mobile, phone)."""
    by_id = {r[0]: r for r in rows}
    keys = {r[0]: name_keys(r[2]) for r in rows}
    groups = _Groups()
    for ids in _buckets((r[4].upper(), r[0]) for r in rows if r[4]):
        groups.join(ids, SAME_CREDIT_CODE)
    for ids in _buckets((core, i) for i, (core, _region) in keys.items()):
        groups.join(ids, SAME_NAME)
    phones = [(phone_key(r[3]), r[0]) for r in rows]
    for customer_id, mobile, phone in contacts:
        if customer_id in by_id:
            phones.append((phone_key(mobile), customer_id))
            if phone:
                phones.append((phone_key(phone), customer_id))
    for ids in _buckets(phones):
        groups.join(ids, SAME_PHONE)
    members: dict[int, list[int]] = defaultdict(list)
    for customer_id in groups.parent:
        members[groups.find(customer_id)].append(customer_id)
    reasons: dict[int, set[str]] = defaultdict(set)
    for customer_id, reason in groups.reasons:
        reasons[groups.find(customer_id)].add(reason)
    found = [(tuple(r for r in REASON_ORDER if r in reasons[root]), ids)
             for root, ids in members.items() if len(ids) > 1]  # fmt: skip
    # Similar names are only a hint: each set of names one character apart is its own group,
    # not chained into others (宏佳 ~ 宏盛 ~ 天盛 ~ 天达 would otherwise make one long group);
    # only names from the same place (长沙永光精密 and 武汉永立精密 are two firms), and only
    # customers not already listed for a stronger reason (after merging those, a new scan
    # shows the hint).
    grouped = groups.parent
    similar = (
        (key, i)
        for i, (core, place) in keys.items()
        if i not in grouped
        for key in _similar_keys(core, place)
    )
    for ids in _buckets(similar):
        if len({keys[i][0] for i in ids}) > 1:
            found.append(((SIMILAR_NAME,), ids))
    result = []
    for why, ids in found:
        ordered = sorted((by_id[i] for i in ids), key=itemgetter(1))  # by customer code
        people = tuple(Member(r[0], r[1], r[2], r[3], bool(r[5])) for r in ordered)
        result.append(DuplicateGroup(why, people))
    result.sort(key=lambda g: (REASON_ORDER.index(g.reasons[0]), g.members[0].code))
    return result


@dataclass(frozen=True)
class LookAlike:
    id: int
    code: str
    name: str
    reason: str

    def describe(self) -> str:
        return f"{self.code} {self.name}（{self.reason}）"


def look_alikes(
    session: Session,
    name: str,
    phones: Sequence[str] = (),
    credit_code: str = "",
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[LookAlike]:
    """Existing customers a new file looks like, for the warning before it is saved."""
    found: dict[int, LookAlike] = {}

    def add(query: Select[int, str, str], reason: str) -> None:
        if exclude_id is not None:
            query = query.where(Customer.id != exclude_id)
        for i, code, other in session.execute(query.limit(limit)):
            found.setdefault(i, LookAlike(i, code, other, reason))

    base = select(Customer.id, Customer.code, Customer.name)
    code = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", credit_code or "")).upper()
    if code:
        add(base.where(Customer.credit_code == code), SAME_CREDIT_CODE)
    core = core_key(name)
    if core:
        candidates = base.where(Customer.name.contains(core))
        if exclude_id is not None:
            candidates = candidates.where(Customer.id != exclude_id)
        for i, c, other in session.execute(candidates.limit(200)):
            if core_key(other) == core:
                found.setdefault(i, LookAlike(i, c, other, SAME_NAME))
    for phone in phones:
        digits = phone_key(phone)
        condition = search.matching(session, digits) if digits else None
        if condition is None:
            continue
        ids = first_column(session, select(Customer.id).where(condition).limit(50))
        for (
            i,
            c,
            other,
            own,
        ) in session.execute(
            select(Customer.id, Customer.code, Customer.name, Customer.phone).where(
                Customer.id.in_(ids)
            )
        ):
            if i == exclude_id:
                continue
            mobiles = session.scalars(select(Contact.mobile).where(Contact.customer_id == i))
            if digits in {phone_key(own), *(phone_key(m) for m in mobiles)}:
                found.setdefault(i, LookAlike(i, c, other, SAME_PHONE))
    return list(found.values())[:limit]
