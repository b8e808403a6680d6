"""ABC classes on a hand-computed fixture: cut-offs, ties, customers without sales, zero total."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from kehu_desktop.models import Customer, CustomerClassHistory
from kehu_desktop.services.common.errors import PermissionDenied, ValidationError
from kehu_desktop.services.key_accounts import abc_classes
from kehu_desktop.services.key_accounts.abc_classes import Cutoffs
from tests.helpers.customers import make_customer
from tests.helpers.key_accounts import add_sales

AS_OF = date(2026, 11, 22)
DEFAULT = Cutoffs(80, 95)


def test_window_is_the_twelve_months_ending_this_month():
    assert abc_classes.window(AS_OF) == (date(2025, 12, 1), date(2026, 11, 1))
    assert abc_classes.window(date(2026, 1, 5)) == (date(2025, 2, 1), date(2026, 1, 1))


def test_hand_computed_cutoffs():
    # Total 1000. Before-shares: a 0 %, b 50 %, c 75 % → A; d 85 % → B; e 93 % → B; f 97 % → C.
    sales = {1: 500, 2: 250, 3: 100, 4: 80, 5: 40, 6: 30, 7: 0}
    assert abc_classes.classify(sales, DEFAULT) == {
        1: "A", 2: "A", 3: "A", 4: "B", 5: "B", 6: "C", 7: ""
    }  # fmt: skip


def test_ties_share_the_class_of_their_first_place():
    # Total 1000; 400 then three at 150 whose group starts at 40 % → all A, whatever the order;
    # 100 starts at 85 % → B; 50 starts at 95 % → C (95 is not below 95).
    sales = {1: 400, 2: 150, 3: 150, 4: 150, 5: 100, 6: 50}
    assert abc_classes.classify(sales, DEFAULT) == {1: "A", 2: "A", 3: "A", 4: "A", 5: "B", 6: "C"}
    # A tie straddling the A line (70 %–90 %): the group starts below 80 %, so both are A;
    # 60 starts at 90 % → B; 40 starts at 96 % → C.
    assert abc_classes.classify({1: 700, 2: 100, 3: 100, 4: 60, 5: 40}, DEFAULT) == {
        1: "A", 2: "A", 3: "A", 4: "B", 5: "C"
    }  # fmt: skip


def test_zero_total_ranks_nobody():
    assert abc_classes.classify({1: 0, 2: 0}, DEFAULT) == {1: "", 2: ""}
    assert abc_classes.classify({}, DEFAULT) == {}


def test_recompute_stores_classes_and_history(context):
    ids = {n: make_customer(context, n) for n in ("华达", "鑫盛", "宏泰", "无销售")}
    add_sales(context, ids["华达"], {"2026-10": "800.00", "2026-11": "100.00"})
    add_sales(context, ids["鑫盛"], {"2026-01": "80.00", "2025-11": "5000.00"})  # 2025-11 is out
    add_sales(context, ids["宏泰"], {"2026-06": "20.00"})
    with context.session() as session:
        result = abc_classes.recompute(session, AS_OF)
    assert result.total == 1000
    assert result.counts == {"A": 1, "B": 1, "C": 1, "": 1}
    with context.reader() as session:
        classes = dict(session.execute(select(Customer.name, Customer.abc_class)).all())
        history = session.scalars(select(CustomerClassHistory)).all()
    assert classes == {"华达": "A", "鑫盛": "B", "宏泰": "C", "无销售": ""}
    # The unranked customer did not change (blank → blank): three history rows.
    assert sorted(h.abc_class for h in history) == ["A", "B", "C"]
    assert {h.sales_12m for h in history} == {900, 80, 20}

    add_sales(context, ids["宏泰"], {"2026-07": "5000.00"})
    with context.session() as session:
        again = abc_classes.recompute(session, AS_OF)
    assert again.changed == 3  # 宏泰 up to A, 华达 down to B, 鑫盛 down to C
    with context.reader() as session:
        assert [h.abc_class for h in abc_classes.class_history(session, ids["华达"])] == ["B", "A"]


def test_cutoffs_are_a_setting(context, agent):
    ids = [make_customer(context, n) for n in ("甲公司", "乙公司")]
    add_sales(context, ids[0], {"2026-11": "600"})
    add_sales(context, ids[1], {"2026-11": "400"})
    with context.session() as session:
        abc_classes.put_cutoffs(session, context.operator, "50", "90")
        abc_classes.recompute(session, AS_OF)
    with context.reader() as session:
        assert abc_classes.get_cutoffs(session) == Cutoffs(50, 90)
        assert [c.abc_class for c in session.scalars(select(Customer).order_by(Customer.id))] == [
            "A", "B"
        ]  # fmt: skip
    with context.session() as session, pytest.raises(ValidationError):
        abc_classes.put_cutoffs(session, context.operator, "95", "80")
    with context.session() as session, pytest.raises(PermissionDenied):
        abc_classes.put_cutoffs(session, agent, "70", "90")


def test_suggestions_are_a_class_customers_not_yet_key_accounts(context, supervisor):
    from tests.helpers.key_accounts import make_key_account

    ids = [make_customer(context, n) for n in ("大客户甲", "大客户乙", "小客户")]
    add_sales(context, ids[0], {"2026-11": "5000"})
    add_sales(context, ids[1], {"2026-11": "4000"})
    add_sales(context, ids[2], {"2026-11": "100"})
    with context.session() as session:
        abc_classes.recompute(session, AS_OF)
    make_key_account(context, supervisor, ids[0])
    with context.reader() as session:
        found = abc_classes.suggestions(session, AS_OF)
    assert [(s.name, s.sales_12m) for s in found] == [("大客户乙", 4000)]
