"""What every case desk checks when a case — a complaint, a service request — is registered
or its registration corrected: a customer chosen, a channel from the desk's list, a received
time not in the future, an active 首问责任人; once registered, the received time and the
首问责任人 stay as they were, and the fields changed are named in the case's history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from kehu_desktop.models import Customer
from kehu_desktop.services.common import first_responsible, numbering
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.operators import Operator


class CaseRegistration(Protocol):
    """The fields every desk's registration form has."""

    customer_id: int | None
    channel: str
    received_at: datetime | None
    contact_name: str
    contact_phone: str
    first_responsible_id: int | None


def registration_errors(
    session: Session,
    data: CaseRegistration,
    *,
    channels: Sequence[str],
    no_customer: str,
    desk_errors: Mapping[str, str],
) -> dict[str, str]:
    """The problems with ``data``, field by field in the form's order: the customer (``no_customer``
    when none is chosen) and the channel, then the desk's own fields' ``desk_errors``, then the
    received time and the 首问责任人."""
    errors: dict[str, str] = {}
    if data.customer_id is None or session.get(Customer, data.customer_id) is None:
        errors["customer_id"] = no_customer
    if data.channel not in channels:
        errors["channel"] = f"受理渠道应为 {'/'.join(channels)} 之一。"
    errors.update(desk_errors)
    if data.received_at is not None and data.received_at > datetime.now():
        errors["received_at"] = "受理时间不能晚于现在。"
    errors.update(first_responsible.registration_errors(session, data.first_responsible_id))
    return errors


def opening_fields(
    session: Session,
    operator: Operator,
    data: CaseRegistration,
    received: datetime,
    *,
    series: str,
    prefix: str,
    status: str,
) -> dict[str, Any]:
    """The columns every new case starts with: the next gap-free number of ``series`` in the
    year received (printed ``prefix``-YYYY-NNNN), who called and how, the 首问责任人 (also
    its first handler) and the desk's first ``status``."""
    year = received.year
    seq = numbering.next_number(session, series, year)
    responsible = first_responsible.at_registration(operator, data.first_responsible_id)
    return {
        "number": numbering.formatted(prefix, year, seq), "year": year, "seq": seq,
        "received_at": received, "channel": data.channel, "customer_id": data.customer_id,
        "contact_name": data.contact_name.strip(), "contact_phone": data.contact_phone.strip(),
        "first_responsible_id": responsible, "handler_id": responsible, "status": status,
    }  # fmt: skip


def correction_note(changed: Sequence[str]) -> str:
    """The history line of a corrected registration, naming the fields changed."""
    return "修改：" + "、".join(changed)


def refuse_fixed_changes(
    received_at: datetime, first_responsible_id: int, data: CaseRegistration
) -> None:
    """A correction keeps the case's received time and 首问责任人 (``data`` may leave them
    None: unchanged)."""
    first_responsible.refuse_change(first_responsible_id, data.first_responsible_id)
    if data.received_at is not None and data.received_at != received_at:
        raise UserError("受理时间登记后不能更改。")


def as_registered(case: Any, editable: Mapping[str, str]) -> dict[str, Any]:
    """The registration of ``case`` as its form is filled for a correction: the received
    time and 首问责任人 (shown, not changed) and the ``editable`` fields."""
    return {
        "received_at": case.received_at,
        "first_responsible_id": case.first_responsible_id,
        **{name: getattr(case, name) for name in editable},
    }


def apply_correction(case: Any, data: object, editable: Mapping[str, str]) -> list[str]:
    """Copy the ``editable`` fields (name → label) that ``data`` changes onto ``case``, text
    trimmed; returns the labels of those changed, for the history entry's note."""
    changed = []
    for name, label in editable.items():
        value = getattr(data, name)
        value = value.strip() if isinstance(value, str) else value
        if value != getattr(case, name):
            setattr(case, name, value)
            changed.append(label)
    return changed
