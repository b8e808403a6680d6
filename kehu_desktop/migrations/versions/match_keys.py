"""客户查重 keys on customers and contacts (the name's core and place, the phones' digits),
indexed with the credit code so a scan groups them from the indexes

Revision ID: match_keys
Revises: service_kpi_index

The keys of the rows already in the store are worked out by the same functions the program
uses when it saves a customer (services/customers/match_keys.py), so a scan right after the
upgrade finds what it found before it.
"""

import sqlalchemy as sa
from alembic import op

from kehu_desktop.services.customers.match_keys import contact_keys, customer_keys

revision = "match_keys"
down_revision = "service_kpi_index"
branch_labels = None
depends_on = None

_CHUNK = 5000


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("match_name", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("match_place", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("match_phone", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_customers_match_name"), ["match_name", "match_place"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_customers_match_phone"), ["match_phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_customers_credit_code"), ["credit_code"], unique=False)
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("match_mobile", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("match_phone", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_contacts_match_mobile"), ["match_mobile", "customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contacts_match_phone"), ["match_phone", "customer_id"], unique=False
        )
    _fill()


def _fill() -> None:
    connection = op.get_bind()
    customers = sa.table(
        "customers", sa.column("id"), sa.column("name"), sa.column("phone"),
        sa.column("match_name"), sa.column("match_place"), sa.column("match_phone"),
    )  # fmt: skip
    contacts = sa.table(
        "contacts", sa.column("id"), sa.column("mobile"), sa.column("phone"),
        sa.column("match_mobile"), sa.column("match_phone"),
    )  # fmt: skip
    rows = [
        {"key": i, **customer_keys(name or "", phone or "")}
        for i, name, phone in connection.execute(
            sa.select(customers.c.id, customers.c.name, customers.c.phone)
        )
    ]
    for start in range(0, len(rows), _CHUNK):
        connection.execute(
            customers.update()
            .where(customers.c.id == sa.bindparam("key"))
            .values(
                match_name=sa.bindparam("match_name"),
                match_place=sa.bindparam("match_place"),
                match_phone=sa.bindparam("match_phone"),
            ),
            rows[start : start + _CHUNK],
        )
    rows = [
        {"key": i, **contact_keys(mobile or "", phone or "")}
        for i, mobile, phone in connection.execute(
            sa.select(contacts.c.id, contacts.c.mobile, contacts.c.phone)
        )
    ]
    for start in range(0, len(rows), _CHUNK):
        connection.execute(
            contacts.update()
            .where(contacts.c.id == sa.bindparam("key"))
            .values(
                match_mobile=sa.bindparam("match_mobile"),
                match_phone=sa.bindparam("match_phone"),
            ),
            rows[start : start + _CHUNK],
        )


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite ≥ 3.35): a batch copy of customers cannot drop the old table
    # while contacts, visits and the rest refer to it.
    op.drop_index(op.f("ix_contacts_match_phone"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_match_mobile"), table_name="contacts")
    op.drop_column("contacts", "match_phone")
    op.drop_column("contacts", "match_mobile")
    op.drop_index(op.f("ix_customers_credit_code"), table_name="customers")
    op.drop_index(op.f("ix_customers_match_phone"), table_name="customers")
    op.drop_index(op.f("ix_customers_match_name"), table_name="customers")
    op.drop_column("customers", "match_phone")
    op.drop_column("customers", "match_place")
    op.drop_column("customers", "match_name")
