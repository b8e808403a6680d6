"""The 今日 tab in the real window: its four lists, the count in the tab title, acting on them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kehu_desktop.services.visits import visit_plans
from kehu_desktop.ui.visits.visit_dialog import VisitDialog
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import ready, save
from tests.helpers.visits import make_visit, set_customer


def _birthday_in(days: int) -> str:
    day = date.today() + timedelta(days=days)
    year = 1980 if not (day.month == 2 and day.day == 29) else 1984
    return date(year, day.month, day.day).isoformat()


def _loaded(qtbot, window):
    """今日 on screen (a desk behind another tab reloads only when shown), freshly read."""
    tab = window.today_tab
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=20000):  # a busy machine: reads take their time
        tab.reload()
    return tab


def _store(window):
    """One of each: a plan for today, a customer overdue, an action due, a birthday."""
    context = window._context
    planned = make_customer(context, "今日计划客户")
    overdue = make_customer(context, "逾期客户")
    set_customer(context, overdue, abc_class="A", owner_id=context.operator.id)
    set_customer(context, planned, abc_class="C")
    action = {"description": "寄送报价单", "due_date": date.today().isoformat()}
    make_visit(context, overdue, datetime.now() - timedelta(days=40), actions=[action])
    make_customer(context, "生日客户", contacts=[{"name": "王伟", "birthday": _birthday_in(2)}])
    with context.session() as session:
        visit_plans.add_plan(session, planned, context.operator.id, date.today())
    return planned, overdue


def test_the_four_lists_and_the_count_in_the_title(qtbot, qtmodeltester, main_window):
    _store(main_window)
    tab = _loaded(qtbot, main_window)
    assert [r.customer.split()[1] for r in tab.plan_model.rows()] == ["今日计划客户"]
    due_names = [r.customer.split()[1] for r in tab.due_model.rows()]
    assert due_names == ["逾期客户"]
    assert tab.due_model.row_at(0).days_overdue == 10
    assert [r.description for r in tab.action_model.rows()] == ["寄送报价单"]
    assert [(r.person, r.days_away) for r in tab.date_model.rows()] == [("王伟", 2)]
    assert tab.view.count == 4
    assert main_window.tabs.tabText(4) == "今日 (4)"
    assert "计划拜访（1）" in tab.plan_box.title()
    for model in (tab.plan_model, tab.due_model, tab.action_model, tab.date_model):
        qtmodeltester.check(model)


def test_done_action_leaves_and_a_visit_clears_the_plan(qtbot, main_window):
    planned, _overdue = _store(main_window)
    tab = _loaded(qtbot, main_window)
    tab.action_table.selectRow(0)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        assert tab.mark_action_done()
    assert tab.action_model.rowCount() == 0
    assert main_window.tabs.tabText(4) == "今日 (3)"
    tab.plan_table.selectRow(0)
    dialog = ready(qtbot, tab.record_plan())
    assert dialog.customer.value() == planned
    dialog.result.setPlainText("客户满意，续签合同")
    assert save(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.plan_model.rowCount() == 0, timeout=5000)
    qtbot.waitUntil(lambda: main_window.tabs.tabText(4) == "今日 (2)")  # once all is read


def test_visit_a_due_customer_from_the_list(qtbot, main_window):
    _planned, overdue = _store(main_window)
    tab = _loaded(qtbot, main_window)
    tab.due_table.selectRow(0)
    dialog = ready(qtbot, tab.visit_due_customer())
    assert dialog.customer.value() == overdue
    dialog.result.setPlainText("补上拜访")
    assert save(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.due_model.rowCount() == 0, timeout=20000)  # a busy machine


def test_staff_filter_shows_one_persons_day(qtbot, agent, main_window):
    _store(main_window)
    tab = _loaded(qtbot, main_window)
    qtbot.waitUntil(lambda: tab.staff_filter.findData(agent.id) >= 0, timeout=10000)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.staff_filter.setCurrentIndex(tab.staff_filter.findData(agent.id))
    assert (tab.plan_model.rowCount(), tab.due_model.rowCount(), tab.action_model.rowCount()) == (
        0,
        0,
        0,
    )


def test_ctrl_n_on_the_today_tab_records_a_visit(qtbot, main_window):
    _store(main_window)
    main_window.tabs.setCurrentWidget(main_window.today_tab)
    assert main_window.new_action.isEnabled()
    main_window.new_action.trigger()
    dialog = main_window.findChild(VisitDialog)
    assert dialog is not None and dialog.windowTitle() == "记录拜访"
    dialog.done(0)


def test_complaints_due_and_escalations_waiting_are_on_today(qtbot, main_window):
    from kehu_desktop.services.complaints import registration

    context = main_window._context
    customer = make_customer(context, "投诉客户")
    with context.session() as session:
        late = registration.register(
            session, context.operator,
            registration.RegistrationInput(
                customer_id=customer, description="发货延误", category="交货期",
                received_at=datetime.now() - timedelta(days=20),
            ),
        )  # fmt: skip
        escalated = registration.register(
            session, context.operator,
            registration.RegistrationInput(
                customer_id=customer, description="批量质量问题", severity="重大"
            ),
        )  # fmt: skip
        registration.register(  # due in the future: not on today
            session, context.operator,
            registration.RegistrationInput(customer_id=customer, description="包装破损"),
        )  # fmt: skip
    tab = _loaded(qtbot, main_window)
    assert [r.id for r in tab.view.complaints] == [late]
    assert tab.view.complaints[0].overdue
    assert [r.id for r in tab.view.escalations] == [escalated]
    assert tab.complaint_model.rowCount() == 1 and tab.escalation_model.rowCount() == 1
    assert "逾期" in tab.complaint_box.title()
    assert "待主管确认" in tab.escalation_box.title()
    tab.complaint_table.selectRow(0)
    dialog = tab.open_complaint(tab.complaint_table)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    dialog.close()
