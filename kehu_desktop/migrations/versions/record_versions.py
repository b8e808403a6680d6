"""record versions and counters

Every record a user edits gets a version (customers had one already), settings get who and
when they were changed, and numbers and codes come from counter rows seeded from the data.

Revision ID: record_versions
Revises: sign_in_security
Create Date: 2026-12-01 22:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "record_versions"
down_revision = "sign_in_security"
branch_labels = None
depends_on = None

VERSIONED_TABLES = ("complaints", "visits", "visit_plans", "key_accounts", "countermeasures",
                    "satisfaction_surveys", "staff", "settings")  # fmt: skip
CODE_PREFIX = "KH"


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("settings") as batch:
        for name in ("created_at", "updated_at"):
            batch.add_column(
                sa.Column(
                    name, sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()
                )
            )
        for name in ("created_by_id", "updated_by_id"):
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_settings_{name}_staff", "staff", [name], ["id"])
    counters = op.create_table(
        "counters",
        sa.Column("series", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_counters")),
    )
    _seed(op.get_bind(), counters)


def _seed(connection: sa.Connection, counters: sa.Table) -> None:
    """Each counter starts at the highest number already used, so the next one follows it."""
    complaints = sa.table("complaints", sa.column("year"), sa.column("seq"))
    rows = [
        {"series": "complaint", "year": year, "value": highest}
        for year, highest in connection.execute(
            sa.select(complaints.c.year, sa.func.max(complaints.c.seq)).group_by(complaints.c.year)
        )
    ]
    customers = sa.table("customers", sa.column("code"))
    digits = (
        code[len(CODE_PREFIX) :]
        for code in connection.scalars(
            sa.select(customers.c.code).where(customers.c.code.like(f"{CODE_PREFIX}______"))
        )
    )
    highest_code = max((int(d) for d in digits if d.isdigit()), default=0)
    rows.append({"series": "customer", "year": 0, "value": highest_code})
    connection.execute(counters.insert(), rows)


def downgrade() -> None:
    op.drop_table("counters")
    with op.batch_alter_table("settings") as batch:
        for name in ("created_by_id", "updated_by_id"):
            batch.drop_constraint(f"fk_settings_{name}_staff", type_="foreignkey")
            batch.drop_column(name)
        batch.drop_column("updated_at")
        batch.drop_column("created_at")
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
