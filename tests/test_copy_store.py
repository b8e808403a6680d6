"""``kehu-admin copy-store``: a PC's SQLite store moves whole to an empty server database."""

from __future__ import annotations

from sqlalchemy import func, select

from kehu_desktop.cli import main
from kehu_desktop.models import AuditEntry, Base, ComplaintEvent, Customer, Setting
from kehu_desktop.services.common import settings
from kehu_desktop.services.common.data_location import DB_FILE_NAME
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.customers import search
from tests.helpers.customers import make_customer

# The rows compared, in id order (a server returns rows in no promised order).
CUSTOMER_ROWS = select(Customer.id, Customer.code, Customer.credit_limit).order_by(Customer.id)
EVENT_ROWS = select(
    ComplaintEvent.id, ComplaintEvent.complaint_id, ComplaintEvent.kind, ComplaintEvent.at
).order_by(ComplaintEvent.id)
AUDIT_ROWS = select(AuditEntry.id, AuditEntry.record_key).order_by(AuditEntry.id)


def counts(database) -> dict[str, int]:
    with database.reader() as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }


def test_every_record_is_copied_with_its_id_and_counts_verified(tmp_path, empty_store_url, capsys):
    folder = tmp_path / "pc"
    source_url = f"sqlite:///{folder / DB_FILE_NAME}"
    assert main(["--data-dir", str(folder), "--db", source_url, "demo", "--customers", "40"]) == 0
    source = open_database(folder, source_url)
    source.operator_id = 1
    with source.session() as session:
        settings.FIRM_NAME.put(session, "东莞华达电子有限公司")
    before = counts(source)
    with source.reader() as session:
        customers = session.execute(CUSTOMER_ROWS).all()
        events = session.execute(EVENT_ROWS).all()
        audit = session.execute(AUDIT_ROWS).all()
    source.dispose()
    capsys.readouterr()

    target_url = empty_store_url()
    assert main(["--data-dir", str(folder), "copy-store", "--to", target_url]) == 0
    out = capsys.readouterr().out
    assert f"客户 {before['customers']:,}" in out and "核对一致" in out
    assert "设置 → 数据库…" in out  # what to do next

    target = open_database(folder, target_url)
    assert counts(target) == before
    assert before["complaint_events"] > 0 and before["audit_log"] > 0
    with target.reader() as session:
        assert session.execute(CUSTOMER_ROWS).all() == customers
        assert session.execute(EVENT_ROWS).all() == events
        assert session.execute(AUDIT_ROWS).all() == audit
        assert session.get(Setting, "firm.name") is not None
        # Search finds the copied customers by one character, two and more.
        first_id, first_name = session.execute(select(Customer.id, Customer.name)).first()
        for query in (first_name[2], first_name[2:4], first_name[:4]):
            assert first_id in search.search_ids(session, query), query
    # The copy carries on: ordinary saves get new ids after the copied ones.
    target.operator_id = 1
    from kehu_desktop.services.common.context import DeskContext
    from kehu_desktop.services.common.operators import operator_by_id

    with target.reader() as session:
        admin = operator_by_id(session, 1)
    new_id = make_customer(DeskContext(target, admin), "复制之后新建有限公司")
    assert new_id > max(c.id for c in customers)
    target.dispose()


def test_a_target_holding_records_is_refused_and_left_alone(tmp_path, empty_store_url, capsys):
    folder = tmp_path / "pc"
    source_url = f"sqlite:///{folder / DB_FILE_NAME}"
    assert main(["--data-dir", str(folder), "--db", source_url, "demo", "--customers", "5"]) == 0
    target_url = empty_store_url()
    assert main(["--db", target_url, "init", "--admin-password", "pw12-long"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(folder), "copy-store", "--to", target_url]) == 2
    assert "不是空的" in capsys.readouterr().err
    target = open_database(folder, target_url)
    assert counts(target)["customers"] == 0 and counts(target)["staff"] == 1
    target.dispose()


def test_copy_store_needs_this_pcs_own_file(tmp_path, empty_store_url, capsys):
    target = empty_store_url()
    assert main(["--data-dir", str(tmp_path / "none"), "copy-store", "--to", target]) == 2
    assert "没有找到数据库" in capsys.readouterr().err
