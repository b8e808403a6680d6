"""Visit records: plans becoming records or missed, validation, follow-up actions in the today
view, complaint revisits, and the coverage report against hand-computed figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kehu_desktop.models import Complaint, VisitPlan
from kehu_desktop.services import today as today_view
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.visits import visit_plans, visit_records, visit_reports
from tests.helpers.complaints import register
from tests.helpers.customers import make_customer
from tests.helpers.visits import LATER, make_replied_complaint, make_visit, set_customer

TODAY = date(2026, 11, 22)


def _plan(context, customer_id, day=TODAY, made_on=TODAY, **kwargs):
    with context.session() as session:
        return visit_plans.add_plan(
            session, customer_id, context.operator.id, day, today=made_on, **kwargs
        )


def _today(context, day=TODAY):
    return today_view.compute(context.reader, day)


def test_plan_becomes_a_record(context):
    customer = make_customer(context, "华达电子")
    plan_id = _plan(context, customer, purpose="新品推介", method="电话")
    assert [p.id for p in _today(context).plans] == [plan_id]
    with context.reader() as session:
        prefilled = visit_records.new_input(session, context.operator, plan_id=plan_id)
    assert prefilled.values["customer_id"] == str(customer)
    assert (prefilled.values["method"], prefilled.values["purpose"]) == ("电话", "新品推介")
    visit_id = make_visit(context, customer, "2026-11-22 10:30", plan_id=plan_id,
                          method="电话", purpose="新品推介")  # fmt: skip
    with context.reader() as session:
        plan = session.get(VisitPlan, plan_id)
        assert (plan.status, plan.visit_id) == ("已完成", visit_id)
    assert _today(context).plans == []
    with pytest.raises(UserError, match="该计划已已完成"), context.session() as session:
        visit_records.new_input(session, context.operator, plan_id=plan_id)


def test_plan_marked_missed_needs_a_reason_and_leaves_the_today_view(context):
    customer = make_customer(context, "宏泰机械")
    plan_id = _plan(context, customer)
    with pytest.raises(ValidationError, match="请填写未完成的原因"), context.session() as session:
        visit_plans.mark_missed(session, plan_id, "  ")
    with context.session() as session:
        visit_plans.mark_missed(session, plan_id, "客户临时外出")
    with context.reader() as session:
        rows = visit_plans.list_plans(session, TODAY, TODAY)
    assert [(r.status, r.missed_reason) for r in rows] == [("未完成", "客户临时外出")]
    assert _today(context).plans == []
    with pytest.raises(UserError, match="不能再更改"), context.session() as session:
        visit_plans.mark_missed(session, plan_id, "再改一次")


def test_plans_cannot_be_made_for_the_past_or_archived_customers(context):
    customer = make_customer(context, "鑫盛五金")
    with pytest.raises(ValidationError, match="计划日期不能早于今天"):
        _plan(context, customer, date(2026, 11, 21))
    set_customer(context, customer, archived=True)
    with pytest.raises(ValidationError, match="已归档"):
        _plan(context, customer)


def test_an_open_plan_from_an_earlier_day_stays_in_the_today_view(context):
    customer = make_customer(context, "源通包装")
    plan_id = _plan(context, customer, date(2026, 11, 20), made_on=date(2026, 11, 18))
    assert [p.id for p in _today(context).plans] == [plan_id]
    assert _today(context, date(2026, 11, 19)).plans == []


def test_next_visit_date_plans_a_routine_visit(context):
    customer = make_customer(context, "佳美塑胶")
    make_visit(context, customer, "2026-11-10 10:00", next_visit_date="2026-12-01")
    make_visit(context, customer, "2026-11-11 10:00", next_visit_date="2026-12-01")
    with context.reader() as session:
        rows = visit_plans.list_plans(session, date(2026, 12, 1), date(2026, 12, 1))
    assert [(r.purpose, r.status) for r in rows] == [("例行", "计划")]


def test_plan_due_visits_plans_each_due_customer_once(context):
    due = make_customer(context, "该访了")
    not_due = make_customer(context, "还早")
    for customer in (due, not_due):
        set_customer(context, customer, abc_class="A", owner_id=context.operator.id)
    make_visit(context, due, "2026-10-20 10:00")
    make_visit(context, not_due, "2026-11-20 10:00")
    start, end = period("下周")
    with context.session() as session:
        first = visit_plans.plan_due_visits(session, start, end, context.operator.id, today=TODAY)
        again = visit_plans.plan_due_visits(session, start, end, context.operator.id, today=TODAY)
        rows = visit_plans.list_plans(session, start, end)
    assert first.summary("下周") == "已生成 1 条计划（下周）。"
    assert again.summary("下周") == "已生成 0 条计划（下周）：1 位到期客户已有未完成的计划。"
    assert [(r.customer.split()[1], r.planned_date) for r in rows] == [
        ("该访了", date(2026, 11, 23))
    ]


def test_plan_due_visits_says_why_nothing_was_planned(context, agent):
    orphan = make_customer(context, "没人管")
    owned = make_customer(context, "张丽的客户")
    set_customer(context, orphan, abc_class="A", owner_id=None)
    set_customer(context, owned, abc_class="A", owner_id=agent.id)
    for customer in (orphan, owned):
        make_visit(context, customer, "2026-10-20 10:00")
    start, end = period("下周")
    with context.session() as session:
        mine = visit_plans.plan_due_visits(session, start, end, context.operator.id, today=TODAY)
        everyone = visit_plans.plan_due_visits(session, start, end, today=TODAY)
    assert mine.summary("下周", "系统管理员") == (
        "已生成 0 条计划（下周）：系统管理员负责的客户中没有在该周期结束前到期的客户。"
    )
    assert everyone.summary("下周") == ("已生成 1 条计划（下周）：1 位到期客户没有负责业务员。")


def test_generated_plans_are_never_dated_before_today_and_undo_as_one_batch(context):
    overdue = make_customer(context, "早该访了")
    due_later = make_customer(context, "周五到期")
    for customer in (overdue, due_later):
        set_customer(context, customer, abc_class="A", owner_id=context.operator.id)
    make_visit(context, overdue, "2026-09-01 10:00")  # due 2026-10-01, long overdue
    make_visit(context, due_later, "2026-10-27 10:00")  # due 2026-11-26, a Thursday
    start, end = TODAY - timedelta(days=3), TODAY + timedelta(days=7)  # began before today
    with context.session() as session:
        preview = visit_plans.preview_due_visits(session, start, end, today=TODAY)
        assert preview.summary("本周") == "将生成 2 条计划（本周）。"
        assert [(p.customer.split()[1], p.planned_date) for p in preview.proposed] == [
            ("早该访了", TODAY), ("周五到期", date(2026, 11, 26)),
        ]  # fmt: skip
        assert session.scalar(select(VisitPlan.id)) is None  # a preview writes nothing
        made = visit_plans.plan_due_visits(session, start, end, today=TODAY)
    assert made.created == 2 and made.summary("本周") == "已生成 2 条计划（本周）。"
    with context.session() as session:
        plans = visit_plans.list_plans(session, start, end)
        assert min(r.planned_date for r in plans) >= TODAY
        done = next(r for r in plans if r.customer.endswith("周五到期"))
        visit_plans.mark_missed(session, done.id, "客户出差")
    with context.session() as session:
        undone = visit_plans.undo_planning(session, made.batch)
    assert undone.summary() == "已撤销 1 条生成的计划；1 条已办理或已标记未完成，予以保留。"
    with context.session() as session:
        assert [r.status for r in visit_plans.list_plans(session, start, end)] == ["未完成"]
        with pytest.raises(UserError):
            visit_plans.undo_planning(session, "no-such-batch")


def period(kind):
    return visit_plans.period(kind, TODAY)


def test_visit_validation_lists_every_problem(context):
    customer = make_customer(context, "华达电子")
    with context.session() as session:
        data = visit_records.new_input(session, context.operator, customer)
        data.values.update(visited_at="2026-13-01", next_visit_date="明天", method="飞鸽")
        data.actions = [{"description": "", "due_date": "2026-12-01"}]
        with pytest.raises(ValidationError) as error:
            visit_records.save_visit(session, context.operator, data, now=LATER)
    messages = error.value.errors
    assert set(messages) == {"visited_at", "next_visit_date", "method", "result", "action.0"}
    assert messages["action.0"] == "跟进事项第 1 行：请填写事项内容。"
    with context.session() as session:
        data = visit_records.new_input(session, context.operator, customer)
        data.values.update(visited_at="2026-11-22 10:00", result="ok")
        with pytest.raises(ValidationError, match="不能晚于现在"):
            visit_records.save_visit(session, context.operator, data, now=datetime(2026, 11, 22, 9))


def test_a_saved_visit_reads_back(context):
    customer = make_customer(context, "宏泰机械", contacts=[{"name": "王伟", "title": "采购经理"}])
    with context.reader() as session:
        assert visit_records.contact_names(session, customer) == ["王伟（采购经理）"]
    visit_id = make_visit(
        context, customer, "2026-11-20 14:30", contacts_met="王伟（采购经理）、李总",
        method="来访接待", discussion="参观车间", requests="希望缩短交期",
        actions=[{"description": "寄样品", "owner_id": str(context.operator.id),
                  "due_date": "2026-11-25"}],
    )  # fmt: skip
    with context.reader() as session:
        data = visit_records.load_input(session, visit_id)
        rows = visit_records.list_visits(session, visit_records.VisitFilter(method="来访接待"))
    assert data.values["visited_at"] == "2026-11-20 14:30"
    assert data.values["contacts_met"] == "王伟（采购经理）、李总"
    assert data.values["requests"] == "希望缩短交期"
    assert [a["description"] for a in data.actions] == ["寄样品"]
    assert [(r.id, r.open_actions) for r in rows] == [(visit_id, 1)]


def test_visit_list_filters(context, agent, database):
    huada = make_customer(context, "华达电子")
    hongtai = make_customer(context, "宏泰机械")
    make_visit(context, huada, "2026-11-01 10:00", purpose="催收货款")
    make_visit(context, hongtai, "2026-11-15 10:00", method="电话")
    with context.reader() as session:

        def names(**kwargs):
            flt = visit_records.VisitFilter(**kwargs)
            return [r.customer.split()[1] for r in visit_records.list_visits(session, flt)]

        assert names() == ["宏泰机械", "华达电子"]
        assert names(date_from=date(2026, 11, 2)) == ["宏泰机械"]
        assert names(date_to=date(2026, 11, 1)) == ["华达电子"]
        assert names(purpose="催收货款") == ["华达电子"]
        assert names(method="电话") == ["宏泰机械"]
        assert names(customer_text="华达") == ["华达电子"]
        assert names(staff_id=agent.id) == []


def test_follow_up_actions_enter_the_today_view_when_due_and_leave_when_done(context):
    customer = make_customer(context, "鑫盛五金")
    make_visit(context, customer, "2026-11-10 10:00", actions=[
        {"description": "寄送报价单", "due_date": "2026-11-22"},
        {"description": "安排试产", "due_date": "2026-11-30"},
        {"description": "无期限事项"},
    ])  # fmt: skip
    assert [a.description for a in _today(context, date(2026, 11, 21)).actions] == []
    view = _today(context)
    assert [(a.description, a.owner) for a in view.actions] == [("寄送报价单", "系统管理员")]
    with context.session() as session:
        visit_records.set_action_done(session, view.actions[0].id, TODAY)
    assert _today(context).actions == []
    assert [a.description for a in _today(context, date(2026, 12, 1)).actions] == ["安排试产"]


def test_reminders_for_birthdays_and_important_dates(context):
    make_customer(context, "华达电子", contacts=[
        {"name": "王伟", "birthday": "1980-11-25"},
        {"name": "李娜", "birthday": "1990-11-29"},  # day 8: outside the window
        {"name": "赵敏", "important_dates": "结婚纪念日 2015-11-22"},
    ])  # fmt: skip
    view = _today(context)
    assert [(r.person, r.day, r.occasion, r.days_away) for r in view.reminders] == [
        ("赵敏", date(2026, 11, 22), "结婚纪念日（11 周年）", 0),
        ("王伟", date(2026, 11, 25), "46 岁生日", 3),
    ]
    assert view.count == 2


def test_a_29_february_birthday_is_remembered_on_28_february(context):
    make_customer(context, "宏泰机械", contacts=[{"name": "孙强", "birthday": "1988-02-29"}])
    assert [r.day for r in _today(context, date(2027, 2, 25)).reminders] == [date(2027, 2, 28)]
    assert [r.day for r in _today(context, date(2028, 2, 25)).reminders] == [date(2028, 2, 29)]
    assert _today(context, date(2028, 3, 1)).reminders == []


def _after_the_reply() -> str:
    return (datetime.now() + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M")


def test_complaint_revisit_moves_the_complaint_on(context):
    customer = make_customer(context, "源通包装")
    other = make_customer(context, "佳美塑胶")
    complaint_id = make_replied_complaint(context, customer)
    register(context, customer, description="还在登记，不能回访")
    with context.reader() as session:
        choices = visit_records.revisit_choices(session, context.operator, customer)
    assert [c for c, _ in choices] == [complaint_id]
    assert choices[0][1].endswith("（答复）")
    now = _after_the_reply()
    with pytest.raises(ValidationError, match="投诉回访必须关联一宗投诉"):
        make_visit(context, customer, now, purpose="投诉回访")
    with pytest.raises(ValidationError, match="所选投诉不属于该客户"):
        make_visit(context, other, now, purpose="投诉回访", complaint_id=str(complaint_id))
    visit_id = make_visit(context, customer, now, purpose="投诉回访",
                          complaint_id=str(complaint_id), satisfaction="满意")  # fmt: skip
    with context.reader() as session:
        complaint = session.get(Complaint, complaint_id)
        assert (complaint.status, complaint.satisfaction) == ("回访", "满意")
        assert str(visit_id) in complaint.events[-1].note or complaint.events[-1].kind
        data = visit_records.load_input(session, visit_id)
    data.values.update(purpose="例行")
    with pytest.raises(UserError, match="不能改为其他目的"), context.session() as session:
        visit_records.save_visit(session, context.operator, data, now=LATER)


def test_a_revisit_begun_right_after_the_reply_is_accepted(context):
    """The form shows the minute; the visit keeps the second it was begun at."""
    customer = make_customer(context, "源通包装")
    complaint_id = make_replied_complaint(context, customer)
    with context.reader() as session:
        replied_at = session.get(Complaint, complaint_id).events[-1].at
        data = visit_records.new_input(session, context.operator, customer, now=replied_at)
    assert data.values["visited_at"] == replied_at.strftime("%Y-%m-%d %H:%M")
    data.values.update(purpose="投诉回访", complaint_id=str(complaint_id), satisfaction="满意")
    with context.session() as session:
        visit_id = visit_records.save_visit(session, context.operator, data, now=LATER)
    with context.reader() as session:
        assert session.get(Complaint, complaint_id).status == "回访"
        again = visit_records.load_input(session, visit_id)
    again.values["discussion"] = "补记"
    with context.session() as session:
        visit_records.save_visit(session, context.operator, again, now=LATER)
    with context.reader() as session:
        assert visit_records.customer_history(session, customer)[0].visited_at == replied_at


def test_a_refused_revisit_saves_nothing(context):
    customer = make_customer(context, "华达电子")
    complaint_id = make_replied_complaint(context, customer)
    now = _after_the_reply()
    with pytest.raises(ValidationError, match="满意度"):
        make_visit(context, customer, now, purpose="投诉回访", complaint_id=str(complaint_id))
    with context.reader() as session:
        assert visit_records.customer_history(session, customer) == []
        assert session.scalar(select(Complaint.status)) == "答复"


def test_coverage_against_hand_computed_figures(context, agent, database):
    """November 2026, A = 30 days, B = 90, C = 180 (see each customer's comment).

    张丽 owns c1 and c2 and has three plans; 系统管理员 owns the rest and made every visit.
    """
    names = ("c1", "c2", "c3", "c4", "c5")
    ids = {n: make_customer(context, n) for n in names}
    for name, abc, owner in (
        ("c1", "A", agent),
        ("c2", "A", agent),
        ("c3", "B", context.operator),
        ("c4", "C", context.operator),
        ("c5", "B", context.operator),
    ):
        set_customer(context, ids[name], abc_class=abc, owner_id=owner.id)  # fmt: skip
    visit = lambda name, when: make_visit(context, ids[name], when)  # noqa: E731
    visit("c1", "2026-10-05 10:00")  # due 11-04
    visit("c1", "2026-11-03 10:00")  # on time
    visit("c2", "2026-10-10 10:00")  # due 11-09
    visit("c2", "2026-11-12 10:00")  # late
    visit("c3", "2026-08-20 10:00")  # due 11-18, not visited
    visit("c4", "2026-09-01 10:00")  # due 2027-02-28: not due in November
    visit("c4", "2026-11-20 10:00")  # a visit, but not a due one
    visit("c5", "2026-07-01 10:00")  # due 09-29: already overdue on 11-01
    visit("c5", "2026-11-02 10:00")  # late
    with database.session() as session:
        for name, status in (("c1", "已完成"), ("c2", "未完成"), ("c3", "计划")):
            session.add(VisitPlan(customer_id=ids[name], staff_id=agent.id, status=status,
                                  planned_date=date(2026, 11, 3), purpose="例行"))  # fmt: skip
    with context.reader() as session:
        lines = visit_reports.coverage(session, date(2026, 11, 1), date(2026, 11, 30))
    table = {(x.dimension, x.name): (x.planned, x.done, x.missed, x.visits, x.due, x.on_time,
                                     x.rate) for x in lines}  # fmt: skip
    assert table == {
        ("业务员", "张丽"): (3, 1, 1, 0, 2, 1, Decimal("50.0")),
        ("业务员", "系统管理员"): (0, 0, 0, 4, 2, 0, Decimal("0.0")),
        ("业务员", "合计"): (3, 1, 1, 4, 4, 1, Decimal("25.0")),
        ("ABC分类", "A"): (2, 1, 1, 2, 2, 1, Decimal("50.0")),
        ("ABC分类", "B"): (1, 0, 0, 1, 2, 0, Decimal("0.0")),
        ("ABC分类", "C"): (0, 0, 0, 1, 0, 0, None),
        ("ABC分类", "合计"): (3, 1, 1, 4, 4, 1, Decimal("25.0")),
    }


def test_daily_report_lists_each_staff_members_visits_by_day(context, tmp_path):
    customer = make_customer(context, "华达电子")
    make_visit(context, customer, "2026-11-20 15:00", actions=[{"description": "寄样品"}])
    make_visit(context, customer, "2026-11-20 09:00")
    make_visit(context, customer, "2026-11-21 09:00")
    with context.reader() as session:
        lines = visit_reports.daily_report(session, date(2026, 11, 20), date(2026, 11, 20))
    assert [(x.day, x.time, x.follow_up) for x in lines] == [
        (date(2026, 11, 20), "09:00", ""),
        (date(2026, 11, 20), "15:00", "寄样品"),
    ]
    path = tmp_path / "日报.xlsx"
    assert visit_reports.export_daily(path, lines) == 2
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]][:4] == ["日期", "业务员", "时间", "客户"]
    assert sheet.cell(3, 9).value == "寄样品"
