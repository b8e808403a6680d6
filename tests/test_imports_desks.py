"""The after-sales service requests and the key-account list from Excel: the desks' own
exports read back, hand-kept sheets, errors with their rows, undo, the command line."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from kehu_desktop import cli
from kehu_desktop.models import (
    ImportBatch,
    KeyAccount,
    KeyAccountProposal,
    Purchase,
    ServiceEvent,
    ServiceRequest,
)
from kehu_desktop.services.common.errors import PermissionDenied, UserError
from kehu_desktop.services.common.excel_export import write_table
from kehu_desktop.services.imports import commit, preview, templates
from kehu_desktop.services.imports.plan import ImportRequest
from kehu_desktop.services.key_accounts import designation, key_account_cards
from kehu_desktop.services.service_desk import ledger
from kehu_desktop.services.service_desk.lifecycle import Status
from tests.helpers.customers import make_customer
from tests.helpers.key_accounts import make_key_account
from tests.helpers.service_desk import advance, make_product, register
from tests.helpers.spreadsheets import write_xlsx

START = datetime(2026, 11, 2, 9)  # a Monday


def _preview(context, kind, path):
    with context.reader() as session:
        return preview.build(session, ImportRequest(kind, path))


def _run(context, kind, path, good_rows_only=False):
    with context.session() as session:
        return commit.run(session, ImportRequest(kind, path), good_rows_only=good_rows_only)


def _count(context, model) -> int:
    with context.reader() as session:
        return session.scalar(select(func.count()).select_from(model))


def _errors(plan) -> list[str]:
    return [e.describe() for e in plan.errors]


# --- service requests ------------------------------------------------------------------------


def _service_export(context) -> list[tuple]:
    """The 售后服务单 list as the window exports it: its rows, through the same function."""
    with context.reader() as session:
        rows = ledger.list_requests(session, ledger.ServiceFilter(), today=date(2026, 11, 20))
        return ledger.export_rows(session, rows)


def _empty_service_desk(context) -> None:
    """A second firm's PC: the same customers, staff and products, no requests yet."""
    with context.session() as session:
        for table in ("repair_parts", "repair_orders", "service_events", "service_requests",
                      "purchases"):  # fmt: skip
            session.execute(text(f"DELETE FROM {table}"))


def test_the_service_request_list_export_imports_back(context, agent, supervisor, tmp_path):
    customer = make_customer(context, "深圳市华达电子有限公司")
    other = make_customer(context, "=危险公式公司")
    product = make_product(context, months=12)
    closed = register(
        context, customer, agent, product_id=product, serial_no="A1",
        purchased_on=date(2026, 1, 10), received_at=START, urgency="urgent",
        contact_name="张三", contact_phone="13812345678", demand="上门",
    )  # fmt: skip
    advance(context, closed, Status.CLOSED, start=START, engineer_id=supervisor.id)
    dispatched = register(context, other, supervisor, received_at=START + timedelta(days=1),
                          channel="微信", fault="漏水\n有异响")  # fmt: skip
    advance(context, dispatched, Status.DISPATCHED, start=START + timedelta(days=1),
            engineer_id=agent.id, planned=date(2026, 11, 5))  # fmt: skip
    register(context, other, agent, product_id=product, received_at=START + timedelta(days=2))
    before = _service_export(context)
    assert len(before) == 3
    assert before[2][3:6] == ("电话", "张三", "13812345678")  # 受理渠道, 联系人, 联系电话
    assert before[2][8:12] == (date(2026, 1, 10), "保修期内", "无法开机", "上门")
    path = tmp_path / "售后服务单.xlsx"
    write_table(path, "售后服务单", ledger.EXPORT_HEADERS, before)
    _empty_service_desk(context)

    plan = _preview(context, "service-requests", path)
    assert not plan.errors, _errors(plan)
    assert plan.summary() == "新增 3 单 / 更新 0 单 / 疑似重复 0 / 跳过 0 行 / 错误 0 行"
    result = _run(context, "service-requests", path)
    assert result.created == 3
    assert _service_export(context) == before
    with context.reader() as session:
        imported = session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)).all()
        assert [(r.number, r.status, r.first_responsible_id, r.engineer_id) for r in imported] == [
            ("SH-2026-0001", "closed", agent.id, supervisor.id),
            ("SH-2026-0002", "dispatched", supervisor.id, agent.id),
            ("SH-2026-0003", "registered", agent.id, None),
        ]
        # Each comes with its 登记 step, at its status, by its 首问责任人.
        steps = session.execute(
            select(ServiceEvent.request_id, ServiceEvent.kind, ServiceEvent.to_status,
                   ServiceEvent.actor_id).order_by(ServiceEvent.id)
        ).all()  # fmt: skip
        assert [tuple(s[1:]) for s in steps] == [
            ("register", "closed", agent.id),
            ("register", "dispatched", supervisor.id),
            ("register", "registered", agent.id),
        ]
        assert session.scalar(select(func.count(Purchase.id))) == 1
    again = _preview(context, "service-requests", path)
    assert not again.creates and len(again.unchanged) == 3
    assert (
        again.unchanged_note() == "另有 3 行已在库中（按编号，或按客户与受理时间识别），不会改动。"
    )
    assert _run(context, "service-requests", path).created == 0
    # The desk's own numbering continues after the imported numbers.
    new = register(context, customer, received_at=START + timedelta(days=3))
    with context.reader() as session:
        assert session.get_one(ServiceRequest, new).number == "SH-2026-0004"


