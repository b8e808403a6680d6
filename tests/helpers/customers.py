"""Making customers in tests through the same service the dialog uses."""

from __future__ import annotations

from kehu_desktop.services import customers
from kehu_desktop.services.context import DeskContext


def make_customer(
    context: DeskContext, name: str, contacts: list[dict[str, str]] | None = None, **values: str
) -> int:
    with context.session() as session:
        data = customers.new_input(session)
        data.values.update(name=name, **values)
        data.contacts = contacts or []
        return customers.save(session, data)
