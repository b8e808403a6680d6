"""What broke on PostgreSQL and must work on both stores: settings and their audit, money
beyond 32 bits, saves after bulk-loaded demo data, search, and the upgrade to this schema."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from kehu_desktop.demo import loader
from kehu_desktop.models import AuditEntry, Complaint, Customer, CustomerClassHistory, SalesRecord
from kehu_desktop.services.common import audit, settings
from kehu_desktop.services.common.database import MIGRATIONS_DIR, Database, open_database
from kehu_desktop.services.customers import customer_files, search
from kehu_desktop.services.key_accounts import abc_classes, sales_import
from tests.helpers.complaints import register
from tests.helpers.customers import make_customer
from tests.test_sales_import import write_sheet

AS_OF = date(2026, 11, 22)
# One fen above what a 32-bit count of fen can hold.
BEYOND_32_BITS = Decimal("21474836.48")


def test_a_setting_is_saved_and_audited_by_its_key(context, admin):
    with context.session() as session:
        settings.FIRM_NAME.put(session, "东莞华达电子有限公司")
    with context.session() as session:
        settings.FIRM_NAME.put(session, "东莞华达电子股份有限公司")
    with context.reader() as session:
        assert settings.FIRM_NAME.get(session) == "东莞华达电子股份有限公司"
        rows = audit.recent_entries(session, admin, flt=audit.AuditFilter(table_name="settings"))
    assert [(r.action, r.record, r.record_id) for r in rows] == [
        ("修改", "firm.name", None),
        ("新增", "firm.name", None),
    ]
    assert rows[0].changes["value"] == ['"东莞华达电子有限公司"', '"东莞华达电子股份有限公司"']


def test_money_beyond_32_bits_through_the_sales_import_and_abc(context, tmp_path):
    big = make_customer(context, "北京华达电子有限公司", code="KH000001")
    small = make_customer(context, "上海鑫盛机械有限公司", code="KH000002")
    path = write_sheet(tmp_path / "big.xlsx", [
        ("KH000001", "", "2026-10", "21474836.48", 1),
        ("KH000001", "", "2026-11", "987654321.99", 1),
        ("KH000002", "", "2026-11", "0.01", 1),
    ])  # fmt: skip
    with context.reader() as session:
        plan = sales_import.read_sales_file(session, path)
    assert plan.bad == []
    with context.session() as session:
        sales_import.apply_import(session, plan, as_of=AS_OF)
    with context.session() as session:
        result = abc_classes.recompute(session, AS_OF)
    expected = BEYOND_32_BITS + Decimal("987654321.99")
    assert result.total == expected + Decimal("0.01")
    with context.reader() as session:
        assert abc_classes.customer_sales(session, big, AS_OF) == expected
        assert abc_classes.customer_sales(session, small, AS_OF) == Decimal("0.01")
        amounts = session.scalars(select(SalesRecord.amount).order_by(SalesRecord.id)).all()
        assert amounts == [BEYOND_32_BITS, Decimal("987654321.99"), Decimal("0.01")]
        history = session.scalars(
            select(CustomerClassHistory.sales_12m).where(CustomerClassHistory.customer_id == big)
        ).all()
        assert history == [expected]
        classes = dict(session.execute(select(Customer.code, Customer.abc_class)).all())
    assert classes == {"KH000001": "A", "KH000002": "C"}


def test_ordinary_saves_after_the_demo_data(context, admin):
    loader.load_demo(context.database, 30, today=AS_OF)
    with context.reader() as session:
        highest = session.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1))
    customer = make_customer(context, "演示之后新建有限公司")
    assert customer > highest
    complaint = register(context, customer)
    with context.reader() as session:
        assert session.get(Complaint, complaint).number.startswith("TS-")


def test_search_finds_by_one_two_and_more_characters(context):
    make_customer(context, "北京华达电子有限公司", code="KH000001", phone="010-8888 6666")
    make_customer(context, "上海鑫盛机械有限公司", code="KH000002")
    with context.reader() as session:
        codes = {
            query: [row.code for row in customer_files.fetch_rows(
                session, search.search_ids(session, query))]
            for query in ("华", "华达", "华达电子", "bjhd", "8888-66", "kh000002", "无此客户")
        }  # fmt: skip
    assert codes == {
        "华": ["KH000001"],
        "华达": ["KH000001"],
        "华达电子": ["KH000001"],
        "bjhd": ["KH000001"],
        "8888-66": ["KH000001"],
        "kh000002": ["KH000002"],
        "无此客户": [],
    }


def test_a_store_at_the_previous_revision_upgrades_with_its_data(store_folder):
    folder = store_folder("old")
    database = open_database(folder)  # to head, then back to the released 0001
    database.dispose()
    database = Database(database.url, folder)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (at, action, table_name, record_id, changes) "
                "VALUES ('2026-11-01 09:00:00', '新增', 'customers', 7, '{}')"
            )
        )
        if database.is_sqlite:  # where 0001 took a setting's key into the integer column
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, action, table_name, record_id, changes) "
                    "VALUES ('2026-11-02 09:00:00', '修改', 'settings', 'firm.name', '{}')"
                )
            )
    database.dispose()
    upgraded = open_database(folder)
    with upgraded.reader() as session:
        rows = session.execute(
            select(AuditEntry.record_id, AuditEntry.record_key).order_by(AuditEntry.id)
        ).all()
    assert rows == [(7, None)] + ([(None, "firm.name")] if upgraded.is_sqlite else [])
    upgraded.dispose()