def test_a_hand_kept_service_ledger_with_errors_and_undo(context, agent, supervisor, tmp_path):
    make_customer(context, "深圳市华达电子有限公司")
    make_product(context, code="P-01", name="控制器", months=6)
    path = write_xlsx(
        tmp_path / "维修台账.xlsx",
        [["售后维修台账"],
         ["单号", "报修日期", "客户名称", "产品", "序列号", "购机日期", "故障现象", "受理人",
          "维修工程师", "状态", "结案日期"],
         ["2025-W07", "2025-03-01", "深圳市华达电子有限公司", "P-01", "X9", "2024-08-01",
          "不制冷", "张丽", "王强", None, "2025-03-09"],
         ["SH-2025-0012", "2025-04-02 10:30", "深圳市华达电子有限公司", "控制器 K7", None, None,
          "异响", "王强", "张丽", None, None],
         ["SH-2025-0013", "2025-05-01", "不存在公司", "控制器", None, None, "坏了", "张丽",
          None, None, None],
         ["SH-2025-0014", "2025-05-02", "深圳市华达电子有限公司", "没有的产品", None, None,
          "坏了", "查无此人", None, "修好了", None],
         ["SH-2025-0015", "2025-05-03", "深圳市华达电子有限公司", None, None, None, "",
          "张丽", None, None, None],
         ["SH-2025-0012", "2025-05-04", "深圳市华达电子有限公司", None, None, None, "重复",
          "张丽", None, None, None]],
    )  # fmt: skip
    plan = _preview(context, "service-requests", path)
    assert _errors(plan) == [
        "第 5 行 客户：客户“不存在公司”不存在，请先导入客户资料。",
        "第 6 行 产品：产品“没有的产品”不存在，请先在售后服务 → 产品目录中添加。",
        "第 6 行 状态：状态只能是：登记、派工、处理、回访、结案、撤销。",
        "第 6 行 首问责任人：首问责任人“查无此人”不存在，请先在操作员管理中添加。",
        "第 7 行 故障描述：请填写故障描述。",
        "第 8 行 服务单号：与第 4 行的编号重复。",
    ]
    with pytest.raises(UserError, match="文件中有 4 行错误，未导入任何数据"):
        _run(context, "service-requests", path)
    assert _count(context, ServiceRequest) == 0
    _run(context, "service-requests", path, good_rows_only=True)
    with context.reader() as session:
        own, numbered = session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)).all()
        assert (own.number, own.year, own.seq, own.status) == ("2025-W07", 2025, 13, "closed")
        assert own.closed_at == datetime(2025, 3, 9, 9, 0)
        assert own.engineer_id == supervisor.id and own.first_responsible_id == agent.id
        assert own.warranty == "expired"  # bought 2024-08-01, six months
        assert (numbered.number, numbered.status, numbered.engineer_id) == (
            "SH-2025-0012", "dispatched", agent.id,
        )  # fmt: skip
        # No serial number: the customer's latest purchase of the product, as the form does.
        assert numbered.warranty == "expired" and numbered.purchase_id == own.purchase_id
        batch = session.scalars(select(ImportBatch)).one()
        assert batch.kind == "service"
    with context.session() as session:
        assert "已撤销：导入售后服务单" in commit.undo_last(session)
    assert _count(context, ServiceRequest) == 0
    assert _count(context, ServiceEvent) == 0 and _count(context, Purchase) == 0


