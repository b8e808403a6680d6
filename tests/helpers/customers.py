"""Making customers in tests through the same service the dialog uses."""

from __future__ import annotations

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.customers import customer_files


def make_customer(
    context: DeskContext, name: str, contacts: list[dict[str, str]] | None = None, **values: str
) -> int:
    with context.session() as session:
        data = customer_files.new_input(session)
        data.values.update(name=name, **values)
        data.contacts = contacts or []
        return customer_files.save(session, data)
