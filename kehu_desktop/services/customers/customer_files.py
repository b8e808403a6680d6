"""The customer file: listing, reading, validating, saving, archiving and deleting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Select, case, delete, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from kehu_desktop.models import (
    Complaint,
    Contact,
    CreditEvaluation,
    Customer,
    CustomerClassHistory,
    ImportantDate,
    KeyAccount,
    KeyAccountProposal,
    SalesRecord,
    SatisfactionSurvey,
    Staff,
    Visit,
    VisitPlan,
)
from kehu_desktop.services.common import numbering, versions
from kehu_desktop.services.common.database import first_column
from kehu_desktop.services.common.errors import NotFoundError, UserError, ValidationError
from kehu_desktop.services.common.parsing import (
    parse_date,
    parse_int,
    parse_money,
    parse_month,
    parse_quantity,
)
from kehu_desktop.services.customers import identifiers, pinyin_initials, search
from kehu_desktop.services.customers.customer_fields import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    FieldSpec,
    Kind,
)

CODE_PREFIX = "KH"


@dataclass
class CustomerFilter:
    text: str = ""
    abc_class: str = ""
    management_class: str = ""
    province: str = ""
    owner_id: int | None = None
    trade_stage: str = ""
    include_archived: bool = False


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list."""

    id: int
    code: str
    name: str
    short_name: str
    abc_class: str
    management_class: str
    trade_stage: str
    province: str
    city: str
    owner: str
    phone: str
    contact: str
    credit_limit: Decimal | None
    outstanding_amount: Decimal
    archived: bool

    @property
    def over_credit(self) -> bool:
        """The outstanding amount exceeds the credit limit (only when a limit is set)."""
        return self.credit_limit is not None and self.outstanding_amount > self.credit_limit


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: str


LIST_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("code", "客户编号"),
    ListColumn("name", "客户名称"),
    ListColumn("short_name", "简称"),
    ListColumn("abc_class", "ABC"),
    ListColumn("management_class", "管理分类"),
    ListColumn("trade_stage", "交易阶段"),
    ListColumn("province", "省份"),
    ListColumn("city", "城市"),
    ListColumn("owner", "负责业务员"),
    ListColumn("phone", "电话"),
    ListColumn("contact", "联系人"),
    ListColumn("credit", "信用状态"),
)

_SORT_KEYS = {
    "code": Customer.code,
    "name": Customer.name_pinyin,
    "short_name": Customer.short_name,
    "abc_class": Customer.abc_class,
    "management_class": Customer.management_class,
    "trade_stage": Customer.trade_stage,
    "province": Customer.province,
    "city": Customer.city,
    "phone": Customer.phone,
    "owner": Customer.owner_id,
    "contact": Customer.code,
    "credit": Customer.outstanding_amount - func.coalesce(Customer.credit_limit, 0),
}


def _filtered(session: Session, flt: CustomerFilter) -> Select:
    query = select(Customer.id)
    if not flt.include_archived:
        query = query.where(Customer.archived.is_(False))
    for column, wanted in (
        (Customer.abc_class, flt.abc_class),
        (Customer.management_class, flt.management_class),
        (Customer.province, flt.province),
        (Customer.trade_stage, flt.trade_stage),
    ):
        if wanted:
            query = query.where(column == wanted)
    if flt.owner_id is not None:
        query = query.where(Customer.owner_id == flt.owner_id)
    condition = search.matching(session, flt.text)
    if condition is not None:
        query = query.where(condition)
    return query


def list_ids(
    session: Session,
    flt: CustomerFilter,
    sort_key: str = "code",
    descending: bool = False,
    limit: int | None = None,
) -> list[int]:
    """The ids of the customers the filter selects (every one, or the first ``limit``), in
    list order."""
    column = _SORT_KEYS[sort_key]
    order = column.desc() if descending else column.asc()
    query = _filtered(session, flt).order_by(order, Customer.id)
    if flt.text:
        # An exact code or name match goes first, however the list is sorted.
        term = flt.text.strip()
        exact = case((or_(Customer.code == term, Customer.name == term), 0), else_=1)
        query = query.order_by(None).order_by(exact, order, Customer.id)
    return first_column(session, query.limit(limit))


@dataclass(frozen=True)
class CustomerList:
    """The list to show: ``truncated`` when a search matched more than the limit."""

    ids: list[int]
    truncated: bool = False
    # Only the first screenful, shown while the whole list is still being read.
    partial: bool = False