# --- key accounts ----------------------------------------------------------------------------


def _one_key_account(tmp_path, manager: str):
    rows = [["客户名称", "级别", "客户经理"], ["深圳市华达电子有限公司", "重点", manager]]
    return write_xlsx(tmp_path / "大客户.xlsx", rows)


def _key_account_export(context) -> list[tuple]:
    with context.reader() as session:
        rows = key_account_cards.list_key_accounts(session, today=date(2026, 11, 20))
        return key_account_cards.export_rows(rows)


def test_the_key_account_list_export_imports_back(context, supervisor, agent, tmp_path):
    huada = make_customer(context, "深圳市华达电子有限公司")
    yuanda = make_customer(context, "上海远大包装有限公司")
    make_key_account(context, supervisor, huada, level="战略", interval=14,
                     today=date(2026, 3, 1))  # fmt: skip
    make_key_account(context, supervisor, yuanda, today=date(2026, 4, 1))
    before = _key_account_export(context)
    path = tmp_path / "大客户一览.xlsx"
    write_table(path, "大客户一览", key_account_cards.EXPORT_HEADERS, before)
    with context.session() as session:
        session.execute(text("DELETE FROM key_accounts"))
        session.execute(text("DELETE FROM key_account_proposals"))

    plan = _preview(context, "key-accounts", path)
    assert not plan.errors, _errors(plan)
    assert plan.summary() == "新增 2 位 / 更新 0 位 / 疑似重复 0 / 跳过 0 行 / 错误 0 行"
    # The computed columns are recognised, not imported, not errors.
    shown = {h: m for h, m in zip(plan.header, plan.mapping, strict=True)}
    assert shown["最近拜访"] == "~最近拜访" and shown["信用状态"] == "~信用状态"
    assert shown["级别"] == "level" and shown["客户经理"] == "manager"
    _run(context, "key-accounts", path)
    assert _key_account_export(context) == before
    with context.reader() as session:
        proposals = session.scalars(select(KeyAccountProposal)).all()
        assert {(p.status, p.decided_by_id) for p in proposals} == {
            (designation.APPROVED, context.operator.id)
        }
    assert not _preview(context, "key-accounts", path).creates
    assert _run(context, "key-accounts", path).created == 0


def test_a_hand_kept_key_account_sheet_creates_updates_and_undoes(
    context, supervisor, agent, tmp_path
):
    huada = make_customer(context, "深圳市华达电子有限公司")
    make_customer(context, "上海远大包装有限公司")
    make_customer(context, "北京新星科技有限公司")
    card = make_key_account(context, supervisor, huada, level="重点", interval=30)
    path = write_xlsx(
        tmp_path / "大客户名单.xlsx",
        [["2026 年大客户名单"],
         ["客户名称", "级别", "客户经理", "最近拜访", "备注"],
         ["深圳市华达电子有限公司", "战略", "张丽", "2026-10-01", "升级"],
         ["上海远大包装有限公司", "一般", "王强", None, None],
         ["北京新星科技有限公司", "超级", "王强", None, None],
         ["不存在公司", "一般", "王强", None, None],
         ["上海远大包装有限公司", "一般", "王强", None, "重复"]],
    )  # fmt: skip
    plan = _preview(context, "key-accounts", path)
    assert _errors(plan) == [
        "第 5 行 级别：大客户级别只能是：战略、重点、一般。",
        "第 6 行 客户：客户“不存在公司”不存在，请先导入客户资料。",
        "第 7 行 客户：与第 4 行是同一客户。",
    ]
    assert [c.describe() for c in plan.updates[0].changes] == [
        "级别：重点 → 战略",
        "客户经理：王强 → 张丽",
    ]
    assert [p.label for p in plan.creates] == ["KH000002 上海远大包装有限公司"]
    _run(context, "key-accounts", path, good_rows_only=True)
    with context.reader() as session:
        cards = {k.customer_id: k for k in session.scalars(select(KeyAccount))}
        assert (cards[huada].level, cards[huada].manager_id) == ("战略", agent.id)
        new = next(k for c, k in cards.items() if c != huada)
        assert (new.level, new.manager_id, new.visit_interval_days) == ("一般", supervisor.id, 60)
    with context.session() as session:
        commit.undo_last(session)
    with context.reader() as session:
        cards = session.scalars(select(KeyAccount)).all()
        assert [(k.id, k.level, k.manager_id) for k in cards] == [(card, "重点", supervisor.id)]
        assert session.scalar(select(func.count(KeyAccountProposal.id))) == 1


