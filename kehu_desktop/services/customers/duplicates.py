"""客户查重: finding customers entered twice.

Two files are likely the same customer when they share a 统一社会信用代码, have the same name
once the noise is taken out (province/city prefix, 有限公司/有限责任公司/股份/集团, full- and
half-width forms, brackets, spaces), share a phone number, or have names one character apart.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import ColumnElement, Select, func, or_, select, true, union_all
from sqlalchemy.orm import Session

from kehu_desktop.models import Contact, Customer
from kehu_desktop.services.customers.match_keys import core_key, phone_key

SAME_CREDIT_CODE = "统一社会信用代码相同"
SAME_NAME = "名称相同（去掉省市、公司后缀后）"
SAME_PHONE = "电话号码相同"
SIMILAR_NAME = "名称相近（相差一个字）"
REASON_ORDER = (SAME_CREDIT_CODE, SAME_NAME, SAME_PHONE, SIMILAR_NAME)

if TYPE_CHECKING:
    # A select of any columns (SQLAlchemy 2.1's Select is generic over its column types).
    AnySelect = Select[*tuple[Any, ...]]

SIMILAR_MIN_LENGTH = 5


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
    return [f"{place}\x01{core[:i]}\x00{core[i + 1 :]}" for i in range(len(core))] + [
        f"{place}\x01{core}\x00"
    ]


def scan(session: Session, include_archived: bool = True) -> list[DuplicateGroup]:
    """Every group of likely duplicates in the store, strongest reason first.

    The keys are stored with each customer and contact (match_keys), so the exact reasons are
    grouped by the database and only the customers sharing a key come back to Python; the
    similar-name pass reads the name keys of the customers not already grouped.
    """
    # Hundreds of thousands of small tuples and not one reference cycle: the cyclic garbage
    # collector would walk them over and over for nothing (a third of the scan's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _scan(session, include_archived)
    finally:
        if collecting:
            gc.enable()


def _scan(session: Session, include_archived: bool) -> list[DuplicateGroup]:
    listed: ColumnElement[bool] = true()
    of_listed: ColumnElement[bool] = true()
    if not include_archived:
        listed = Customer.archived.is_(False)
        of_listed = Contact.customer_id.in_(select(Customer.id).where(listed))
    groups = _Groups()
    # "> ''" rather than "!= ''": the indexes' range past the blanks (credit codes are
    # stored as the field's check leaves them, upper-case without spaces).
    sources = (
        (SAME_CREDIT_CODE, [select(Customer.credit_code, Customer.id).where(
            Customer.credit_code > "", listed)]),
        (SAME_NAME, [select(Customer.match_name, Customer.id).where(Customer.match_name > "",
                                                                    listed)]),
        (SAME_PHONE, [
            select(Customer.match_phone, Customer.id).where(Customer.match_phone > "", listed),
            select(Contact.match_mobile, Contact.customer_id).where(Contact.match_mobile > "",
                                                                    of_listed),
            select(Contact.match_phone, Contact.customer_id).where(Contact.match_phone > "",
                                                                   of_listed),
        ]),
    )  # fmt: skip
    for reason, selects in sources:
        for ids in _shared_keys(session, selects):
            groups.join(ids, reason)
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
    long_names = select(Customer.id, Customer.match_name, Customer.match_place).where(
        func.length(Customer.match_name) >= SIMILAR_MIN_LENGTH,
        listed,
        Customer.match_name.not_in(  # those sharing their name are grouped already
            select(Customer.match_name).group_by(Customer.match_name).having(func.count() > 1)
        ),
    )
    cores: dict[int, str] = {}
    pairs: list[tuple[str, int]] = []
    for customer_id, core, place in _raw_rows(session, long_names):
        if customer_id not in grouped:
            cores[customer_id] = core
            pairs.extend((key, customer_id) for key in _similar_keys(core, place))
    for ids in _buckets(pairs):
        if len({cores[i] for i in ids}) > 1:
            found.append(((SIMILAR_NAME,), ids))
    by_id = _members(session, {i for _why, ids in found for i in ids})
    result = []
    for why, ids in found:
        people = tuple(sorted((by_id[i] for i in ids), key=attrgetter("code")))
        result.append(DuplicateGroup(why, people))
    result.sort(key=lambda g: (REASON_ORDER.index(g.reasons[0]), g.members[0].code))
    return result


def _shared_keys(session: Session, selects: Sequence[AnySelect]) -> Iterator[list[int]]:
    """The customer ids of each key two or more customers share, from (key, customer id)
    selects; the database finds the shared keys, so the unique ones never reach Python."""
    if len(selects) == 1:  # one column: grouped from its index
        key, customer = selects[0].selected_columns
        shared = selects[0].with_only_columns(key).group_by(key).having(func.count() > 1)
        query = selects[0].where(key.in_(shared)).order_by(key, customer)
    else:
        pairs = union_all(*selects).cte("pairs")
        key, customer = pairs.c[0], pairs.c[1]
        # Two customers, not one customer listing a number twice (its own and a contact's).
        shared = select(key).group_by(key).having(func.min(customer) != func.max(customer))
        query = select(key, customer).where(key.in_(shared)).distinct().order_by(key, customer)
    for _key, rows in groupby(_raw_rows(session, query), key=itemgetter(0)):
        yield [customer_id for _k, customer_id in rows]


def _members(session: Session, ids: set[int]) -> dict[int, Member]:
    found: dict[int, Member] = {}
    ordered = sorted(ids)
    columns = (Customer.id, Customer.code, Customer.name, Customer.phone, Customer.archived)
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start : start + 5000]
        query = select(*columns).where(Customer.id.between(chunk[0], chunk[-1]))
        for row in _raw_rows(session, query):
            if row[0] in ids:
                found[row[0]] = Member(row[0], row[1], row[2], row[3], bool(row[4]))
    return found


def _raw_rows(session: Session, statement: AnySelect) -> list[tuple[Any, ...]]:
    """Rows straight from the DB-API cursor: 100,000 customers read several times faster
    than through SQLAlchemy's Row objects (plain text and integer columns only)."""
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
        add(base.where(Customer.match_name == core), SAME_NAME)
    for phone in phones:
        digits = phone_key(phone)
        if digits:
            by_contact = select(Contact.customer_id).where(
                or_(Contact.match_mobile == digits, Contact.match_phone == digits)
            )
            add(
                base.where(or_(Customer.match_phone == digits, Customer.id.in_(by_contact))),
                SAME_PHONE,
            )
    return list(found.values())[:limit]
