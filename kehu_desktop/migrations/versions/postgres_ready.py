"""audit entries name a record by a text key where its key is not a number

A setting's key is text ("firm.name"); SQLite took it into the integer ``record_id`` column,
PostgreSQL refused it, so no setting could be saved there. Entries for such records keep
``record_id`` empty and the key in ``record_key``.

Revision ID: postgres_ready
Revises: record_versions
Create Date: 2026-12-01 22:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "postgres_ready"
down_revision = "record_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_key", sa.String(length=60), nullable=True))
    # Entries SQLite already holds with a text key in record_id move to record_key.
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "UPDATE audit_log SET record_key = record_id, record_id = NULL "
            "WHERE typeof(record_id) = 'text'"
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("record_key")
