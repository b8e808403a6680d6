"""Saving, archiving and deleting customer files; the export read back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kehu_desktop.models import Complaint, Customer, SalesRecord, Visit
from kehu_desktop.services.common import excel_export
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.customers.customer_files import Removal
from tests.helpers.customers import make_customer


def test_saved_file_reads_back_with_contacts_dates_and_sales(context):
    customer_id = make_customer(
        context,
        "深圳华达电子有限公司",
        credit_limit="200000",
        founded_on="2010-08-08",
        contacts=[
            {
                "name": "张三",
                "role": "采购",
                "mobile": "13800138000",
                "birthday": "1980-05-20",
                "important_dates": "结婚纪念日 2008-10-01",
            }
        ],
    )
    with context.session() as session:
        data = customer_files.load_input(session, customer_id)
        data.sales = [{"month": "2026-09", "amount": "12,000.50", "quantity": "240"}]
        customer_files.save(session, data)
    with context.reader() as session:
        customer = session.get(Customer, customer_id)
        assert customer.credit_limit == Decimal("200000.00")
        assert customer.founded_on.isoformat() == "2010-08-08"
        assert customer.created_by_id == context.operator.id
        contact = customer.contacts[0]
        assert (contact.role, contact.birthday.isoformat()) == ("采购", "1980-05-20")
        assert [(d.label, d.day.isoformat()) for d in contact.important_dates] == [
            ("结婚纪念日", "2008-10-01")
        ]
        sale = session.query(SalesRecord).one()
        assert (sale.month.isoformat(), sale.amount, sale.quantity) == (
            "2026-09-01",
            Decimal("12000.50"),
            240,
        )
        again = customer_files.load_input(session, customer_id)
    assert again.values["credit_limit"] == "200000.00"
    assert again.sales == [{"month": "2026-09", "amount": "12000.50", "quantity": "240"}]
    assert again.contacts[0]["important_dates"] == "结婚纪念日 2008-10-01"


def test_removing_a_contact_keeps_the_others(context):
    customer_id = make_customer(context, "甲公司", contacts=[{"name": "张三"}, {"name": "李四"}])
    with context.session() as session:
        data = customer_files.load_input(session, customer_id)
        data.contacts = data.contacts[1:]
        customer_files.save(session, data)
    with context.reader() as session:
        assert [c.name for c in session.get(Customer, customer_id).contacts] == ["李四"]


def test_fresh_customer_is_deleted(context):
    customer_id = make_customer(context, "甲公司", contacts=[{"name": "张三"}])
    with context.session() as session:
        assert customer_files.removal_for(session, customer_id) == Removal.DELETE
        customer_files.delete_customer(session, customer_id)
    with context.reader() as session:
        assert session.get(Customer, customer_id) is None


@pytest.mark.parametrize("history", ["visit", "complaint"])
def test_customer_with_history_is_archived_never_deleted(context, history):
    customer_id = make_customer(context, "甲公司")
    with context.session() as session:
        if history == "visit":
            session.add(
                Visit(
                    customer_id=customer_id,
                    staff_id=context.operator.id,
                    visited_at=datetime(2026, 11, 2, 10),
                    method="上门",
                    purpose="例行",
                )
            )
        else:
            session.add(
                Complaint(
                    number="TS-2026-0001",
                    year=2026,
                    seq=1,
                    received_at=datetime(2026, 11, 2),
                    channel="电话",
                    customer_id=customer_id,
                    category="产品质量",
                    description="划伤",
                    first_responsible_id=context.operator.id,
                    deadline=datetime(2026, 11, 5).date(),
                )
            )
    with context.session() as session:
        assert customer_files.removal_for(session, customer_id) == Removal.ARCHIVE
        with pytest.raises(UserError, match="只能归档"):
            customer_files.delete_customer(session, customer_id)
    with context.session() as session:
        customer_files.set_archived(session, customer_id, True)
    with context.reader() as session:
        assert session.get(Customer, customer_id).archived
        assert customer_files.list_ids(session, customer_files.CustomerFilter()) == []
        assert customer_files.count(session) == 0


def test_export_reads_back(context, tmp_path):
    first = make_customer(
        context,
        "北京华达电子有限公司",
        credit_limit="1000",
        outstanding_amount="1500.25",
        contacts=[{"name": "张三", "mobile": "13800138000"}],
    )
    second = make_customer(context, "上海宏泰包装有限公司")
    path = tmp_path / "客户.xlsx"
    with context.reader() as session:
        rows = customer_files.export_rows(session, [second, first])
    assert excel_export.write_table(path, "客户列表", customer_files.EXPORT_HEADERS, rows) == 2
    sheet = load_workbook(path).active
    values = list(sheet.values)
    assert values[0] == customer_files.EXPORT_HEADERS
    assert values[1][1] == "上海宏泰包装有限公司"
    header = list(customer_files.EXPORT_HEADERS)
    row = values[2]
    assert row[header.index("客户名称")] == "北京华达电子有限公司"
    assert row[header.index("主要联系人")] == "张三"
    assert row[header.index("应收余额")] == pytest.approx(1500.25)
    assert sheet.cell(3, header.index("应收余额") + 1).number_format == excel_export.MONEY_FORMAT


def test_list_row_warns_when_over_credit(context):
    over = make_customer(context, "甲公司", credit_limit="1000", outstanding_amount="1000.01")
    within = make_customer(context, "乙公司", credit_limit="1000", outstanding_amount="1000")
    no_limit = make_customer(context, "丙公司", outstanding_amount="99999")
    with context.reader() as session:
        rows = {r.id: r for r in customer_files.fetch_rows(session, [over, within, no_limit])}
    assert [rows[i].over_credit for i in (over, within, no_limit)] == [True, False, False]


def test_an_older_copy_does_not_overwrite_a_newer_save(context):
    customer_id = make_customer(context, "甲公司", phone="010-62345678")
    with context.reader() as session:
        first = customer_files.load_input(session, customer_id)
        second = customer_files.load_input(session, customer_id)
    first.values["phone"] = "010-87654321"
    with context.session() as session:
        customer_files.save(session, first)
    second.values["email"] = "b@example.com"
    with context.session() as session, pytest.raises(UserError, match="本次未保存"):
        customer_files.save(session, second)
    with context.reader() as session:
        current = customer_files.load_input(session, customer_id)
    assert (current.values["phone"], current.values["email"]) == ("010-87654321", "")


def test_customer_with_sales_is_archived_not_deleted(context):
    customer_id = make_customer(context, "甲公司")
    with context.session() as session:
        data = customer_files.load_input(session, customer_id)
        data.sales = [{"month": "2026-01", "amount": "100", "quantity": "1"}]
        customer_files.save(session, data)
    with context.reader() as session:
        assert customer_files.removal_for(session, customer_id) == Removal.ARCHIVE


def test_important_dates_as_typed_through_a_chinese_ime(context):
    typed = "结婚纪念日 2015-05-20，公司周年\u30002010年8月8日"
    customer_id = make_customer(
        context, "甲公司", contacts=[{"name": "张三", "important_dates": typed}]
    )
    with context.reader() as session:
        dates = customer_files.load_input(session, customer_id).contacts[0]["important_dates"]
    assert dates == "结婚纪念日 2015-05-20；公司周年 2010-08-08"


def test_export_keeps_formulas_out_and_quantities_exact(tmp_path):
    path = tmp_path / "x.xlsx"
    rows = [('=HYPERLINK("http://x")', Decimal("2.5000"), Decimal("12.50"))]
    excel_export.write_table(path, "表", ("名称", "数量", "金额"), rows)
    sheet = load_workbook(path).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["B2"].number_format == excel_export.QUANTITY_FORMAT
    assert sheet["C2"].number_format == excel_export.MONEY_FORMAT
