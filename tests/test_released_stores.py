"""Migrations are released history: stores saved by each release upgrade intact, released
revision files never change, and an upgrade either completes or leaves the store as it was."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from kehu_desktop.demo import removal
from kehu_desktop.models import (
    AuditEntry,
    Base,
    Complaint,
    ComplaintEvent,
    Contact,
    Customer,
    KeyAccount,
    SalesRecord,
    ServiceRequest,
    Staff,
    Visit,
)
from kehu_desktop.services.common import audit, operators, store_check
from kehu_desktop.services.common import database as database_module
from kehu_desktop.services.common.database import (
    MIGRATIONS_DIR,
    NewerStoreError,
    UpgradeFailedError,
    head_revision,
    open_database,
)
from kehu_desktop.services.common.settings import FIRM_NAME
from kehu_desktop.services.common.working_days import load_calendar
from kehu_desktop.services.complaints import event_chain
from kehu_desktop.services.complaints.deadlines import load_deadline_settings
from kehu_desktop.services.customers.search import include_object, search_ids
from kehu_desktop.services.imports import commit as imports_commit
from kehu_desktop.services.visits.visit_plans import ABC_INTERVALS, MANAGEMENT_INTERVALS

# Releases' stores are SQLite files (the PostgreSQL path is tested by test_store_on_server).
pytestmark = pytest.mark.sqlite_only(reason="released stores are SQLite files")

FIXTURES = Path(__file__).parent / "fixtures" / "stores"

# A released revision is never edited: a schema change is a new revision. When a release
# ships a new revision, add its hash here.
RELEASED_REVISIONS = {
    "0001_initial_schema.py": "5de806f0557965fdd51e4f52933b19b3fb67d092a21732172a526c6dfccdeaa2",
    # Release 0.2.0
    "sign_in_security.py": "87961744814ab1cf1157b3ca4421ec7cdf4e25bff7aadaf3776fad9e7ad6c84e",
    "record_versions.py": "bc91a802f7b07a0ea7456606ba76d727dc7937598d6880a5d076eaba171708c4",
    "postgres_ready.py": "9f0377d7a78ce9bab179d070958d1918bae80283a6cafe1f358d38141062b387",
    "import_batches.py": "ba3e83091e677f3f944393fddccf6d8b470232dc025d44699e8e371421c170b4",
    "audit_trail.py": "53892d70f305dc4fe90ff71dd6f4e2697c62f7bf01d3adee33b9ecb394b8dddb",
    "service_desk.py": "9e67146ce09a1ef22f83a500df983ebbcf409395c98183380af93560e05ad2c7",
    # Landed on main after 0.2.0
    "service_kpi_index.py": "39e5fbccd3e12860a992ff7409e7b8bc33a00bcd2bb5f9ad58cfbcd7c38c4d48",
    "match_keys.py": "e3f855ed3643bca87c203658712189200f9531123bd677bbb17f0da0f53a3cd8",
    "earlier_demo.py": "69a226dd0303663ae68332a0e7286ba2f3f31f62775e852d4528ff2adeb8e718",
    "service_event_kinds.py": "d3c32a6aa556b4cbb0c439f6a1eae8625b9bfadc379cc93dbb85ec9825021aea",
    "search_bigrams.py": "8e03ada9c47dff3b988ed058747e0c718fcb7e1e05cf63180635fc2749853467",
}


def test_released_revision_files_are_unchanged():
    for name, expected in RELEASED_REVISIONS.items():
        digest = hashlib.sha256((MIGRATIONS_DIR / "versions" / name).read_bytes()).hexdigest()
        assert digest == expected, f"{name} was released and must not be edited"


def _release_copy(tmp_path: Path, release: str) -> Path:
    folder = tmp_path / release
    folder.mkdir()
    shutil.copy(FIXTURES / release / "kehu.sqlite3", folder / "kehu.sqlite3")
    return folder


def _dump(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return list(connection.iterdump())


def test_store_saved_by_0_1_0_upgrades_with_records_and_settings_intact(tmp_path):
    folder = _release_copy(tmp_path, "0.1.0")
    database = open_database(folder)
    try:
        assert database.current_revision() == head_revision()
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
        with database.reader() as session:
            counts = {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Customer, Contact, Visit, Complaint, ComplaintEvent, KeyAccount,
                              SalesRecord, Staff, AuditEntry)
            }  # fmt: skip
            assert counts == {
                "customers": 40, "contacts": 75, "visits": 116, "complaints": 8,
                "complaint_events": 44, "key_accounts": 8, "sales_records": 672, "staff": 6,
                "audit_log": 13,
            }  # fmt: skip
            assert FIRM_NAME.get(session) == "金华达五金制品有限公司"
            deadlines = load_deadline_settings(session)
            assert deadlines.deadline_days == {"一般": 4, "重大": 8, "特殊": 6}
            assert deadlines.escalation_days == {"重大": 2, "特殊": 1}
            assert ABC_INTERVALS.get(session) == {"A": 20, "B": 60, "C": 120}
            assert MANAGEMENT_INTERVALS.get(session)["临时"] == 150
            calendar = load_calendar(session)
            assert not calendar.is_working_day(date(2026, 12, 31))  # the firm's own day off
            assert calendar.is_working_day(date(2026, 2, 14))  # 调休 make-up Saturday
            assert not calendar.is_working_day(date(2026, 2, 18))  # 春节
            # The released admin signs in; search finds released customers.
            assert operators.attempt_sign_in(session, "admin", "golden-admin").operator
            name = session.scalar(select(Customer.name).order_by(Customer.id))
            assert search_ids(session, name)
            # Rows written before the chains existed are sealed by the upgrade.
            assert audit.chain_breaks(session) == []
            assert event_chain.chain_breaks(session) == []
    finally:
        database.dispose()
    # The pre-upgrade copy is the 0.1.0 store as it was.
    copy = folder / "backups" / f"kehu-before-{head_revision()}-from-0001.sqlite3"
    assert _dump(copy) == _dump(FIXTURES / "0.1.0" / "kehu.sqlite3")


def test_store_saved_by_0_2_0_upgrades_and_keeps_working(tmp_path):
    folder = _release_copy(tmp_path, "0.2.0")
    database = open_database(folder)
    try:
        assert database.current_revision() == head_revision()
        with database.reader() as session:
            counts = {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Customer, Contact, Visit, Complaint, ComplaintEvent, KeyAccount,
                              SalesRecord, Staff, ServiceRequest)
            }  # fmt: skip
            assert counts == {
                "customers": 43, "contacts": 78, "visits": 126, "complaints": 7,
                "complaint_events": 41, "key_accounts": 8, "sales_records": 672, "staff": 6,
                "service_requests": 15,
            }  # fmt: skip
            assert FIRM_NAME.get(session) == "金华达五金制品有限公司"
            assert operators.attempt_sign_in(session, "admin", "golden-admin2").operator
            assert search_ids(session, "宏达精密")
            assert audit.chain_breaks(session) == []
            assert event_chain.chain_breaks(session) == []
        # The release's own batches still undo: the customer import, then the demo data.
        with database.session() as session:
            database.operator_id = operators.first_admin(session).id
        with database.session() as session:
            imports_commit.undo_last(session)
        with database.session() as session:
            assert session.scalar(select(func.count()).select_from(Customer)) == 40
            removal.remove_demo(session)
        with database.reader() as session:
            assert session.scalar(select(func.count()).select_from(Customer)) == 0
            assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 0
            assert audit.chain_breaks(session) == []
    finally:
        database.dispose()


@pytest.fixture
def failing_revision(tmp_path, monkeypatch):
    """The real migrations plus one that creates a table, writes to it and then raises."""
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_fails_half_way.py").write_text(
        f'''"""fails half-way"""
import sqlalchemy as sa
from alembic import op

revision = "fails_half_way"
down_revision = "{head_revision()}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO half_done (id) VALUES (1)")
    op.execute("UPDATE settings SET value = '\\"改了\\"' WHERE key = 'firm.name'")
    raise RuntimeError("migration bug")
''',
        encoding="utf-8",
    )
    monkeypatch.setattr(database_module, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(database_module, "SCHEMA_HEAD", "fails_half_way")


def test_a_failed_migration_leaves_the_store_exactly_as_before(tmp_path, failing_revision):
    folder = _release_copy(tmp_path, "0.1.0")
    store = folder / "kehu.sqlite3"
    before = _dump(store)
    with pytest.raises(UpgradeFailedError, match="已恢复为升级前的状态"):
        open_database(folder)
    assert _dump(store) == before
    assert not (folder / "kehu.sqlite3-wal").exists()
    # A retry fails the same way, and does not pile up another "before" copy.
    with pytest.raises(UpgradeFailedError):
        open_database(folder)
    assert _dump(store) == before
    assert len(list((folder / "backups").glob("*.sqlite3"))) == 1


def test_a_store_from_a_newer_version_is_refused_untouched(data_dir):
    store = data_dir / "kehu.sqlite3"
    with closing(sqlite3.connect(store)) as connection, connection:
        connection.execute("UPDATE alembic_version SET version_num = 'from_the_future'")
    before = _dump(store)
    with pytest.raises(NewerStoreError, match="更新版本"):
        open_database(data_dir)
    assert _dump(store) == before
    assert not (data_dir / "backups").exists()


def test_demo_data_loaded_by_0_1_0_is_removed_exactly(tmp_path):
    """0.1.0 loaded its demo before demo loads were batches; the upgrade recognises those
    records, so 删除演示数据 removes the 40 demo customers with everything hanging off them
    and the demo operators, and leaves what the desk typed in (before and after the upgrade)."""
    from kehu_desktop.demo import removal
    from kehu_desktop.services.common.context import DeskContext
    from tests.helpers.customers import make_customer

    folder = _release_copy(tmp_path, "0.1.0")
    with closing(sqlite3.connect(folder / "kehu.sqlite3")) as connection, connection:
        # A file the desk typed in with 0.1.0 (the desk audits what it creates), even one that
        # looks like a demo file by its e-mail: not demo data.
        connection.execute(
            "INSERT INTO customers (id, code, name, name_pinyin, short_name, address, province,"
            " city, postcode, phone, fax, email, credit_code, bank_name, bank_account, tax_no,"
            " category, scale, management_class, nature, trade_stage, abc_class,"
            " contract_performance, payment_record, credit_rating, outstanding_amount,"
            " market_coverage, transport_mode, delivery_address, product_mix, notes, archived,"
            " search_text, created_at, updated_at, created_by_id, updated_by_id, version)"
            " VALUES (41, 'KH000041', '自己录入的客户', '', '', '', '', '', '', '', '', "
            " 'sales41@example.com.cn', '', '', '', '', '', '', '常规', '普通公司', '正在', '',"
            " '', '', '', 0, '', '', '', '', '', 0, '', '2026-12-01 23:00:00',"
            " '2026-12-01 23:00:00', 1, 1, 1)"
        )
        connection.execute(
            "INSERT INTO audit_log (at, staff_id, action, table_name, record_id, changes)"
            " VALUES ('2026-12-01 23:00:00', 1, '新增', 'customers', 41, '{}')"
        )
    database = open_database(folder)
    try:
        with database.reader() as session:
            admin = operators.attempt_sign_in(session, "admin", "golden-admin").operator
        context = DeskContext(database, admin)
        mine = make_customer(
            context, "升级后录入的客户", [{"name": "自己人", "mobile": "13800000001"}]
        )
        from kehu_desktop.demo import loader
        from kehu_desktop.services.common.errors import UserError

        with pytest.raises(UserError, match="载入过"):  # not twice: customers would repeat
            loader.load_demo(database, 5)
        with database.session() as session:
            assert removal.has_demo(session)
            result = removal.remove_demo(session)
        assert (result.customers, result.staff) == (40, 5)
        with database.reader() as session:
            assert session.scalars(select(Customer.id).order_by(Customer.id)).all() == [41, mine]
            for model, left in ((Contact, 1), (Visit, 0), (Complaint, 0), (ComplaintEvent, 0),
                                (KeyAccount, 0), (SalesRecord, 0)):  # fmt: skip
                assert session.scalar(select(func.count()).select_from(model)) == left, model
            active = session.scalars(select(Staff.username).where(Staff.active)).all()
            assert active == ["admin"]
            assert not removal.has_demo(session)
            assert audit.chain_breaks(session) == []
        assert store_check.check(database).healthy  # file, links, triggers, chains
    finally:
        database.dispose()
