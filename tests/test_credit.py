"""Credit scoring: weighted items → rating, limit and term; history; the over-limit warning."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from kehu_desktop.models import Customer
from kehu_desktop.services.common.errors import PermissionDenied, ValidationError
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.key_accounts import credit
from tests.helpers.customers import make_customer

ALL_90 = {"注册资本": 90, "从业年限": 90, "付款记录": 90, "履约情况": 90, "合作年限": 90,
          "经营状况": 90}  # fmt: skip


def test_weighted_total_gives_rating_limit_and_term(context, supervisor):
    customer = make_customer(context, "北京华达电子有限公司")
    # Default weights 15/10/30/20/10/15: (15×100 + 10×80 + 30×70 + 20×60 + 10×50 + 15×90) / 100
    scores = {"注册资本": 100, "从业年限": 80, "付款记录": 70, "履约情况": 60, "合作年限": 50,
              "经营状况": 90}  # fmt: skip
    with context.session() as session:
        credit.evaluate(session, supervisor, customer, scores, on=date(2026, 1, 10))
    with context.reader() as session:
        [row] = credit.history(session, customer)
        stored = session.get(Customer, customer)
    assert row.total_score == Decimal("74.50")
    assert (row.rating, row.credit_limit, row.credit_days) == ("A", Decimal("150000"), 45)
    assert (stored.credit_rating, stored.credit_limit, stored.credit_days) == (
        "A", Decimal("150000.00"), 45
    )  # fmt: skip
    assert ("付款记录", Decimal("30"), Decimal("70")) in row.items


def test_band_edges_and_override(context, supervisor):
    customer = make_customer(context, "鑫盛")
    with context.session() as session:
        credit.evaluate(session, supervisor, customer, ALL_90, on=date(2026, 1, 1))
        credit.evaluate(session, supervisor, customer, dict.fromkeys(ALL_90, 0),
                        credit_limit="20000", credit_days="15", notes="款到发货为主",
                        on=date(2026, 6, 1))  # fmt: skip
    with context.reader() as session:
        newest, oldest = credit.history(session, customer)
        state = credit.state(session, customer)
    assert (oldest.rating, oldest.credit_limit) == ("AAA", Decimal("500000"))
    assert (newest.rating, newest.credit_limit, newest.credit_days) == ("C", Decimal("20000"), 15)
    assert (state.rating, state.limit, state.days) == ("C", Decimal("20000.00"), 15)


def test_refusals(context, agent, supervisor):
    customer = make_customer(context, "宏泰")
    with context.session() as session, pytest.raises(PermissionDenied):
        credit.evaluate(session, agent, customer, ALL_90)
    with context.session() as session, pytest.raises(ValidationError) as raised:
        credit.evaluate(
            session, supervisor, customer, {**ALL_90, "付款记录": "120", "履约情况": ""}
        )
    assert set(raised.value.errors) == {"付款记录", "履约情况"}
    with context.session() as session, pytest.raises(ValidationError, match="额度"):
        credit.evaluate(session, supervisor, customer, ALL_90, credit_limit="很多")


def test_items_and_bands_are_settings(context, supervisor):
    customer = make_customer(context, "设置测试")
    with context.session() as session:
        rows = [{"item": "付款记录", "weight": "3"}, {"item": "规模", "weight": "1"}]
        credit.put_items(session, supervisor, [*rows, {"item": "", "weight": ""}])
        credit.evaluate(session, supervisor, customer, {"付款记录": 80, "规模": 40})
    with context.reader() as session:
        [row] = credit.history(session, customer)
    assert row.total_score == Decimal("70.00") and row.rating == "A"
    with context.session() as session, pytest.raises(ValidationError, match="重复"):
        credit.put_items(
            session, supervisor, [{"item": "规模", "weight": "1"}, {"item": "规模", "weight": "2"}]
        )
    with context.session() as session, pytest.raises(ValidationError, match="权重"):
        credit.put_items(session, supervisor, [{"item": "规模", "weight": "0"}])
    with context.reader() as session:
        bands = [{"rating": b.rating, "min_score": str(b.min_score), "limit": str(b.limit),
                  "days": str(b.days)} for b in credit.bands(session)]  # fmt: skip
    bands[1]["min_score"] = "95"
    with context.session() as session, pytest.raises(ValidationError, match="依次降低"):
        credit.put_bands(session, supervisor, bands)
    bands[1]["min_score"] = "85"
    with context.session() as session:
        credit.put_bands(session, supervisor, bands)
    with context.reader() as session:
        assert credit.band_for(credit.bands(session), Decimal("86")).rating == "AA"


def test_limit_warning_on_card_state_and_customer_list(context, supervisor):
    customer = make_customer(context, "超额公司", outstanding_amount="160000.00")
    with context.session() as session:
        credit.evaluate(session, supervisor, customer, dict.fromkeys(ALL_90, 75))  # A: 150,000
    with context.reader() as session:
        state = credit.state(session, customer)
        [row] = customer_files.fetch_rows(session, [customer])
    assert state.over_limit and state.describe() == "超出额度 10,000.00 元"
    assert row.over_credit
    with context.session() as session:
        session.execute(select(Customer)).scalar_one().outstanding_amount = Decimal("150000")
    with context.reader() as session:
        assert not credit.state(session, customer).over_limit
        assert credit.state(session, customer).describe() == "A 正常"
