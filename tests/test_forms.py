"""Printed forms read back: PDF text and fonts, .xlsx cells and merges, 续页, 大写金额."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from kehu_desktop.forms import printing
from kehu_desktop.forms.capitals import amount_in_capitals
from kehu_desktop.forms.definition import (
    FORM_ORDER,
    FormDefinitionError,
    copy_to_user_folder,
    load_catalog,
)
from kehu_desktop.forms.specimen import add_specimens, specimen_job
from kehu_desktop.forms.typesetting import BOX_EMPTY, BOX_TICKED, NO_LINE_START, fonts, wrap
from kehu_desktop.models import Complaint, KeyAccount
from kehu_desktop.services.common.periods import month_period
from kehu_desktop.services.common.settings import FIRM_NAME

FIRM = "深圳市鑫盛电子科技有限公司"
TODAY = date(2026, 11, 22)


def pdf_text(data: bytes) -> list[str]:
    """Each page's text with the whitespace removed (runs and lines are split anyhow)."""
    reader = PdfReader(io.BytesIO(data))
    return ["".join(page.extract_text().split()) for page in reader.pages]


@pytest.fixture
def specimens(context):
    with context.session() as session:
        FIRM_NAME.put(session, FIRM)
        return add_specimens(session, date(2026, 11, 20))


@pytest.fixture
def catalog(data_dir):
    return load_catalog(data_dir)


def render(context, catalog, job: printing.PrintJob, fmt: str = "pdf") -> bytes:
    with context.reader() as session:
        return printing.render(session, catalog, job, fmt, today=TODAY)


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("12000", "壹万贰仟元整"),
        ("0.05", "伍分"),
        ("100010", "壹拾万零壹拾元整"),
        ("1000001", "壹佰万零壹元整"),
        ("105000.07", "壹拾万零伍仟元零柒分"),
        ("20100300", "贰仟零壹拾万零叁佰元整"),
        ("110000000.01", "壹亿壹仟万元零壹分"),
        ("0", "零元整"),
    ],
)
def test_amount_in_capitals_follows_the_peoples_bank_rules(amount, capitals):
    assert amount_in_capitals(Decimal(amount)) == capitals


def test_no_line_starts_with_closing_punctuation_and_nothing_is_lost():
    text = "客户反映，产品外观有划痕。请尽快处理（急）！包装箱破损，共计12000件，影响装配。" * 3
    for width in (40, 55, 71, 100, 133):
        lines = wrap(text, 10, width)
        assert "".join(lines) == text
        assert not any(line and line[0] in NO_LINE_START for line in lines[1:])
        assert not any(line.endswith("（") for line in lines)


def test_filled_customer_card_holds_labels_values_firm_and_codes(context, catalog, specimens):
    data = render(context, catalog, printing.PrintJob("customer_card", (specimens.customer,)))
    pages = pdf_text(data)
    text = "".join(pages)
    for expected in (
        FIRM,
        "客户资料卡",
        "QR-KF-001",
        "A/0",
        "客户编号",
        "统一社会信用代码",
        "东莞市华达精密五金制品有限公司",
        "91441900MA4UJ8XK2Q",
        "捌拾万元整",  # 信用额度 800,000 in capitals
        "陈志强",
        "2009年3月18日",
        "打印日期：2026年11月22日",
    ):
        assert expected in text, expected
    assert all(f"共{len(pages)}页" in page for page in pages)
    assert "第1页" in pages[0]


def test_the_chinese_font_is_embedded(context, catalog, specimens):
    data = render(context, catalog, printing.PrintJob("complaint_register", (specimens.complaint,)))
    reader = PdfReader(io.BytesIO(data))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(str(font["/BaseFont"]))
    face = pdfmetrics.getFont(fonts().regular).face.name
    face = face.decode() if isinstance(face, bytes) else face
    assert any(name.endswith(face) for name in embedded), embedded


def test_blank_form_has_tick_boxes_date_blanks_and_no_record_number(context, catalog):
    data = render(context, catalog, printing.PrintJob("complaint_register"))
    text = pdf_text(data)[0]
    assert "客户投诉登记表" in text and "投诉内容" in text
    assert "年月日" in text  # the date blank
    assert "产品质量交货期服务态度" in text  # the choices printed beside their boxes
    assert "打印日期" not in text


def tick_boxes(context, catalog, job: printing.PrintJob) -> list[str]:
    """The texts of the tick-box cells the first record prints, boxes included."""
    with context.reader() as session:
        prepared = printing.prepare(session, catalog, job, today=TODAY)
    pages = printing.pages_of(prepared)[0]
    return [op.text for page in pages for op in page.ops if op.kind == "ticks"]


