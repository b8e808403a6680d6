"""Planning a customer import: rows read into customer files with their contacts, matched to
the store by code, 统一社会信用代码 or exact name, with each field's old → new value."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Contact, Customer
from kehu_desktop.services.customers import duplicates, match_keys
from kehu_desktop.services.customers.customer_fields import (
    CONTACT_FIELDS,
    CREDIT_RATINGS,
    FIELDS_BY_NAME,
    MANAGEMENT_CLASSES,
    PROVINCES,
    Kind,
)
from kehu_desktop.services.customers.customer_files import parse_value
from kehu_desktop.services.imports import cells
from kehu_desktop.services.imports.plan import (
    Change,
    ImportPreview,
    LikelyDuplicate,
    Planned,
    RowError,
    Rows,
    find_staff,
    label_of,
    staff_by_name,
)

_PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
CONTACT_SPECS = {spec.name: spec for spec in CONTACT_FIELDS}


def _number_text(value: object) -> str:
    """A money cell: a formula's binary rounding error (3702.2999999999997) dropped."""
    if isinstance(value, float) and abs(value - round(value, 2)) < 1e-6:
        return f"{round(value, 2):.2f}"
    return cells.text(value)


def _province(raw: str) -> str:
    name = _PROVINCE_SUFFIX.sub("", raw)
    return name if name in PROVINCES else cells.region(raw)[0] or raw


def _customer_value(key: str, value: object, staff: dict[str, int]) -> dict[str, object]:
    """The customer attributes one cell sets; raises ValueError with the reason."""
    if key == "owner":
        return {"owner_id": find_staff(staff, value, "业务员")}
    if key == "region":
        province, city = cells.region(value)
        if not province:
            raise ValueError(f"无法识别省份“{cells.text(value)}”。")
        return {"province": province, "city": city}
    if key == "grade":
        grade = cells.text(value).upper()
        if grade in MANAGEMENT_CLASSES:
            return {"management_class": grade}
        if grade in CREDIT_RATINGS:
            return {"credit_rating": grade}
        raise ValueError(
            f"等级只能是 {'/'.join(MANAGEMENT_CLASSES)} 或 {'/'.join(CREDIT_RATINGS)}。"
        )
    if key == "archived":
        return {"archived": cells.text(value) in ("是", "1", "true", "TRUE", "已归档", "Y")}
    spec = FIELDS_BY_NAME[key]
    if spec.kind == Kind.DATE:
        raw = cells.date_value(value).isoformat()
    elif spec.kind in (Kind.MONEY, Kind.AREA):
        raw = _number_text(value)
    elif key in ("phone", "fax", "postcode", "credit_code", "bank_account"):
        raw = cells.digits_text(value)
    elif key == "province":
        raw = _province(cells.text(value))
    elif key == "city":
        raw = cells.text(value).removesuffix("市")
    else:
        raw = cells.text(value)
    return {key: parse_value(spec, raw)}


def _contact_value(part: str, value: object) -> object:
    spec = CONTACT_SPECS[part]
    if spec.kind == Kind.DATE:
        raw = cells.date_value(value).isoformat()
    elif part in ("mobile", "phone"):
        raw = cells.digits_text(value)
    else:
        raw = cells.text(value)
    return parse_value(spec, raw)


@dataclass
class _Store:
    """What the store holds that a customer row is matched against."""

    by_code: dict[str, int]
    by_credit: dict[str, int]
    by_name: dict[str, list[int]]
    by_core: dict[str, list[int]]
    by_phone: dict[str, int]
    labels: dict[int, str]