SEARCH_LIMIT = 1000


def first_rows(
    session: Session, flt: CustomerFilter, sort_key: str, descending: bool, count: int
) -> CustomerList:
    """The first ``count`` customers of the list, to show at once while the rest loads."""
    return CustomerList(list_ids(session, flt, sort_key, descending, limit=count), partial=True)


def list_customers(
    session: Session,
    flt: CustomerFilter,
    sort_key: str = "code",
    descending: bool = False,
    limit: int = SEARCH_LIMIT,
) -> CustomerList:
    """The list for the window: every customer when browsing; when searching, at most
    ``limit`` matches (the earliest customers first), sorted as asked.

    A one-character search can match thousands of customers; nobody scrolls through those, and
    stopping at ``limit`` keeps typing instant. The window says the list was cut short.
    """
    if not flt.text.strip():
        return CustomerList(list_ids(session, flt, sort_key, descending))
    column = _SORT_KEYS[sort_key]
    query = _filtered(session, flt).add_columns(column).order_by(Customer.id).limit(limit + 1)
    rows = session.execute(query).all()
    term = flt.text.strip()
    exact = set(
        session.scalars(
            select(Customer.id).where(
                Customer.id.in_([r[0] for r in rows]),
                or_(Customer.code == term, Customer.name == term),
            )
        )
    )
    shown = sorted(rows[:limit], key=lambda r: (r[1] is None, r[1], r[0]), reverse=descending)
    shown.sort(key=lambda r: r[0] not in exact)  # stable: exact matches first, order kept
    return CustomerList([r[0] for r in shown], truncated=len(rows) > limit)


def any_customer(session: Session) -> bool:
    """Whether the store holds any customer at all, archived ones included (cheap)."""
    return bool(session.scalar(select(exists().where(Customer.id.is_not(None)))))


def count(session: Session, include_archived: bool = False) -> int:
    query = select(func.count(Customer.id))
    if not include_archived:
        query = query.where(Customer.archived.is_(False))
    return session.scalar(query) or 0


def fetch_rows(session: Session, ids: list[int]) -> list[CustomerRow]:
    """The list rows for ``ids``, in the same order."""
    first_contact = (
        select(Contact.name)
        .where(Contact.customer_id == Customer.id)
        .order_by(Contact.id)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(Customer, Staff.name, first_contact)
        .outerjoin(Staff, Staff.id == Customer.owner_id)
        .where(Customer.id.in_(ids))
    )
    rows = {
        c.id: CustomerRow(
            c.id,
            c.code,
            c.name,
            c.short_name,
            c.abc_class,
            c.management_class,
            c.trade_stage,
            c.province,
            c.city,
            owner or "",
            c.phone,
            contact or "",
            c.credit_limit,
            c.outstanding_amount,
            c.archived,
        )  # fmt: skip
        for c, owner, contact in session.execute(query)
    }
    return [rows[i] for i in ids if i in rows]


# --- one customer --------------------------------------------------------------------------


@dataclass
class CustomerInput:
    """A customer file as typed: every value a string, validated and parsed on save."""

    values: dict[str, str] = field(default_factory=dict)
    contacts: list[dict[str, str]] = field(default_factory=list)
    sales: list[dict[str, str]] = field(default_factory=list)
    id: int | None = None
    version: int | None = None
    archived: bool = False


def code_for(number: int) -> str:
    """KH followed by six digits: the codes the store gives."""
    return f"{CODE_PREFIX}{number:06d}"


def _code_in_use(session: Session, code: str, customer_id: int | None = None) -> bool:
    clash = select(Customer.id).where(func.upper(Customer.code) == code.upper())
    if customer_id is not None:
        clash = clash.where(Customer.id != customer_id)
    return session.scalar(clash.limit(1)) is not None


def _allocate_code(session: Session) -> str:
    """The next code from the customer counter, taken in the saving transaction, so two desks
    creating customers at once never get the same one; codes typed by hand are skipped."""
    while True:
        code = code_for(numbering.next_number(session, numbering.CUSTOMER_SERIES, None))
        if not _code_in_use(session, code):
            return code


