"""Satisfaction survey scoring and trend; the key-account KPIs for a period."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from kehu_desktop.services.common.errors import PermissionDenied, ValidationError
from kehu_desktop.services.key_accounts import designation, key_account_kpis, satisfaction
from tests.helpers.customers import make_customer
from tests.helpers.key_accounts import add_visit, make_key_account

ITEMS = ("产品质量", "交货及时", "价格合理", "服务态度", "投诉处理", "技术支持")


def scores(*values: int) -> dict[str, int]:
    return dict(zip(ITEMS, values, strict=True))


def test_weighted_overall_score_and_trend(context):
    customer = make_customer(context, "华达")
    with context.session() as session:
        # weights 25/20/15/15/15/10: (125 + 80 + 45 + 60 + 30 + 30) / 100 = 3.70
        satisfaction.record_survey(session, context.operator, customer, scores(5, 4, 3, 4, 2, 3),
                                   surveyed_on=date(2026, 3, 1), respondent="李强")  # fmt: skip
        satisfaction.record_survey(session, context.operator, customer, scores(5, 5, 4, 4, 4, 4),
                                   surveyed_on=date(2026, 9, 1))  # fmt: skip
    with context.reader() as session:
        rows = satisfaction.surveys(session, customer)
    assert [r.overall_score for r in rows] == [Decimal("4.45"), Decimal("3.70")]
    assert rows[1].respondent == "李强"
    assert rows[0].surveyor == context.operator.name
    assert rows[0].items[0] == ("产品质量", Decimal("25"), 5)
    trend = satisfaction.trend(rows)
    assert trend.points[0] == (date(2026, 3, 1), Decimal("3.70"))
    assert trend.change == Decimal("0.75")
    assert trend.describe() == "最近一次 4.45 分（2026-09-01），较上次上升 0.75"


def test_survey_scores_must_be_one_to_five(context):
    customer = make_customer(context, "华达")
    with context.session() as session, pytest.raises(ValidationError) as raised:
        bad = {**scores(5, 5, 5, 5, 5, 5), "产品质量": "6", "技术支持": "0"}
        satisfaction.record_survey(session, context.operator, customer, bad)
    assert set(raised.value.errors) == {"产品质量", "技术支持"}
    with context.session() as session, pytest.raises(ValidationError, match="晚于今天"):
        satisfaction.record_survey(session, context.operator, customer, scores(5, 5, 5, 5, 5, 5),
                                   surveyed_on=date.today() + timedelta(days=1))  # fmt: skip


def test_revisit_rate_and_average_satisfaction(context, supervisor):
    start, end, today = date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 22)
    names = ("按时", "脱节", "期前访过", "新设", "非大客户", "从未拜访")
    ids = [make_customer(context, n) for n in names]
    for customer in (*ids[:4], ids[5]):
        designated = date(2026, 10, 20) if customer == ids[3] else date(2026, 1, 1)
        make_key_account(context, supervisor, customer, interval=30, today=designated)
    # 按时: 9-20, 10-15 → gaps ≤ 30 up to 10-31 (16 days). On schedule.
    add_visit(context, ids[0], date(2026, 9, 20))
    add_visit(context, ids[0], date(2026, 10, 15))
    # 脱节: 9-01 then 10-20: 49 days unvisited. Late.
    add_visit(context, ids[1], date(2026, 9, 1))
    add_visit(context, ids[1], date(2026, 10, 20))
    # 期前访过: last visit 9-25, none in October: 36 days to 10-31. Late.
    add_visit(context, ids[2], date(2026, 9, 25))
    # 新设: designated 10-20, no visit yet: 11 days. On schedule.
    add_visit(context, ids[4], date(2026, 10, 5))  # not a key account: ignored
    # 从未拜访: designated 1-01, never visited: overdue long before October. Late.
    with context.session() as session:
        for customer, values in ((ids[0], (5,) * 6), (ids[1], (3,) * 6), (ids[4], (1,) * 6)):
            satisfaction.record_survey(session, context.operator, customer, scores(*values),
                                       surveyed_on=date(2026, 10, 10))  # fmt: skip
    with context.reader() as session:
        kpis = key_account_kpis.compute(session, start, end, today)
    assert (kpis.accounts, kpis.on_schedule, kpis.revisit_rate) == (5, 2, Decimal("40.0"))
    assert (kpis.surveys, kpis.average_satisfaction) == (2, Decimal("4.00"))
    assert "大客户回访率 40.0%（本期按期回访 2/5 家）" in kpis.describe()


def test_kpis_without_key_accounts_and_delisted_ones(context, supervisor):
    with context.reader() as session:
        empty = key_account_kpis.compute(session, date(2026, 10, 1), date(2026, 10, 31))
    assert empty.revisit_rate is None and empty.average_satisfaction is None
    customer = make_customer(context, "已取消")
    card = make_key_account(context, supervisor, customer, today=date(2026, 1, 1))
    with context.session() as session:
        designation.delist(session, supervisor, card, "停止合作", today=date(2026, 9, 1))
    with context.reader() as session:
        kpis = key_account_kpis.compute(session, date(2026, 10, 1), date(2026, 10, 31))
    assert kpis.accounts == 0


def test_periods():
    today = date(2026, 11, 22)
    assert key_account_kpis.period("本月", today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert key_account_kpis.period("上月", today) == (date(2026, 10, 1), date(2026, 10, 31))
    assert key_account_kpis.period("本季度", today) == (date(2026, 10, 1), date(2026, 12, 31))
    assert key_account_kpis.period("本年", today) == (date(2026, 1, 1), date(2026, 12, 31))


def test_a_new_key_account_is_not_late_for_visits_before_its_designation(context, supervisor):
    """Designated 11-10, last visited 10-05: the clock starts at the designation."""
    customer = make_customer(context, "新设大客户")
    make_key_account(context, supervisor, customer, interval=30, today=date(2026, 11, 10))
    add_visit(context, customer, date(2026, 10, 5))
    with context.reader() as session:
        kpis = key_account_kpis.compute(session, date(2026, 11, 1), date(2026, 11, 30),
                                        date(2026, 11, 22))  # fmt: skip
    assert (kpis.accounts, kpis.on_schedule) == (1, 1)


def test_revisit_result_does_not_depend_on_other_cards(context, supervisor):
    """A 14-day account last seen 20 days before the period is late, with or without a
    60-day account beside it."""
    start, end, today = date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 22)
    short = make_customer(context, "两周一访")
    make_key_account(context, supervisor, short, interval=14, today=date(2026, 9, 5))
    add_visit(context, short, start - timedelta(days=20))
    add_visit(context, short, date(2026, 10, 2))
    add_visit(context, short, date(2026, 10, 15))
    add_visit(context, short, date(2026, 10, 28))
    with context.reader() as session:
        alone = key_account_kpis.compute(session, start, end, today)
    other = make_customer(context, "两月一访")
    make_key_account(context, supervisor, other, interval=60, today=date(2026, 1, 1))
    add_visit(context, other, date(2026, 9, 15))
    with context.reader() as session:
        together = key_account_kpis.compute(session, start, end, today)
    assert (alone.accounts, alone.on_schedule) == (1, 0)
    assert (together.accounts, together.on_schedule) == (2, 1)


def test_survey_items_are_the_supervisors_to_change(context, agent, supervisor):
    rows = [{"item": "产品质量", "weight": "60"}, {"item": "交货及时", "weight": "40"}]
    with context.session() as session, pytest.raises(PermissionDenied):
        satisfaction.put_items(session, agent, rows)
    with context.session() as session:
        satisfaction.put_items(session, supervisor, rows)
    with context.reader() as session:
        stored = satisfaction.items(session)
    assert [(i.item, i.weight) for i in stored] == [("产品质量", 60), ("交货及时", 40)]
