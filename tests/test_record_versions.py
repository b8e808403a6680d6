"""No lost update: two desks (two connections to one store) load a record, both save; the
second save is refused with who changed it and when, and the first desk's change stays."""

from __future__ import annotations

from datetime import date

import pytest

from kehu_desktop.models import Complaint, Customer, Role, Setting, Staff, Visit
from kehu_desktop.services.common import operators, settings
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.database import Database
from kehu_desktop.services.common.versions import StaleRecordError
from kehu_desktop.services.complaints import lifecycle, registration
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.key_accounts import key_account_cards
from kehu_desktop.services.visits import visit_plans, visit_records
from tests.helpers.complaints import register
from tests.helpers.customers import make_customer
from tests.helpers.key_accounts import add_sales, make_key_account
from tests.helpers.visits import LATER, make_visit

REFUSED = r"该{noun}已被 李四 于 \d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}} 修改，本次未保存"


@pytest.fixture
def other_desk(database, admin):
    """A second PC: its own connection to the same file, signed in as 李四."""
    with database.session() as session:
        lisi = operators.create_staff(session, "lisi", "李四", Role.ADMIN, "lisi-pass")
    other = Database(database.url)
    yield DeskContext(other, lisi)
    other.dispose()


def refused(noun: str):
    return pytest.raises(StaleRecordError, match=REFUSED.format(noun=noun))


def version_of(context: DeskContext, model, key) -> int:
    with context.reader() as session:
        return session.get(model, key).version


# --- customers: the file, its contacts, their dates and the sales months ---------------------

CONTACT = {"name": "王五", "mobile": "13800138000", "important_dates": "结婚纪念日 2015-05-20"}


@pytest.fixture
def customer_id(context):
    return make_customer(
        context, "北京华达电子有限公司", contacts=[dict(CONTACT)], phone="010-62345678"
    )


def _load(context: DeskContext, customer_id: int) -> customer_files.CustomerInput:
    with context.reader() as session:
        data = customer_files.load_input(session, customer_id)
    data.sales = data.sales or []
    return data


def _save(context: DeskContext, data: customer_files.CustomerInput) -> None:
    with context.session() as session:
        customer_files.save(session, data)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.values.update(email="b@example.com"),
        lambda d: d.contacts[0].update(mobile="13900139000"),
        lambda d: d.contacts[0].update(important_dates="公司周年 2010-08-08"),
        lambda d: d.contacts.append({"name": "赵六"}),
        lambda d: d.contacts.clear(),
        lambda d: d.sales.append({"month": "2026-10", "amount": "1000", "quantity": "1"}),
    ],
    ids=["own field", "contact", "important date", "new contact", "contact removed", "sales"],
)
def test_a_customer_changed_anywhere_is_not_overwritten(context, other_desk, customer_id, change):
    mine = _load(context, customer_id)
    theirs = _load(other_desk, customer_id)
    change(theirs)
    _save(other_desk, theirs)
    mine.values["fax"] = "010-62345679"
    with refused("客户档案"):
        _save(context, mine)
    kept = _load(context, customer_id)
    assert kept.values["fax"] == ""  # nothing of the refused save was written
    assert kept.version == mine.version + 1  # their one change moved it once
    # Reloaded, the same change goes through.
    kept.values["fax"] = "010-62345679"
    _save(context, kept)
    assert _load(context, customer_id).values["fax"] == "010-62345679"


def test_a_sales_month_changed_elsewhere_moves_the_version(context, other_desk, customer_id):
    mine = _load(context, customer_id)
    theirs = _load(other_desk, customer_id)
    theirs.sales = [{"month": "2026-10", "amount": "1000", "quantity": "1"}]
    _save(other_desk, theirs)
    again = _load(other_desk, customer_id)
    again.sales[0]["amount"] = "2000"
    _save(other_desk, again)
    assert version_of(context, Customer, customer_id) == mine.version + 2
    with refused("客户档案"):
        _save(context, mine)
    assert _load(context, customer_id).sales[0]["amount"] == "2000.00"


