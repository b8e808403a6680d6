"""Bringing the firm's spreadsheets in: reading, mapping, preview, commit, undo, history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from kehu_desktop.models import (
    AuditEntry,
    Complaint,
    ComplaintEvent,
    Contact,
    Customer,
    ImportBatch,
    Visit,
)
from kehu_desktop.services.common import sealing, store_check
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.complaints.registration import RegistrationInput, register
from kehu_desktop.services.customers import customer_files, search
from kehu_desktop.services.imports import columns, commit, preview, templates
from kehu_desktop.services.imports.plan import ImportRequest
from tests.helpers.customers import make_customer
from tests.helpers.spreadsheets import (
    MESSY_CUSTOMERS,
    MESSY_MERGES,
    write_csv,
    write_xls,
    write_xlsx,
)


@pytest.fixture
def messy(tmp_path):
    return write_xlsx(tmp_path / "客户资料.xlsx", MESSY_CUSTOMERS, MESSY_MERGES)


def _preview(context, kind, path, **kw):
    with context.reader() as session:
        return preview.build(session, ImportRequest(kind, path, **kw))


def _run(context, kind, path, good_rows_only=False, **kw):
    with context.session() as session:
        return commit.run(session, ImportRequest(kind, path, **kw), good_rows_only=good_rows_only)


def _count(context, model, *where) -> int:
    with context.reader() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_messy_sheet_is_previewed_with_every_quirk_read(context, agent, messy):
    plan = _preview(context, "customers", messy)
    assert plan.header_row == 3  # the title and 制表日期 rows are passed over
    assert plan.summary() == "新增 3 位 / 更新 0 位 / 疑似重复 0 / 跳过 2 行 / 错误 1 行"
    huada, hongtai, yuanda = plan.creates
    assert huada.rows == [4, 5]  # the merged name carries the second contact
    assert huada.contacts == [
        {"name": "张三", "mobile": "13812345678"},
        {"name": "李四", "mobile": "13812345679"},
    ]
    assert huada.values["province"] == "广东" and huada.values["city"] == "深圳"
    assert huada.values["founded_on"] == date(2019, 3, 5)
    assert huada.values["credit_limit"] == Decimal("200000.00")
    assert huada.values["owner_id"] == agent.id
    assert hongtai.rows == [6, 7]  # a row without a name continues the customer above
    assert [c["mobile"] for c in hongtai.contacts] == ["13912345678", "13700000000"]
    assert hongtai.values["founded_on"] == date(2017, 9, 22)  # serial number 43000
    assert hongtai.values["credit_limit"] == Decimal("50000.00")  # full-width digits
    assert (hongtai.values["province"], hongtai.values["city"]) == ("广东", "东莞")
    assert yuanda.values["founded_on"] == date(2020, 5, 1)
    assert (yuanda.values["province"], yuanda.values["city"]) == ("上海", "上海")
    described = [e.describe() for e in plan.errors]
    assert "第 9 行 联系人手机：应为 11 位手机号码，以 13–19 开头。" in described
    assert "第 9 行 负责业务员：业务员“不存在的人”不存在，请先在操作员管理中添加。" in described
    assert "第 9 行 统一社会信用代码：统一社会信用代码的校验位不正确，请核对。" in described


def test_errors_stop_the_whole_import_and_good_rows_only_writes_the_rest(context, agent, messy):
    with pytest.raises(UserError, match="1 行错误，未导入任何数据"):
        _run(context, "customers", messy)
    assert _count(context, Customer) == 0
    assert _count(context, ImportBatch) == 0
    result = _run(context, "customers", messy, good_rows_only=True)
    assert (result.created, result.updated, result.skipped_errors) == (3, 0, 1)
    with context.reader() as session:
        huada = session.scalar(select(Customer).where(Customer.name == "深圳市华达电子有限公司"))
        assert huada.code == "KH000001"
        assert [c.name for c in huada.contacts] == ["张三", "李四"]
        # Found by the customer search like a file typed in by hand.
        found = customer_files.list_customers(session, customer_files.CustomerFilter("李四"))
        assert found.ids == [huada.id]
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.batch_id == result.batch_id)
        ).all()
    # One entry per record written, and the batch's own (its summary) beside them.
    assert sorted(e.table_name for e in entries) == ["contacts"] * 5 + ["customers"] * 3 + [
        "import_batches"
    ]


def test_importing_the_same_file_twice_creates_nothing_the_second_time(context, agent, messy):
    _run(context, "customers", messy, good_rows_only=True)
    again = _preview(context, "customers", messy)
    assert (len(again.creates), len(again.updates), len(again.unchanged)) == (0, 0, 3)
    result = _run(context, "customers", messy, good_rows_only=True)
    assert (result.created, result.batch_id) == (0, None)
    assert _count(context, Customer) == 3 and _count(context, Contact) == 5


def test_an_update_lists_old_and_new_and_adds_new_contacts(context, agent, tmp_path):
    existing = make_customer(
        context, "深圳市华达电子有限公司", [{"name": "张三", "mobile": "13812345678"}],
        phone="0755-81112222", credit_code="91440300MA5FUKR756",
    )  # fmt: skip
    path = write_xlsx(
        tmp_path / "u.xlsx",
        [["公司名称", "统一社会信用代码", "电话", "联系人", "职务", "手机"],
         ["深圳华达电子（有限公司）", "91440300MA5FUKR756", "0755-88889999", "张三", "总经理",
          13812345678],
         [None, None, None, "李四", None, 13812345679]],
    )  # fmt: skip
    plan = _preview(context, "customers", path)
    assert len(plan.updates) == 1 and plan.updates[0].target_id == existing
    changes = {c.describe() for c in plan.updates[0].changes}
    assert "电话：0755-81112222 → 0755-88889999" in changes
    assert "联系人 张三 职务：（空） → 总经理" in changes
    assert "联系人：（空） → 新增 李四" in changes
    _run(context, "customers", path)
    with context.reader() as session:
        customer = session.get(Customer, existing)
        assert customer.phone == "0755-88889999"
        assert [(c.name, c.title) for c in customer.contacts] == [("张三", "总经理"), ("李四", "")]


def test_undo_removes_the_import_and_restores_the_updates(context, agent, tmp_path, messy):
    existing = make_customer(context, "上海远大包装有限公司", phone="021-61111111")
    result = _run(context, "customers", messy, good_rows_only=True)
    assert result.created == 2 and result.updated == 1
    with context.session() as session:
        message = commit.undo_last(session)
    assert message.startswith("已撤销：导入客户")
    assert _count(context, Customer) == 1 and _count(context, Contact) == 0
    with context.reader() as session:
        assert session.get(Customer, existing).phone == "021-61111111"
        assert session.scalar(select(ImportBatch.undone_at)) is not None
    with context.session() as session, pytest.raises(UserError, match="没有可以撤销的导入"):
        commit.undo_last(session)


def test_undo_is_refused_once_an_imported_file_was_edited(context, agent, messy):
    _run(context, "customers", messy, good_rows_only=True)
    with context.session() as session:
        customer_id = session.scalar(select(Customer.id).order_by(Customer.id))
        data = customer_files.load_input(session, customer_id)
    data.values["short_name"] = "改过了"
    with context.session() as session:
        customer_files.save(session, data)
    with context.session() as session, pytest.raises(UserError, match="已被修改"):
        commit.undo_last(session)
    assert _count(context, Customer) == 3


def test_several_contacts_in_one_row(context, tmp_path):
    path = write_xlsx(
        tmp_path / "多联系人.xlsx",
        [["客户名称", "联系人1", "手机1", "联系人2", "手机2", "职务2"],
         ["杭州明光照明有限公司", "周一", "13511112222", "吴二", "13533334444", "财务主管"]],
    )  # fmt: skip
    plan = _preview(context, "customers", path)
    assert plan.mapping == ["name", "contact.1.name", "contact.1.mobile", "contact.2.name",
                            "contact.2.mobile", "contact.2.title"]  # fmt: skip
    assert plan.creates[0].contacts == [
        {"name": "周一", "mobile": "13511112222"},
        {"name": "吴二", "mobile": "13533334444", "title": "财务主管"},
    ]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_every_encoding_the_desk_meets(context, tmp_path, encoding):
    path = write_csv(
        tmp_path / "客户.csv",
        [["客户名称", "联系人", "手机", "省份", "城市"],
         ["青岛海达机械有限公司", "郑九", "13912340000", "山东省", "青岛市"],
         ["", "", "", "", ""]],
        encoding,
    )  # fmt: skip
    plan = _preview(context, "customers", path)
    assert plan.summary().startswith("新增 1 位")
    assert plan.skipped == 1
    created = plan.creates[0]
    assert created.values["name"] == "青岛海达机械有限公司"
    assert (created.values["province"], created.values["city"]) == ("山东", "青岛")
    assert created.contacts == [{"name": "郑九", "mobile": "13912340000"}]


def test_a_pre_numbered_empty_line_is_skipped_not_an_error(context, tmp_path):
    """Office sheets number lines ahead (序号 4, 5 … with nothing else): blank, not 缺少客户名称."""
    path = write_csv(
        tmp_path / "客户.csv",
        [["序号", "客户名称", "联系人", "手机"],
         ["1", "青岛海达机械有限公司", "郑九", "13912340000"],
         ["2", "", "", ""],
         ["3", "", "", ""]],
        "utf-8",
    )  # fmt: skip
    plan = _preview(context, "customers", path)
    assert (len(plan.creates), plan.skipped, plan.errors) == (1, 2, [])


def test_old_excel_xls_files_are_read(context, tmp_path):
    path = write_xls(
        tmp_path / "客户.xls",
        [["客户资料"], ["客户名称", "手机", "联系人", "成立日期"],
         ["成都天府食品有限公司", 13812340000.0, "冯十", 43101.0]],
    )  # fmt: skip
    plan = _preview(context, "customers", path)
    assert plan.header_row == 2
    created = plan.creates[0]
    assert created.contacts == [{"name": "冯十", "mobile": "13812340000"}]
    assert created.values["founded_on"] == date(2018, 1, 1)


def test_a_chosen_sheet_and_a_missing_one(context, tmp_path):
    path = write_xlsx(
        tmp_path / "两张表.xlsx",
        [["说明"]],
        extra_sheets={"客户": [["客户名称"], ["南京金陵五金有限公司"]]},
    )
    plan = _preview(context, "customers", path, sheet="客户")
    assert plan.sheet_names == ("Sheet1", "客户")
    assert [c.label for c in plan.creates] == ["南京金陵五金有限公司"]
    with pytest.raises(UserError, match="没有名为“不存在”的工作表"):
        _preview(context, "customers", path, sheet="不存在")
    with pytest.raises(UserError, match="没有找到“客户名称”列"):
        _preview(context, "customers", path)


def test_a_changed_mapping_is_remembered_for_files_of_the_same_layout(context, tmp_path):
    rows = [["单位", "人", "号码"], ["厦门鹭岛电器有限公司", "陈一", "13800001111"]]
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    with pytest.raises(UserError):
        _preview(context, "customers", path)
    mapping = ("name", "contact.name", "contact.mobile")
    _run(context, "customers", path, mapping=mapping)
    other = write_xlsx(tmp_path / "b.xlsx", [rows[0], ["厦门另一家电器有限公司", "林二", ""]])
    plan = _preview(context, "customers", other)
    assert plan.mapping == list(mapping)
    assert plan.creates[0].contacts == [{"name": "林二"}]


def test_likely_duplicates_within_the_file_and_against_the_store(context, tmp_path):
    make_customer(context, "深圳市华达电子有限公司")
    make_customer(context, "广州白云化工有限公司", phone="020-87654321")
    path = write_xlsx(
        tmp_path / "d.xlsx",
        [["客户名称", "电话"],
         ["华达电子（深圳）有限公司", None],
         ["白云化工贸易有限公司", "020-87654321"],
         ["苏州新纪元纺织有限公司", None],
         ["新纪元纺织（苏州）股份有限公司", None]],
    )  # fmt: skip
    plan = _preview(context, "customers", path)
    described = [d.describe() for d in plan.duplicates]
    assert described == [
        "第 2 行 华达电子（深圳）有限公司 与 KH000001 深圳市华达电子有限公司："
        "名称相同（去掉省市、公司后缀后）",
        "第 3 行 白云化工贸易有限公司 与 KH000002 广州白云化工有限公司：电话号码相同",
        "第 5 行 新纪元纺织（苏州）股份有限公司 与 第 4 行 苏州新纪元纺织有限公司："
        "名称相同（去掉省市、公司后缀后）",
    ]


def test_the_template_has_headers_an_example_and_drop_down_lists(context, agent, tmp_path):
    from openpyxl import load_workbook

    for kind in ("customers", "visits", "complaints"):
        path = tmp_path / f"{kind}.xlsx"
        with context.reader() as session:
            templates.write_template(session, kind, path)
        sheet = load_workbook(path).worksheets[0]
        header = [c.value for c in sheet[1]]
        assert header == [h for h, _e, _c in templates.TEMPLATES[kind]]
        assert all(key for key in columns.recognise(kind, header))  # every column recognised
        assert sheet["A2"].value.startswith("示例")
        lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
        assert lists, kind
        # Importing the untouched template imports nothing: the example row is skipped.
        plan = _preview(context, kind, path)
        assert plan.skipped == 1 and not plan.creates and not plan.errors
    customers = load_workbook(tmp_path / "customers.xlsx")
    options = customers["选项"]
    assert customers["选项"].sheet_state == "hidden"
    assert [c.value for c in options["D"] if c.value] == ["关键", "潜力", "常规", "临时"]
    staff_column = [h for h, _e, _c in templates.TEMPLATES["customers"]].index("负责业务员") + 1
    assert options.cell(row=2, column=staff_column).value == "张丽"


# --- history ---------------------------------------------------------------------------------


def test_a_customer_cell_may_hold_the_code_alone(context, agent, tmp_path):
    huada = make_customer(context, "深圳市华达电子有限公司")  # KH000001
    path = write_xlsx(
        tmp_path / "拜访.xlsx",
        [["拜访日期", "客户", "拜访人", "拜访方式", "沟通内容"],
         ["2026-03-05", "KH000001", "张丽", "电话", "问候"],
         ["2026-03-06", "kh000001", "张丽", "上门", "送样"],
         ["2026-03-07", "KH000999", "张丽", "上门", "送样"]],
    )  # fmt: skip
    plan = _preview(context, "visits", path)
    assert len(plan.creates) == 2 and {r.values["customer_id"] for r in plan.creates} == {huada}
    assert [e.describe() for e in plan.errors] == [
        "第 4 行 客户：客户“KH000999”不存在，请先导入客户资料。"
    ]


def test_visit_history_is_imported_once(context, agent, tmp_path):
    huada = make_customer(context, "深圳市华达电子有限公司")
    path = write_xlsx(
        tmp_path / "拜访.xlsx",
        [["拜访记录"],
         ["拜访日期", "客户名称", "拜访人", "拜访方式", "目的", "沟通内容", "下次拜访"],
         ["2026.3.5", "深圳市华达电子有限公司", "张丽", "电话", "例行", "问候", "2026年4月"],
         [46000.5, "深圳市华达电子有限公司", "张丽", "上门", None, "送样", None],
         ["2026-03-06", "不存在公司", "张丽", "上门", "例行", "", None],
         ["2026-03-07", "深圳市华达电子有限公司", "张丽", "飞鸽传书", "例行", "", None]],
    )  # fmt: skip
    plan = _preview(context, "visits", path)
    assert plan.summary() == "新增 2 条 / 更新 0 条 / 疑似重复 0 / 跳过 0 行 / 错误 2 行"
    assert [e.describe() for e in plan.errors] == [
        "第 5 行 客户：客户“不存在公司”不存在，请先导入客户资料。",
        "第 6 行 方式：拜访方式只能是：上门、电话、来访接待、微信·邮件。",
    ]
    _run(context, "visits", path, good_rows_only=True)
    with context.reader() as session:
        visits = session.scalars(select(Visit).order_by(Visit.visited_at)).all()
        assert [(v.customer_id, v.staff_id, v.method, v.purpose) for v in visits] == [
            (huada, agent.id, "上门", "例行"),
            (huada, agent.id, "电话", "例行"),
        ]
        assert visits[0].visited_at == datetime(2025, 12, 9, 12, 0)  # serial 46000.5
        assert visits[1].visited_at == datetime(2026, 3, 5, 9, 0)
        assert visits[1].next_visit_date == date(2026, 4, 1)
        last = session.execute(text("SELECT visited_at FROM last_visits")).scalar()
        assert str(last).startswith("2026-03-05")
    again = _preview(context, "visits", path)
    assert not again.creates and len(again.unchanged) == 2
    with context.session() as session:
        commit.undo_last(session)
    assert _count(context, Visit) == 0


def test_the_complaint_ledger_keeps_numbers_status_and_first_responsible(
    context, agent, supervisor, tmp_path
):
    huada = make_customer(context, "深圳市华达电子有限公司")
    path = write_xlsx(
        tmp_path / "台账.xlsx",
        [["投诉编号", "投诉日期", "客户", "类别", "严重程度", "问题描述", "受理人", "处理人",
          "状态", "结案日期", "满意度"],
         ["TS-2025-0007", "2025-03-01", "深圳市华达电子有限公司", "产品质量", "一般", "开裂",
          "张丽", "王强", "结案", "2025-03-09", "满意"],
         ["2025-A12", "2025-04-02 10:30", "深圳市华达电子有限公司", "交货期", "重大", "迟交",
          "王强", None, None, None, None],
         ["TS-2025-0008", "2025-05-01", "深圳市华达电子有限公司", "其他", "一般", "",
          "查无此人", None, None, None, None]],
    )  # fmt: skip
    plan = _preview(context, "complaints", path)
    assert [e.describe() for e in plan.errors] == [
        "第 4 行 首问责任人：首问责任人“查无此人”不存在，请先在操作员管理中添加。"
    ]
    _run(context, "complaints", path, good_rows_only=True)
    with context.reader() as session:
        closed, open_one = session.scalars(select(Complaint).order_by(Complaint.id)).all()
        timeline = [(e.kind, e.to_status, e.actor_id) for e in closed.events]
    assert timeline == [("登记", "结案", agent.id)]
    assert (closed.number, closed.status, closed.first_responsible_id, closed.handler_id) == (
        "TS-2025-0007", "结案", agent.id, supervisor.id,
    )  # fmt: skip
    assert closed.closed_at == datetime(2025, 3, 9, 9, 0) and closed.satisfaction == "满意"
    assert (open_one.number, open_one.status, open_one.year) == ("2025-A12", "登记", 2025)
    assert open_one.seq == 8 and open_one.first_responsible_id == supervisor.id
    # The desk's own numbering continues after the imported numbers.
    with context.session() as session:
        new_id = register(
            session, supervisor,
            RegistrationInput(customer_id=huada, received_at=datetime(2025, 6, 1, 9, 0),
                              description="又有问题"),
        )  # fmt: skip
        assert session.get(Complaint, new_id).number == "TS-2025-0009"
    again = _preview(context, "complaints", path)
    assert not again.creates and len(again.unchanged) == 2
    # Undone with their whole histories (each imported complaint's events are its own chain);
    # the complaint registered at the desk since stays, and its chain is sound.
    with context.session() as session:
        assert "已撤销" in commit.undo_last(session)
    with context.reader() as session:
        left = session.scalars(select(Complaint)).all()
        assert [c.number for c in left] == ["TS-2025-0009"]
        assert session.scalar(select(func.count()).select_from(ComplaintEvent)) == len(
            left[0].events
        )
    assert store_check.check(context.database).healthy
    with pytest.raises(Exception, match="append-only"), context.session() as session:
        session.execute(text("DELETE FROM complaint_events"))  # the guard is back


# --- round trips -----------------------------------------------------------------------------


def _fresh(database, admin):
    """Empty the store's business records, keeping the staff (a second firm's PC)."""
    with database.session() as session:
        for table in ("complaint_events", "complaints", "follow_up_actions", "visits",
                      "last_visits", "contacts", "customers"):  # fmt: skip
            session.execute(text(f"DELETE FROM {table}"))
        search.refill(session)  # the search index follows (SQLite's FTS tables are apart)


def test_the_customer_list_export_imports_back(context, agent, tmp_path):
    from kehu_desktop.services.common.excel_export import write_table

    make_customer(
        context, "深圳市华达电子有限公司", [{"name": "张三", "mobile": "13812345678"}],
        short_name="华达", province="广东", city="深圳", phone="0755-88889999",
        email="a@huada.cn", owner_id=str(agent.id), credit_code="91440300MA5FUKR756",
        credit_rating="AA", credit_limit="200000", outstanding_amount="1234.5",
        management_class="关键", nature="特殊公司", trade_stage="潜在", address="南山区 1 号",
    )  # fmt: skip
    make_customer(context, "=危险公式公司")
    with context.session() as session:
        archived = make_customer(context, "已归档有限公司")
        customer_files.set_archived(session, archived, True)

    def exported() -> list[tuple]:
        with context.reader() as session:
            ids = customer_files.list_ids(
                session, customer_files.CustomerFilter(include_archived=True)
            )
            return customer_files.export_rows(session, ids)

    before = exported()
    path = tmp_path / "客户.xlsx"
    write_table(path, "客户档案", customer_files.EXPORT_HEADERS, before)
    _fresh(context.database, None)
    plan = _preview(context, "customers", path)
    assert not plan.errors and len(plan.creates) == 3
    _run(context, "customers", path)
    assert exported() == before


def test_the_visit_list_export_imports_back(context, agent, tmp_path):
    from kehu_desktop.services.common.excel_export import write_table
    from kehu_desktop.services.visits import visit_records
    from tests.helpers.visits import make_visit

    customer = make_customer(context, "深圳市华达电子有限公司")
    make_visit(context, customer, "2026-03-05 14:30", discussion="送样")
    make_visit(context, customer, "2026-03-09 10:00", method="电话")
    flt = visit_records.VisitFilter(date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))

    def exported() -> list[tuple]:
        with context.reader() as session:
            return visit_records.export_rows(session, flt)

    before = exported()
    assert len(before) == 2
    path = tmp_path / "拜访.xlsx"
    write_table(path, "拜访记录", visit_records.EXPORT_HEADERS, before)
    with context.session() as session:
        session.execute(text("DELETE FROM follow_up_actions"))
        session.execute(text("DELETE FROM visits"))
    _run(context, "visits", path)
    assert exported() == before


def test_the_complaint_ledger_export_imports_back(context, agent, supervisor, tmp_path):
    from kehu_desktop.services.common.excel_export import write_table
    from kehu_desktop.services.complaints import ledger
    from kehu_desktop.services.complaints.lifecycle import Status
    from tests.helpers.complaints import advance

    customer = make_customer(context, "深圳市华达电子有限公司")
    with context.session() as session:
        for day in (3, 4):
            register(
                session, agent,
                RegistrationInput(customer_id=customer, description=f"外壳开裂 {day}",
                                  received_at=datetime(2026, 11, day, 9, 30), channel="信函",
                                  contact_name="张三", contact_phone="13812345678",
                                  product="电源", batch_no="B7", demand="换货"),
            )  # fmt: skip
    with context.reader() as session:
        first = session.scalars(select(Complaint.id).order_by(Complaint.id)).first()
    advance(context, first, Status.CLOSED, supervisor, start=datetime(2026, 11, 3, 10))

    def exported() -> list[tuple]:
        with context.reader() as session:
            rows = ledger.list_complaints(session, ledger.ComplaintFilter(), date(2026, 11, 20))
            return ledger.export_rows(session, rows)

    before = exported()
    assert before[1][3:9] == ("信函", "张三", "13812345678", "电源", "B7", "")
    assert before[1][11:13] == ("外壳开裂 3", "换货") and before[1][24] is not None
    path = tmp_path / "台账.xlsx"
    write_table(path, "投诉台账", ledger.EXPORT_HEADERS, before)
    with context.session() as session:
        # An empty ledger to import into: the append-only guard is lifted for the test only.
        sealing.drop_triggers(session.connection())
        session.execute(text("DELETE FROM complaint_events"))
        session.execute(text("DELETE FROM complaints"))
        sealing.install_triggers(session.connection())
    plan = _preview(context, "complaints", path)
    assert not plan.errors, [e.describe() for e in plan.errors]
    _run(context, "complaints", path)
    assert exported() == before
    assert not _preview(context, "complaints", path).creates


def test_a_preview_gone_stale_is_worked_out_again_before_writing(context, agent, messy):
    with context.reader() as session:
        seen = preview.build(session, ImportRequest("customers", messy))
    # Meanwhile another desk enters one of the file's customers by hand.
    make_customer(context, "上海远大包装有限公司")
    with context.session() as session:
        result = commit.run(
            session, ImportRequest("customers", messy), good_rows_only=True, seen=seen
        )
    assert (result.created, result.updated) == (2, 1)
    assert _count(context, Customer) == 3


def test_the_sales_import_reads_gbk_csv_through_the_same_reader(context, tmp_path):
    from kehu_desktop.services.key_accounts import sales_import

    make_customer(context, "深圳市华达电子有限公司")
    path = write_csv(
        tmp_path / "销售.csv",
        [["客户编号", "月份", "销售金额", "销售数量"], ["KH000001", "2026-10", "1234.50", "3"]],
        "gbk",
    )
    with context.session() as session:
        plan = sales_import.read_sales_file(session, path)
    assert plan.bad == [] and [(r.month, r.amount) for r in plan.good] == [
        (date(2026, 10, 1), Decimal("1234.50"))
    ]
