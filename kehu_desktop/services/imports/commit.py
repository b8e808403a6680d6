"""Writing a previewed import: one transaction, one batch in the audit trail, undoable.

The preview is worked out again inside the writing transaction, so what is written matches
the store as it is now, not as it was when the user looked. While any row has an error nothing
is written, unless the user chose to import the good rows only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kehu_desktop.models import (
    Contact,
    Customer,
    KeyAccount,
    KeyAccountProposal,
    Product,
    Purchase,
    Role,
    Staff,
    Visit,
)
from kehu_desktop.models.base import table_of
from kehu_desktop.services.common import audit, batches, numbering
from kehu_desktop.services.common.errors import PermissionDenied, UserError
from kehu_desktop.services.customers import match_keys, pinyin_initials, search
from kehu_desktop.services.customers.customer_fields import CONTACT_FIELDS, CUSTOMER_FIELDS
from kehu_desktop.services.customers.customer_files import CODE_PREFIX, code_for
from kehu_desktop.services.imports import columns, history, preview
from kehu_desktop.services.imports.plan import NOUNS, ImportPreview, ImportRequest, Planned, state
from kehu_desktop.services.key_accounts import abc_classes, designation
from kehu_desktop.services.service_desk import products
from kehu_desktop.services.visits import visit_plans

IMPORT_KINDS = ("customers", "visits", "complaints", "service-requests", "key-accounts")
# The kind an import's batch is kept as, where the two differ (the column holds 12 characters).
_BATCH_KINDS = {"service-requests": "service"}
BATCH_KINDS = tuple(_BATCH_KINDS.get(kind, kind) for kind in IMPORT_KINDS)
# Importing the key-account list designates key accounts: the import is the 主管's approval.
KEY_ACCOUNT_REFUSAL = "导入大客户名单即为审批设定大客户，只有主管或管理员可以导入。"


def refusal(kind: str, role: str) -> str | None:
    """Why an operator of ``role`` may not import ``kind`` (None when they may)."""
    if kind == "key-accounts" and role not in (Role.SUPERVISOR, Role.ADMIN):
        return KEY_ACCOUNT_REFUSAL
    return None


@dataclass(frozen=True)
class ImportResult:
    batch_id: int | None
    created: int
    updated: int
    skipped_errors: int
    kind: str

    def describe(self) -> str:
        noun = NOUNS[self.kind]
        text = f"已导入：新增 {self.created:,} {noun}，更新 {self.updated:,} {noun}"
        if self.skipped_errors:
            text += f"，跳过错误行 {self.skipped_errors:,} 行"
        return text + "。"


def run(
    session: Session,
    request: ImportRequest,
    *,
    good_rows_only: bool = False,
    seen: ImportPreview | None = None,
) -> ImportResult:
    """Write ``request`` in the caller's transaction.

    ``seen`` is the preview the user looked at; it is written as it is when neither the file
    nor the store changed since, and worked out again otherwise.
    """
    operator = session.get(Staff, session.info.get(audit.OPERATOR_KEY) or 0)
    refused = refusal(request.kind, operator.role if operator else "")
    if refused:
        raise PermissionDenied(refused)
    # Read in the writing transaction: if another desk writes after this, SQLite refuses our
    # write (nothing is half-written) rather than letting a stale preview through.
    if seen is not None and seen.request == request and seen.state == state(session, request.path):
        plan = seen
    else:
        plan = preview.build(session, request)
    if plan.errors and not good_rows_only:
        raise UserError(
            f"文件中有 {plan.error_rows} 行错误，未导入任何数据。"
            "请改正后重新导入，或选择只导入正确的行。"
        )
    columns.remember(session, request.kind, plan.header, plan.mapping)
    if not plan.creates and not plan.updates:
        return ImportResult(None, 0, 0, plan.error_rows, request.kind)
    batch = batches.start(session, _BATCH_KINDS.get(request.kind, request.kind), request.path.name)
    writers = {"customers": _write_customers, "visits": _write_visits,
               "complaints": _write_complaints, "service-requests": _write_service_requests,
               "key-accounts": _write_key_accounts}  # fmt: skip
    writers[request.kind](session, batch, plan)
    result = ImportResult(
        batch.id, len(plan.creates), len(plan.updates), plan.error_rows, request.kind
    )
    batch.finish(result.describe().removeprefix("已导入：").rstrip("。"))
    return result


def undo_last(session: Session) -> str:
    """撤销本次导入: undo the newest import that has not been undone."""
    last = batches.last_batch(session, BATCH_KINDS)
    if last is None:
        raise UserError("没有可以撤销的导入。")
    return batches.undo(session, last.id)


# --- customers -------------------------------------------------------------------------------

_CUSTOMER_DEFAULTS: dict[str, object] = {
    f.name: ("" if f.kind in ("text", "long_text", "choice") else None) for f in CUSTOMER_FIELDS
}
_CUSTOMER_DEFAULTS.update(management_class="常规", nature="普通公司", trade_stage="正在",
                          outstanding_amount=0, owner_id=None)  # fmt: skip
_CONTACT_DEFAULTS = {f.name: ("" if f.kind != "date" else None) for f in CONTACT_FIELDS}


def _codes(session: Session, plan: ImportPreview) -> Iterator[str]:
    """Codes for new files without one, from the store's counter, passing over any code the
    store or the file already uses; the counter is first moved past the file's own KH codes."""
    in_file = {str(p.values.get("code") or "").upper() for p in plan.creates}
    numbers = [int(c[2:]) for c in in_file if c.startswith(CODE_PREFIX) and c[2:].isdigit()]
    if numbers:
        numbering.keep_ahead(session, numbering.CUSTOMER_SERIES, None, max(numbers))
    in_store = set(
        session.scalars(select(Customer.code).where(Customer.code.like(f"{CODE_PREFIX}%")))
    )
    needed = sum(1 for p in plan.creates if not p.values.get("code"))
    while True:
        for number in numbering.take_numbers(
            session, numbering.CUSTOMER_SERIES, None, max(needed, 1)
        ):
            code = code_for(number)
            if code not in in_file and code not in in_store:
                yield code