def test_sales_months_imported_elsewhere_move_the_version(context, other_desk, customer_id):
    """The sales import adds months to files no one has open on that desk."""
    mine = _load(context, customer_id)
    add_sales(other_desk, customer_id, {"2026-09": "800.00", "2026-10": "1000.00"})
    mine.values["fax"] = "010-62345679"
    with refused("客户档案"):
        _save(context, mine)
    assert [s["month"] for s in _load(context, customer_id).sales] == ["2026-09", "2026-10"]


def test_the_refusal_names_who_changed_it_and_when(context, other_desk, customer_id):
    mine = _load(context, customer_id)
    theirs = _load(other_desk, customer_id)
    theirs.contacts[0]["mobile"] = "13900139000"
    _save(other_desk, theirs)
    with context.reader() as session:
        customer = session.get(Customer, customer_id)
        changed_at = customer.updated_at
        assert session.get(Staff, customer.updated_by_id).name == "李四"
    with pytest.raises(StaleRecordError) as error:
        _save(context, mine)
    assert f"于 {changed_at:%Y-%m-%d %H:%M} 修改" in str(error.value)


# --- complaints ------------------------------------------------------------------------------


def test_a_registration_corrected_elsewhere_is_not_overwritten(context, other_desk, customer_id):
    complaint_id = register(context, customer_id)
    with context.reader() as session:
        mine = registration.load_registration(session, complaint_id)
    with other_desk.reader() as session:
        theirs = registration.load_registration(session, complaint_id)
    theirs.product = "铝合金门把手"
    with other_desk.session() as session:
        registration.update_registration(session, other_desk.operator, complaint_id, theirs)
    mine.demand = "全部退货"
    with refused("投诉登记"), context.session() as session:
        registration.update_registration(session, context.operator, complaint_id, mine)
    with context.reader() as session:
        complaint = session.get(Complaint, complaint_id)
        assert (complaint.product, complaint.demand) == ("铝合金门把手", "")


def test_a_step_taken_elsewhere_moves_the_registration_version(context, other_desk, customer_id):
    complaint_id = register(context, customer_id)
    with context.reader() as session:
        mine = registration.load_registration(session, complaint_id)
    with other_desk.session() as session:
        lifecycle.investigate(session, other_desk.operator, complaint_id, "派品质部调查")
    mine.demand = "全部退货"
    with refused("投诉登记"), context.session() as session:
        registration.update_registration(session, context.operator, complaint_id, mine)


# --- visits and plans ------------------------------------------------------------------------


def test_a_visit_changed_elsewhere_is_not_overwritten(context, other_desk, customer_id):
    action = {"description": "寄样品", "owner_id": "1", "due_date": "2026-12-10", "done_on": ""}
    visit_id = make_visit(context, customer_id, "2026-11-20 10:00", actions=[action])
    with context.reader() as session:
        mine = visit_records.load_input(session, visit_id)
        action_id = session.get(Visit, visit_id).actions[0].id
    # Only a follow-up action is ticked off on the other PC (今日 → 跟进事项).
    with other_desk.session() as session:
        visit_records.set_action_done(session, action_id, date(2026, 11, 25))
    mine.values["result"] = "改写的结果"
    with refused("拜访记录"), context.session() as session:
        visit_records.save_visit(session, context.operator, mine, now=LATER)
    with context.reader() as session:
        visit = session.get(Visit, visit_id)
        assert visit.result == "谈了下季度订单"
        assert visit.actions[0].done_on == date(2026, 11, 25)


def test_a_plan_changed_elsewhere_is_not_changed_again(context, other_desk, customer_id):
    with context.session() as session:
        plan_id = visit_plans.add_plan(session, customer_id, 1, date(2030, 1, 2))
    with context.reader() as session:
        (plan,) = visit_plans.list_plans(session, date(2030, 1, 1), date(2030, 1, 31))
    with other_desk.session() as session:
        visit_plans.mark_missed(session, plan_id, "客户停业装修", plan.version)
    with refused("拜访计划"), context.session() as session:
        visit_plans.cancel_plan(session, plan_id, plan.version)
    with context.reader() as session:
        (after,) = visit_plans.list_plans(session, date(2030, 1, 1), date(2030, 1, 31))
    assert (after.status, after.missed_reason) == (visit_plans.MISSED, "客户停业装修")


