"""PostgreSQL: the audit log and the complaint events refuse TRUNCATE too

Their row triggers refuse UPDATE and DELETE, but TRUNCATE empties a table without touching a
row, so no row trigger sees it. A statement trigger per table now refuses it as well. SQLite
has no TRUNCATE: nothing changes there.

Revision ID: truncate_guard
Revises: search_bigrams
Create Date: 2026-12-02 05:45:00
"""

from alembic import op

revision = "truncate_guard"
down_revision = "search_bigrams"
branch_labels = None
depends_on = None

TABLES = ("audit_log", "complaint_events")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION kehu_refuse_change()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
