"""Several desks at once: each one its own connection to the store, as on separate PCs."""

from __future__ import annotations

from kehu_desktop.services.common.database import Database
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.operators import operator_by_id
from kehu_desktop.services.complaints import registration
from kehu_desktop.services.complaints.registration import RegistrationInput
from kehu_desktop.services.customers import customer_files


def register_and_create(url: str, operator_id: int, customer_id: int, count: int) -> list[str]:
    """Register ``count`` complaints and create ``count`` customers (codes left to the store),
    one save each, on a connection of its own; returns the refusals (none expected)."""
    database = Database(url)
    refusals = []
    try:
        with database.reader() as session:
            operator = operator_by_id(session, operator_id)
        for index in range(count):
            try:
                with database.session(operator_id) as session:
                    data = RegistrationInput(customer_id=customer_id, description="外观划伤")
                    registration.register(session, operator, data)
                with database.session(operator_id) as session:
                    customer = customer_files.new_input(session)
                    customer.values["name"] = f"并发客户{operator_id}-{index}"
                    customer_files.save(session, customer)
            except UserError as error:
                refusals.append(str(error))
    finally:
        database.dispose()
    return refusals
