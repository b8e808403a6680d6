"""Planning the history imports: visit records and the complaint ledger kept in Excel.

Visits and complaints name their customer by code or exact name (customers come first).
Complaints keep their own numbers (TS-YYYY-NNNN or the firm's own), their status and their
首问责任人; closed ones come in as history. A row already in the store (the same complaint
number; the same customer, time and staff member for a visit) is left alone, so importing a
file twice creates nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint, Visit
from kehu_desktop.services.common.parsing import parse_money
from kehu_desktop.services.complaints.choices import (
    CATEGORIES,
    CHANNELS,
    DEPARTMENTS,
    RESULTS,
    SATISFACTION_LEVELS,
    SEVERITIES,
)
from kehu_desktop.services.complaints.deadlines import deadline_for
from kehu_desktop.services.complaints.lifecycle import STATUSES, Status
from kehu_desktop.services.imports import cells
from kehu_desktop.services.imports.plan import (
    ImportPreview,
    LikelyDuplicate,
    Planned,
    RowError,
    Rows,
    customer_lookup,
    find_customer,
    find_staff,
    label_of,
    staff_by_name,
)
from kehu_desktop.services.visits.visit_plans import METHODS, PURPOSES

_T = TypeVar("_T")

# Row values named for the model, and the import field (column) each comes from.
_FIELD_OF = {"customer_id": "customer", "staff_id": "staff",
             "first_responsible_id": "first_responsible", "handler_id": "handler"}  # fmt: skip
TS_NUMBER = re.compile(r"^TS-(\d{4})-(\d{1,6})$")
_TEXT_LIMITS = {"contacts_met": 200, "contact_name": 40, "contact_phone": 40, "product": 100,
                "batch_no": 40, "order_no": 40}  # fmt: skip


def _choice(value: object, allowed: tuple[str, ...], label: str, default: str) -> str:
    text = cells.text(value) or default
    if text not in allowed:
        raise ValueError(f"{label}只能是：{'、'.join(allowed)}。")
    return text


def _text(key: str, value: object) -> str:
    text = cells.text(value)
    limit = _TEXT_LIMITS.get(key)
    if limit and len(text) > limit:
        raise ValueError(f"最多 {limit} 个字（现有 {len(text)} 个）。")
    return text


def _read(kind: str, number: int, record: dict, readers: dict, preview: ImportPreview) -> dict:
    """Each mapped cell through its reader; a failing cell becomes an error of the row."""
    values: dict[str, object] = {}
    for key, read in readers.items():
        try:
            values[key] = read(record.get(key))
        except ValueError as error:
            preview.errors.append(
                RowError(
                    number, label_of(kind, _FIELD_OF.get(key, key)), str(error).rstrip("。") + "。"
                )
            )
    return values


def _optional(read: Callable[[object], _T]) -> Callable[[object], _T | None]:
    return lambda value: None if cells.text(value) == "" else read(value)


def plan_visits(session: Session, preview: ImportPreview, data: Rows) -> None:
    lookup, staff = customer_lookup(session), staff_by_name(session)
    now = datetime.now()

    def visited_at(value: object) -> datetime:
        when = cells.datetime_value(value)
        if when > now:
            raise ValueError("拜访时间不能晚于现在")
        return when

    seen: dict[tuple, int] = {}
    existing = {
        (c, t, s)
        for c, t, s in session.execute(select(Visit.customer_id, Visit.visited_at, Visit.staff_id))
    }
    for number, record in data:
        before = len(preview.errors)
        readers = {
            "customer_id": lambda _v, r=record: find_customer(r, lookup),
            "visited_at": visited_at,
            "staff_id": lambda v: find_staff(staff, v, "业务员"),
            "method": lambda v: _choice(v, METHODS, "拜访方式", "上门"),
            "purpose": lambda v: _choice(v, PURPOSES, "拜访目的", "例行"),
            "contacts_met": lambda v: _text("contacts_met", v),
            "discussion": cells.text,
            "requests": cells.text,
            "result": cells.text,
            "next_visit_date": _optional(cells.date_value),
        }
        keyed = {**record, "customer_id": record.get("customer"), "staff_id": record.get("staff")}
        values = _read("visits", number, keyed, readers, preview)
        if len(preview.errors) > before:
            continue
        key = (values["customer_id"], values["visited_at"], values["staff_id"])
        who = cells.text(record.get("customer") or record.get("customer_code"))
        label = f"{values['visited_at']:%Y-%m-%d %H:%M} {who}"
        planned = Planned([number], label, values)
        if key in existing:
            preview.unchanged.append(planned)
        elif key in seen:
            preview.duplicates.append(
                LikelyDuplicate(
                    number, label, f"第 {seen[key]} 行", "同一客户、同一时间、同一业务员"
                )
            )
        else:
            seen[key] = number
            preview.creates.append(planned)


def plan_complaints(session: Session, preview: ImportPreview, data: Rows) -> None:
    lookup, staff = customer_lookup(session), staff_by_name(session)
    numbers = set(session.scalars(select(Complaint.number)))
    received_keys = {
        (customer_id, received)
        for customer_id, received in session.execute(
            select(Complaint.customer_id, Complaint.received_at)
        )
    }
    seen: dict[str, int] = {}
    for number, record in data:
        before = len(preview.errors)
        readers: dict[str, Callable[..., object]] = {
            "number": lambda v: _number(cells.text(v)),
            "received_at": cells.datetime_value,
            "customer_id": lambda _v, r=record: find_customer(r, lookup),
            "channel": lambda v: _choice(v, CHANNELS, "受理渠道", "电话"),
            "contact_name": lambda v: _text("contact_name", v),
            "contact_phone": lambda v: _text("contact_phone", cells.digits_text(v)),
            "product": lambda v: _text("product", v),
            "batch_no": lambda v: _text("batch_no", v),
            "order_no": lambda v: _text("order_no", v),
            "category": lambda v: _choice(v, CATEGORIES, "投诉类别", "其他"),
            "severity": lambda v: _choice(v, SEVERITIES, "严重程度", "一般"),
            "description": cells.text,
            "demand": cells.text,
            "first_responsible_id": lambda v: find_staff(staff, v, "首问责任人"),
            "handler_id": _optional(lambda v: find_staff(staff, v, "处理人")),
            "deadline": _optional(cells.date_value),
            "status": lambda v: _choice(v, ("", *STATUSES), "状态", ""),
            "department": lambda v: _choice(v, ("", *DEPARTMENTS), "责任部门", ""),
            "cause": cells.text,
            "measures": cells.text,
            "result": lambda v: _choice(v, ("", *RESULTS), "处理结果", ""),
            "claim_amount": lambda v: parse_money(cells.text(v) or "0"),
            "reply": cells.text,
            "satisfaction": lambda v: _choice(v, ("", *SATISFACTION_LEVELS), "满意度", ""),
            "closed_at": _optional(cells.datetime_value),
        }
        keyed = {
            **record,
            "customer_id": record.get("customer"),
            "first_responsible_id": record.get("first_responsible"),
            "handler_id": record.get("handler"),
        }
        values = _read("complaints", number, keyed, readers, preview)
        if len(preview.errors) > before:
            continue
        _complete(session, values)
        label = (
            values["number"]
            or f"{values['received_at']:%Y-%m-%d} {cells.text(record.get('customer'))}"
        )
        planned = Planned([number], str(label), values)
        if values["number"] in numbers or (
            not values["number"] and (values["customer_id"], values["received_at"]) in received_keys
        ):
            preview.unchanged.append(planned)
        elif values["number"] and values["number"] in seen:
            preview.errors.append(
                RowError(number, "投诉编号", f"与第 {seen[values['number']]} 行的编号重复。")
            )
        else:
            if values["number"]:
                seen[values["number"]] = number
            preview.creates.append(planned)


def _number(text: str) -> str:
    if len(text) > 16:
        raise ValueError("投诉编号最多 16 个字符")
    return text.upper() if TS_NUMBER.match(text.upper()) else text


def _complete(session: Session, values: dict) -> None:
    """What the ledger leaves out: the status from the closing date, the handler, the
    deadline from the received date as the desk's settings would have set it."""
    if not values["status"]:
        values["status"] = Status.CLOSED if values["closed_at"] else Status.REGISTERED
    if values["status"] == Status.CLOSED and values["closed_at"] is None:
        values["closed_at"] = values["received_at"]
    values["handler_id"] = values["handler_id"] or values["first_responsible_id"]
    if values["deadline"] is None:
        values["deadline"] = deadline_for(session, values["severity"], values["received_at"].date())