def new_input(session: Session, owner_id: int | None = None) -> CustomerInput:
    """A blank file; ``owner_id`` (the operator, usually) as 负责业务员. The code is left blank
    and given on saving, unless the user types one."""
    values = {f.name: "" for f in CUSTOMER_FIELDS}
    values.update(management_class="常规", nature="普通公司")
    values.update(owner_id=str(owner_id) if owner_id else "")
    values.update(trade_stage="正在", outstanding_amount="0.00")
    return CustomerInput(values=values)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _quantity_text(value: Decimal) -> str:
    """240.0000 → 240, 2.5000 → 2.5: quantities as a person writes them."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def load_input(session: Session, customer_id: int) -> CustomerInput:
    customer = session.get(
        Customer,
        customer_id,
        options=[selectinload(Customer.contacts).selectinload(Contact.important_dates)],
    )
    if customer is None:
        raise NotFoundError("该客户不存在或已被删除。")
    values = {f.name: _text(getattr(customer, f.name)) for f in CUSTOMER_FIELDS}
    contacts = []
    for contact in customer.contacts:
        row = {f.name: _text(getattr(contact, f.name)) for f in CONTACT_FIELDS}
        row["id"] = str(contact.id)
        row["important_dates"] = "；".join(
            f"{d.label} {d.day.isoformat()}" for d in contact.important_dates
        )
        contacts.append(row)
    sales = [
        {
            "month": s.month.strftime("%Y-%m"),
            "amount": _text(s.amount),
            "quantity": _quantity_text(s.quantity),
        }
        for s in customer.sales
    ]
    return CustomerInput(
        values=values,
        contacts=contacts,
        sales=sales,
        id=customer.id,
        version=customer.version,
        archived=customer.archived,
    )


def parse_value(spec: FieldSpec, raw: str) -> object:
    """The typed value of one field; raises ValueError with the user's message."""
    raw = raw.strip()
    if not raw:
        if spec.required:
            raise ValueError(f"请填写{spec.label}。")
        if spec.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE):
            return ""
        return Decimal("0.00") if spec.name == "outstanding_amount" else None
    if spec.name == "credit_code":
        raw = identifiers.normalize_credit_code(raw)
    if spec.max_length and len(raw) > spec.max_length:
        raise ValueError(f"{spec.label}最多 {spec.max_length} 个字（现有 {len(raw)} 个）。")
    if spec.choices and raw not in spec.choices:
        raise ValueError(f"{spec.label}只能是：{'、'.join(c for c in spec.choices if c)}。")
    if spec.check is not None:
        message = spec.check(raw)
        if message:
            raise ValueError(message)
    if spec.kind in (Kind.MONEY, Kind.AREA):
        return parse_money(raw)
    if spec.kind == Kind.INTEGER:
        return parse_int(raw, minimum=0)
    if spec.kind == Kind.STAFF:
        return int(raw)
    if spec.kind == Kind.DATE:
        value = parse_date(raw)
        if value > date.today():
            raise ValueError(f"{spec.label}不能晚于今天。")
        return value
    return raw


def _parse_fields(
    specs: tuple[FieldSpec, ...], raw: dict[str, str], prefix: str, errors: dict[str, str]
) -> dict[str, object]:
    values: dict[str, object] = {}
    for spec in specs:
        try:
            values[spec.name] = parse_value(spec, raw.get(spec.name, ""))
        except ValueError as error:
            message = str(error)
            if not message.startswith((spec.label, "请填写")):
                message = f"{spec.label}：{message}"  # say which field, not just what is wrong
            errors[prefix + spec.name] = f"{prefix_label(prefix)}{message}"
    return values


def prefix_label(prefix: str) -> str:
    """``contact.2.`` → ``联系人第 3 行：`` so a message says where the problem is."""
    match = re.match(r"^(contact|sales)\.(\d+)\.$", prefix)
    if not match:
        return ""
    kind = "联系人" if match.group(1) == "contact" else "销售业绩"
    return f"{kind}第 {int(match.group(2)) + 1} 行："


_IMPORTANT_DATE = re.compile(r"^(.*?)[\s:：]*(\d{4}\s*[-/.年].*)$")


def _parse_important_dates(text: str) -> list[tuple[str, date]]:
    """``结婚纪念日 2015-05-20；公司周年 2010-08-08`` → [(label, date), …].

    Entries may be separated by ；, ，, 、 or new lines, as typed through a Chinese IME; the
    label and the date by any space, a colon or nothing.
    """
    result = []
    for part in re.split(r"[；;，,、\n]+", unicodedata.normalize("NFKC", text)):
        part = part.strip()
        if not part:
            continue
        match = _IMPORTANT_DATE.match(part)
        if not match or not match.group(1).strip():
            raise ValueError(f"重要日期“{part}”应写作“名称 日期”，如“结婚纪念日 2015-05-20”。")
        result.append((match.group(1).strip(), parse_date(match.group(2))))
    return result


