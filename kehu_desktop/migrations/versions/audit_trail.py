"""audit trail: hash chains on the audit log and complaint events, append-only triggers

Revision ID: audit_trail
Revises: import_batches
Create Date: 2026-12-01 22:50:00
"""

import sqlalchemy as sa
from alembic import op

from kehu_desktop.services.common import sealing

revision = "audit_trail"
down_revision = "import_batches"
branch_labels = None
depends_on = None

# The columns each hash covers, in order, as when this revision was written.
AUDIT_COLUMNS = ("id", "at", "staff_id", "action", "table_name", "record_id", "changes")
EVENT_COLUMNS = (
    "complaint_id",
    "at",
    "actor_id",
    "kind",
    "from_status",
    "to_status",
    "note",
    "handover_to_id",
    "handover_department",
)


def _table(name: str, columns: tuple[str, ...], hash_column: str) -> sa.Table:
    # ``at`` read as a datetime, exactly as the program hashes it.
    names = dict.fromkeys(("id", *columns, hash_column))
    return sa.table(name, *(sa.column(c, sa.DateTime() if c == "at" else None) for c in names))


def _seal_existing(
    name: str, columns: tuple[str, ...], hash_column: str, chain_key: str | None
) -> None:
    """Hash the rows already there, in id order; one chain, or one per ``chain_key`` value."""
    bind = op.get_bind()
    table = _table(name, columns, hash_column)
    latest: dict[object, str] = {}
    updates = []
    for row in bind.execute(sa.select(table).order_by(table.c.id)).mappings():
        key = row[chain_key] if chain_key else None
        latest[key] = sealing.seal(latest.get(key, ""), [row[c] for c in columns])
        updates.append({"row_id": row["id"], "hash": latest[key]})
    if updates:
        bind.execute(
            table.update()
            .where(table.c.id == sa.bindparam("row_id"))
            .values({hash_column: sa.bindparam("hash")}),
            updates,
        )


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("entry_hash", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("chain_hash", sa.String(length=64), nullable=False, server_default="")
        )
    _seal_existing("audit_log", AUDIT_COLUMNS, "entry_hash", None)
    _seal_existing("complaint_events", EVENT_COLUMNS, "chain_hash", "complaint_id")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("entry_hash", server_default=None)
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.alter_column("chain_hash", server_default=None)
    sealing.install_triggers(op.get_bind())


def downgrade() -> None:
    sealing.drop_triggers(op.get_bind())
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_column("chain_hash")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("entry_hash")
