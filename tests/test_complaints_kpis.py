"""Each complaint KPI against a small fixture computed by hand (October 2026)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from kehu_desktop import cli
from kehu_desktop.services.common.rates import percent
from kehu_desktop.services.complaints import complaint_kpis, lifecycle
from kehu_desktop.services.complaints.lifecycle import HandlingInput, Status
from tests.helpers.complaints import advance, register
from tests.helpers.customers import make_customer

FULL = {"contact_name": "李经理", "contact_phone": "13800000000", "product": "外壳 A-12",
        "demand": "换货"}  # fmt: skip
CLAIM = HandlingInput(department="生产", cause="装配漏检", measures="返工", result="赔偿",
                      return_quantity="5", return_amount="300", claim_amount="5000")  # fmt: skip


@pytest.fixture
def october(context):
    """Seven complaints; the comments give each one's part in the hand count."""
    a = make_customer(context, "北京华达电子有限公司")
    b = make_customer(context, "上海宏泰机械有限公司")
    # C1 一般, due 10-15, answered 10-12 (on time), rated 满意, complete, exchange 20 / 1200.50
    c1 = register(context, a, received_at=datetime(2026, 10, 12, 9), **FULL)
    advance(context, c1, Status.CLOSED, start=datetime(2026, 10, 12, 9))
    # C2 重大, due 10-19 (10-10 is a 调休 workday), answered 10-20 (late), 不满意, incomplete
    c2 = register(context, a, received_at=datetime(2026, 10, 9, 10), severity="重大")
    advance(context, c2, Status.CLOSED, start=datetime(2026, 10, 20, 9), handling=CLAIM,
            satisfaction="不满意")  # fmt: skip
    # C3 交货期, due 10-23, only investigated: due, not on time, overdue; no phone → incomplete
    c3 = register(context, b, received_at=datetime(2026, 10, 20, 14), category="交货期",
                  **{**FULL, "contact_phone": ""})  # fmt: skip
    advance(context, c3, Status.INVESTIGATING, start=datetime(2026, 10, 20, 14))
    # C4 服务态度, due 11-02: not yet due at the end of October; complete
    register(context, b, received_at=datetime(2026, 10, 28, 9), category="服务态度", **FULL)
    # C5 交货期, cancelled: counted as received and cancelled, in no rate
    c5 = register(context, b, received_at=datetime(2026, 10, 13, 9), category="交货期")
    with context.session() as session:
        lifecycle.cancel(session, context.operator, c5, "客户撤回")
    # C6 特殊 包装运输, due 10-21, answered 10-14 (on time), closed unreachable, complete
    c6 = register(context, a, received_at=datetime(2026, 10, 14, 8), category="包装运输",
                  severity="特殊", **FULL)  # fmt: skip
    advance(context, c6, Status.REPLIED, start=datetime(2026, 10, 14, 8))
    with context.session() as session:
        lifecycle.record_revisit(session, context.operator, c6, satisfaction=None,
                                  unreachable_reason="多次电话无人接听")  # fmt: skip
        lifecycle.close(session, context.operator, c6)
    # C7 September: outside the period, in the trend only
    register(context, a, received_at=datetime(2026, 9, 30, 9))
    with context.reader() as session:
        return complaint_kpis.compute(session, date(2026, 10, 1), date(2026, 10, 31))


def test_counts_and_rates(october):
    t = october.total
    assert (t.received, t.cancelled, t.effective) == (6, 1, 5)
    assert (t.due, t.on_time) == (4, 2)  # C1 C2 C3 C6 due; C1 C6 on time
    assert t.timely_rate == pytest.approx(0.5)
    assert t.resolved == 3 and t.resolution_rate == pytest.approx(3 / 5)
    assert (t.rated, t.satisfied) == (2, 1) and t.satisfaction_rate == pytest.approx(0.5)
    assert (t.closed, t.closed_rated) == (3, 2) and t.revisit_rate == pytest.approx(2 / 3)
    assert t.complete == 3 and t.completeness_rate == pytest.approx(3 / 5)
    assert t.overdue_open == 1


