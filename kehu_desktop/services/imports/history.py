"""Planning the history imports: visit records, the complaint ledger and the after-sales
service requests kept in Excel.

Each row names its customer by code or exact name (customers come first). Complaints and
service requests are cases: they keep their own numbers (TS-/SH-YYYY-NNNN or the firm's own),
their status and their 首问责任人; closed ones come in as history. A row already in the store
(the same case number, or the same customer and received time for a case without one; the
same customer, time and staff member for a visit) is left alone, so importing a file twice
creates nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import (
    Complaint,
    ComplaintEvent,
    Product,
    ServiceEvent,
    ServiceRequest,
    Visit,
)
from kehu_desktop.services.common.numbering import COMPLAINT_SERIES
from kehu_desktop.services.common.parsing import parse_money
from kehu_desktop.services.complaints import lifecycle as complaint_lifecycle
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
    CustomerLookup,
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
from kehu_desktop.services.service_desk import choices as service_choices
from kehu_desktop.services.service_desk import lifecycle as service_lifecycle
from kehu_desktop.services.service_desk.lifecycle import Status as ServiceStatus
from kehu_desktop.services.service_desk.registration import SERIES as SERVICE_SERIES
from kehu_desktop.services.service_desk.registration import DeadlineRules
from kehu_desktop.services.visits.visit_plans import METHODS, PURPOSES

_T = TypeVar("_T")

# Row values named for the model, and the import field (column) each comes from.
_FIELD_OF = {"customer_id": "customer", "staff_id": "staff",
             "first_responsible_id": "first_responsible", "handler_id": "handler",
             "engineer_id": "engineer", "product_id": "product",
             "manager_id": "manager"}  # fmt: skip
_TEXT_LIMITS = {"contacts_met": 200, "contact_name": 40, "contact_phone": 40, "product": 100,
                "batch_no": 40, "order_no": 40, "serial_no": 60}  # fmt: skip


@dataclass(frozen=True)
class CaseDesk:
    """What a case (a complaint, a service request) is numbered and stored as."""

    model: type[Complaint] | type[ServiceRequest]
    prefix: str  # TS, SH
    series: str  # the counter its numbers come from
    what: str  # how the number's column is called
    event_model: type[ComplaintEvent] | type[ServiceEvent]  # its history; the first is 登记
    register_event: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"^{self.prefix}-(\d{{4}})-(\d{{1,6}})$")

    def number(self, value: object) -> str:
        """The number as written (the desk's own form upper-cased); "" when none."""
        text = cells.text(value)
        if len(text) > 16:
            raise ValueError(f"{self.what}最多 16 个字符")
        return text.upper() if self.pattern.match(text.upper()) else text


COMPLAINTS = CaseDesk(
    Complaint, "TS", COMPLAINT_SERIES, "投诉编号", ComplaintEvent,
    complaint_lifecycle.REGISTER_EVENT,
)  # fmt: skip
SERVICE_REQUESTS = CaseDesk(
    ServiceRequest, SERVICE_SERIES, SERVICE_SERIES, "服务单号", ServiceEvent,
    service_lifecycle.REGISTER_EVENT,
)  # fmt: skip


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


def read_row(kind: str, number: int, record: dict, readers: dict, preview: ImportPreview) -> dict:
    """Each mapped cell through its reader (a look-up column read as the id it becomes: the
    staff column as ``staff_id``); a failing cell becomes an error of the row."""
    values: dict[str, object] = {}
    for key, read in readers.items():
        try:
            values[key] = read(record.get(_FIELD_OF.get(key, key)))
        except ValueError as error:
            preview.errors.append(
                RowError(
                    number, label_of(kind, _FIELD_OF.get(key, key)), str(error).rstrip("。") + "。"
                )
            )
    return values


def _coded(value: object, labels: dict[str, str], what: str, default: str) -> str:
    """The stable code of a choice the sheet names by its words (or its code)."""
    text = cells.text(value)
    if not text:
        return default
    code = service_choices.code_of(labels, text)
    if code is None:
        raise ValueError(f"{what}只能是：{'、'.join(labels.values())}。")
    return code


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
        values = read_row("visits", number, record, readers, preview)
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


def _received_at(value: object) -> datetime:
    when = cells.datetime_value(value)
    if when > datetime.now():
        raise ValueError("受理时间不能晚于现在")
    return when


class _Cases:
    """The cases already in the store and those planned so far, to place each row: a new
    case, one already imported (left alone), or a number used twice in the file (an error)."""

    def __init__(self, session: Session, desk: CaseDesk, preview: ImportPreview) -> None:
        model = desk.model
        self.desk, self.preview = desk, preview
        self.numbers = set(session.scalars(select(model.number)))
        self.received = set(session.execute(select(model.customer_id, model.received_at)))
        self.seen: dict[str, int] = {}

    def opening(
        self, record: dict[str, object], lookup: CustomerLookup, channels: tuple[str, ...]
    ) -> dict[str, Callable[..., object]]:
        """The readers of the fields a case is opened with (``columns._case_opening``)."""
        return {
            "number": self.desk.number,
            "received_at": _received_at,
            "customer_id": lambda _v: find_customer(record, lookup),
            "channel": lambda v: _choice(v, channels, "受理渠道", "电话"),
            "contact_name": lambda v: _text("contact_name", v),
            "contact_phone": lambda v: _text("contact_phone", cells.digits_text(v)),
        }

    def place(
        self, row: int, values: dict, customer: object, words: dict[str, str] | None = None
    ) -> None:
        number = values["number"]
        label = number or f"{values['received_at']:%Y-%m-%d} {cells.text(customer)}"
        planned = Planned([row], str(label), values, words=words or {})
        if number in self.numbers or (
            not number and (values["customer_id"], values["received_at"]) in self.received
        ):
            self.preview.unchanged.append(planned)
        elif number and number in self.seen:
            self.preview.errors.append(
                RowError(row, self.desk.what, f"与第 {self.seen[number]} 行的编号重复。")
            )
        else:
            if number:
                self.seen[number] = row
            self.preview.creates.append(planned)


def plan_complaints(session: Session, preview: ImportPreview, data: Rows) -> None:
    lookup, staff = customer_lookup(session), staff_by_name(session)
    cases = _Cases(session, COMPLAINTS, preview)
    for number, record in data:
        before = len(preview.errors)
        readers: dict[str, Callable[..., object]] = {
            **cases.opening(record, lookup, CHANNELS),
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
        values = read_row("complaints", number, record, readers, preview)
        if len(preview.errors) > before:
            continue
        _complete(session, values)
        cases.place(number, values, record.get("customer"))


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


# --- service requests ------------------------------------------------------------------------


def product_lookup(session: Session) -> dict[str, int | None]:
    """Product ids by code, by "name model" (as the lists show a product) and by name alone
    (None when two products share the name)."""
    found: dict[str, int | None] = {}
    for product_id, code, name, model in session.execute(
        select(Product.id, Product.code, Product.name, Product.model)
    ):
        found[code.upper()] = product_id
        found[f"{name} {model}".strip()] = product_id
        found[name] = None if found.get(name, product_id) != product_id else product_id
    return found


def _find_product(products: dict[str, int | None], value: object) -> int:
    text = cells.text(value)
    key = text if text in products else text.upper()
    if key not in products:
        raise ValueError(f"产品“{text}”不存在，请先在售后服务 → 产品目录中添加。")
    found = products[key]
    if found is None:
        raise ValueError(f"有多个产品名为“{text}”，请写明型号或产品编号。")
    return found


def _fault(value: object) -> str:
    text = cells.text(value)
    if not text:
        raise ValueError("请填写故障描述")
    return text


# The service ledger's steps the sheet does not hold, taken for a request at a later status:
# dispatched when received, repaired when closed.
_DISPATCHED = set(ServiceStatus) - {ServiceStatus.REGISTERED, ServiceStatus.CANCELLED}
_RESOLVED = _DISPATCHED - {ServiceStatus.DISPATCHED}


def plan_service_requests(session: Session, preview: ImportPreview, data: Rows) -> None:
    lookup, staff = customer_lookup(session), staff_by_name(session)
    products, rules = product_lookup(session), DeadlineRules.read(session)
    cases = _Cases(session, SERVICE_REQUESTS, preview)
    statuses = {str(k): v for k, v in service_lifecycle.STATUS_LABELS.items()}
    for number, record in data:
        before = len(preview.errors)
        readers: dict[str, Callable[..., object]] = {
            **cases.opening(record, lookup, service_choices.CHANNELS),
            "product_id": _optional(lambda v: _find_product(products, v)),
            "serial_no": lambda v: _text("serial_no", v),
            "purchased_on": _optional(cells.date_value),
            "fault": _fault,
            "demand": cells.text,
            "urgency": lambda v: _coded(v, service_choices.URGENCIES, "紧急程度", "normal"),
            "status": lambda v: _coded(v, statuses, "状态", ""),
            "first_responsible_id": lambda v: find_staff(staff, v, "首问责任人"),
            "engineer_id": _optional(lambda v: find_staff(staff, v, "工程师")),
            "planned_date": _optional(cells.date_value),
            "deadline": _optional(cells.date_value),
            "closed_at": _optional(cells.datetime_value),
        }
        values = read_row("service-requests", number, record, readers, preview)
        if len(preview.errors) > before:
            continue
        purchased = values["purchased_on"]
        if purchased is not None and values["product_id"] is None:
            preview.errors.append(RowError(number, "购买日期", "填写购买日期时请填写产品。"))
        elif purchased is not None and purchased > date.today():
            # (Not checked against the received time: a purchase recorded after a request
            # may be linked to it when the registration is corrected, and its export says so.)
            preview.errors.append(RowError(number, "购买日期", "购买日期不能晚于今天。"))
        elif values["deadline"] is not None and values["deadline"] < values["received_at"].date():
            preview.errors.append(RowError(number, "解决期限", "解决期限不能早于受理时间。"))
        else:
            _complete_request(values, rules)
            words = {"urgency": service_choices.URGENCIES[str(values["urgency"])],
                     "status": statuses[str(values["status"])]}  # fmt: skip
            cases.place(number, values, record.get("customer"), words)


def _complete_request(values: dict, rules: DeadlineRules) -> None:
    """The status from the closing date or the engineer, the deadlines the desk's settings
    give, and the steps a later status implies (see ``_DISPATCHED``)."""
    received = values["received_at"]
    if not values["status"]:
        values["status"] = (
            ServiceStatus.CLOSED if values["closed_at"]
            else ServiceStatus.DISPATCHED if values["engineer_id"]
            else ServiceStatus.REGISTERED
        )  # fmt: skip
    if values["status"] == ServiceStatus.CLOSED and values["closed_at"] is None:
        values["closed_at"] = received
    values["handler_id"] = values["first_responsible_id"]
    response, resolve = rules.preview(values["urgency"], received.date())
    values["response_deadline"] = response
    values["deadline"] = values["deadline"] or resolve
    values["dispatched_at"] = received if values["status"] in _DISPATCHED else None
    values["resolved_at"] = (
        (values["closed_at"] or received) if values["status"] in _RESOLVED else None
    )
