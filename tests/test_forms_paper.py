"""Paper that works on the desk's printers (issue 13), read back from the PDF and the .xlsx:
true 套打, continuous paper, layout rules, blanks that follow the settings, numbered surveys and
credit evaluations, the new forms, safe workbooks, checked definitions, the QR code."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
import segno
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import ContentStream

from kehu_desktop.cli import main as admin_cli
from kehu_desktop.forms import printing
from kehu_desktop.forms.definition import (
    FORM_ORDER,
    copy_to_user_folder,
    load_catalog,
)
from kehu_desktop.forms.grid import build_grid
from kehu_desktop.forms.pages import lay_out_form
from kehu_desktop.forms.paper import PAPERS, TRACTOR_STRIP, paper
from kehu_desktop.forms.pdf import qr_matrix
from kehu_desktop.forms.sources.records import find_record, locate
from kehu_desktop.forms.specimen import add_specimens, specimen_job
from kehu_desktop.forms.typesetting import BOX_TICKED, text_width
from kehu_desktop.models import (
    Complaint,
    Contact,
    Customer,
    SatisfactionSurvey,
    SurveyItemScore,
)
from kehu_desktop.services.common.settings import FIRM_NAME
from kehu_desktop.services.key_accounts import credit, satisfaction

TODAY = date(2026, 11, 22)
PT = 25.4 / 72
NEW_FORMS = (
    "customer_grades",
    "contact_results",
    "reception_record",
    "complaint_ledger",
    "complaint_daily",
    "complaint_returns",
    "complaint_claims",
    "key_account_application",
    "key_account_designation",
    "key_account_dealings",
    "satisfaction_survey",
)


@pytest.fixture
def specimens(context):
    with context.session() as session:
        FIRM_NAME.put(session, "深圳市鑫盛电子科技有限公司")
        return add_specimens(session, date(2026, 11, 20))


@pytest.fixture
def catalog(data_dir):
    return load_catalog(data_dir)


def render(context, catalog, job: printing.PrintJob, fmt: str = "pdf") -> bytes:
    with context.reader() as session:
        return printing.render(session, catalog, job, fmt, today=TODAY)


def pdf_text(data: bytes) -> list[str]:
    return ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def fragments(data: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    """Each run of Latin letters and digits drawn on the page, read from the content stream,
    with where it starts (points from the bottom left). Such runs are in the Latin font, whose
    codes are ASCII; Chinese runs are read with ``pdf_text``."""
    reader = PdfReader(io.BytesIO(data))
    stream = ContentStream(reader.pages[page].get_contents(), reader)
    found, x, y = [], 0.0, 0.0
    for operands, operator in stream.operations:
        if operator == b"Tm":
            x, y = float(operands[4]), float(operands[5])
        elif operator == b"Tj":
            text = operands[0]
            text = text if isinstance(text, str) else bytes(text).decode("latin-1")
            if text.strip() and text.isascii() and text.isprintable():
                found.append((text.strip(), round(x, 2), round(y, 2)))
    return found


def laid_out(context, catalog, job: printing.PrintJob):
    with context.reader() as session:
        prepared = printing.prepare(session, catalog, job, today=TODAY)
    return prepared, printing.pages_of(prepared)


# --- true 套打 -----------------------------------------------------------------------------


def _lengthen(context, complaint_id: int) -> None:
    with context.session() as session:
        c = session.get(Complaint, complaint_id)
        c.product = "精密冲压件 HD-2231 加长型号（含表面处理、包装与运输、客户特殊要求的检验）"
        c.contact_name = "李晓敏（采购部经理兼供应商质量工程师）"
        c.description = "外观划痕、尺寸超差，客户要求全数挑选并提供 8D 报告。" * 40
        c.demand = "要求 3 日内换货。" * 30


def test_overlay_values_keep_their_boxes_whatever_the_length(context, catalog, specimens):
    job = printing.PrintJob("complaint_register", (specimens.complaint,), overlay=True)
    short = render(context, catalog, job)
    _lengthen(context, specimens.complaint)
    long = render(context, catalog, job)
    unchanged = ("TS-2026-9001", "2026", "09", "15", "B20261015-03", "PO-2026-1187")
    # the values above the description box, which the long text would push down if it could
    before = [f for f in fragments(short) if f[0] in unchanged and f[2] > 610]
    after = [f for f in fragments(long) if f[0] in unchanged and f[2] > 610]
    assert before and sorted(before) == sorted(after)
    # the long values stay in the one page of the blank; the rest is on a marked 续页
    pages = pdf_text(long)
    assert "见续页" in pages[0]
    assert "客户投诉登记表（续页）" in pages[-1] and f"共{len(pages)}页" in pages[-1]
    assert "投诉内容（接第1页）" in pages[-1]
    # every value box of the blank holds its value's first line where the blank has the box
    with context.reader() as session:
        prepared = printing.prepare(session, catalog, job, today=TODAY)
    grid = build_grid(prepared.definition, None)
    blank = lay_out_form(grid, prepared.definition.columns, prepared.paper, prepared.headers[0])
    pages_long = printing.pages_of(prepared)[0]
    for op in pages_long[0].ops:
        if op.kind != "text" or not op.data or op.text == "TS-2026-9001" and op.y < 30:
            continue
        inside = [
            s
            for s in blank.slots.values()
            if s.x <= op.x <= s.x + s.w and s.y <= op.y <= s.y + s.h + 0.01
        ]
        assert inside, op
        box = inside[0]
        assert op.x + text_width(op.text, op.size) * PT <= box.x + box.w + 0.01, op.text


def test_overlay_prints_no_label_of_the_blank_and_dates_as_digits(context, catalog, specimens):
    job = printing.PrintJob("complaint_register", (specimens.complaint,), overlay=True)
    overlay = "".join(pdf_text(render(context, catalog, job)))
    with context.reader() as session:
        prepared = printing.prepare(session, catalog, job, today=TODAY)
    blank_grid = build_grid(prepared.definition, None)
    labels = {
        cell.text.split("（")[0]
        for row in blank_grid
        for cell in row.cells
        if cell.role in ("label", "header", "section", "static", "sign") and cell.text
    }
    assert len(labels) > 10
    for label in labels | {"编号：", "表单编号", "QR-KF-005", "客户投诉登记表", "页"}:
        assert label not in overlay, label
    assert "TS-2026-9001" in overlay and "东莞市华达精密五金制品有限公司" in overlay
    # 受理时间 2026-11-03 09:15 and 处理期限 2026-11-10: digits only, in the slots
    digits = [text for text, _x, _y in fragments(render(context, catalog, job))]
    for group in ("2026", "11", "3", "09", "15", "10"):
        assert group in digits
    # each digit group ends just left of its 年/月/日/时/分 in the blank
    with context.reader() as session:
        prepared = printing.prepare(session, catalog, job, today=TODAY)
    ops = printing.pages_of(prepared)[0][0].ops
    minute = next(op for op in ops if op.text == "15" and op.data)
    received = next(s for s in _blank_slots(prepared) if s.text.endswith("分"))
    unit_x = (
        received.tx + text_width(received.text[: received.text.index("分")], received.size) * PT
    )
    assert unit_x - 1.5 < minute.x + text_width("15", minute.size) * PT <= unit_x


def runs(data: bytes, page: int) -> list[tuple[str, float, float]]:
    """Every text run drawn on the page, Chinese included, with where it starts (points from
    the bottom left), as a PDF reader finds it."""
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, _font, _size) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), round(x, 2), round(y, 2)))

    PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return found


def test_an_overlay_table_longer_than_the_blank_says_see_continuation(context, catalog, specimens):
    job = printing.PrintJob("customer_card", (specimens.customer,), overlay=True)
    fitting = runs(render(context, catalog, job), 0)  # three contacts: the blank's three rows
    assert "王丽" in "".join(t for t, _x, _y in fitting)
    with context.session() as session:
        for name in ("赵六", "钱七"):
            session.add(Contact(customer_id=specimens.customer, name=name, title="业务员"))
    data = render(context, catalog, job)
    first = runs(data, 0)

    def at(text: str) -> tuple[float, float]:
        return next((x, y) for t, x, y in first if t.startswith(text))

    # the blank has three rows for sales and for contacts: two rows of values each, then the
    # third row says 见续页 right where that row is, below the second, above what follows
    marks = sorted((y for t, _x, y in first if t == "（见续页）"), reverse=True)
    assert len(marks) == 2
    pitch = at("137,502.50")[1] - at("141,003.00")[1]  # the sales of May and June
    assert pitch > 10 and abs(at("141,003.00")[1] - pitch - marks[0]) < 1.5
    pitch = at("陈志强")[1] - at("李晓敏")[1]
    assert abs(at("李晓敏")[1] - pitch - marks[1]) < 1.5
    assert marks[0] > at("陈志强")[1]
    page_width = PAPERS["A4"].width / PT
    mark_x = next(x for t, x, _y in first if t == "（见续页）")
    mark_w = text_width("（见续页）", 9.5)
    assert abs(mark_x + mark_w / 2 - page_width / 2) < 30  # across the row, not in one box
    printed = "".join(t for t, _x, _y in first)
    for moved in ("144,503.50", "155,005.00", "王丽", "赵六", "钱七"):  # July, October
        assert moved not in printed
    # the 续页: its title, page number, each table's name with the page it continues
    pages = pdf_text(data)
    assert len(pages) == 2
    last = pages[-1]
    assert "客户资料卡（续页）" in last and "第2页/共2页" in last
    sales = last.index("续表：四、销售业绩（接第1页）")
    contacts = last.index("续表：五、主要联系人（接第1页）")
    assert sales < last.index("2026年7月") < last.index("2026年10月") < contacts
    assert contacts < last.index("王丽") < last.index("赵六") < last.index("钱七")
    # every value still on the blank is where it was before the contacts overflowed
    assert set(first) - {r for r in first if r[0] == "（见续页）"} <= set(fitting)


def test_overlay_puts_each_scored_item_in_the_row_of_its_name(context, catalog, specimens):
    # the specimen survey was taken with 价格水平 (since renamed 价格合理 in the settings) and
    # with 技术支持 before 投诉处理, the other way round from the blank
    job = printing.PrintJob("key_account_survey", (specimens.survey,), overlay=True)
    prepared, documents = laid_out(context, catalog, job)
    pages = documents[0]
    names = {
        (slot.page, round(slot.y, 2)): slot.text
        for (_key, item, col), slot in lay_out_form(
            build_grid(prepared.definition, None, prepared.presets),
            prepared.definition.columns, prepared.paper, prepared.blank_header(),
        ).slots.items()
        if item >= 0 and col == 0
    }  # fmt: skip
    ticked = {}
    for op in pages[0].ops:
        if op.kind == "ticks":
            row = next(n for (page, y), n in names.items() if page == 0 and y <= op.y <= y + 8)
            ticked[row] = op.text.split(BOX_TICKED)[1][0]
    assert ticked == {"产品质量": "4", "交货及时": "3", "服务态度": "5", "技术支持": "5",
                      "投诉处理": "4"}  # fmt: skip
    data = render(context, catalog, job)
    text = pdf_text(data)
    for name in ("产品质量", "交货及时", "价格合理", "服务态度", "技术支持", "投诉处理"):
        assert name not in text[0]  # the blank prints the items' names
    assert "调查项目：价格水平；权重：15；评分：4" in text[-1] and "（接第1页）" in text[-1]
    for weight in ("25", "20", "15", "10"):  # equal to the blank's weights: not printed again
        assert weight not in [t for t, _x, _y in fragments(data)]


def test_every_form_overlays_its_values_inside_the_blanks_boxes(context, catalog, specimens):
    checked = 0
    for form, definition in catalog.forms.items():
        filled = specimen_job(form, definition.source, specimens)
        job = printing.PrintJob(filled.form, filled.record_ids, filled.start, filled.end,
                                overlay=True, record_kind=filled.record_kind)  # fmt: skip
        prepared, documents = laid_out(context, catalog, job)
        for header, pages in zip(prepared.headers, documents, strict=True):
            grid = build_grid(prepared.definition, None, prepared.presets)
            blank = lay_out_form(grid, prepared.definition.columns, prepared.paper, header)
            for number, page in enumerate(pages[: blank.main_pages]):
                for op in page.ops:
                    if op.kind not in ("text", "ticks") or op.y < prepared.paper.top + 25:
                        continue  # the header's number beside the blank's 编号：
                    assert any(
                        s.page == number
                        and s.x - 0.01 <= op.x <= s.x + s.w
                        and s.y - 0.01 <= op.y <= s.y + s.h + 0.01
                        for s in blank.slots.values()
                    ), (form, op.text)
            checked += 1
    assert checked >= len(catalog.forms)


def _blank_slots(prepared):
    grid = build_grid(prepared.definition, None)
    definition = prepared.definition
    return lay_out_form(
        grid, definition.columns, prepared.paper, prepared.headers[0]
    ).slots.values()


def test_overlay_uses_the_printers_offsets_from_the_command_line(
    context, catalog, specimens, data_dir, tmp_path
):
    with context.session() as session:
        printing.save_settings(session, context.operator, "", {}, {"EPSON LQ-630K": [2.0, -1.5]})
    args = ["--data-dir", str(data_dir), "print", "客户投诉登记表", "--record", "TS-2026-9001"]
    plain, moved = tmp_path / "plain.pdf", tmp_path / "moved.pdf"
    assert admin_cli([*args, "--overlay", "-o", str(plain)]) == 0
    assert admin_cli([*args, "--overlay", "--printer", "EPSON LQ-630K", "-o", str(moved)]) == 0
    a = {t: (x, y) for t, x, y in fragments(plain.read_bytes())}
    b = {t: (x, y) for t, x, y in fragments(moved.read_bytes())}
    x0, y0 = a["B20261015-03"]
    x1, y1 = b["B20261015-03"]
    assert round((x1 - x0) * PT, 2) == 2.0 and round((y1 - y0) * PT, 2) == 1.5
    refused = admin_cli([*args, "--overlay", "--printer", "HP", "-o", str(tmp_path / "x.pdf")])
    assert refused != 0
    page = tmp_path / "calibration.pdf"
    calibration = ["--data-dir", str(data_dir), "print", "--calibration"]
    assert admin_cli([*calibration, "--printer", "EPSON LQ-630K", "-o", str(page)]) == 0
    text = pdf_text(page.read_bytes())[0]
    assert "EPSONLQ-630K" in text and "X+2.0mm，Y-1.5mm" in text


# --- continuous paper and layout rules ---------------------------------------------------------


@pytest.mark.parametrize("key", ["241x279", "241x140", "241x93"])
def test_nothing_is_printed_on_the_tractor_strips(context, catalog, specimens, key):
    low, high = TRACTOR_STRIP, PAPERS[key].width - TRACTOR_STRIP
    for form, definition in catalog.forms.items():
        for job in (
            printing.PrintJob(form, paper=key),
            specimen_job(form, definition.source, specimens, key),
        ):
            _prepared, documents = laid_out(context, catalog, job)
            for op in (op for pages in documents for page in pages for op in page.ops):
                right = op.x + (
                    text_width(op.text, op.size) * PT if op.text and op.kind != "qr" else op.w
                )
                assert low <= op.x and right <= high + 0.01, (form, op)
    # read back: the leftmost text of a filled visit slip starts past the strip
    data = render(context, catalog, specimen_job("visit_record", "visit", specimens, key))
    assert min(x for _t, x, _y in fragments(data)) * PT >= TRACTOR_STRIP


@pytest.mark.parametrize(
    "form",
    [
        "visit_record",
        "complaint_register",
        "complaint_notice",
        "reception_record",
        "service_register",
        "repair_report",
    ],
)
@pytest.mark.parametrize("key", ["241x140", "241x93"])
def test_slips_fit_one_strip(context, catalog, specimens, form, key):
    definition = catalog.get(form)
    assert key in definition.variants  # a layout designed for the strip
    for job in (
        printing.PrintJob(form, paper=key),
        specimen_job(form, definition.source, specimens, key),
    ):
        assert len(PdfReader(io.BytesIO(render(context, catalog, job))).pages) == 1


def test_paper_margins_are_settable_per_paper(context, catalog, specimens):
    job = specimen_job("visit_record", "visit", specimens, "241x93")
    before = min(x for _t, x, _y in fragments(render(context, catalog, job))) * PT
    with context.session() as session:
        printing.save_settings(
            session, context.operator, "", {}, {}, {"241x93": {"left": 20, "right": 18}}
        )
        with pytest.raises(printing.UserError, match="导孔"):
            printing.save_settings(session, context.operator, "", {}, {}, {"241x140": {"left": 5}})
    after = min(x for _t, x, _y in fragments(render(context, catalog, job))) * PT
    assert round(after - before, 2) == 20 - paper("241x93").left


def test_xlsx_names_the_paper(context, catalog, specimens):
    for key, expected in (("241x93", ("93mm", "241mm")), ("241x279", ("241mm", "279mm"))):
        job = specimen_job("visit_record", "visit", specimens, key)
        sheet = load_workbook(io.BytesIO(render(context, catalog, job, "xlsx"))).active
        assert (sheet.page_setup.paperWidth, sheet.page_setup.paperHeight) == expected
    sheet = load_workbook(
        io.BytesIO(render(context, catalog, printing.PrintJob("visit_record", paper="A5"), "xlsx"))
    ).active
    assert sheet.page_setup.paperSize == 11


def test_no_page_holds_only_a_signature_block(context, catalog, specimens):
    with context.session() as session:  # a month with many plans: the 客户联络计划表 of the issue
        from kehu_desktop.models import VisitPlan

        customer = session.get(Customer, specimens.customer)
        for n in range(20):
            session.add(
                VisitPlan(
                    customer_id=customer.id,
                    staff_id=customer.owner_id,
                    planned_date=date(2026, 11, 1 + n),
                    purpose="例行",
                )
            )
    checked = 0
    for form, definition in catalog.forms.items():
        for key in PAPERS:
            for job in (
                printing.PrintJob(form, paper=key),
                specimen_job(form, definition.source, specimens, key),
            ):
                prepared, _docs = laid_out(context, catalog, job)
                chosen = prepared.paper
                for header, record in zip(prepared.headers, prepared.records, strict=True):
                    grid = build_grid(prepared.definition, record, prepared.presets, chosen.strip)
                    out = lay_out_form(grid, prepared.definition.columns, chosen, header)
                    starts = [0, *out.breaks, len(grid)]
                    for first, end in zip(starts, starts[1:], strict=False):
                        assert not all(_signature_or_note(r) for r in grid[first:end]), (form, key)
                    checked += 1
    assert checked >= len(FORM_ORDER) * len(PAPERS) * 2


def _signature_or_note(row) -> bool:
    return row.signature or all(cell.role == "static" for cell in row.cells)


def test_numbers_times_and_codes_never_break(context, catalog, specimens):
    with context.session() as session:
        c = session.get(Complaint, specimens.complaint)
        c.batch_no = "B2611247-03"
        c.return_amount = Decimal("1234.56")
    # a date may go to the next line before its time, never inside either
    whole = ("2026年11月3日", "09:15", "B2611247-03", "13925874561", "1,234.56")
    for key in ("A5", "241x93", "A4"):
        for form in ("complaint_register", "complaint_handling", "complaint_notice"):
            job = printing.PrintJob(form, (specimens.complaint,), paper=key)
            _prepared, documents = laid_out(context, catalog, job)
            lines = [op.text for page in documents[0] for op in page.ops if op.kind == "text"]
            printed = "".join(lines).replace(" ", "")
            for fixture in whole:
                if fixture in printed:
                    assert any(fixture in line for line in lines), (form, key, fixture)
            if form != "complaint_handling":  # the handling form has neither
                assert "09:15" in printed and "B2611247-03" in printed


def test_labels_never_leave_one_character_on_a_line(context, catalog, specimens):
    for key in ("A5", "241x93", "A4"):
        for form in ("complaint_register", "complaint_handling", "customer_card", "credit_survey"):
            definition = catalog.get(form)
            _prepared, documents = laid_out(
                context, catalog, specimen_job(form, definition.source, specimens, key)
            )
            for page in documents[0]:
                labels = [op for op in page.ops if op.kind == "text" and op.bold]
                for op in labels:
                    assert len(op.text) > 1 or not op.text.strip() or op.text in "一二三四五", op


def test_blank_capitals_line_reaches_yi(context, catalog):
    text = pdf_text(render(context, catalog, printing.PrintJob("credit_survey")))[0]
    assert "亿仟佰拾万仟佰拾元角分" in text


# --- forms follow the settings and the records -----------------------------------------------


def test_blank_credit_and_survey_forms_list_the_configured_items(context, catalog):
    with context.session() as session:
        credit.put_items(
            session,
            context.operator,
            [
                {"item": "注册资本", "weight": "15"},
                {"item": "资金周转", "weight": "25"},
                {"item": "付款记录", "weight": "60"},
            ],
        )
        satisfaction.put_items(
            session,
            context.operator,
            [{"item": "交付准时", "weight": "40"}, {"item": "售后服务", "weight": "60"}],
        )
    text = pdf_text(render(context, catalog, printing.PrintJob("credit_survey")))[0]
    assert re.search("注册资本15.*资金周转25.*付款记录60", text)
    assert "0.30" not in text and "合作年限" not in text
    for form in ("key_account_survey", "satisfaction_survey"):
        text = pdf_text(render(context, catalog, printing.PrintJob(form)))[0]
        assert re.search("交付准时40.*售后服务60", text) and "产品质量" not in text
    sheet = load_workbook(
        io.BytesIO(render(context, catalog, printing.PrintJob("credit_survey"), "xlsx"))
    ).active
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells[cells.index("资金周转") + 1] == 25


def test_each_survey_has_its_own_number_and_prints_from_its_record(
    context, catalog, specimens, data_dir, tmp_path
):
    with context.session() as session:
        older = SatisfactionSurvey(
            customer_id=specimens.customer,
            surveyed_on=date(2026, 5, 6),
            respondent="陈志强",
            overall_score=Decimal("3.10"),
        )
        older.items = [SurveyItemScore(item="产品质量", weight=Decimal("100"), score=3)]
        session.add(older)
        session.flush()
        older_id = older.id
    numbers = {}
    for survey_id in (specimens.survey, older_id):
        text = pdf_text(
            render(context, catalog, printing.PrintJob("key_account_survey", (survey_id,)))
        )[0]
        numbers[survey_id] = re.search(r"编号：(MY-\d{6})", text).group(1)
    assert len(set(numbers.values())) == 2
    # found again by its printed number, from the command line too
    out = tmp_path / "older.pdf"
    args = ["--data-dir", str(data_dir), "print", "客户满意度调查表", "--record", numbers[older_id]]
    assert admin_cli([*args, "-o", str(out)]) == 0
    text = pdf_text(out.read_bytes())[0]
    assert "2026年5月6日" in text and numbers[older_id] in text
    with context.reader() as session:
        assert find_record(session, "survey", numbers[older_id]) == older_id
        assert locate(session, numbers[older_id]) == ("survey", older_id)
        evaluation = f"XY-{specimens.credit:06d}"
        assert locate(session, evaluation) == ("credit", specimens.credit)
    text = pdf_text(
        render(context, catalog, printing.PrintJob("credit_survey", (specimens.credit,)))
    )[0]
    assert f"编号：XY-{specimens.credit:06d}" in text
    # opened on a key account, the survey form prints that account's latest survey
    job = printing.PrintJob(
        "key_account_survey", (specimens.key_account,), record_kind="key_account"
    )
    assert numbers[specimens.survey] in pdf_text(render(context, catalog, job))[0]


# --- the new forms ---------------------------------------------------------------------------

EXPECTED = {
    "customer_grades": ("客户等级分类表", "东莞市华达精密五金制品有限公司", "%"),
    "contact_results": ("客户联络结果报告表", "东莞市华达精密五金制品有限公司", "待执行"),
    "reception_record": ("客户接待表", "张工（技术部）", "HD-3015"),
    "complaint_ledger": ("客户投诉管理表", "TS-2026-9001", "TS-2026-9002"),
    "complaint_daily": ("客户投诉处理日报表", "TS-2026-9001", "回访满意"),
    "complaint_returns": ("退(换)货情况汇总表", "16,409.02", "4,500.00"),
    "complaint_claims": ("客户索赔一览表", "3,200.50", "叁仟贰佰元伍角"),
    "key_account_application": ("大客户申请表", "1,458,006.00", "扩产"),
    "key_account_designation": ("大客户设定表", "已批准", "战略级大客户"),
    "key_account_dealings": ("大客户交往表", "TS-2026-9001", "拜访"),
    "satisfaction_survey": ("客户满意度调查表", "李晓敏", "加快交期"),
}


@pytest.mark.parametrize("form", NEW_FORMS)
def test_the_new_forms_print_blank_and_with_their_values(context, catalog, specimens, form):
    definition = catalog.get(form)
    blank = "".join(pdf_text(render(context, catalog, printing.PrintJob(form))))
    assert definition.title in blank and definition.code in blank
    filled = "".join(
        pdf_text(render(context, catalog, specimen_job(form, definition.source, specimens)))
    )
    for expected in EXPECTED[form]:
        assert expected.replace(" ", "") in filled, expected
    sheet = load_workbook(
        io.BytesIO(
            render(context, catalog, specimen_job(form, definition.source, specimens), "xlsx")
        )
    ).active
    assert sheet["A2"].value == definition.title


# --- safe and honest .xlsx ---------------------------------------------------------------------


def test_a_formula_looking_value_is_stored_as_text(context, catalog, specimens):
    with context.session() as session:
        session.get(Customer, specimens.customer).name = '=HYPERLINK("http://x.example","点我")'
    data = render(
        context, catalog, printing.PrintJob("customer_card", (specimens.customer,)), "xlsx"
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere: the name is a string
    assert '<is><t>=HYPERLINK("http://x.example","点我")</t></is>' in sheet_xml
    sheet = load_workbook(io.BytesIO(data)).active
    cell = next(
        c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)
    )
    assert cell.data_type == "s"


def test_xlsx_rows_numbers_pages_and_repeated_headers(context, catalog, specimens):
    with context.session() as session:
        from kehu_desktop.models import VisitPlan

        customer = session.get(Customer, specimens.customer)
        for n in range(60):
            session.add(
                VisitPlan(
                    customer_id=customer.id,
                    staff_id=customer.owner_id,
                    planned_date=date(2026, 11, 1 + n % 28),
                    purpose="例行",
                )
            )
        session.get(Complaint, specimens.complaint).description = "很长的投诉内容。" * 400
    job = printing.PrintJob("contact_plan", start=date(2026, 11, 1), end=date(2026, 11, 30))
    sheet = load_workbook(io.BytesIO(render(context, catalog, job, "xlsx"))).active
    breaks = [b.id for b in sheet.row_breaks.brk]
    assert breaks
    header = [c.value for c in sheet[5]]  # the plans table's header, below the first grid row
    for row in breaks:
        assert [c.value for c in sheet[row + 1]] == header
    assert sheet.oddFooter.center.text == f"第 &P 页 / 共 {len(breaks) + 1} 页"
    assert sheet.page_setup.useFirstPageNumber and sheet.page_setup.firstPageNumber == 1
    # numbers as numbers with a number format
    job = printing.PrintJob("customer_card", (specimens.customer,))
    sheet = load_workbook(io.BytesIO(render(context, catalog, job, "xlsx"))).active
    values = [c for row in sheet.iter_rows() for c in row]
    limit = next(c for c in values if c.value == Decimal("800000") or c.value == 800000)
    assert limit.number_format == "#,##0.00" and limit.data_type == "n"
    job = printing.PrintJob("complaint_register", (specimens.complaint,))
    sheet = load_workbook(io.BytesIO(render(context, catalog, job, "xlsx"))).active
    assert max(d.height or 0 for d in sheet.row_dimensions.values()) <= 409


def test_a_workbook_of_several_records_numbers_pages_per_sheet(context, catalog, specimens):
    job = printing.PrintJob("complaint_handling", start=date(2026, 11, 1), end=date(2026, 11, 30))
    book = load_workbook(io.BytesIO(render(context, catalog, job, "xlsx")))
    assert len(book.worksheets) > 1
    for sheet in book.worksheets:
        assert sheet.oddFooter.center.text == "第 &P 页 / 共 1 页"


# --- checked definitions ---------------------------------------------------------------------


def _write(data_dir, name: str, text: str) -> None:
    path = copy_to_user_folder("visit_record", data_dir).parent / name
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw.__setitem__("title", ["客户", "访问"]), "“title”应为文字，现为列表"),
        (lambda raw: raw["rows"][10].__setitem__("min_rows", 5000000), "“min_rows”应在 0–200"),
        (lambda raw: raw["rows"][0]["cells"][1].__setitem__("span", "2"), "“span”应为整数"),
        (lambda raw: raw["rows"][4]["cells"][1].__setitem__("ticks", "yes"), "true 或 false"),
        (lambda raw: raw["rows"][0].__setitem__("cells", {"a": 1}), "应为非空列表，现为对象"),
        (lambda raw: raw.__setitem__("rows", [raw["rows"][0]] * 500), "最多 120 行"),
        (lambda raw: raw["rows"][6]["cells"][1].__setitem__("lines", 10**9), "“lines”应在 0–60"),
        (lambda raw: raw["rows"][10].__setitem__("preset", [{"description": [1]}]), "文字或数字"),
    ],
)
def test_a_broken_definition_is_rejected_and_the_others_still_print(
    context, data_dir, specimens, change, message
):
    path = copy_to_user_folder("visit_record", data_dir)
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    catalog = load_catalog(data_dir)
    (problem,) = catalog.problems
    assert "visit_record.json" in problem and message in problem, problem
    assert not catalog.get("visit_record").user_copy
    text = pdf_text(render(context, catalog, printing.PrintJob("visit_record", (specimens.visit,))))
    assert "客户访问记录表" in text[0]
    other = render(
        context, catalog, printing.PrintJob("complaint_register", (specimens.complaint,))
    )
    assert "TS-2026-9001" in pdf_text(other)[0]


def test_deep_nesting_and_json_errors_are_reported_in_chinese(data_dir):
    _write(data_dir, "visit_record.json", "[" * 100000 + "]" * 100000)
    _write(data_dir, "complaint_register.json", '{"title": "x",, }')
    problems = "\n".join(load_catalog(data_dir).problems)
    assert "嵌套层数太多" in problems
    assert "JSON 格式错误，第 1 行第 15 列" in problems and "Expecting" not in problems


def test_a_layout_for_one_paper_can_be_a_user_copy(context, data_dir, specimens):
    source = json.loads(
        (copy_to_user_folder("visit_record", data_dir).parent / "visit_record.json").read_text(
            encoding="utf-8"
        )
    )
    source["rows"] = source["rows"][:2] + [source["rows"][-1]]
    _write(data_dir, "visit_record@241x93.json", json.dumps(source, ensure_ascii=False))
    (data_dir / "forms" / "visit_record.json").unlink()
    catalog = load_catalog(data_dir)
    assert catalog.problems == []
    job = printing.PrintJob("visit_record", (specimens.visit,), paper="241x93")
    assert "洽谈内容" not in pdf_text(render(context, catalog, job))[0]


# --- the QR code ---------------------------------------------------------------------------


def test_each_filled_form_carries_its_number_as_a_qr_code(context, catalog, specimens):
    job = printing.PrintJob("complaint_register", (specimens.complaint,))
    _prepared, documents = laid_out(context, catalog, job)
    (qr,) = [op for op in documents[0][0].ops if op.kind == "qr"]
    assert qr.text == "TS-2026-9001" and qr.w <= 14
    expected = [
        list(row)
        for row in segno.make_qr("TS-2026-9001", error="m", boost_error=False).matrix_iter(border=2)
    ]
    assert [list(row) for row in qr_matrix(qr.text)] == [[bool(b) for b in r] for r in expected]
    # drawn: one filled path of rectangles in the top right corner
    content = PdfReader(io.BytesIO(render(context, catalog, job))).pages[0].get_contents()
    assert content.get_data().count(b" re") > 50
    blank, _docs = laid_out(context, catalog, printing.PrintJob("complaint_register"))
    assert not any(op.kind == "qr" for page in _docs[0] for op in page.ops)
    with context.reader() as session:
        assert locate(session, "TS-2026-9001") == ("complaint", specimens.complaint)
        assert locate(session, f"FW-{specimens.visit:06d}") == ("visit", specimens.visit)
        assert locate(session, "nothing") is None


def test_paper_keys_are_known():
    assert paper("241x93").strip and not paper("241x279").strip
