"""import batches: what each import, merge or demo load touched, for undo and the audit trail

Revision ID: import_batches
Revises: postgres_ready
"""

import sqlalchemy as sa
from alembic import op

revision = "import_batches"
down_revision = "postgres_ready"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=260), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_import_batches_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_kind"), ["kind"], unique=False)
    op.create_table(
        "import_batch_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_import_batch_records_batch_id_import_batches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch_records")),
    )
    with op.batch_alter_table("import_batch_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batch_records_batch_id"), ["batch_id"], unique=False
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_batch_id"), ["batch_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_batch_id_import_batches"),
            "import_batches",
            ["batch_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_log_batch_id_import_batches"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_log_batch_id"))
        batch_op.drop_column("batch_id")
    with op.batch_alter_table("import_batch_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_records_batch_id"))
    op.drop_table("import_batch_records")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_kind"))
    op.drop_table("import_batches")