def test_key_account_card_ticks_the_accounts_level(context, catalog, specimens):
    """The card's tick boxes are the app's levels, so the account's own level is ticked."""
    with context.session() as session:
        session.get(KeyAccount, specimens.key_account).level = "重点"
    job = printing.PrintJob("key_account_card", (specimens.key_account,))
    ticks = tick_boxes(context, catalog, job)
    assert ticks == [f"{BOX_EMPTY}战略  {BOX_TICKED}重点  {BOX_EMPTY}一般"]
    assert "大客户等级战略重点一般" in "".join(pdf_text(render(context, catalog, job)))
    sheet = load_workbook(io.BytesIO(render(context, catalog, job, "xlsx"))).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert f"{BOX_TICKED}重点" in next(v for v in cells if v and BOX_TICKED in str(v))


def test_complaint_forms_tick_every_value_the_complaints_desk_records(context, catalog, specimens):
    with context.session() as session:
        complaint = session.get(Complaint, specimens.complaint)
        complaint.satisfaction, complaint.department = "非常满意", "客服"
    job = printing.PrintJob("complaint_report", (specimens.complaint,))
    assert any(f"{BOX_TICKED}非常满意" in t for t in tick_boxes(context, catalog, job))
    job = printing.PrintJob("complaint_handling", (specimens.complaint,))
    assert any(f"{BOX_TICKED}客服" in t for t in tick_boxes(context, catalog, job))


def test_overflowing_text_continues_on_a_marked_page_and_loses_nothing(context, catalog, specimens):
    long_text = "".join(
        f"第{n}条：产品外观划痕、尺寸超差，客户要求全数挑选。" for n in range(1, 90)
    )
    with context.session() as session:
        session.get(Complaint, specimens.complaint).description = long_text
    data = render(context, catalog, printing.PrintJob("complaint_register", (specimens.complaint,)))
    pages = pdf_text(data)
    assert len(pages) >= 2
    assert "见续页" in pages[0]
    assert "客户投诉登记表（续页）" in pages[-1]
    assert "投诉内容（接第1页）" in pages[1]
    printed = "".join(pages).replace("（见续页）", "")
    # every character appears, in order, across the box and the continuation
    position = 0
    for char in long_text.replace(" ", ""):
        position = printed.index(char, position) + 1


