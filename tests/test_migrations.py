"""The schema the migrations build is the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

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


@pytest.mark.sqlite_only(reason="SQLite pragmas")
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


def test_a_store_saved_before_record_versions_upgrades_with_its_data(tmp_path):
    """A 0001 store with customers, complaints and a setting: after the upgrade the data is
    intact, every record is at version 1 and the counters follow the numbers in use."""
    from alembic import command
    from alembic.config import Config

    from kehu_desktop.services.common.database import MIGRATIONS_DIR, Database
    from kehu_desktop.services.common.settings import FIRM_NAME

    database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        now = "'2026-11-01 09:00:00'"
        connection.execute(text(
            "INSERT INTO staff (id, username, name, role, department, phone, password_hash,"
            f" active, created_at, updated_at) VALUES (1, 'admin', '管理员', '管理员', '', '',"
            f" '', 1, {now}, {now})"
        ))  # fmt: skip
        for number, code in ((1, "KH000007"), (2, "KH000041"), (3, "VIP-1")):
            connection.execute(text(
                "INSERT INTO customers (id, code, name, name_pinyin, short_name, address,"
                " province, city, postcode, phone, fax, email, credit_code, bank_name,"
                " bank_account, tax_no, category, scale, management_class, nature, trade_stage,"
                " abc_class, contract_performance, payment_record, credit_rating,"
                " outstanding_amount, market_coverage, transport_mode, delivery_address,"
                " product_mix, notes, archived, version, search_text, created_at, updated_at)"
                f" VALUES ({number}, '{code}', '客户{number}', '', '', '', '', '', '', '', '',"
                " '', '', '', '', '', '', '', '常规', '普通公司', '正在', '', '', '', '', 0, '',"
                f" '', '', '', '', 0, 3, '', {now}, {now})"
            ))  # fmt: skip
        for year, seq in ((2025, 12), (2026, 1), (2026, 2)):
            connection.execute(text(
                "INSERT INTO complaints (number, year, seq, received_at, channel, customer_id,"
                " contact_name, contact_phone, product, batch_no, order_no, category, severity,"
                " description, demand, first_responsible_id, deadline, status, escalated,"
                " department, cause, measures, department_opinion, result, return_quantity,"
                " return_amount, exchange_quantity, exchange_amount, claim_amount, reply,"
                " satisfaction, unreachable_reason, cancel_reason, created_at, updated_at)"
                f" VALUES ('TS-{year}-{seq:04d}', {year}, {seq}, {now}, '电话', 1, '', '', '',"
                " '', '', '产品质量', '一般', '划伤', '', 1, '2026-11-05', '登记', 0, '', '', '',"
                f" '', '', 0, 0, 0, 0, 0, '', '', '', '', {now}, {now})"
            ))  # fmt: skip
        connection.execute(text("INSERT INTO settings VALUES ('firm.name', '\"华达\"')"))
    database.upgrade()

    assert database.current_revision() == head_revision()
    with database.reader() as session:
        assert FIRM_NAME.get(session) == "华达"
        assert session.scalar(text("SELECT version FROM settings")) == 1
        assert session.scalar(text("SELECT version FROM customers WHERE id = 1")) == 3
        assert session.scalar(text("SELECT count(*) FROM complaints WHERE version = 1")) == 3
        counters = session.execute(text("SELECT series, year, value FROM counters")).all()
    assert sorted(counters) == [
        ("complaint", 2025, 12),
        ("complaint", 2026, 2),
        ("customer", 0, 41),
    ]
    database.dispose()


def _downgrade(database, revision: str) -> None:
    """Take ``database`` back to ``revision``, as a store saved by an older release."""
    from alembic import command
    from alembic.config import Config

    from kehu_desktop.services.common.database import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    assert database.current_revision() == revision
    database.dispose()


def _copied_before_upgrading(data_dir, database, revision: str) -> bool:
    """SQLite: a checked copy of the file was kept before migrating to ``revision``.
    PostgreSQL migrates in one transaction, rolled back on failure, and keeps no copy."""
    if not database.is_sqlite:
        return True
    return bool(list((data_dir / "backups").glob(f"*before-{head_revision()}-from-{revision}*")))


def test_a_store_at_the_revision_before_the_service_desk_upgrades_with_its_data(context, data_dir):
    """Saved at the revision before the after-sales desk, the store gains its tables and keeps
    every customer and complaint."""
    from tests.helpers.complaints import register
    from tests.helpers.customers import make_customer

    customer = make_customer(context, "华达电子")
    complaint = register(context, customer)
    _downgrade(context.database, "audit_trail")  # the service_desk revision's down_revision
    assert "service_requests" not in inspect(context.database.engine).get_table_names()

    upgraded = open_database(data_dir)
    try:
        assert upgraded.current_revision() == head_revision()
        tables = inspect(upgraded.engine).get_table_names()
        assert {"service_requests", "repair_orders", "attachments", "products"} <= set(tables)
        with upgraded.reader() as session:
            assert session.scalar(text("SELECT name FROM customers")) == "华达电子"
            number = session.scalar(text(f"SELECT number FROM complaints WHERE id = {complaint}"))
            assert number.startswith("TS-")
        assert _copied_before_upgrading(data_dir, upgraded, "audit_trail")
    finally:
        upgraded.dispose()


def test_a_store_at_the_service_desk_revision_upgrades_to_the_period_index_with_its_data(
    context, data_dir
):
    """Saved at the service_desk revision with a closed request, the store gains the index
    the KPI report reads a period from, keeps the request, and reports the same figures."""
    from datetime import date, datetime, timedelta

    from alembic import command
    from alembic.config import Config

    from kehu_desktop.services.common.database import MIGRATIONS_DIR
    from kehu_desktop.services.service_desk import service_kpis
    from kehu_desktop.services.service_desk.lifecycle import Status
    from tests.helpers.customers import make_customer
    from tests.helpers.service_desk import advance, make_product, register

    customer = make_customer(context, "华达电子")
    product = make_product(context)
    received = datetime.now() - timedelta(days=3)
    request = register(context, customer, product_id=product, received_at=received)
    advance(context, request, Status.CLOSED, start=received)
    database = context.database

    def report() -> list[tuple]:
        with database.reader() as session:
            kpis = service_kpis.compute(session, date.today() - timedelta(days=30), date.today())
        return service_kpis.report_rows(kpis)

    before = report()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "service_desk")
    indexes = {i["name"] for i in inspect(database.engine).get_indexes("service_requests")}
    assert "ix_service_requests_period" not in indexes
    assert "ix_service_requests_received_customer" in indexes
    database.dispose()

    upgraded = open_database(data_dir)
    try:
        assert upgraded.current_revision() == head_revision()
        indexes = {i["name"] for i in inspect(upgraded.engine).get_indexes("service_requests")}
        assert "ix_service_requests_period" in indexes
        assert "ix_service_requests_received_customer" not in indexes
        with upgraded.reader() as session:
            number, status = session.execute(
                text(f"SELECT number, status FROM service_requests WHERE id = {request}")
            ).one()
            assert number.startswith("SH-") and status == "closed"
            assert session.scalar(text("SELECT count(*) FROM repair_orders")) == 1
        database = upgraded
        after = report()
        assert after == before and after[0][1] == 1  # the one request, figures unchanged
    finally:
        upgraded.dispose()


def test_a_store_before_the_match_keys_upgrades_with_the_keys_filled(context, data_dir):
    """Saved before 客户查重's keys were stored, the store gains them, worked out for every
    customer and contact already there, and a scan finds the same duplicates as before."""
    from alembic import command
    from alembic.config import Config

    from kehu_desktop.services.common.database import MIGRATIONS_DIR
    from kehu_desktop.services.customers import duplicates
    from tests.helpers.customers import make_customer

    first = make_customer(context, "深圳市华达电子有限公司", phone="0755-8888 9999")
    second = make_customer(
        context, "华达电子（深圳）有限公司", [{"name": "张三", "mobile": "138 1234 5678"}]
    )
    third = make_customer(context, "宏泰五金", [{"name": "李四", "mobile": "+86 13812345678"}])
    database = context.database
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "service_kpi_index")
    columns = {c["name"] for c in inspect(database.engine).get_columns("customers")}
    assert "match_name" not in columns
    database.dispose()

    upgraded = open_database(data_dir)
    try:
        assert upgraded.current_revision() == head_revision()
        with upgraded.reader() as session:
            keys = session.execute(
                text("SELECT id, name, match_name, match_place, match_phone FROM customers")
            ).all()
            assert sorted(keys) == [
                (first, "深圳市华达电子有限公司", "华达电子", "深圳", "075588889999"),
                (second, "华达电子（深圳）有限公司", "华达电子", "", ""),
                (third, "宏泰五金", "宏泰五金", "", ""),
            ]
            mobiles = session.scalars(text("SELECT match_mobile FROM contacts")).all()
            assert sorted(mobiles) == ["13812345678", "13812345678"]
            groups = duplicates.scan(session)
        found = {tuple(m.id for m in g.members): g.reasons for g in groups}
        # 1 and 2 by name, 2 and 3 by a contact's mobile: one group.
        assert found == {(first, second, third): (duplicates.SAME_NAME, duplicates.SAME_PHONE)}
    finally:
        upgraded.dispose()


def test_a_store_at_the_service_desk_upgrades_and_takes_factory_replies(context, data_dir):
    """A store of release 0.2.0 (service_desk): its service requests and their history stay,
    and a factory reply (an event kind longer than the old column, refused by PostgreSQL) is
    then recorded."""
    from datetime import datetime

    from kehu_desktop.services.service_desk import feedback
    from kehu_desktop.services.service_desk.lifecycle import FEEDBACK_REPLY_EVENT, Status
    from tests.helpers.customers import make_customer
    from tests.helpers.service_desk import advance, register

    start = datetime(2026, 11, 2, 9)
    request_id = register(context, make_customer(context, "华达电子"), received_at=start)
    advance(context, request_id, Status.PROCESSING, start=start)
    with context.session() as session:
        item = feedback.raise_feedback(
            session, context.operator, department="品质", problem="外壳开裂",
            request_id=request_id, at=datetime(2026, 11, 2, 15),
        )  # fmt: skip
    with context.reader() as session:
        events = session.execute(text("SELECT id, kind FROM service_events ORDER BY id")).all()
    _downgrade(context.database, "service_desk")

    upgraded = open_database(data_dir)
    try:
        assert upgraded.current_revision() == head_revision()
        with upgraded.reader() as session:
            kept = session.execute(text("SELECT id, kind FROM service_events ORDER BY id")).all()
        assert kept == events and events[-1].kind == "feedback"
        with upgraded.session(context.operator.id) as session:
            feedback.record_reply(
                session, context.operator, item, "已改模具", at=datetime(2026, 11, 3, 9)
            )
        with upgraded.reader() as session:
            kinds = session.scalars(text("SELECT kind FROM service_events ORDER BY id")).all()
        assert kinds[-1] == FEEDBACK_REPLY_EVENT
        assert _copied_before_upgrading(data_dir, upgraded, "service_desk")
    finally:
        upgraded.dispose()


def test_a_store_before_the_truncate_guard_upgrades_and_refuses_truncate(context, data_dir):
    """On PostgreSQL the append-only tables also refuse TRUNCATE after the upgrade; on SQLite
    (no TRUNCATE) the store just upgrades with its audit log as it was."""
    from kehu_desktop.models import AuditEntry
    from tests.helpers.customers import make_customer
    from tests.helpers.stores import ON_POSTGRESQL

    make_customer(context, "华达电子")
    with context.reader() as session:
        entries = session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    _downgrade(context.database, "search_bigrams")

    upgraded = open_database(data_dir)
    try:
        assert upgraded.current_revision() == head_revision()
        with upgraded.reader() as session:
            assert session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all() == entries
        if ON_POSTGRESQL:
            with pytest.raises(DBAPIError, match="append-only"), upgraded.session() as session:
                session.execute(text("TRUNCATE audit_log"))
    finally:
        upgraded.dispose()
