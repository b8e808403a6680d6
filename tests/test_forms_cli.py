"""``kehu-admin print``: forms to files from the command line."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from kehu_desktop.cli import main as admin
from kehu_desktop.forms.specimen import add_specimens


def test_print_blank_record_and_month(context, data_dir, tmp_path, capsys):
    with context.session() as session:
        ids = add_specimens(session, date(2026, 11, 20))
    blank = tmp_path / "blank.pdf"
    assert (
        admin(["--data-dir", str(data_dir), "print", "客户投诉登记表", "--blank", "-o", str(blank)])
        == 0
    )
    assert "客户投诉登记表" in PdfReader(blank).pages[0].extract_text()

    card = tmp_path / "card.xlsx"
    args = ["--data-dir", str(data_dir), "print", "customer_card", "--record", str(ids.customer)]
    assert admin([*args, "--paper", "A4L", "-o", str(card)]) == 0
    sheet = load_workbook(io.BytesIO(card.read_bytes())).active
    assert sheet["B5"].value.startswith("KH-")
    assert sheet.page_setup.orientation == "landscape"

    report = tmp_path / "month.pdf"
    args = ["--data-dir", str(data_dir), "print", "客户投诉案件统计表", "--month", "2026-11"]
    assert admin([*args, "-o", str(report)]) == 0
    text = "".join(PdfReader(report).pages[0].extract_text().split())
    assert "2026年11月1日至2026年11月30日" in text and "TS-2026-9001" in text
    daily = tmp_path / "daily.pdf"
    args = ["--data-dir", str(data_dir), "print", "客户访问日报表", "--day", "2026-11-20"]
    assert admin([*args, "--paper", "241x140", "-o", str(daily)]) == 0
    assert "客户访问日报表" in PdfReader(daily).pages[0].extract_text()
    assert "已生成" in capsys.readouterr().out


def test_print_reports_what_the_user_got_wrong(context, data_dir, tmp_path, capsys):
    out = str(tmp_path / "x.pdf")
    base = ["--data-dir", str(data_dir), "print"]
    assert admin([*base, "客户资料卡", "--record", "999", "-o", out]) == 2
    assert "找不到客户" in capsys.readouterr().err
    assert admin([*base, "客户资料卡", "--month", "2026-13", "-o", out]) == 2
    assert "不是有效月份" in capsys.readouterr().err
    assert admin([*base, "不存在的表", "--blank", "-o", out]) == 2
    assert "没有表单" in capsys.readouterr().err
    assert admin([*base, "客户资料卡", "--blank", "--paper", "B5", "-o", out]) == 2
    assert "未知纸张" in capsys.readouterr().err
