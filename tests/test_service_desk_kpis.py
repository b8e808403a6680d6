"""Each after-sales KPI against a small fixture computed by hand, and the command line."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from kehu_desktop.cli import main
from kehu_desktop.models import KeyAccount
from kehu_desktop.services.service_desk import feedback, lifecycle, repair_orders, service_kpis
from kehu_desktop.services.service_desk.repair_orders import PartInput, RepairInput
from tests.helpers.customers import make_customer
from tests.helpers.service_desk import REPAIR, make_product, register

TODAY = date(2026, 11, 30)
REPLACED = RepairInput(diagnosis="主板烧毁", result="replaced", charged=True,
                       charge_amount="300", labour_cost="50",
                       parts=[PartInput("主板", "1", "100")])  # fmt: skip


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour)


@pytest.fixture
def fixture(context, agent):
    """Six November requests and one from October (see the expected figures below)."""
    op = context.operator
    key = make_customer(context, "大客户甲")
    general = make_customer(context, "一般客户乙")
    product = make_product(context)
    with context.session() as s:
        s.add(KeyAccount(customer_id=key, level="重点", designated_on=date(2026, 1, 1)))

    def step(fn, *args, **kwargs):
        with context.session() as s:
            return fn(s, *args, **kwargs)

    def dispatch(request_id, day, who=op):
        step(lifecycle.dispatch, op, request_id, mode="on_site", engineer_id=who.id,
             planned_date=date(2026, 11, day), at=_at(day))  # fmt: skip

    r1 = register(context, key, product_id=product, serial_no="U1", received_at=_at(2, 9))
    dispatch(r1, 2)
    step(repair_orders.record_repair, op, r1, REPAIR, at=_at(5))
    step(lifecycle.record_revisit, op, r1, satisfaction="满意", at=_at(6))
    step(lifecycle.close, op, r1, at=_at(6, 12))

    r2 = register(context, general, received_at=_at(3, 9))
    dispatch(r2, 5, agent)
    step(repair_orders.record_repair, op, r2, REPLACED, at=_at(12))
    f1 = step(feedback.raise_feedback, op, department="品质", problem="主板批次", request_id=r2,
              at=_at(12, 15))  # fmt: skip
    step(feedback.record_reply, op, f1, "已处理", at=_at(13, 9))
    step(lifecycle.record_revisit, op, r2, satisfaction="不满意", at=_at(13))
    step(lifecycle.close, op, r2, at=_at(16))

    r3 = register(context, general, product_id=product, serial_no="u1", received_at=_at(4, 9))
    dispatch(r3, 4)
    step(repair_orders.record_repair, op, r3, REPAIR, at=_at(6, 14))
    step(lifecycle.record_revisit, op, r3, satisfaction=None, unreachable_reason="停机",
         at=_at(6, 15))  # fmt: skip
    step(lifecycle.close, op, r3, at=_at(9))

    r4 = register(context, general, received_at=_at(5, 9))
    step(lifecycle.cancel, op, r4, "重复登记", at=_at(5))
    register(context, general, received_at=_at(20, 9))  # r5: never dispatched
    r6 = register(context, key, received_at=_at(26, 9))
    dispatch(r6, 26)
    step(feedback.raise_feedback, op, department="研发", problem="固件", at=_at(20, 15))
    step(feedback.raise_feedback, op, department="研发", problem="说明书", at=_at(27, 15))
    register(context, general, received_at=datetime(2026, 10, 30, 9))  # outside the period
    return {"agent": agent}


def test_each_kpi_against_the_hand_computed_fixture(context, fixture):
    with context.reader() as s:
        kpis = service_kpis.compute(s, date(2026, 11, 1), TODAY, today=TODAY)
    t = kpis.total
    assert (t.received, t.cancelled) == (6, 1)
    # 响应: r1, r3, r6 dispatched in time; r2 late; r5 never, past its deadline (23rd).
    assert (t.response_on_time, t.response_due) == (3, 5) and t.response_rate == 0.6
    # 解决: r1 (5th ≤ 9th) and r3 in time; r2 late (12th > 10th); r5 past 27th; r6 not yet due.
    assert (t.resolve_on_time, t.resolve_due) == (2, 4) and t.resolution_rate == 0.5
    # 一次修复: only r2 — r1 came back as r3 (a 返修), and r3 is the 返修 itself.
    assert (t.repaired, t.first_fix, t.repeats) == (3, 1, 1)
    assert t.first_fix_rate == pytest.approx(1 / 3) and t.repeat_rate == pytest.approx(1 / 3)
    assert (t.closed, t.closed_rated) == (3, 2) and t.revisit_rate == pytest.approx(2 / 3)
    assert (t.key_satisfied, t.key_rated, t.key_satisfaction_rate) == (1, 1, 1.0)
    assert (t.general_satisfied, t.general_rated, t.general_satisfaction_rate) == (0, 1, 0.0)
    # Working days to close: r1 2nd→6th 4, r2 3rd→16th 9, r3 4th→9th 3.
    assert t.close_days == 16 and t.average_close_days == pytest.approx(16 / 3)
    assert (t.parts_cost, t.labour_cost, t.charges) == (
        Decimal("116.40"), Decimal("210.00"), Decimal("300.00"))  # fmt: skip
    fb = kpis.feedback
    assert (fb.raised, fb.due, fb.on_time, fb.overdue_open) == (3, 2, 1, 1)
    assert fb.timely_rate == 0.5
    engineers = dict(kpis.by_engineer)
    assert engineers["张丽"].received == 1 and engineers["张丽"].response_rate == 0.0
    assert engineers["系统管理员"].received == 3
    assert engineers["未派工"].received == 2
    customers = dict(kpis.by_customer)
    assert [f.received for f in customers.values()] == [4, 2]
    products = dict(kpis.by_product)
    assert products["控制器 K7"].repeats == 1 and products["未指定产品"].received == 4
    text = service_kpis.report_text(kpis)
    assert "响应及时率：60.0%" in text and "一次修复率：33.3%" in text
    assert "平均结案工作日：5.3" in text and "信息反馈及时率：50.0%" in text
    rows = service_kpis.report_rows(kpis)
    assert rows[0][:3] == ("合计", 6, 1)


def test_report_service_on_the_command_line(context, fixture, data_dir, capsys, tmp_path):
    context.database.dispose()
    out = tmp_path / "售后.xlsx"
    code = main(["--data-dir", str(data_dir), "report", "service", "--month", "2026-11",
                 "-o", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "售后服务报告 2026-11-01 至 2026-11-30" in printed
    assert "受理：6" in printed and "回访率：66.7%" in printed
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    assert sheet["A2"].value == "合计" and sheet["B2"].value == 6
    assert main(["--data-dir", str(data_dir), "report", "service", "--month", "十一月"]) == 2