def test_money_totals(october):
    t = october.total
    assert t.exchange_quantity == Decimal("40") and t.exchange_amount == Decimal("2401.00")
    assert t.return_quantity == Decimal("5") and t.return_amount == Decimal("300.00")
    assert t.claim_amount == Decimal("5000.00")


def test_breakdowns(october):
    category = {label: f.received for label, f in october.by_category}
    assert category == {"产品质量": 2, "交货期": 2, "服务态度": 1, "包装运输": 1}
    assert dict(october.by_category)["交货期"].cancelled == 1
    assert {label: f.received for label, f in october.by_severity} == {
        "一般": 4,
        "重大": 1,
        "特殊": 1,
    }
    department = {label: f.received for label, f in october.by_department}
    assert department == {"品质": 2, "生产": 1, "未指定": 3}
    customers = dict(october.by_customer)
    assert customers["北京华达电子有限公司"].received == 3
    assert customers["北京华达电子有限公司"].satisfaction_rate == pytest.approx(0.5)
    assert customers["上海宏泰机械有限公司"].overdue_open == 1


def test_trend(october):
    months = dict(october.trend)
    assert len(october.trend) == 12 and october.trend[-1][0] == date(2026, 10, 1)
    assert months[date(2026, 9, 1)].received == 1
    assert months[date(2026, 10, 1)].received == 6
    assert months[date(2025, 11, 1)].received == 0


def test_summary_lines(october):
    lines = dict(complaint_kpis.summary_lines(october))
    assert lines["处理及时率"] == "50.0%"
    assert lines["回访率"] == "66.7%"
    assert lines["换货"] == "40 件 / ￥2,401.00"
    assert percent(None) == "—"


def test_empty_period(context):
    with context.reader() as session:
        kpis = complaint_kpis.compute(session, date(2026, 1, 1), date(2026, 1, 31))
    assert kpis.total.received == 0 and kpis.total.timely_rate is None
    assert kpis.by_category == ()


def test_command_line_prints_the_same_figures(october, data_dir, capsys):
    assert (
        cli.main(["--data-dir", str(data_dir), "report", "complaints", "--month", "2026-10"]) == 0
    )
    out = capsys.readouterr().out
    for label, value in complaint_kpis.summary_lines(october):
        assert f"{label}：{value}" in out
    assert "产品质量\t2\t0\t2" in out
    assert cli.main(["--data-dir", str(data_dir), "report", "complaints", "--month", "十月"]) == 2


def test_answered_then_cancelled_is_in_no_rate(context):
    """Numerator and denominator of every rate count the same complaints: one answered on time
    and then cancelled must not lift 处理及时率 (nor any other rate) of the others."""
    customer = make_customer(context, "北京华达电子有限公司")
    cancelled = register(context, customer, received_at=datetime(2026, 10, 12, 9), **FULL)
    advance(context, cancelled, Status.REPLIED, start=datetime(2026, 10, 12, 9))
    with context.session() as session:
        lifecycle.cancel(session, context.operator, cancelled, "客户撤回投诉")
    # Due 10-15, answered 10-20: late.
    late = register(context, customer, received_at=datetime(2026, 10, 12, 10), **FULL)
    advance(context, late, Status.REPLIED, start=datetime(2026, 10, 20, 9))
    with context.reader() as session:
        t = complaint_kpis.compute(session, date(2026, 10, 1), date(2026, 10, 31)).total
    assert (t.received, t.cancelled, t.effective) == (2, 1, 1)
    assert (t.due, t.on_time) == (1, 0)
    assert t.timely_rate == 0
    assert (t.resolved, t.complete) == (1, 1)
    assert t.resolution_rate == 1 and t.completeness_rate == 1
    assert t.satisfaction_rate is None and t.revisit_rate is None
