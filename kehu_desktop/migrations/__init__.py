"""Alembic migrations of the store."""

# The newest revision, known without loading Alembic so that a normal start-up (nothing to
# upgrade) stays quick. tests/test_migrations.py checks it against the scripts.
SCHEMA_HEAD = "truncate_guard"
