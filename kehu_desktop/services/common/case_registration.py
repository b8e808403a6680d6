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
from kehu_desktop.services.common import first_responsible
from kehu_desktop.services.common.errors import UserError


class CaseRegistration(Protocol):
    """The fields every desk's registration form has."""

    customer_id: int | None
    channel: str
    received_at: datetime | None
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


def refuse_fixed_changes(
    received_at: datetime, first_responsible_id: int, data: CaseRegistration
) -> None:
    """A correction keeps the case's received time and 首问责任人 (``data`` may leave them
    None: unchanged)."""
    first_responsible.refuse_change(first_responsible_id, data.first_responsible_id)
    if data.received_at is not None and data.received_at != received_at:
        raise UserError("受理时间登记后不能更改。")


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
