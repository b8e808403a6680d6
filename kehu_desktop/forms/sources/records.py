"""Finding a record from what a user knows of it: the number printed on its form (typed, or
scanned from the form's QR code), a customer code, or the record id.

Every printed number names its record: TS-2026-0027 a complaint, SH-2026-0001 a service
request, FK-2026-0001 a feedback to the factory, FW-000123 a visit, MY-000012 a
survey, XY-000007 a credit evaluation, SQ-000003 a key-account proposal, DK-KH000123 a key
account, KH000123 (any customer code) a customer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kehu_desktop.forms.sources import service_desk
from kehu_desktop.models import (
    Complaint,
    CreditEvaluation,
    Customer,
    FactoryFeedback,
    KeyAccount,
    KeyAccountProposal,
    SatisfactionSurvey,
    Visit,
)
from kehu_desktop.services.common.errors import NotFoundError
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.key_accounts import credit, designation, satisfaction

VISIT_PREFIX = "FW"
_SERIAL = re.compile(r"^([A-Z]{2})-(\d{1,9})$")


@dataclass(frozen=True)
class RecordKind:
    """A kind of record a form prints: what it is called, how to name one, how to find it."""

    name: str
    label: str
    hint: str
    find: Callable[[Session, str], int | None]
    describe: Callable[[Session, int], str]


def _customer_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Customer.id).where(func.upper(Customer.code) == code))


def _serial(
    prefix: str, id_column: InstrumentedAttribute[int]
) -> Callable[[Session, str], int | None]:
    """Finds ``PREFIX-000123`` by its id (``id_column``: the id of the records numbered so)."""

    def find(session: Session, text: str) -> int | None:
        match = _SERIAL.match(text)
        if match is None or match.group(1) != prefix:
            return None
        return session.scalar(select(id_column).where(id_column == int(match.group(2))))

    return find


def _service_desk_kind(kind: str, label: str, hint: str) -> RecordKind:
    """A service request or factory feedback, found and named by its number."""

    def find(session: Session, text: str) -> int | None:
        return service_desk.find(session, kind, text)

    def describe(session: Session, record_id: int) -> str:
        return service_desk.describe(session, kind, record_id)

    return RecordKind(kind, label, hint, find, describe)


def _find_key_account(session: Session, text: str) -> int | None:
    for code in dict.fromkeys((text, text.partition("-")[2] if text.startswith("DK-") else "")):
        customer_id = _customer_id(session, code) if code else None
        if customer_id is not None:
            found = session.scalar(
                select(KeyAccount.id).where(KeyAccount.customer_id == customer_id)
            )
            if found is None:
                raise NotFoundError(f"客户 {code} 不是大客户，没有大客户管理卡。")
            return found
    return None


def _describe_visit(session: Session, record_id: int) -> str:
    visit = session.get(Visit, record_id)
    return f"{visit.customer.name} {visit.visited_at:%Y-%m-%d}" if visit else ""


def _describe_complaint(session: Session, record_id: int) -> str:
    complaint = session.get(Complaint, record_id)
    return complaint.number if complaint else ""


def _describe_key_account(session: Session, record_id: int) -> str:
    account = session.get(KeyAccount, record_id)
    return account.customer.name if account else ""


def _numbered(prefix: str, model: type, what: str) -> Callable[[Session, int], str]:
    def describe(session: Session, record_id: int) -> str:
        row = session.get(model, record_id)
        return f"{what} {prefix}-{record_id:06d}" if row is not None else ""

    return describe


RECORD_KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind(
            "complaint", "投诉", "请输入投诉编号（如 TS-2026-0027）或记录 ID。",
            lambda s, t: s.scalar(select(Complaint.id).where(func.upper(Complaint.number) == t)),
            _describe_complaint,
        ),
        RecordKind(
            "customer", "客户", "请输入客户编号（如 KH000123）或记录 ID。",
            _customer_id, customer_files.customer_label,
        ),
        RecordKind(
            "key_account", "大客户", "请输入大客户的客户编号（如 KH000123）或记录 ID。",
            _find_key_account, _describe_key_account,
        ),
        RecordKind(
            "visit", "拜访记录", "请输入访问记录编号（如 FW-000123）或记录 ID。",
            _serial(VISIT_PREFIX, Visit.id), _describe_visit,
        ),
        RecordKind(
            "survey", "满意度调查", "请输入调查编号（如 MY-000012）或记录 ID。",
            _serial(satisfaction.NUMBER_PREFIX, SatisfactionSurvey.id),
            _numbered(satisfaction.NUMBER_PREFIX, SatisfactionSurvey, "满意度调查"),
        ),
        RecordKind(
            "credit", "信用评定", "请输入信用评定编号（如 XY-000007）或记录 ID。",
            _serial(credit.NUMBER_PREFIX, CreditEvaluation.id),
            _numbered(credit.NUMBER_PREFIX, CreditEvaluation, "信用评定"),
        ),
        RecordKind(
            "proposal", "大客户申请", "请输入申请编号（如 SQ-000003）或记录 ID。",
            _serial(designation.NUMBER_PREFIX, KeyAccountProposal.id),
            _numbered(designation.NUMBER_PREFIX, KeyAccountProposal, "大客户申请"),
        ),
        *(
            _service_desk_kind(kind, label, hint)
            for kind, (label, hint) in service_desk.REFERENCES.items()
        ),
    )
}  # fmt: skip


def describe_record(session: Session, kind: str, record_id: int) -> str:
    """A short name for a record the print dialog was opened on, e.g. ``TS-2026-0001``."""
    found = RECORD_KINDS.get(kind)
    return found.describe(session, record_id) if found is not None else ""


def find_record(session: Session, kind: str, reference: str) -> int:
    """The id of the record of ``kind`` a user names as they know it: its printed number
    (TS-2026-0027, MY-000012), a customer code for customer and key-account forms (the card's
    printed number DK-KH000123 too), or the internal record id."""
    text = reference.strip().upper()
    if text.isdigit():
        return int(text)
    found_kind = RECORD_KINDS.get(kind)
    found = found_kind.find(session, text) if found_kind is not None else None
    if found is None:
        what, hint = (
            (found_kind.label, found_kind.hint)
            if found_kind is not None
            else ("记录", "此表单按期间打印，请给出月份或日期。")
        )
        raise NotFoundError(f"找不到{what}“{reference.strip()}”。{hint}")
    return found


def locate(session: Session, number: str) -> tuple[str, int] | None:
    """The (kind, id) of the record whose printed number is ``number`` (typed or scanned from
    a form's QR code), or None when it names none."""
    text = number.strip().upper()
    if not text or text.isdigit():
        return None
    for kind in RECORD_KINDS.values():
        try:
            found = kind.find(session, text)
        except NotFoundError:
            continue
        if found is not None:
            return kind.name, found
    return None


def record_to_open(session: Session, number: str) -> tuple[str, int] | None:
    """What the window opens for a printed number: a complaint, a visit or a key account
    card as such; a survey, credit evaluation or proposal as its customer's key account card
    (or the customer file, when the customer is not a key account). None for anything else,
    customer codes included: the customer search finds those itself."""
    found = locate(session, number)
    if found is None or found[0] == "customer":
        return None
    kind, record_id = found
    if kind == "service_feedback":  # a feedback is shown on the request it came from
        request_id = session.get_one(FactoryFeedback, record_id).request_id
        return ("service_request", request_id) if request_id is not None else None
    owners = {
        "survey": select(SatisfactionSurvey.customer_id).where(SatisfactionSurvey.id == record_id),
        "credit": select(CreditEvaluation.customer_id).where(CreditEvaluation.id == record_id),
        "proposal": select(KeyAccountProposal.customer_id).where(
            KeyAccountProposal.id == record_id
        ),
    }
    if kind not in owners:
        return found
    customer_id = session.execute(owners[kind]).scalar_one()
    account = session.scalar(select(KeyAccount.id).where(KeyAccount.customer_id == customer_id))
    return ("key_account", account) if account is not None else ("customer", customer_id)