def test_a_delisted_key_account_is_reopened_and_undo_delists_it_again(
    context, supervisor, tmp_path
):
    huada = make_customer(context, "深圳市华达电子有限公司")
    card = make_key_account(context, supervisor, huada)
    with context.session() as session:
        designation.delist(session, supervisor, card, "采购转移", today=date(2026, 6, 1))
    path = _one_key_account(tmp_path, "王强")
    plan = _preview(context, "key-accounts", path)
    assert len(plan.creates) == 1 and plan.creates[0].target_id == card
    _run(context, "key-accounts", path)
    with context.reader() as session:
        reopened = session.get_one(KeyAccount, card)
        assert reopened.active and reopened.delisted_on is None
    with context.session() as session:
        commit.undo_last(session)
    with context.reader() as session:
        delisted = session.get_one(KeyAccount, card)
        assert not delisted.active and delisted.delist_reason == "采购转移"


def test_an_agent_may_not_import_the_key_account_list(database, agent, supervisor, tmp_path):
    from kehu_desktop.services.common.context import DeskContext

    make_customer(DeskContext(database, supervisor), "深圳市华达电子有限公司")
    path = _one_key_account(tmp_path, "王强")
    as_agent = DeskContext(database, agent)
    with pytest.raises(PermissionDenied, match="只有主管或管理员可以导入"):
        _run(as_agent, "key-accounts", path)
    assert _count(as_agent, KeyAccount) == 0
    assert commit.refusal("key-accounts", agent.role) == commit.KEY_ACCOUNT_REFUSAL
    assert commit.refusal("service-requests", agent.role) is None


# --- templates and the command line ----------------------------------------------------------


def test_the_new_kinds_templates_have_headers_examples_and_drop_downs(context, agent, tmp_path):
    make_product(context)
    for kind, header, listed in (
        ("service-requests", "产品", "控制器 K7"),
        ("key-accounts", "级别", "战略"),
    ):
        path = tmp_path / f"{kind}.xlsx"
        with context.reader() as session:
            templates.write_template(session, kind, path)
        book = load_workbook(path)
        sheet = book.worksheets[0]
        headers = [c.value for c in sheet[1]]
        assert headers == [h for h, _e, _c in templates.TEMPLATES[kind]]
        assert str(sheet["A2"].value).startswith(templates.EXAMPLE_MARK)
        column = headers.index(header) + 1
        options = [c.value for c in book["选项"].iter_rows(min_col=column, max_col=column)
                   for c in c]  # fmt: skip
        assert listed in options
        assert sheet.data_validations.dataValidation
        # The template's example row is skipped: an empty template imports nothing.
        assert not _preview(context, kind, path).errors


