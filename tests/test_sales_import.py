"""Importing sales from .xlsx: bad rows reported with row number and reason; never half-done."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from kehu_desktop.models import Customer, SalesRecord
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.key_accounts import sales_import
from tests.helpers.customers import make_customer
from tests.helpers.key_accounts import add_sales

AS_OF = date(2026, 11, 22)


def write_sheet(path, rows, header=("客户编号", "客户名称", "月份", "销售金额", "销售数量")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


@pytest.fixture
def customers(context):
    return {
        "KH000001": make_customer(context, "北京华达电子有限公司", code="KH000001"),
        "KH000002": make_customer(context, "上海鑫盛机械有限公司", code="KH000002"),
        "same1": make_customer(context, "同名公司", code="KH000003"),
        "same2": make_customer(context, "同名公司", code="KH000004"),
    }


def sales(context) -> dict:
    with context.reader() as session:
        query = select(Customer.code, SalesRecord.month, SalesRecord.amount).join(Customer)
        return {(code, month): amount for code, month, amount in session.execute(query)}


def test_good_file_imports_and_reclassifies(context, customers, tmp_path):
    add_sales(context, customers["KH000001"], {"2026-10": "1.00"})
    path = write_sheet(tmp_path / "ok.xlsx", [
        ("KH000001", "", "2026-10", 1200.5, 10),
        ("", "上海鑫盛机械有限公司", datetime(2026, 9, 1), "300", None),
        ("kh000002", "", "2026年8月", "￥1,000.00", "2"),
    ])  # fmt: skip
    with context.reader() as session:
        plan = sales_import.read_sales_file(session, path)
    assert plan.bad == [] and len(plan.good) == 3
    with context.session() as session:
        result = sales_import.apply_import(session, plan, as_of=AS_OF)
    assert (result.added, result.replaced) == (2, 1)  # 2026-10 of KH000001 replaced
    assert sales(context) == {
        ("KH000001", date(2026, 10, 1)): Decimal("1200.50"),
        ("KH000002", date(2026, 9, 1)): Decimal("300.00"),
        ("KH000002", date(2026, 8, 1)): Decimal("1000.00"),
    }
    with context.reader() as session:
        classes = dict(session.execute(select(Customer.code, Customer.abc_class)).all())
    # 1,300 of 2,500.50 puts KH000002 first; KH000001 starts at 52 % → both A; no sales → blank.
    assert classes == {"KH000001": "A", "KH000002": "A", "KH000003": "", "KH000004": ""}


def test_the_check_announces_which_rows_replace_existing_sales(context, customers, tmp_path):
    add_sales(context, customers["KH000001"], {"2026-10": "1.00", "2026-09": "2.00"})
    path = write_sheet(tmp_path / "update.xlsx", [
        ("KH000001", "", "2026-10", 1200.5, 10),
        ("KH000001", "", "2026-08", 300, 1),
        ("KH000001", "", "2026-09", 400, 1),
    ])  # fmt: skip
    with context.reader() as session:
        plan = sales_import.read_sales_file(session, path)
    assert plan.describe() == "共 3 行：正确 3 行（其中 2 行将替换已有的销售数据），错误 0 行"
    assert [(r.row, r.month, r.old_amount, r.new_amount) for r in plan.replacing] == [
        (2, date(2026, 10, 1), Decimal("1.00"), Decimal("1200.50")),
        (4, date(2026, 9, 1), Decimal("2.00"), Decimal("400.00")),
    ]
    assert {r.customer for r in plan.replacing} == {"北京华达电子有限公司"}
    with context.session() as session:
        result = sales_import.apply_import(session, plan, as_of=AS_OF)
    assert (result.added, result.replaced) == (1, 2)


def save_formula_results(path, results: dict[str, str]) -> None:
    """Store each formula cell's result as Excel does (openpyxl saves none): 17 digits."""
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts[sheet].decode()
    for cell, value in results.items():
        xml = re.sub(rf'(<c r="{cell}"[^>]*>(<f>[^<]*</f>))<v ?/>', rf"\1<v>{value}</v>", xml)
    parts[sheet] = xml.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_formula_results_are_read_to_the_cent(context, customers, tmp_path):
    """=1234.1*3 comes out of openpyxl as 3702.2999999999997; a typed 10.005 is still refused."""
    path = write_sheet(tmp_path / "formula.xlsx", [
        ("KH000001", "", "2026-10", "=1234.1*3", "=0.1*3"),
        ("KH000002", "", "2026-10", 10.005, 1),
    ])  # fmt: skip
    save_formula_results(path, {"D2": "3702.2999999999997", "E2": "0.30000000000000004"})
    with context.reader() as session:
        plan = sales_import.read_sales_file(session, path)
    assert [(bad.row, "两位小数" in bad.reason) for bad in plan.bad] == [(3, True)]
    [good] = plan.good
    assert (good.amount, good.quantity) == (Decimal("3702.30"), Decimal("0.3"))


