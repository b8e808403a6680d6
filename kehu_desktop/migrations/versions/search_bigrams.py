"""PostgreSQL search tokens with character pairs and digit triples

The server's search tokens gain every pair of adjacent Chinese characters and every three
digits in a row, so that two-character and phone-fragment searches stop at their first
screenful of matches, and an index on the customer, so that keeping a customer's tokens no
longer reads the whole token table. The old tokens are dropped here; opening the store makes
and fills the new ones (kehu_desktop/services/customers/search.py). SQLite keeps its FTS5
tables: nothing changes there.

Revision ID: search_bigrams
Revises: service_event_kinds
Create Date: 2026-12-02 02:05:00
"""

from alembic import op

revision = "search_bigrams"
down_revision = "service_event_kinds"
branch_labels = None
depends_on = None

OLD_TOKENS = (
    "DROP TRIGGER IF EXISTS search_tokens_refresh ON customers",
    "DROP TABLE IF EXISTS search_tokens",
    "DROP FUNCTION IF EXISTS search_tokens_refresh()",
    "DROP FUNCTION IF EXISTS search_tokens_of(text)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in OLD_TOKENS:
            op.execute(statement)


def downgrade() -> None:
    upgrade()  # the older program makes its own tokens again when it opens the store
