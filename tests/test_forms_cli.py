"""``kehu-admin print``: forms to files from the command line."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from kehu_desktop.cli import main as admin
from kehu_desktop.forms.specimen import add_specimens
from tests.helpers.customers import make_customer


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


def test_print_record_by_complaint_number_customer_code_or_id(context, data_dir, tmp_path):
    with context.session() as session:
        ids = add_specimens(session, date(2026, 11, 20))
    base = ["--data-dir", str(data_dir), "print"]

    def printed(form: str, record: str) -> str:
        out = tmp_path / "out.pdf"
        assert admin([*base, form, "--record", record, "-o", str(out)]) == 0
        return "".join("".join(page.extract_text().split()) for page in PdfReader(out).pages)

    assert "TS-2026-9001" in printed("客户投诉登记表", "ts-2026-9001")
    assert "TS-2026-9001" in printed("客户投诉登记表", str(ids.complaint))
    assert "KH-261120-S" in printed("客户资料卡", "KH-261120-S")
    card = printed("大客户管理卡", "KH-261120-S")
    assert "DK-KH-261120-S" in card
    assert printed("大客户管理卡", "DK-KH-261120-S") == card
    assert printed("大客户管理卡", str(ids.key_account)) == card


def test_print_record_that_matches_nothing_says_so_in_chinese(context, data_dir, tmp_path, capsys):
    with context.session() as session:
        add_specimens(session, date(2026, 11, 20))
    out = str(tmp_path / "x.pdf")
    base = ["--data-dir", str(data_dir), "print"]
    assert admin([*base, "客户投诉登记表", "--record", "TS-2026-0404", "-o", out]) == 2
    assert "找不到投诉“TS-2026-0404”。请输入投诉编号" in capsys.readouterr().err
    assert admin([*base, "客户资料卡", "--record", "KH999999", "-o", out]) == 2
    assert "找不到客户“KH999999”" in capsys.readouterr().err
    make_customer(context, "宏泰", code="KH000123")
    assert admin([*base, "大客户管理卡", "--record", "KH000123", "-o", out]) == 2
    assert "客户 KH000123 不是大客户" in capsys.readouterr().err
    assert admin([*base, "客户投诉案件统计表", "--record", "TS-2026-9001", "-o", out]) == 2
    assert "请给出月份或日期" in capsys.readouterr().err