# --- key accounts ----------------------------------------------------------------------------


def test_a_card_and_a_countermeasure_changed_elsewhere(
    context, other_desk, supervisor, customer_id
):
    card_id = make_key_account(context, supervisor, customer_id)
    with context.reader() as session:
        card = key_account_cards.load_card(session, card_id)
    with other_desk.session() as session:
        key_account_cards.save_card(
            session, other_desk.operator, card_id, {"competitors": "华强"}, card.version
        )
    with refused("大客户管理卡"), context.session() as session:
        key_account_cards.save_card(
            session, context.operator, card_id, {"main_products": "门锁"}, card.version
        )

    measure = {"issue": "交期慢", "measure": "设安全库存", "status": "未开始"}
    with context.session() as session:
        measure_id = key_account_cards.save_countermeasure(session, card_id, measure)
    with context.reader() as session:
        (row,) = key_account_cards.countermeasures(session, card_id)
    with other_desk.session() as session:
        key_account_cards.save_countermeasure(
            session, card_id, {**measure, "status": "进行中"}, measure_id, version=row.version
        )
    with refused("对策"), context.session() as session:
        key_account_cards.save_countermeasure(
            session, card_id, {**measure, "measure": "改空运"}, measure_id, version=row.version
        )
    with context.reader() as session:
        (after,) = key_account_cards.countermeasures(session, card_id)
    assert (after.status, after.measure) == ("进行中", "设安全库存")


# --- staff and settings ----------------------------------------------------------------------


def test_a_staff_record_changed_elsewhere(context, other_desk, agent):
    with context.reader() as session:
        (row,) = [r for r in operators.list_staff(session) if r.id == agent.id]
    fields = {"name": row.name, "role": Role(row.role), "department": "客服部", "active": True}
    with other_desk.session() as session:
        operators.update_staff(
            session, other_desk.operator, agent.id, **fields, phone="1", version=row.version
        )
    with refused("员工资料"), context.session() as session:
        operators.update_staff(
            session, context.operator, agent.id, **fields, phone="2", version=row.version
        )
    with context.reader() as session:
        assert session.get(Staff, agent.id).phone == "1"


def test_a_setting_changed_elsewhere(context, other_desk):
    intervals = {"abc": {"A": 30, "B": 90, "C": 180}}
    management = {k: 60 for k in visit_plans.MANAGEMENT_CLASSES}
    with context.reader() as session:
        seen = settings.versions(session)
    with other_desk.session() as session:
        visit_plans.save_frequencies(
            session, other_desk.operator, intervals["abc"], management, seen
        )
    with refused("设置"), context.session() as session:
        visit_plans.save_frequencies(
            session, context.operator, {"A": 7, "B": 7, "C": 7}, management, seen
        )
    with context.reader() as session:
        assert visit_plans.frequencies(session).abc == {"A": 30, "B": 90, "C": 180}
        row = session.get(Setting, visit_plans.ABC_INTERVALS.key)
        assert session.get(Staff, row.updated_by_id).name == "李四"


def test_the_audit_trail_does_not_list_version_moves(context, customer_id):
    from kehu_desktop.services.common import audit

    data = _load(context, customer_id)
    data.contacts[0]["mobile"] = "13900139000"
    _save(context, data)
    with context.reader() as session:
        entries = audit.recent_entries(session, context.operator, limit=5)
    assert not any("version" in e.changes for e in entries)
    assert any(e.table_name == "contacts" and "mobile" in e.changes for e in entries)


def test_sign_ins_do_not_move_the_staff_version(context, agent):
    """Counting failed sign-ins is bookkeeping: an administrator's open editor stays valid."""
    with context.reader() as session:
        before = session.get(Staff, agent.id).version
    for password in ("wrong-password", "agent-pass"):
        with context.session() as session:
            operators.attempt_sign_in(session, agent.username, password)
    with context.reader() as session:
        staff = session.get(Staff, agent.id)
        assert staff.version == before
