"""service event kinds up to 20 characters

A factory reply is recorded as the event kind ``feedback_reply`` (14 characters): SQLite kept it
in the 12-character column, PostgreSQL refused it and with it the reply.

Revision ID: service_event_kinds
Revises: service_kpi_index
Create Date: 2026-12-02 01:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "service_event_kinds"
down_revision = "earlier_demo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_events") as batch:
        batch.alter_column(
            "kind", existing_type=sa.String(12), type_=sa.String(20), existing_nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("service_events") as batch:
        batch.alter_column(
            "kind", existing_type=sa.String(20), type_=sa.String(12), existing_nullable=False
        )