def _store_index(session: Session) -> _Store:
    store = _Store({}, {}, defaultdict(list), defaultdict(list), {}, {})
    # The name cores and phone digits are stored with the rows (match_keys).
    query = select(Customer.id, Customer.code, Customer.name, Customer.credit_code,
                   Customer.match_name, Customer.match_phone)  # fmt: skip
    for customer_id, code, name, credit, core, phone in session.execute(query):
        store.by_code[code.upper()] = customer_id
        if credit:
            store.by_credit[credit.upper()] = customer_id
        store.by_name[match_keys.exact_key(name)].append(customer_id)
        store.by_core[core].append(customer_id)
        if phone:
            store.by_phone.setdefault(phone, customer_id)
        store.labels[customer_id] = f"{code} {name}"
    for customer_id, mobile in session.execute(
        select(Contact.customer_id, Contact.match_mobile).where(Contact.match_mobile != "")
    ):
        store.by_phone.setdefault(mobile, customer_id)
    return store


def _parse_customer_row(
    number: int, record: dict[str, object], staff: dict[str, int], errors: list[RowError]
) -> tuple[dict[str, object], list[dict[str, object]]] | None:
    values: dict[str, object] = {}
    contacts: dict[str, dict[str, object]] = defaultdict(dict)
    bad = False
    for key, value in record.items():
        try:
            if key.startswith("contact."):
                *_, part = key.split(".")
                group = key.rsplit(".", 1)[0]
                contacts[group][part] = _contact_value(part, value)
            else:
                values.update(_customer_value(key, value, staff))
        except ValueError as error:
            errors.append(RowError(number, label_of("customers", key), str(error)))
            bad = True
    people = []
    for group, person in sorted(contacts.items()):
        if not person.get("name"):
            mobile = person.get("mobile") or person.get("phone")
            if mobile and not values.get("phone") and set(person) <= {"mobile", "phone"}:
                values["phone"] = mobile  # a lone 手机 column: the customer's own number
                continue
            label = label_of("customers", f"{group}.name")
            errors.append(RowError(number, label, "有联系方式但没有联系人姓名。"))
            bad = True
            continue
        people.append(person)
    return None if bad else (values, people)


def plan_customers(session: Session, preview: ImportPreview, data: Rows) -> None:
    staff = staff_by_name(session)
    store = _store_index(session)
    groups: dict[str, Planned] = {}
    last: Planned | None = None
    for number, record in data:
        parsed = _parse_customer_row(number, record, staff, preview.errors)
        if parsed is None:
            last = None
            continue
        values, people = parsed
        code = str(values.get("code") or "").upper()
        credit = str(values.get("credit_code") or "").upper()
        name = str(values.get("name") or "")
        if not (code or name):
            if people and last is not None:
                last.rows.append(number)
                last.contacts.extend(people)
                continue
            preview.errors.append(RowError(number, "客户名称", "缺少客户名称。"))
            continue
        keys = [f"code:{code}" if code else "", f"credit:{credit}" if credit else ""]
        keys.append(f"name:{match_keys.exact_key(name)}" if name else "")
        planned = next((groups[k] for k in keys if k and k in groups), None)
        if planned is None:
            planned = Planned([number], name or code, values, people)
        else:
            planned.rows.append(number)
            for k, v in values.items():
                planned.values.setdefault(k, v)
            planned.contacts.extend(people)
        for k in keys:
            if k:
                groups.setdefault(k, planned)
        last = planned
    distinct = list({id(p): p for p in groups.values()}.values())
    existing = _load_existing(session, store, distinct)
    for planned in distinct:
        _match(planned, store, existing, preview)
    _file_duplicates(preview)


def _target(planned: Planned, store: _Store) -> tuple[int | None, str]:
    values = planned.values
    code = str(values.get("code") or "").upper()
    if code and code in store.by_code:
        return store.by_code[code], ""
    credit = str(values.get("credit_code") or "").upper()
    if credit and credit in store.by_credit:
        return store.by_credit[credit], ""
    if code:
        return None, ""  # a new code: a new customer, even if the name is known
    same = store.by_name.get(match_keys.exact_key(str(values.get("name") or "")), [])
    if len(same) == 1:
        return same[0], ""
    if len(same) > 1:
        return None, f"与 {len(same)} 位已有客户同名，请填写客户编号以区分。"
    return None, ""


@dataclass
class _Existing:
    customers: dict[int, Customer]
    contacts: dict[int, list[Contact]]