def test_bad_rows_are_reported_and_nothing_is_imported(context, customers, tmp_path):
    path = write_sheet(tmp_path / "bad.xlsx", [
        ("KH000001", "", "2026-10", 100, 1),            # row 2: good
        ("KH999999", "", "2026-10", 100, 1),            # row 3: unknown code
        ("", "同名公司", "2026-10", 100, 1),              # row 4: ambiguous name
        ("KH000002", "", "2026-13", 100, 1),            # row 5: bad month
        ("KH000002", "", "2026-09", "一百", 1),          # row 6: bad amount
        ("KH000002", "", "2026-08", -5, 1),             # row 7: negative amount
        ("KH000001", "", "2026/10", 50, 1),             # row 8: duplicate of row 2
        ("", "", "2026-10", 100, 1),                    # row 9: no customer
        ("KH000002", "", "2026-07", 100, -1),           # row 10: negative quantity
    ])  # fmt: skip
    with context.reader() as session:
        plan = sales_import.read_sales_file(session, path)
    reasons = {bad.row: bad.reason for bad in plan.bad}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "KH999999" in reasons[3] and "不存在" in reasons[3]
    assert "同名" in reasons[4]
    assert "月份" in reasons[5]
    assert "金额" in reasons[6]
    assert "负数" in reasons[7]
    assert "第 2 行重复" in reasons[8]
    assert "客户编号或客户名称" in reasons[9]
    assert "数量" in reasons[10]
    with context.session() as session, pytest.raises(UserError, match="8 行错误"):
        sales_import.apply_import(session, plan, as_of=AS_OF)
    assert sales(context) == {}

    with context.session() as session:
        result = sales_import.apply_import(session, plan, good_rows_only=True, as_of=AS_OF)
    assert (result.added, result.skipped) == (1, 8)
    assert sales(context) == {("KH000001", date(2026, 10, 1)): Decimal("100.00")}


def test_failure_midway_leaves_nothing(context, customers, tmp_path, monkeypatch):
    path = write_sheet(tmp_path / "ok.xlsx", [("KH000001", "", "2026-10", 100, 1)])
    with context.reader() as session:
        plan = sales_import.read_sales_file(session, path)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(sales_import.abc_classes, "recompute", broken)
    with pytest.raises(RuntimeError), context.session() as session:
        sales_import.apply_import(session, plan, as_of=AS_OF)
    assert sales(context) == {}


def test_unreadable_or_headerless_files_are_refused(context, tmp_path):
    text = tmp_path / "not-excel.xlsx"
    text.write_text("hello")
    with context.reader() as session, pytest.raises(UserError, match="无法读取"):
        sales_import.read_sales_file(session, text)
    path = write_sheet(tmp_path / "noheader.xlsx", [], header=("a", "b"))
    with context.reader() as session, pytest.raises(UserError, match="月份"):
        sales_import.read_sales_file(session, path)


def test_template_round_trips(context, customers, tmp_path):
    path = tmp_path / "template.xlsx"
    sales_import.write_template(path)
    with context.reader() as session:
        plan = sales_import.read_sales_file(session, path)
    assert plan.total_rows == 0


def test_command_line_import_and_abc(data_dir, customers, tmp_path, capsys):
    from kehu_desktop.cli import main

    path = write_sheet(tmp_path / "cli.xlsx", [
        ("KH000001", "", date.today().strftime("%Y-%m"), 100, 1),
        ("KH404", "", "2026-10", 100, 1),
    ])  # fmt: skip
    assert main(["--data-dir", str(data_dir), "import-sales", str(path)]) == 2
    assert "第 3 行" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "import-sales", str(path), "--good-rows-only"]) == 0
    assert "新增 1 条" in capsys.readouterr().out
    assert main(["--data-dir", str(data_dir), "abc"]) == 0
    assert "A 类 1 位" in capsys.readouterr().out