def _write_customers(session: Session, batch: batches.Batch, plan: ImportPreview) -> None:
    now = datetime.now()
    stamp = {"created_at": now, "updated_at": now,
             "created_by_id": batch.row.staff_id, "updated_by_id": batch.row.staff_id}  # fmt: skip
    codes = _codes(session, plan) if any(not p.values.get("code") for p in plan.creates) else None
    customer_ids = batches.new_ids(session, "customers", len(plan.creates))
    contact_ids = iter(
        batches.new_ids(session, "contacts", sum(len(p.contacts) for p in plan.creates))
    )
    # Core insert rows: one value per column, of the column's type.
    customers: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    docs: list[dict[str, object]] = []
    for customer_id, planned in zip(customer_ids, plan.creates, strict=True):
        row: dict[str, Any] = {
            **_CUSTOMER_DEFAULTS,
            **stamp,
            "archived": False,
            "version": 1,
            **planned.values,
        }
        row["id"] = customer_id
        if not row["code"]:
            assert codes is not None, "codes are drawn when a new file has no code"
            row["code"] = next(codes)
        row["name_pinyin"] = pinyin_initials.sort_key(row["name"])
        row.update(match_keys.customer_keys(row["name"], row["phone"]))
        people: list[dict[str, Any]] = []
        for person in planned.contacts:
            contact: dict[str, Any] = {
                **_CONTACT_DEFAULTS, **stamp, **person,
                "id": next(contact_ids), "customer_id": customer_id,
            }  # fmt: skip
            contact.update(match_keys.contact_keys(contact["mobile"], contact["phone"]))
            people.append(contact)
        phones = [row["phone"], row["fax"]]
        phones += [p[k] for p in people for k in ("mobile", "phone")]
        doc = search.build_document(row["code"], row["name"], row["short_name"],
                                    [p["name"] for p in people], phones)  # fmt: skip
        row["search_text"] = doc
        docs.append({"id": customer_id, "doc": doc})
        customers.append(row)
        contacts.extend(people)
    for chunk in range(0, len(customers), 2000):
        session.execute(insert(table_of(Customer)), customers[chunk : chunk + 2000])
    for chunk in range(0, len(contacts), 4000):
        session.execute(insert(table_of(Contact)), contacts[chunk : chunk + 4000])
    search.insert_documents(session, docs)
    batch.note("customers", [c["id"] for c in customers], batches.CREATED)
    batch.note("contacts", [c["id"] for c in contacts], batches.CREATED)
    batch.audit_created("customers", customers)
    batch.audit_created("contacts", contacts)
    _update_customers(session, batch, plan.updates)