def _load_existing(session: Session, store: _Store, planned: Iterable[Planned]) -> _Existing:
    """The files the rows update, with their contacts, read in a few queries."""
    ids = sorted({t for p in planned if (t := _target(p, store)[0]) is not None})
    found = _Existing({}, defaultdict(list))
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for customer in session.scalars(select(Customer).where(Customer.id.in_(chunk))):
            found.customers[customer.id] = customer
        for contact in session.scalars(select(Contact).where(Contact.customer_id.in_(chunk))):
            found.contacts[contact.customer_id].append(contact)
    return found


def _shown(value: object) -> str:
    return cells.text(value)


def _match(planned: Planned, store: _Store, existing: _Existing, preview: ImportPreview) -> None:
    target, problem = _target(planned, store)
    if problem:
        preview.errors.append(RowError(planned.first_row, "客户名称", problem))
        return
    planned.contacts = _distinct_contacts(planned.contacts)
    if target is None:
        preview.creates.append(planned)
        _store_duplicates(planned, store, preview)
        return
    planned.target_id = target
    customer = existing.customers[target]
    planned.label = f"{customer.code} {customer.name}"
    for key, value in planned.values.items():
        if key == "code":
            continue
        old = getattr(customer, key)
        if value not in (None, "") and value != old:
            label = (
                FIELDS_BY_NAME[key].label if key in FIELDS_BY_NAME else label_of("customers", key)
            )
            planned.changes.append(Change(label, _shown(old), _shown(value)))
    known = {c.name: c for c in existing.contacts[target]}
    new_contacts = []
    for person in planned.contacts:
        contact = known.get(str(person["name"]))
        if contact is None:
            new_contacts.append(person)
            planned.changes.append(Change("联系人", "", f"新增 {person['name']}"))
            continue
        updates = {
            k: v for k, v in person.items() if v not in (None, "") and v != getattr(contact, k)
        }
        if updates:
            planned.contact_updates.append((contact.id, updates))
            for k, v in updates.items():
                label = f"联系人 {contact.name} {CONTACT_SPECS[k].label}"
                planned.changes.append(Change(label, _shown(getattr(contact, k)), _shown(v)))
    planned.contacts = new_contacts
    (preview.updates if planned.changes else preview.unchanged).append(planned)


def _distinct_contacts(people: list[dict[str, object]]) -> list[dict[str, object]]:
    """A contact named on several rows (or twice in one) is one contact."""
    merged: dict[str, dict[str, object]] = {}
    for person in people:
        into = merged.setdefault(str(person["name"]), {})
        for k, v in person.items():
            if v not in (None, ""):
                into.setdefault(k, v)
    return list(merged.values())


def _store_duplicates(planned: Planned, store: _Store, preview: ImportPreview) -> None:
    values = planned.values
    core = match_keys.core_key(str(values.get("name") or ""))
    for other in store.by_core.get(core, [])[:1]:
        preview.duplicates.append(
            LikelyDuplicate(
                planned.first_row, planned.label, store.labels[other], duplicates.SAME_NAME
            )
        )
        return
    phones = [values.get("phone")] + [p.get("mobile") for p in planned.contacts]
    for phone in phones:
        key = match_keys.phone_key(str(phone or ""))
        if key and key in store.by_phone:
            label = store.labels[store.by_phone[key]]
            preview.duplicates.append(
                LikelyDuplicate(planned.first_row, planned.label, label, duplicates.SAME_PHONE)
            )
            return


def _file_duplicates(preview: ImportPreview) -> None:
    seen: dict[str, Planned] = {}
    for planned in preview.creates:
        core = match_keys.core_key(str(planned.values.get("name") or ""))
        first = seen.setdefault(core, planned)
        if first is not planned:
            preview.duplicates.append(
                LikelyDuplicate(
                    planned.first_row, planned.label, f"第 {first.first_row} 行 {first.label}",
                    duplicates.SAME_NAME,
                )
            )  # fmt: skip
