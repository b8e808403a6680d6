"""Designation workflow and refusals, the card, countermeasures, interactions, the list."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kehu_desktop.models import AuditEntry, Complaint, Customer, KeyAccount
from kehu_desktop.services.common.errors import PermissionDenied, UserError, ValidationError
from kehu_desktop.services.key_accounts import designation, key_account_cards
from tests.helpers.customers import make_customer
from tests.helpers.key_accounts import add_sales, add_visit, make_key_account

TODAY = date.today()


@pytest.fixture(autouse=True)
def _today():
    """Each test reads today when it starts, so a run that crosses midnight stays right."""
    global TODAY
    TODAY = date.today()


@pytest.fixture
def customer(context):
    return make_customer(context, "北京华达电子有限公司")


def test_proposal_approved_by_supervisor_opens_the_card(context, agent, supervisor, customer):
    add_sales(context, customer, {TODAY.strftime("%Y-%m"): "12345.60"})
    with context.session() as session:
        proposal_id = designation.propose(session, agent, customer, "年采购额居前", "近一年 12 万")
    with context.reader() as session:
        [row] = designation.list_proposals(session)
    assert (row.customer, row.proposer, row.status) == ("北京华达电子有限公司", "张丽", "待审批")
    assert row.sales_12m == Decimal("12345.60")
    with context.session() as session:
        card_id = designation.approve(
            session, supervisor, proposal_id, level="战略", manager_id=agent.id,
            visit_interval_days=14, note="同意",
        )  # fmt: skip
    with context.reader() as session:
        assert designation.list_proposals(session) == []
        [decided] = designation.list_proposals(session, designation.APPROVED)
        card = key_account_cards.load_card(session, card_id)
        logged = session.scalars(
            select(AuditEntry.table_name).where(AuditEntry.table_name.like("key_account%"))
        ).all()
    assert decided.decided_by == "王强"
    assert (card.level, card.manager, card.visit_interval_days, card.active) == (
        "战略", "张丽", 14, True
    )  # fmt: skip
    assert "key_account_proposals" in logged and "key_accounts" in logged


def test_refusals(context, agent, supervisor, customer):
    with context.session() as session:
        proposal_id = designation.propose(session, agent, customer, "理由")
    with context.session() as session, pytest.raises(UserError, match="待审批"):
        designation.propose(session, agent, customer, "再申请一次")
    with context.session() as session, pytest.raises(PermissionDenied):
        designation.approve(session, agent, proposal_id, level="重点", manager_id=agent.id,
                            visit_interval_days=30)  # fmt: skip
    with context.session() as session, pytest.raises(ValidationError, match="级别"):
        designation.approve(session, supervisor, proposal_id, level="超级", manager_id=agent.id,
                            visit_interval_days=30)  # fmt: skip
    with context.session() as session:
        card_id = designation.approve(session, supervisor, proposal_id, level="重点",
                                      manager_id=agent.id, visit_interval_days=30)  # fmt: skip
    with context.session() as session, pytest.raises(UserError, match="不能再次审批"):
        designation.approve(session, supervisor, proposal_id, level="重点", manager_id=agent.id,
                            visit_interval_days=30)  # fmt: skip
    with context.session() as session, pytest.raises(UserError, match="已经是大客户"):
        designation.propose(session, agent, customer, "理由")
    with context.session() as session, pytest.raises(ValidationError, match="理由"):
        designation.propose(session, agent, make_customer(context, "另一家"), "  ")
    with context.session() as session, pytest.raises(PermissionDenied):
        designation.delist(session, agent, card_id, "采购转移")
    with context.session() as session, pytest.raises(ValidationError, match="原因"):
        designation.delist(session, supervisor, card_id, "")


def test_reject_needs_a_reason_and_happens_once(context, agent, supervisor, customer):
    with context.session() as session:
        proposal_id = designation.propose(session, agent, customer, "理由")
    with context.session() as session, pytest.raises(ValidationError):
        designation.reject(session, supervisor, proposal_id, "")
    with context.session() as session:
        designation.reject(session, supervisor, proposal_id, "销售额不足")
    with context.session() as session, pytest.raises(UserError, match="已驳回"):
        designation.reject(session, supervisor, proposal_id, "再驳回")
    with context.reader() as session:
        assert session.scalar(select(KeyAccount.id)) is None


def test_delist_then_designate_again_reopens_the_card(context, agent, supervisor, customer):
    card_id = make_key_account(context, supervisor, customer)
    with context.session() as session:
        designation.delist(session, supervisor, card_id, "客户转产")
    with context.reader() as session:
        assert key_account_cards.list_key_accounts(session) == []
        card = key_account_cards.load_card(session, card_id)
    assert (card.active, card.delist_reason) == (False, "客户转产")
    with context.session() as session, pytest.raises(UserError, match="已经取消"):
        designation.delist(session, supervisor, card_id, "again")
    assert make_key_account(context, supervisor, customer, level="一般") == card_id
    with context.reader() as session:
        [row] = key_account_cards.list_key_accounts(session)
    assert (row.level, row.customer) == ("一般", "北京华达电子有限公司")


def test_archived_customer_cannot_be_proposed(context, agent, customer):
    with context.session() as session:
        session.get(Customer, customer).archived = True
    with context.session() as session, pytest.raises(UserError, match="归档"):
        designation.propose(session, agent, customer, "理由")


def test_card_fields_and_assignment_rights(context, agent, supervisor, customer):
    card_id = make_key_account(context, supervisor, customer)
    from kehu_desktop.services.common.context import DeskContext

    as_agent = DeskContext(context.database, agent)
    with as_agent.session() as session:
        values = dict(key_account_cards.load_card(session, card_id).values)
        values.update(decision_makers="总经理 李强", annual_purchase_volume="1,200,000",
                      our_share_percent="35%", competitors="宏泰机械")  # fmt: skip
        key_account_cards.save_card(session, agent, card_id, values)
    with as_agent.session() as session, pytest.raises(PermissionDenied):
        key_account_cards.save_card(session, agent, card_id, {**values, "level": "战略"})
    with as_agent.session() as session, pytest.raises(ValidationError, match="份额"):
        key_account_cards.save_card(session, agent, card_id, {**values, "our_share_percent": "150"})
    with context.session() as session:
        key_account_cards.save_card(session, supervisor, card_id, {**values, "level": "战略"})
    with context.reader() as session:
        card = key_account_cards.load_card(session, card_id)
    assert card.level == "战略"
    assert card.values["annual_purchase_volume"] == "1200000.00"
    assert card.values["our_share_percent"] == "35.00"
    assert card.values["decision_makers"] == "总经理 李强"


def test_countermeasures_overdue_and_done(context, supervisor, customer):
    card_id = make_key_account(context, supervisor, customer)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    with context.session() as session:
        late = key_account_cards.save_countermeasure(session, card_id, {
            "issue": "交期不稳", "measure": "设安全库存", "owner_id": str(supervisor.id),
            "deadline": yesterday, "status": "进行中"})  # fmt: skip
        key_account_cards.save_countermeasure(session, card_id, {
            "issue": "价格", "measure": "年度框架价", "deadline": "2099-01-01"})  # fmt: skip
    with context.session() as session, pytest.raises(ValidationError, match="对策"):
        key_account_cards.save_countermeasure(session, card_id, {"issue": "x", "measure": ""})
    with context.reader() as session:
        rows = key_account_cards.countermeasures(session, card_id)
        [listed] = key_account_cards.list_key_accounts(session)
    assert [r.overdue for r in rows] == [True, False]
    assert listed.measures_text == "2 项（逾期 1）"
    with context.session() as session:
        key_account_cards.save_countermeasure(session, card_id, {
            "issue": "交期不稳", "measure": "设安全库存", "deadline": yesterday,
            "status": "已完成"}, late)  # fmt: skip
    with context.reader() as session:
        rows = key_account_cards.countermeasures(session, card_id)
    assert (rows[0].overdue, rows[0].done_on) == (False, TODAY)


def test_list_shows_visits_due_and_interactions(context, supervisor, customer):
    card_id = make_key_account(context, supervisor, customer, interval=30)
    add_visit(context, customer, TODAY - timedelta(days=40))
    with context.session() as session:
        session.add(Complaint(number="TS-2026-0001", year=2026, seq=1, received_at=datetime.now(),
                              channel="电话", customer_id=customer, category="交货期",
                              description="延误 5 天", first_responsible_id=supervisor.id,
                              deadline=TODAY))  # fmt: skip
    with context.reader() as session:
        [row] = key_account_cards.list_key_accounts(session)
        found = key_account_cards.interactions(session, customer)
    assert row.id == card_id
    assert row.last_visit == TODAY - timedelta(days=40)
    assert row.next_visit_due == TODAY - timedelta(days=10) and row.visit_overdue
    assert [r.kind for r in found] == ["投诉", "拜访"]
    assert "TS-2026-0001" in found[0].summary


def test_next_visit_due_follows_the_visits_desk_rule(context, supervisor, customer):
    """The tab and 今日/plans agree on when a key account is due, visited or not."""
    from kehu_desktop.services.visits import visit_plans

    make_key_account(context, supervisor, customer, interval=30, today=date(2026, 1, 5))
    with context.reader() as session:
        [never] = key_account_cards.list_key_accounts(session)
        expected = visit_plans.schedule_for(session, customer).next_due
    assert never.last_visit is None and never.next_visit_due == expected
    add_visit(context, customer, TODAY - timedelta(days=3))
    with context.reader() as session:
        [visited] = key_account_cards.list_key_accounts(session)
        expected = visit_plans.schedule_for(session, customer).next_due
    assert visited.next_visit_due == expected == TODAY + timedelta(days=27)


def test_demo_key_accounts_tell_a_consistent_story(database, admin):
    from kehu_desktop.demo import loader
    from kehu_desktop.models import CreditEvaluation, SatisfactionSurvey
    from kehu_desktop.services.key_accounts import credit

    database.operator_id = admin.id
    summary = loader.load_demo(database, 300, today=TODAY)
    with database.reader() as session:
        rows = key_account_cards.list_key_accounts(session)
        pending = designation.list_proposals(session)
        classes = set(session.scalars(select(Customer.abc_class)))
        surveys = session.scalar(select(func.count(SatisfactionSurvey.id)))
        evaluations = session.scalar(select(func.count(CreditEvaluation.id)))
        first = credit.history(session, rows[0].customer_id)[0]
        card_customers = {r.customer_id for r in rows}
        a_class = {c.id for c in session.scalars(select(Customer).where(Customer.abc_class == "A"))}
    assert summary.key_accounts == len(rows) >= 8
    assert {"A", "B", "C"} <= classes
    assert card_customers <= a_class
    assert pending and all(p.status == "待审批" for p in pending)
    assert any(r.overdue_measures for r in rows)
    assert surveys >= len(rows) and evaluations >= len(rows)
    assert rows[0].credit.rating == first.rating and rows[0].credit.limit == first.credit_limit