def _update_customers(session: Session, batch: batches.Batch, updates: list[Planned]) -> None:
    """Updates go through the ORM: few, and audited field by field by the listener."""
    touched: list[int] = []
    for planned in updates:
        assert planned.target_id is not None, "an update names the file it updates"
        customer = session.get_one(Customer, planned.target_id)
        before: dict[str, object] = {}
        for key, value in planned.values.items():
            if key != "code" and value not in (None, "") and getattr(customer, key) != value:
                before[key] = batches.plain(getattr(customer, key))
                setattr(customer, key, value)
        if "name" in before:
            before["name_pinyin"] = customer.name_pinyin
            customer.name_pinyin = pinyin_initials.sort_key(customer.name)
        if before:
            batch.note("customers", [customer.id], batches.UPDATED, [before])
        for contact_id, changes in planned.contact_updates:
            contact = session.get_one(Contact, contact_id)
            old = {k: batches.plain(getattr(contact, k)) for k in changes}
            for k, v in changes.items():
                setattr(contact, k, v)
            batch.note("contacts", [contact_id], batches.UPDATED, [old])
        added = [Contact(customer_id=customer.id, **person) for person in planned.contacts]
        session.add_all(added)
        session.flush()
        batch.note("contacts", [c.id for c in added], batches.CREATED)
        touched.append(customer.id)
    session.flush()
    search.reindex(session, touched)


# --- visits and complaints -------------------------------------------------------------------


def _write_visits(session: Session, batch: batches.Batch, plan: ImportPreview) -> None:
    now = datetime.now()
    ids = batches.new_ids(session, "visits", len(plan.creates))
    rows: list[dict[str, Any]] = []
    for visit_id, planned in zip(ids, plan.creates, strict=True):
        rows.append({"id": visit_id, "created_at": now, "updated_at": now,
                     "created_by_id": batch.row.staff_id, "updated_by_id": batch.row.staff_id,
                     "complaint_id": None, **planned.values})  # fmt: skip
    session.execute(insert(table_of(Visit)), rows)
    batch.note("visits", [r["id"] for r in rows], batches.CREATED)
    batch.audit_created("visits", rows)
    visit_plans.refresh_last_visits(session, {r["customer_id"] for r in rows})


def _write_cases(
    session: Session, batch: batches.Batch, planned_cases: list[Planned], desk: history.CaseDesk
) -> None:
    """Cases keep their numbers, and the year's counter is moved past them so the desk's own
    numbering continues after them; one without a number (or with the firm's own) gets the
    next number of its year from the counter. Each gets its 登记 step: at the received time,
    by the 首问责任人, to the status it comes in at."""

    # Written in the order they were received (cases received at the same moment in the order
    # of their numbers), so the ledger lists them as the desk did.
    def received(planned: Planned) -> tuple[datetime, str]:
        return cast(datetime, planned.values["received_at"]), cast(str, planned.values["number"])

    creates = sorted(planned_cases, key=received)
    own = [desk.pattern.match(cast(str, p.values["number"])) for p in creates]
    highest: dict[int, int] = {}
    unnumbered: dict[int, int] = {}  # year → how many need a number from the counter
    for planned, match in zip(creates, own, strict=True):
        if match:
            year, seq = int(match.group(1)), int(match.group(2))
            highest[year] = max(highest.get(year, 0), seq)
        else:
            year = cast(datetime, planned.values["received_at"]).year
            unnumbered[year] = unnumbered.get(year, 0) + 1
    for year, seq in highest.items():
        numbering.keep_ahead(session, desk.series, year, seq)
    counted = {
        year: iter(numbering.take_numbers(session, desk.series, year, count))
        for year, count in unnumbered.items()
    }
    cases = []
    for planned, match in zip(creates, own, strict=True):
        values: dict[str, Any] = dict(planned.values)
        if match:
            year, seq = int(match.group(1)), int(match.group(2))
        else:
            year = values["received_at"].year
            seq = next(counted[year])
        values["number"] = values["number"] or numbering.formatted(desk.prefix, year, seq)
        case = desk.model(year=year, seq=seq, **values)
        register: Any = desk.event_model(
            at=values["received_at"], actor_id=values["first_responsible_id"],
            kind=desk.register_event, to_status=values["status"],
            note=f"从 Excel 导入（{batch.row.source}）",
        )  # fmt: skip
        case.events.append(register)
        cases.append(case)
    session.add_all(cases)
    session.flush()  # once: the cases and their steps audited (and sealed) together
    batch.note(desk.model.__tablename__, [c.id for c in cases], batches.CREATED)
    events = [c.events[0].id for c in cases]
    batch.note(desk.event_model.__tablename__, events, batches.CREATED)


