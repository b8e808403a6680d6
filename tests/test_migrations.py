"""The schema the migrations build is the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from kehu_desktop.models import Base
from kehu_desktop.services.common.database import head_revision, open_database
from kehu_desktop.services.customers.search import include_object


def test_empty_database_upgraded_to_head_matches_models(database):
    assert database.current_revision() == head_revision()
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_known_head_matches_the_scripts():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from kehu_desktop.services.common.database import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == head_revision()


def test_sqlite_is_opened_safely(database):
    with database.engine.connect() as connection:
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
        assert connection.scalar(text("PRAGMA synchronous")) == 2  # FULL
        assert connection.scalar(text("PRAGMA busy_timeout")) >= 1000


def test_reopening_a_current_store_makes_no_copy(data_dir):
    open_database(data_dir).dispose()
    open_database(data_dir).dispose()
    assert not (data_dir / "backups").exists()


def test_an_older_store_is_copied_before_upgrading(data_dir):
    database = open_database(data_dir)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    database.dispose()
    # An unknown older revision cannot be upgraded, but the copy must exist before trying.
    try:
        open_database(data_dir)
    except Exception:
        pass
    copies = list((data_dir / "backups").glob("kehu-*.sqlite3"))
    assert len(copies) == 1
    assert "customers" in inspect(open_copy(copies[0])).get_table_names()


def open_copy(path):
    from sqlalchemy import create_engine

    return create_engine(f"sqlite:///{path}")


def test_a_store_at_the_previous_head_upgrades_to_the_service_desk_with_its_data(context, data_dir):
    """Saved at the revision before the after-sales desk, the store gains its tables and keeps
    every customer and complaint."""
    from alembic import command
    from alembic.config import Config

    from kehu_desktop.services.common.database import MIGRATIONS_DIR
    from tests.helpers.complaints import register
    from tests.helpers.customers import make_customer

    customer = make_customer(context, "华达电子")
    complaint = register(context, customer)
    database = context.database
    previous = "sign_in_security"  # the service_desk revision's down_revision
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, previous)
    assert database.current_revision() == previous
    assert "service_requests" not in inspect(database.engine).get_table_names()
    database.dispose()

    upgraded = open_database(data_dir)
    try:
        assert upgraded.current_revision() == head_revision() == "service_desk"
        tables = inspect(upgraded.engine).get_table_names()
        assert {"service_requests", "repair_orders", "attachments", "products"} <= set(tables)
        with upgraded.reader() as session:
            assert session.scalar(text("SELECT name FROM customers")) == "华达电子"
            number = session.scalar(text(f"SELECT number FROM complaints WHERE id = {complaint}"))
            assert number.startswith("TS-")
        assert list((data_dir / "backups").glob("*before-service_desk*"))
    finally:
        upgraded.dispose()