def validate(session: Session, data: CustomerInput) -> dict:
    """Parse and check everything; raises ValidationError listing every problem at once."""
    errors: dict[str, str] = {}
    values = _parse_fields(CUSTOMER_FIELDS, data.values, "", errors)
    code = values.get("code")
    if code:
        if _code_in_use(session, str(code), data.id):
            errors["code"] = f"客户编号“{code}”已被其他客户使用。"
    elif data.id is not None and "code" not in errors:
        errors["code"] = "请填写客户编号。"
    owner = values.get("owner_id")
    if owner is not None and session.get(Staff, owner) is None:
        errors["owner_id"] = "负责业务员不存在。"
    contacts = []
    for index, raw in enumerate(data.contacts):
        if not any(str(v).strip() for k, v in raw.items() if k != "id"):
            continue  # a blank row the user added and left
        prefix = f"contact.{index}."
        parsed = _parse_fields(CONTACT_FIELDS, raw, prefix, errors)
        birthday = parsed.get("birthday")
        if isinstance(birthday, date) and birthday > date.today():
            errors[prefix + "birthday"] = f"{prefix_label(prefix)}生日不能晚于今天。"
        try:
            parsed["important_dates"] = _parse_important_dates(raw.get("important_dates", ""))
        except ValueError as error:
            errors[prefix + "important_dates"] = f"{prefix_label(prefix)}{error}"
        parsed["id"] = int(raw["id"]) if raw.get("id") else None
        contacts.append(parsed)
    sales = _validate_sales(data.sales, errors)
    if errors:
        raise ValidationError(errors)
    return {"values": values, "contacts": contacts, "sales": sales}


def _validate_sales(rows: list[dict[str, str]], errors: dict[str, str]) -> list[dict]:
    sales, months = [], set()
    for index, raw in enumerate(rows):
        if not any(str(v).strip() for v in raw.values()):
            continue
        prefix = f"sales.{index}."
        try:
            month = parse_month(raw.get("month", ""))
            if month in months:
                raise ValueError(f"{month:%Y-%m} 重复录入。")
            months.add(month)
            amount = parse_money(raw.get("amount", "") or "0")
            quantity = parse_quantity(raw.get("quantity", "") or "0")
        except ValueError as error:
            errors[prefix + "month"] = f"{prefix_label(prefix)}{error}"
            continue
        sales.append({"month": month, "amount": amount, "quantity": quantity})
    return sales


def save(session: Session, data: CustomerInput) -> int:
    """Create or update a customer with its contacts and sales; returns its id.

    Nothing is written unless every field passes (see ``validate``), nor when the file was
    changed (its fields, contacts, dates or sales) after ``data.version`` was loaded. A new
    file left without a code gets the next one.
    """
    if data.id is not None:
        versions.claim(session, Customer, data.id, data.version)
    clean = validate(session, data)
    customer: Customer | None
    if data.id is None:
        if not clean["values"]["code"]:
            clean["values"]["code"] = _allocate_code(session)
        customer = Customer()
        session.add(customer)
    else:
        customer = session.get_one(Customer, data.id)
    for name, value in clean["values"].items():
        setattr(customer, name, value)
    customer.name_pinyin = pinyin_initials.sort_key(customer.name)
    _save_contacts(session, customer, clean["contacts"])
    _save_sales(session, customer, clean["sales"])
    session.flush()
    search.reindex(session, [customer.id])
    return customer.id


def _save_contacts(session: Session, customer: Customer, rows: list[dict]) -> None:
    existing = {c.id: c for c in customer.contacts}
    kept = []
    for row in rows:
        contact = existing.get(row["id"]) if row["id"] else None
        if contact is None:
            contact = Contact()
        for spec in CONTACT_FIELDS:
            setattr(contact, spec.name, row[spec.name])
        wanted = row["important_dates"]
        current = [(d.label, d.day) for d in contact.important_dates]
        if current != wanted:
            contact.important_dates = [ImportantDate(label=lb, day=dy) for lb, dy in wanted]
        kept.append(contact)
    customer.contacts = kept