def _write_complaints(session: Session, batch: batches.Batch, plan: ImportPreview) -> None:
    _write_cases(session, batch, plan.creates, history.COMPLAINTS)


def _write_service_requests(session: Session, batch: batches.Batch, plan: ImportPreview) -> None:
    """Each request is linked to the customer's purchase of the unit (the purchase date the
    sheet gives is recorded when none is on file, as the registration form does) and its
    warranty worked out on the day received."""
    months = dict(session.execute(select(Product.id, Product.warranty_months)).all())
    recorded: dict[tuple, int] = {}
    # The preview stays as the user saw it; the requests are written from copies.
    creates = [replace(planned, values=dict(planned.values)) for planned in plan.creates]
    for planned in creates:
        values = planned.values
        purchased = cast(date | None, values.pop("purchased_on"))
        product_id = cast(int | None, values["product_id"])
        values["purchase_id"], values["warranty"] = None, "unknown"
        if product_id is None:
            continue
        customer_id, serial = cast(int, values["customer_id"]), cast(str, values["serial_no"])
        key = (customer_id, product_id, serial.upper())
        purchase = products.find_purchase(session, customer_id, product_id, serial)
        if purchase is None and key not in recorded and purchased is not None:
            recorded[key] = products.add_purchase(
                session, customer_id, product_id, serial, purchased,
                note=f"从 Excel 导入（{batch.row.source}）"[:200],
            )  # fmt: skip
            batch.note("purchases", [recorded[key]], batches.CREATED)
        if purchase is not None:
            values["purchase_id"], purchased = purchase.id, purchase.purchased_on
        elif key in recorded:
            values["purchase_id"] = recorded[key]
            purchased = session.get_one(Purchase, recorded[key]).purchased_on
        received = cast(datetime, values["received_at"]).date()
        values["warranty"] = products.warranty_status(purchased, months[product_id], received)
    _write_cases(session, batch, creates, history.SERVICE_REQUESTS)


# --- key accounts ----------------------------------------------------------------------------


def _write_key_accounts(session: Session, batch: batches.Batch, plan: ImportPreview) -> None:
    """A new key account gets its 大客户申请表 approved at once by the importing 主管 (the
    import is the approval) and its card, or its earlier delisted card reopened; a current one
    gets its level, manager or visit interval changed. Through the ORM, audited field by
    field, each card's earlier values kept for undoing."""
    now, operator = datetime.now(), batch.row.staff_id
    fields = ("level", "manager_id", "visit_interval_days", "active", "designated_on",
              "delisted_on", "delist_reason", "proposal_id")  # fmt: skip
    for planned in plan.creates:
        values: dict[str, Any] = planned.values
        proposal = KeyAccountProposal(
            customer_id=values["customer_id"], proposer_id=operator, proposed_at=now,
            reasons=f"从 Excel 导入（{batch.row.source}）",
            sales_12m=abc_classes.customer_sales(session, values["customer_id"]),
            status=designation.APPROVED, decided_by_id=operator, decided_at=now,
            decision_note="导入大客户名单即为审批。", level=values["level"],
            manager_id=values["manager_id"], visit_interval_days=values["visit_interval_days"],
        )  # fmt: skip
        session.add(proposal)
        session.flush()
        batch.note("key_account_proposals", [proposal.id], batches.CREATED)
        card = session.get(KeyAccount, planned.target_id) if planned.target_id else None
        before = {k: batches.plain(getattr(card, k)) for k in fields} if card else None
        if card is None:
            card = KeyAccount(customer_id=values["customer_id"])
            session.add(card)
        card.proposal_id, card.active = proposal.id, True
        card.delisted_on, card.delist_reason = None, ""
        for key in ("level", "manager_id", "visit_interval_days", "designated_on"):
            setattr(card, key, values[key])
        session.flush()
        if before is None:
            batch.note("key_accounts", [card.id], batches.CREATED)
        else:
            batch.note("key_accounts", [card.id], batches.UPDATED, [before])
    for planned in plan.updates:
        assert planned.target_id is not None, "an update names the card it updates"
        card = session.get_one(KeyAccount, planned.target_id)
        before = {k: batches.plain(getattr(card, k)) for k in planned.values}
        for key, value in planned.values.items():
            setattr(card, key, value)
        session.flush()
        batch.note("key_accounts", [card.id], batches.UPDATED, [before])