def test_cli_imports_the_new_kinds_with_the_exit_codes(context, agent, data_dir, tmp_path,
                                                        capsys):  # fmt: skip
    make_customer(context, "深圳市华达电子有限公司")
    bad = write_xlsx(tmp_path / "bad.xlsx", [["客户名称", "故障描述", "受理时间", "首问责任人"],
                                             ["深圳市华达电子有限公司", "坏了", "2026-11-02",
                                              "张丽"],
                                             ["深圳市华达电子有限公司", "", "2026-11-03",
                                              "张丽"]])  # fmt: skip
    run = ["--data-dir", str(data_dir), "import", "service-requests", str(bad)]
    assert cli.main(run) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "新增 1 单 / 更新 0 单 / 疑似重复 0 / 跳过 0 行 / 错误 1 行"
    assert "第 3 行 故障描述：请填写故障描述。" in out
    assert _count(context, ServiceRequest) == 0
    assert cli.main([*run, "--dry-run"]) == 0
    assert _count(context, ServiceRequest) == 0
    assert cli.main([*run, "--good-rows-only"]) == 0
    assert "已导入：新增 1 单" in capsys.readouterr().out
    assert cli.main([*run, "--good-rows-only"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("新增 0 单")

    sheet = _one_key_account(tmp_path, "张丽")
    ka = ["--data-dir", str(data_dir), "import", "key-accounts", str(sheet)]
    assert cli.main([*ka, "--operator", "zhangli", "--dry-run"]) == 0
    assert "注意：导入大客户名单即为审批设定大客户，只有主管或管理员" in capsys.readouterr().out
    assert cli.main([*ka, "--operator", "zhangli"]) == 2
    assert "只有主管或管理员可以导入" in capsys.readouterr().err
    assert _count(context, KeyAccount) == 0
    assert cli.main([*ka, "--operator", "nobody"]) == 2
    assert "没有登录名为“nobody”的在职操作员" in capsys.readouterr().err
    assert cli.main(ka) == 0
    assert "已导入：新增 1 位" in capsys.readouterr().out
    assert cli.main(["--data-dir", str(data_dir), "undo-import"]) == 0
    assert "已撤销：导入大客户名单" in capsys.readouterr().out
    assert _count(context, KeyAccount) == 0
    out_path = tmp_path / "模板.xlsx"
    template = ["--data-dir", str(data_dir), "import-template", "service-requests", "-o"]
    assert cli.main([*template, str(out_path)]) == 0
    assert out_path.exists()


def test_a_purchase_date_needs_a_product_and_cannot_be_in_the_future(context, agent, tmp_path):
    make_customer(context, "深圳市华达电子有限公司")
    make_product(context)
    later = (date.today() + timedelta(days=3)).isoformat()
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["客户名称", "受理时间", "故障描述", "首问责任人", "产品", "购买日期"],
         ["深圳市华达电子有限公司", "2026-01-05", "坏了", "张丽", None, "2025-01-01"],
         ["深圳市华达电子有限公司", "2026-01-06", "坏了", "张丽", "P-01", later],
         # A purchase recorded after the request (a corrected registration) is kept as it is.
         ["深圳市华达电子有限公司", "2026-01-07", "坏了", "张丽", "P-01", "2026-01-08"]],
    )  # fmt: skip
    plan = _preview(context, "service-requests", path)
    assert _errors(plan) == [
        "第 2 行 购买日期：填写购买日期时请填写产品。",
        "第 3 行 购买日期：购买日期不能晚于今天。",
    ]
    assert len(plan.creates) == 1


def test_a_request_is_not_received_in_the_future_nor_due_before_it_came(context, agent, tmp_path):
    make_customer(context, "深圳市华达电子有限公司")
    later = (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["客户名称", "受理时间", "故障描述", "首问责任人", "解决期限"],
         ["深圳市华达电子有限公司", later, "坏了", "张丽", None],
         ["深圳市华达电子有限公司", "2026-01-06", "坏了", "张丽", "2026-01-05"],
         ["深圳市华达电子有限公司", "2026-01-07", "坏了", "张丽", "2026-01-09"]],
    )  # fmt: skip
    plan = _preview(context, "service-requests", path)
    assert _errors(plan) == [
        "第 2 行 受理时间：受理时间不能晚于现在。",
        "第 3 行 解决期限：解决期限不能早于受理时间。",
    ]
    assert len(plan.creates) == 1


def test_an_archived_customer_is_not_made_a_key_account(context, supervisor, tmp_path):
    from kehu_desktop.services.customers import customer_files

    customer = make_customer(context, "深圳市华达电子有限公司")
    with context.session() as session:
        customer_files.set_archived(session, customer, True)
    plan = _preview(context, "key-accounts", _one_key_account(tmp_path, "王强"))
    assert _errors(plan) == [
        "第 2 行 客户：“KH000001 深圳市华达电子有限公司”已归档，不能设为大客户。"
    ]