def _save_sales(session: Session, customer: Customer, rows: list[dict]) -> None:
    existing = {s.month: s for s in customer.sales}
    kept = []
    for row in rows:
        record = existing.get(row["month"]) or SalesRecord(month=row["month"])
        record.amount, record.quantity = row["amount"], row["quantity"]
        kept.append(record)
    customer.sales = kept


# --- archive or delete -----------------------------------------------------------------------


class Removal(StrEnum):
    ARCHIVE = "archive"
    DELETE = "delete"


def has_history(session: Session, customer_id: int) -> bool:
    """Sales, visits, complaints, a key-account card, a credit rating or a satisfaction
    survey: such a customer is archived, never deleted."""
    for model in (SalesRecord, Visit, Complaint, KeyAccount, CreditEvaluation, SatisfactionSurvey):
        if session.scalar(select(exists().where(model.customer_id == customer_id))):
            return True
    return False


def removal_for(session: Session, customer_id: int) -> Removal:
    return Removal.ARCHIVE if has_history(session, customer_id) else Removal.DELETE


def set_archived(session: Session, customer_id: int, archived: bool) -> None:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("该客户不存在或已被删除。")
    customer.archived = archived


def delete_customer(session: Session, customer_id: int) -> None:
    """Delete a customer that has no history; one with history must be archived instead."""
    if has_history(session, customer_id):
        raise UserError("该客户已有拜访、投诉或大客户记录，只能归档，不能删除。")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("该客户不存在或已被删除。")
    for model in _DEPENDENT_WITHOUT_HISTORY:
        session.execute(delete(model).where(model.customer_id == customer_id))
    session.delete(customer)
    search.forget(session, customer_id)


# Records that may exist for a customer without history; they go with it.
_DEPENDENT_WITHOUT_HISTORY = (VisitPlan, CustomerClassHistory, KeyAccountProposal)


def staff_choices(
    session: Session, keep: int | None = None, everyone: bool = False
) -> list[tuple[int, str]]:
    """(id, name) of active staff, for owner and assignment pickers.

    ``keep`` is a staff id to list even if they have left (marked 停用): the current owner of a
    file must not vanish from it just because the file is opened. ``everyone`` lists those who
    left too, for filters (a leaver's customers are the ones to hand over).
    """
    query = select(Staff).order_by(Staff.id)
    if not everyone:
        query = query.where(or_(Staff.active, Staff.id == keep))
    return [(s.id, s.name if s.active else f"{s.name}（停用）") for s in session.scalars(query)]


def customer_choices(session: Session, text: str = "", limit: int = 50) -> list[tuple[int, str]]:
    """(id, "code name") of customers matching ``text``, for pickers in the other desks."""
    query = select(Customer.id, Customer.code, Customer.name).where(Customer.archived.is_(False))
    condition = search.matching(session, text)
    if condition is not None:
        query = query.where(condition)
    query = query.order_by(Customer.code).limit(limit)
    return [(i, f"{code} {name}") for i, code, name in session.execute(query)]


def customer_label(session: Session, customer_id: int) -> str:
    """``KH000123 北京华达电子有限公司``, as pickers show a customer; empty when it is gone."""
    customer = session.get(Customer, customer_id)
    return f"{customer.code} {customer.name}" if customer else ""


EXPORT_HEADERS = ("客户编号", "客户名称", "简称", "ABC分类", "管理分类", "性质", "交易阶段", "省份",
                  "城市", "地址", "电话", "电子邮箱", "负责业务员", "主要联系人", "联系人手机",
                  "统一社会信用代码", "信用等级", "信用额度", "应收余额", "已归档")  # fmt: skip


def export_rows(session: Session, ids: list[int]) -> list[tuple]:
    """The rows written to .xlsx for the listed customers, in list order."""
    rows: dict[int, tuple] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        query = (
            select(Customer, Staff.name)
            .outerjoin(Staff, Staff.id == Customer.owner_id)
            .where(Customer.id.in_(chunk))
            .options(selectinload(Customer.contacts))
        )
        for c, owner in session.execute(query):
            contact = c.contacts[0] if c.contacts else None
            rows[c.id] = (
                c.code, c.name, c.short_name, c.abc_class, c.management_class, c.nature,
                c.trade_stage, c.province, c.city, c.address, c.phone, c.email, owner or "",
                contact.name if contact else "", contact.mobile if contact else "",
                c.credit_code, c.credit_rating, c.credit_limit, c.outstanding_amount, c.archived,
            )  # fmt: skip
    return [rows[i] for i in ids if i in rows]
