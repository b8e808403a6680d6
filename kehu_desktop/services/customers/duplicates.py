"""客户查重: finding customers entered twice.

Two files are likely the same customer when they share a 统一社会信用代码, have the same name
once the noise is taken out (province/city prefix, 有限公司/有限责任公司/股份/集团, full- and
half-width forms, brackets, spaces), share a phone number, or have names one character apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
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
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_REGION_PREFIX = re.compile(
    "^(?:(?:" + "|".join(PROVINCES) + r")(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)?)?"
    r"(?:(?:" + "|".join(CITIES) + r")市?|[\u4e00-\u9fff]{2,3}市)?"
)
_SUFFIXES = ("有限责任公司", "股份有限公司", "有限公司", "总公司", "公司", "集团", "股份", "有限")
_DIGITS = re.compile(r"\D")
_SPACES = re.compile(r"\s+")
_BRACKETED = re.compile(r"\([^)]*\)")
SIMILAR_MIN_LENGTH = 5


def exact_key(name: str) -> str:
    """The name as typed, minus width, spaces and bracket styles: what “the same name” means
    when matching an imported row to a file."""
    text = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS)
    return _SPACES.sub("", text).lower()


def core_key(name: str) -> str:
    """The distinctive part of a firm's name: ``深圳市华达电子有限公司`` and
    ``华达电子（深圳）有限公司`` are both ``华达电子``."""
    text = _BRACKETED.sub("", exact_key(name))
    core = _REGION_PREFIX.sub("", text, count=1) or text
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if core.endswith(suffix) and len(core) > len(suffix):
                core, changed = core[: -len(suffix)], True
    return core


def region_key(name: str) -> str:
    """The place a firm's name starts with (深圳市… and 深圳… are both 深圳), "" if none."""
    text = _BRACKETED.sub("", exact_key(name))
    prefix = _REGION_PREFIX.match(text).group(0)
    return re.sub(r"省|市|壮族自治区|回族自治区|维吾尔自治区|自治区", "", prefix)


def phone_key(phone: str) -> str:
    """The digits of a phone number (86 dropped from a mobile); "" when too short to tell."""
    digits = _DIGITS.sub("", unicodedata.normalize("NFKC", phone or ""))
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    return digits if len(digits) >= 7 else ""


@dataclass(frozen=True)
class Member:
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


def _buckets(pairs) -> list[list[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for key, customer_id in pairs:
        if key:
            found[key].add(customer_id)
    return [sorted(ids) for ids in found.values() if len(ids) > 1]


def _similar_keys(core: str) -> list[str]:
    """The core with each character left out in turn: two cores one edit apart share one."""
    if len(core) < SIMILAR_MIN_LENGTH:
        return []
    return [core[:i] + "\x00" + core[i + 1 :] for i in range(len(core))] + [core + "\x00"]


def scan(session: Session, include_archived: bool = True) -> list[DuplicateGroup]:
    """Every group of likely duplicates in the store, strongest reason first."""
    query = select(Customer.id, Customer.code, Customer.name, Customer.phone,
                   Customer.credit_code, Customer.archived)  # fmt: skip
    if not include_archived:
        query = query.where(Customer.archived.is_(False))
    rows = session.execute(query).all()
    by_id = {r[0]: r for r in rows}
    cores = {r[0]: core_key(r[2]) for r in rows}
    groups = _Groups()
    for ids in _buckets((r[4].upper(), r[0]) for r in rows if r[4]):
        groups.join(ids, SAME_CREDIT_CODE)
    for ids in _buckets((core, i) for i, core in cores.items()):
        groups.join(ids, SAME_NAME)
    phones = [(phone_key(r[3]), r[0]) for r in rows]
    contact_rows = session.execute(select(Contact.customer_id, Contact.mobile, Contact.phone))
    for customer_id, mobile, phone in contact_rows:
        if customer_id in by_id:
            phones.append((phone_key(mobile), customer_id))
            phones.append((phone_key(phone), customer_id))
    for ids in _buckets(phones):
        groups.join(ids, SAME_PHONE)
    members: dict[int, list[int]] = defaultdict(list)
    for customer_id in by_id:
        if customer_id in groups.parent:
            members[groups.find(customer_id)].append(customer_id)
    reasons: dict[int, set[str]] = defaultdict(set)
    for customer_id, reason in groups.reasons:
        reasons[groups.find(customer_id)].add(reason)
    found = [(tuple(r for r in REASON_ORDER if r in reasons[root]), ids)
             for root, ids in members.items() if len(ids) > 1]  # fmt: skip
    # Similar names are only a hint: each set of names one character apart is its own group,
    # not chained into others (宏佳 ~ 宏盛 ~ 天盛 ~ 天达 would otherwise make one long group).
    # Only names from the same place: 长沙永光精密 and 武汉永立精密 are two firms.
    similar = (
        (region_key(by_id[i][2]) + "\x01" + key, i)
        for i, core in cores.items()
        for key in _similar_keys(core)
    )
    for ids in _buckets(similar):
        if len({cores[i] for i in ids}) > 1 and len({groups.find(i) for i in ids}) > 1:
            found.append(((SIMILAR_NAME,), ids))
    result = []
    for why, ids in found:
        people = tuple(
            Member(i, by_id[i][1], by_id[i][2], by_id[i][3], bool(by_id[i][5]))
            for i in sorted(ids, key=lambda i: by_id[i][1])
        )
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
    phones: list[str] = (),
    credit_code: str = "",
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[LookAlike]:
    """Existing customers a new file looks like, for the warning before it is saved."""
    found: dict[int, LookAlike] = {}

    def add(query, reason: str) -> None:
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