def test_xlsx_holds_values_in_the_right_cells_and_the_merges(context, catalog, specimens):
    data = render(
        context, catalog, printing.PrintJob("complaint_register", (specimens.complaint,)), "xlsx"
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == FIRM
    assert sheet["A2"].value == "客户投诉登记表"
    assert "QR-KF-005" in sheet["D3"].value
    # first grid row: 投诉编号 | TS-… | 受理时间 | 2026年11月3日 09:15 (merged over D:F)
    assert [sheet.cell(4, c).value for c in (1, 2, 3, 4)] == [
        "投诉编号",
        "TS-2026-9001",
        "受理时间",
        "2026年11月3日 09:15",
    ]
    merges = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:F1", "A2:F2", "D4:F4"} <= merges
    assert sheet.print_area is not None and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    description = next(
        sheet.cell(r, 2).value for r in range(4, 20) if sheet.cell(r, 1).value == "投诉内容"
    )
    assert description.startswith("客户来电反映")


@pytest.mark.parametrize("key", FORM_ORDER)
def test_every_form_prints_blank_and_filled(context, catalog, specimens, key):
    definition = catalog.get(key)
    blank = pdf_text(render(context, catalog, printing.PrintJob(key)))
    assert definition.title in blank[0] and definition.code in blank[0]
    filled = pdf_text(render(context, catalog, specimen_job(key, definition.source, specimens)))
    assert "打印日期：2026年11月22日" in filled[0]
    assert "华达" in "".join(filled) or key == "contact_plan"


def test_paper_sizes_and_overlay(context, catalog, specimens):
    for paper, size in (("A5", (148, 210)), ("241x93", (241, 93)), ("A4L", (297, 210))):
        job = printing.PrintJob("visit_record", (specimens.visit,), paper=paper)
        page = PdfReader(io.BytesIO(render(context, catalog, job))).pages[0]
        width, height = (round(float(v) * 25.4 / 72) for v in page.mediabox[2:])
        assert (width, height) == size
    overlay = pdf_text(
        render(
            context, catalog, printing.PrintJob("visit_record", (specimens.visit,), overlay=True)
        )
    )[0]
    assert "东莞市华达精密五金制品有限公司" in overlay
    assert "洽谈内容" not in overlay and "客户访问记录表" not in overlay


def test_firm_overrides_of_code_revision_and_paper(context, catalog, specimens):
    with context.session() as session:
        printing.save_settings(
            session,
            context.operator,
            "华达",
            {"visit_record": {"code": "QR-XS-100", "revision": "B/2"}},
            {},
        )
    text = pdf_text(render(context, catalog, printing.PrintJob("visit_record")))[0]
    assert "QR-XS-100" in text and "B/2" in text


def test_a_broken_user_definition_is_rejected_naming_the_problem(data_dir):
    path = copy_to_user_folder("customer_card", data_dir)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["rows"][1]["cells"][1]["field"] = "nmae"
    raw["rows"][2]["cells"].pop()
    raw["rows"][23]["preset"] = [{"month": "1月", "amout": "1"}]
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    catalog = load_catalog(data_dir)
    assert catalog.get("customer_card").user_copy is False  # fell back to the built-in
    (problem,) = catalog.problems
    assert "customer_card.json" in problem
    assert "第 2 行第 2 格：字段 “nmae” 不存在" in problem
    assert "第 3 行：各格 span 之和为 5，应等于列数 6" in problem
    assert "第 24 行：preset 中的字段 “amout” 不存在" in problem


def test_a_broken_json_file_reports_line_and_column(data_dir):
    path = copy_to_user_folder("visit_record", data_dir)
    path.write_text('{"title": "客户访问记录表",\n "code": }', encoding="utf-8")
    (problem,) = load_catalog(data_dir).problems
    assert "JSON 格式错误，第 2 行第 10 列" in problem


def test_a_valid_user_copy_changes_labels(context, data_dir, specimens):
    path = copy_to_user_folder("visit_record", data_dir)
    raw = json.loads(path.read_text(encoding="utf-8").replace("访问记录表", "拜访记录单"))
    raw["note"] = "本表一式两联：白联客服部存档，黄联交业务部。"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    catalog = load_catalog(data_dir)
    assert catalog.problems == []
    assert catalog.get("visit_record").user_copy
    text = pdf_text(render(context, catalog, printing.PrintJob("visit_record")))[0]
    assert "客户拜访记录单" in text and "本表一式两联" in text


def test_month_batch_prints_every_complaint_of_the_month(context, catalog, specimens):
    start, end = month_period(date(2026, 11, 1))
    job = printing.PrintJob("complaint_handling", start=start, end=end)
    with context.reader() as session:
        prepared = printing.prepare(session, catalog, job, today=TODAY)
        reports: list[tuple[int, int]] = []
        printing.render(session, catalog, job, progress=lambda d, t: reports.append((d, t)))
    assert reports[-1][0] == reports[-1][1] and reports == sorted(reports)
    numbers = [h.number for h in prepared.headers]
    assert "TS-2026-9001" in numbers
    reader = PdfReader(io.BytesIO(printing.to_pdf(prepared)))
    assert len(reader.pages) >= len(numbers)
    with pytest.raises(printing.UserError, match="没有投诉记录"):
        render(context, catalog, printing.PrintJob("complaint_handling", start=date(2001, 1, 1),
                                                   end=date(2001, 1, 31)))  # fmt: skip


def test_visit_forms_for_a_days_plan_carry_the_plan(context, catalog, specimens):
    from kehu_desktop.forms.sources import plans_on

    with context.reader() as session:
        plan_ids = plans_on(session, specimens.day)
    job = printing.PrintJob("visit_record", tuple(plan_ids), from_plans=True)
    text = pdf_text(render(context, catalog, job))[0]
    assert "东莞市华达精密五金制品有限公司" in text and "2026年11月20日" in text


def test_calibration_page_shows_the_offsets():
    from kehu_desktop.forms.paper import paper
    from kehu_desktop.forms.pdf import calibration_page

    text = pdf_text(calibration_page(paper("241x140"), (1.5, -2.0)))[0]
    assert "套打校准页" in text and "X+1.5mm，Y-2.0mm" in text


def test_unknown_form_and_definition_error_type(catalog):
    with pytest.raises(printing.UserError, match="没有表单"):
        catalog.get("nope")
    assert issubclass(FormDefinitionError, printing.UserError)


def test_a_table_cell_taller_than_a_page_continues_too(context, catalog, specimens):
    long_issue = "".join(f"问题{n}：客户反映交期不稳定，要求每周确认排产计划。" for n in range(80))
    with context.session() as session:
        session.get(KeyAccount, specimens.key_account).countermeasures[0].issue = long_issue
    job = printing.PrintJob("key_account_measures", (specimens.key_account,))
    pages = pdf_text(render(context, catalog, job))
    assert "见续页" in "".join(pages[:-1])
    assert re.search(r"问题（接第\d页）", pages[-1])
    printed = "".join(pages).replace("（见续页）", "")
    position = 0
    for char in long_issue:
        position = printed.index(char, position) + 1
