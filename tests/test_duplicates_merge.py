"""客户查重, merging duplicates (and undoing it), look-alike warnings, 删除演示数据, and the
import, duplicates and merge commands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from kehu_desktop import cli
from kehu_desktop.demo import loader, removal
from kehu_desktop.models import (
    Complaint,
    Contact,
    CreditEvaluation,
    Customer,
    CustomerClassHistory,
    KeyAccount,
    KeyAccountProposal,
    SalesRecord,
    SatisfactionSurvey,
    Staff,
    Visit,
    VisitPlan,
)
from kehu_desktop.services.common import store_check
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.customers import customer_files, duplicates, match_keys, merge
from tests.helpers.customers import make_customer
from tests.helpers.spreadsheets import MESSY_CUSTOMERS, MESSY_MERGES, write_xlsx

RELATED = (Contact, Visit, VisitPlan, Complaint, SalesRecord, KeyAccount, KeyAccountProposal,
           SatisfactionSurvey, CreditEvaluation, CustomerClassHistory)  # fmt: skip


def _related(session, customer_id: int) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(
            select(func.count()).select_from(model).where(model.customer_id == customer_id)
        )
        for model in RELATED
    }


def _stale_keys(session) -> list[str]:
    """Customers and contacts whose stored 客户查重 keys are not those of their name and
    phones as they are now."""
    stale = []
    for row in session.execute(select(Customer)).scalars():
        stored = {k: getattr(row, k) for k in match_keys.CUSTOMER_COLUMNS}
        if stored != match_keys.customer_keys(row.name, row.phone):
            stale.append(f"{row.code} {stored}")
    for row in session.execute(select(Contact)).scalars():
        stored = {k: getattr(row, k) for k in match_keys.CONTACT_COLUMNS}
        if stored != match_keys.contact_keys(row.mobile, row.phone):
            stale.append(f"contact {row.id} {stored}")
    return stale


def test_name_keys_take_out_region_company_forms_width_and_brackets():
    same = [
        "深圳市华达电子有限公司",
        "华达电子（深圳）有限公司",
        "广东省深圳市华达电子有限责任公司",
        "华达电子集团股份有限公司",
        "华达　电子 有限公司",
        "【深圳】华达电子",
    ]
    assert {match_keys.core_key(n) for n in same} == {"华达电子"}
    assert match_keys.exact_key("华达电子（深圳）有限公司") == match_keys.exact_key(
        "华达电子 (深圳)有限公司"
    )
    assert match_keys.phone_key("+86 138-1234-5678") == match_keys.phone_key("13812345678")
    assert match_keys.phone_key("123") == ""


def test_the_scan_groups_duplicates_with_their_reasons(context):
    a = make_customer(context, "深圳市华达电子有限公司", credit_code="91440300MA5FUKR756")
    b = make_customer(context, "华达电子（深圳）有限公司")
    c = make_customer(context, "东莞宏泰五金有限公司", phone="0769-22334455")
    d = make_customer(
        context,
        "宏泰五金东莞分厂",
        [{"name": "王五", "mobile": "13912345678", "phone": "0769-22334455"}],
    )
    e = make_customer(context, "苏州新纪元纺织有限公司")
    f = make_customer(context, "苏州新纪源纺织有限公司")
    make_customer(context, "重庆山城火锅调料有限公司")
    g = make_customer(context, "另一个名字有限公司", credit_code="91440300MA5FUKR756")
    with context.reader() as session:
        groups = duplicates.scan(session)
    found = {tuple(m.id for m in group.members): group.reasons for group in groups}
    assert found == {
        (a, b, g): (duplicates.SAME_CREDIT_CODE, duplicates.SAME_NAME),
        (c, d): (duplicates.SAME_PHONE,),
        (e, f): (duplicates.SIMILAR_NAME,),
    }


def test_the_keys_follow_the_file_and_archived_files_can_be_left_out(context):
    a = make_customer(context, "深圳市华达电子有限公司")
    b = make_customer(context, "华达精工有限公司", [{"name": "张三", "mobile": "13912345678"}])
    c = make_customer(context, "宏泰五金", [{"name": "李四", "mobile": "139-1234-5678"}])
    with context.session() as session:
        data = customer_files.load_input(session, b)
        data.values["name"] = "华达电子（深圳）有限公司"  # renamed on the desk
        customer_files.save(session, data)
    with context.reader() as session:
        assert _stale_keys(session) == []
        groups = duplicates.scan(session)
    assert [tuple(m.id for m in g.members) for g in groups] == [(a, b, c)]
    with context.session() as session:
        customer_files.set_archived(session, c, True)
    with context.reader() as session:
        shown = duplicates.scan(session, include_archived=False)
        everyone = duplicates.scan(session)
    assert [tuple(m.id for m in g.members) for g in shown] == [(a, b)]
    assert [g.members[-1].archived for g in everyone] == [True]


def test_a_new_file_that_looks_like_an_existing_one_is_found(context):
    huada = make_customer(
        context, "深圳市华达电子有限公司", [{"name": "张三", "mobile": "13812345678"}]
    )
    with context.reader() as session:
        by_name = duplicates.look_alikes(session, "华达电子（深圳）有限公司")
        by_phone = duplicates.look_alikes(session, "完全不同公司", ["138 1234 5678"])
        itself = duplicates.look_alikes(session, "深圳市华达电子有限公司", exclude_id=huada)
    assert [(x.id, x.reason) for x in by_name] == [(huada, duplicates.SAME_NAME)]
    assert [(x.id, x.reason) for x in by_phone] == [(huada, duplicates.SAME_PHONE)]
    assert itself == []


@pytest.fixture
def demo(database, admin):
    database.operator_id = admin.id
    loader.load_demo(database, 120, today=date(2026, 11, 22))
    return database


def test_merge_moves_every_kind_of_record_and_undo_puts_them_back(context, demo, admin):
    from datetime import datetime

    from kehu_desktop.services.complaints.registration import RegistrationInput, register

    with context.session() as session:
        card = session.scalar(select(KeyAccount).order_by(KeyAccount.id))
        source = card.customer_id
        register(session, admin, RegistrationInput(
            customer_id=source, description="外壳开裂", received_at=datetime(2026, 11, 2, 9, 0)
        ))  # fmt: skip
        session.add(VisitPlan(customer_id=source, staff_id=admin.id,
                              planned_date=date(2026, 12, 1), purpose="例行"))  # fmt: skip
    with context.reader() as session:
        old_code = session.get(Customer, source).code
        before = _related(session, source)
    # Every kind of related record is there to move.
    assert all(before.values()), before
    with context.reader() as session:
        assert _stale_keys(session) == []  # the demo's bulk rows carry their keys
    keep = make_customer(context, "合并后保留的客户")
    with context.session() as session:
        result = merge.merge(session, keep, [source])
    assert result.moved["visits"] == before["visits"]
    with context.reader() as session:
        assert session.get(Customer, source) is None
        assert _related(session, keep) == before
        kept = session.get(Customer, keep)
        assert kept.phone  # blank fields filled from the merged file
        assert kept.match_phone == match_keys.phone_key(kept.phone)
        assert (
            customer_files.list_customers(session, customer_files.CustomerFilter(old_code)).ids
            == []
        )
        entries = session.execute(
            text("SELECT count(*) FROM audit_log WHERE batch_id = :b"), {"b": result.batch_id}
        ).scalar()
        assert entries >= sum(before.values())
    with context.session() as session:
        assert merge.undo_last_merge(session).startswith("已撤销：合并客户")
    with context.reader() as session:
        assert session.get(Customer, source).code == old_code
        assert _related(session, source) == before
        assert _related(session, keep) == dict.fromkeys(before, 0)
        assert session.get(Customer, keep).phone == ""
        assert _stale_keys(session) == []  # the phone written back, its key with it
        found = customer_files.list_customers(session, customer_files.CustomerFilter(old_code))
        assert found.ids == [source]
    report = store_check.check(context.database)  # file, links, triggers, chains
    assert report.healthy, report.text()


def test_a_month_both_recorded_is_added_up_and_undo_splits_it_again(context):
    a = make_customer(context, "深圳市华达电子有限公司")
    b = make_customer(context, "华达电子（深圳）有限公司")
    with context.session() as session:
        for customer_id, amount in ((a, "100.00"), (b, "50.50")):
            session.add(SalesRecord(customer_id=customer_id, month=date(2026, 10, 1),
                                    amount=Decimal(amount), quantity=Decimal(1)))  # fmt: skip
    with context.session() as session:
        merge.merge(session, a, [b])
    with context.reader() as session:
        assert session.scalars(select(SalesRecord.amount)).all() == [Decimal("150.50")]
    with context.session() as session:
        merge.undo_last_merge(session)
    with context.reader() as session:
        rows = session.execute(select(SalesRecord.customer_id, SalesRecord.amount)).all()
    assert sorted(rows) == [(a, Decimal("100.00")), (b, Decimal("50.50"))]


def test_merge_refuses_what_it_cannot_do(context):
    a = make_customer(context, "甲公司")
    with context.session() as session, pytest.raises(UserError, match="至少选择一位"):
        merge.merge(session, a, [a])


def test_undoing_a_merge_is_refused_after_the_kept_file_changed(context):
    a = make_customer(context, "深圳市华达电子有限公司")
    b = make_customer(context, "华达电子（深圳）有限公司", phone="0755-88889999")
    with context.session() as session:
        merge.merge(session, a, [b])
    with context.session() as session:
        data = customer_files.load_input(session, a)
        data.values["short_name"] = "华达"
        customer_files.save(session, data)
    with context.session() as session, pytest.raises(UserError, match="已被修改"):
        merge.undo_last_merge(session)


def test_removing_demo_data_removes_exactly_the_demo_records(context, demo):
    mine = make_customer(context, "自己录入的客户", [{"name": "自己人", "mobile": "13800000001"}])
    with context.reader() as session:
        demo_staff = session.scalars(select(Staff.id).where(Staff.username == "zhangli")).all()
    with context.session() as session:
        assert removal.has_demo(session)
        result = removal.remove_demo(session)
    assert result.customers == 120 and result.staff == 5
    with context.reader() as session:
        assert session.scalars(select(Customer.id)).all() == [mine]
        assert session.scalar(select(func.count(Contact.id))) == 1
        for model in (Visit, Complaint, SalesRecord, KeyAccount, SatisfactionSurvey):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model
        gone = session.get(Staff, demo_staff[0])
        assert gone is None or gone.active is False
        assert not removal.has_demo(session)
    report = store_check.check(context.database)  # file, links, triggers, chains
    assert report.healthy, report.text()
    # The demo can be loaded again afterwards.
    loader.load_demo(context.database, 10, today=date(2026, 11, 22))
    with context.reader() as session:
        assert session.scalar(select(func.count(Customer.id))) == 11


# --- command line ----------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path, capsys):
    folder = tmp_path / "data"
    cli.main(["--data-dir", str(folder), "init", "--admin-password", "secret-1"])
    database = open_database(folder)
    from kehu_desktop.models import Role
    from kehu_desktop.services.common import operators

    with database.session() as session:
        operators.create_staff(session, "zhangli", "张丽", Role.AGENT, "agent-pass")
    database.dispose()
    capsys.readouterr()
    return folder


def test_cli_import_prints_the_preview_and_exits_as_specified(store, tmp_path, capsys):
    path = write_xlsx(tmp_path / "客户.xlsx", MESSY_CUSTOMERS, MESSY_MERGES)
    run = ["--data-dir", str(store), "import", "customers", str(path)]
    assert cli.main(run) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "新增 3 位 / 更新 0 位 / 疑似重复 0 / 跳过 2 行 / 错误 1 行"
    assert "第 9 行 统一社会信用代码：统一社会信用代码的校验位不正确，请核对。" in out
    assert cli.main([*run, "--dry-run"]) == 0
    assert "未写入任何数据" in capsys.readouterr().out
    assert cli.main(["--data-dir", str(store), "duplicates"]) == 0
    assert "共 0 组" in capsys.readouterr().out
    assert cli.main([*run, "--good-rows-only"]) == 0
    assert "已导入：新增 3 位" in capsys.readouterr().out
    assert cli.main([*run, "--good-rows-only"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("新增 0 位 / 更新 0 位")
    other = write_xlsx(tmp_path / "另一份.xlsx", [["客户名称"], ["华达电子（深圳）有限公司"]])
    assert cli.main(["--data-dir", str(store), "import", "customers", str(other)]) == 0
    capsys.readouterr()
    assert cli.main(["--data-dir", str(store), "duplicates"]) == 0
    out = capsys.readouterr().out
    assert "第 1 组：名称相同（去掉省市、公司后缀后）" in out and "KH000004" in out
    assert cli.main(["--data-dir", str(store), "merge", "KH000001", "KH000004"]) == 0
    assert "合并到 KH000001" in capsys.readouterr().out
    assert cli.main(["--data-dir", str(store), "merge", "KH000001", "KH999999"]) == 2
    assert "客户编号“KH999999”不存在" in capsys.readouterr().err
    assert (
        cli.main(["--data-dir", str(store), "import", "customers", str(path), "--sheet", "无"]) == 2
    )


def test_a_store_at_the_previous_revision_upgrades_with_its_data(tmp_path):
    from alembic import command
    from alembic.config import Config

    from kehu_desktop.services.common.database import MIGRATIONS_DIR, Database, head_revision

    folder = tmp_path / "old"
    folder.mkdir()
    database = Database(f"sqlite:///{folder / 'kehu.sqlite3'}", folder)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text("INSERT INTO audit_log (at, action, table_name, changes) "
                 "VALUES ('2026-01-01 09:00:00', '新增', 'customers', '{}')")
        )  # fmt: skip
    database.dispose()
    upgraded = open_database(folder)
    assert upgraded.current_revision() == head_revision()
    with upgraded.engine.connect() as connection:
        rows = connection.execute(text("SELECT table_name, batch_id FROM audit_log")).all()
    assert rows == [("customers", None)]
    upgraded.dispose()
