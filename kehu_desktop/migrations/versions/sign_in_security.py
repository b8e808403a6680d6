"""sign-in protection and plan batches

Staff: failed sign-ins in a row, the time sign-in waits until, and whether the password must be
changed at the next sign-in. Visit plans: the batch 按频率生成计划 made them in, so it can be
undone as one.

Revision ID: sign_in_security
Revises: 0001
Create Date: 2026-12-01 22:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "sign_in_security"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("visit_plans") as batch:
        batch.add_column(sa.Column("batch", sa.String(length=32), nullable=True))
        batch.create_index(batch.f("ix_visit_plans_batch"), ["batch"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("visit_plans") as batch:
        batch.drop_index(batch.f("ix_visit_plans_batch"))
        batch.drop_column("batch")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("must_change_password")
        batch.drop_column("locked_until")
        batch.drop_column("failed_sign_ins")
