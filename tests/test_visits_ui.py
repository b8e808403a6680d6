"""The visits desk driven in the real main window: the list, the dialog, plans, history, reports."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox, QTabWidget

from kehu_desktop.app import create_main_window
from kehu_desktop.models import Complaint
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.operators import Role
from kehu_desktop.services.complaints import lifecycle
from kehu_desktop.services.visits import visit_plans, visit_records
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.customers.customer_dialog import CustomerDialog
from kehu_desktop.ui.visits.visit_dialog import VisitDialog
from kehu_desktop.ui.visits.visit_frequency_dialog import VisitFrequencyDialog
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import ready, save
from tests.helpers.visits import make_replied_complaint, make_visit, set_customer


def _now(minutes: int = 0) -> str:
    return (datetime.now() - timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")


def _reloaded(qtbot, window, rows: int):
    tab = window.visits_tab
    window.tabs.setCurrentWidget(tab)  # a desk behind another tab reloads only when shown
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == rows, timeout=5000)
    return tab


def test_tabs_order_and_the_today_view_at_start(qtbot, main_window, data_dir):
    tabs = main_window.findChild(QTabWidget, "mainTabs")
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[:4] == ["客户档案", "拜访记录", "客户投诉", "大客户"]
    assert titles[4].startswith("今日")
    # An empty store opens on the customer list (once the store has said it is empty, read off
    # the GUI thread); one with customers opens on 今日.
    qtbot.waitUntil(lambda: tabs.currentWidget() is main_window.customers_tab)
    make_customer(main_window._context, "华达电子")
    window = create_main_window(data_dir)
    qtbot.addWidget(window)
    assert window.tabs.currentWidget().objectName() == "todayView"
    for name in ("visitTable", "planTable", "visitReportTable", "todayPlans", "dueCustomers"):
        assert main_window.findChild(object, name) is not None, name
    assert main_window.findChild(object, "actionVisitFrequency").text() == "拜访频率(&V)…"


def test_models_pass_the_model_tester(qtbot, qtmodeltester, main_window):
    context = main_window._context
    customer = make_customer(context, "华达电子")
    make_visit(context, customer, _now(60), actions=[{"description": "寄样品"}])
    tab = _reloaded(qtbot, main_window, 1)
    with context.session() as session:
        visit_plans.add_plan(session, customer, context.operator.id, date.today())
    tab.reload_plans()
    tab.report_view.run()
    qtbot.waitUntil(lambda: tab.report_view.daily_model.rowCount() == 1, timeout=5000)
    for model in (tab.model, tab.plan_model, tab.report_view.daily_model):
        qtmodeltester.check(model)


def test_record_a_visit_with_ctrl_n(qtbot, main_window):
    context = main_window._context
    customer = make_customer(context, "宏泰机械", contacts=[{"name": "王伟", "title": "采购经理"}])
    main_window.tabs.setCurrentWidget(main_window.visits_tab)
    main_window.new_action.trigger()
    dialog = main_window.findChild(VisitDialog)
    assert dialog is not None and dialog.isVisible()
    ready(qtbot, dialog)
    dialog.customer.search.setText("宏泰")
    qtbot.waitUntil(lambda: dialog.contact_choice.count() == 2, timeout=3000)
    assert dialog.customer.value() == customer
    dialog.contact_choice.activated.emit(1)
    assert dialog.contacts_met.text() == "王伟（采购经理）"
    dialog.method.setCurrentIndex(dialog.method.findData("来访接待"))
    dialog.result.setPlainText("参观车间，确认样品")
    dialog.actions_model.add_row({"description": "寄送报价单", "owner": "系统管理员",
                                  "due_date": date.today().isoformat()})  # fmt: skip
    assert save(qtbot, dialog)
    tab = _reloaded(qtbot, main_window, 1)
    row = tab.model.row_at(0)
    assert (row.customer.split()[1], row.method, row.contacts_met, row.open_actions) == (
        "宏泰机械", "来访接待", "王伟（采购经理）", 1,
    )  # fmt: skip
    assert tab.current_id() == row.id
    # The action due today is waiting in 今日, and the tab title counts it.
    main_window.tabs.setCurrentWidget(main_window.today_tab)
    qtbot.waitUntil(lambda: main_window.today_tab.action_model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(
        lambda: main_window.tabs.tabText(4) == f"今日 ({main_window.today_tab.view.count})"
    )


def test_bad_input_is_shown_and_nothing_is_lost(qtbot, main_window):
    context = main_window._context
    customer = make_customer(context, "鑫盛五金")
    dialog = ready(qtbot, main_window.visits_tab.open_visit(customer_id=customer))
    dialog.visited_at.set_value("2026-11-02 10:00")
    dialog.next_visit.set_value("2026-11-01")  # before the visit itself
    assert not save(qtbot, dialog)
    assert dialog.isVisible()
    text = dialog.error_label.text()
    assert "下次拜访日期" in text and "拜访结果" in text
    assert dialog.next_visit.text_value() == "2026-11-01"
    assert "border" in dialog.next_visit.styleSheet()
    dialog.next_visit.set_value("2026-11-30")  # fixed: its mark clears at once
    assert dialog.next_visit.styleSheet() == ""
    with context.reader() as session:
        assert visit_records.customer_history(session, customer) == []
    dialog.done(0)


def test_plan_becomes_a_record_and_another_is_missed(qtbot, main_window, monkeypatch):
    context = main_window._context
    first = make_customer(context, "源通包装")
    second = make_customer(context, "佳美塑胶")
    tab = main_window.visits_tab
    main_window.tabs.setCurrentWidget(tab)
    tab.pages.setCurrentIndex(1)
    for customer in (first, second):
        plan_dialog = ready(qtbot, tab.new_plan())
        plan_dialog.customer.set_value(customer)
        qtbot.waitUntil(lambda d=plan_dialog, c=customer: d.customer.value() == c)
        assert save(qtbot, plan_dialog)
    qtbot.waitUntil(lambda: tab.plan_model.rowCount() == 2, timeout=3000)
    tab.plan_table.selectRow(0)
    dialog = ready(qtbot, tab.record_plan())
    assert dialog.windowTitle() == "记录拜访（来自拜访计划）"
    assert dialog.customer.value() == first
    dialog.visited_at.set_value(_now())
    dialog.result.setPlainText("已确认月底付款")
    assert save(qtbot, dialog)
    qtbot.waitUntil(lambda: tab.plan_model.row_at(0).status == "已完成", timeout=3000)
    tab.plan_table.selectRow(1)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    assert tab.mark_missed("  ")  # sent; the service refuses it
    qtbot.waitUntil(lambda: warnings == ["请填写未完成的原因。"])
    assert tab.mark_missed("客户停产检修")

    def statuses():
        return [(r.status, r.missed_reason) for r in tab.plan_model.rows()]

    qtbot.waitUntil(lambda: statuses() == [("已完成", ""), ("未完成", "客户停产检修")])


def test_complaint_revisit_from_the_dialog(qtbot, main_window):
    context = main_window._context
    customer = make_customer(context, "华达电子")
    complaint_id = make_replied_complaint(context, customer)
    dialog = ready(qtbot, main_window.visits_tab.open_visit(customer_id=customer))
    assert not dialog.revisit_box.isVisible()
    dialog.purpose.setCurrentIndex(dialog.purpose.findData("投诉回访"))
    assert dialog.revisit_box.isVisible()
    assert dialog.complaint.count() == 2
    dialog.complaint.setCurrentIndex(1)
    dialog.satisfaction.setCurrentIndex(dialog.satisfaction.findData("满意"))
    # Saved with the time the form proposes, in the same minute as the reply.
    assert save(qtbot, dialog), dialog.error_label.text()
    with context.reader() as session:
        assert session.get(Complaint, complaint_id).status == "回访"
    with context.session() as session:
        lifecycle.close(session, context.operator, complaint_id)
    # Reopened later, the revisit still shows its (now closed) complaint and rating.
    again = ready(qtbot, main_window.visits_tab.open_visit(visit_id=dialog.saved_id))
    assert again.complaint.currentText().endswith("（结案）")
    assert again.satisfaction.currentData() == "满意"
    again.discussion.setPlainText("补记：客户对换货满意")
    assert save(qtbot, again), again.error_label.text()


def test_history_page_in_the_customer_file(qtbot, qtmodeltester, main_window):
    context = main_window._context
    customer = make_customer(context, "宏泰机械")
    make_visit(context, customer, "2026-10-01 10:00", result="谈新品")
    make_visit(context, customer, "2026-11-01 10:00", result="催收货款")
    ops = Operations(context)
    dialog = CustomerDialog(ops, main_window._layout_memory, customer, main_window)
    qtbot.addWidget(dialog)
    ready(qtbot, dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "拜访记录" in titles
    page = dialog.visits_page
    qtbot.waitUntil(lambda: [r.result for r in page.model.rows()] == ["催收货款", "谈新品"])
    assert "上次拜访：2026-11-01" in page.schedule_label.text()
    qtmodeltester.check(page.model)
    visit_dialog = ready(qtbot, page.new_visit())
    assert visit_dialog.customer.value() == customer
    visit_dialog.result.setPlainText("电话确认到货")
    assert save(qtbot, visit_dialog)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    new_file = CustomerDialog(ops, main_window._layout_memory, None, main_window)
    qtbot.addWidget(new_file)
    assert "拜访记录" not in [new_file.tabs.tabText(i) for i in range(new_file.tabs.count())]


def test_reports_run_and_export(qtbot, qtmodeltester, main_window, tmp_path):
    context = main_window._context
    customer = make_customer(context, "华达电子")
    make_visit(context, customer, _now(30))
    view = main_window.visits_tab.report_view
    view.kind.setCurrentIndex(1)
    view.date_from.setDate(QDate.currentDate().addDays(-30))
    view.run()
    qtbot.waitUntil(lambda: view.coverage_model.rowCount() > 0, timeout=5000)
    qtmodeltester.check(view.coverage_model)
    assert view.table.model() is view.coverage_model
    rates = [view.coverage_model.index(r, 8).data() for r in range(view.coverage_model.rowCount())]
    assert all(rate == "—" or rate.endswith("%") for rate in rates)
    view.export_xlsx(tmp_path / "覆盖率.xlsx")
    qtbot.waitUntil(lambda: "已导出" in view.note.text(), timeout=5000)
    sheet = load_workbook(tmp_path / "覆盖率.xlsx").active
    assert sheet.cell(1, 9).value == "覆盖率(%)"


def test_the_report_page_is_made_when_first_shown(qtbot, main_window):
    context = main_window._context
    make_visit(context, make_customer(context, "华达电子"), _now())
    tab = main_window.visits_tab
    view = tab.report_view
    main_window.tabs.setCurrentWidget(tab)
    tab.pages.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.daily_model.rowCount() == 1, timeout=5000)
    assert view.table.model() is view.daily_model
    assert view.note.text() == "共 1 次拜访，按日期、业务员排列。"
    view.kind.setCurrentIndex(1)
    assert view.note.text() == "报表条件已更改，请按“生成报表”更新。"


def test_visit_list_export(qtbot, main_window, tmp_path):
    context = main_window._context
    make_visit(context, make_customer(context, "佳美塑胶"), _now(10), result="报价已发")
    tab = _reloaded(qtbot, main_window, 1)
    tab.export_xlsx(tmp_path / "拜访.xlsx")
    qtbot.waitUntil(lambda: "已导出 1 条" in tab.count_label.text(), timeout=5000)
    sheet = load_workbook(tmp_path / "拜访.xlsx").active
    assert sheet.cell(2, 9).value == "报价已发"


def test_frequency_settings_dialog(qtbot, main_window):
    dialog = ready(qtbot, main_window.edit_visit_frequencies())
    assert isinstance(dialog, VisitFrequencyDialog)
    dialog.abc["A"].setValue(14)
    assert save(qtbot, dialog)
    with main_window._context.reader() as session:
        assert visit_plans.frequencies(session).abc["A"] == 14


def test_plan_due_visits_for_next_week(qtbot, main_window):
    """An administrator plans for every owner by default and is shown the plans made."""
    context = main_window._context
    with context.session() as session:
        agent = operators.create_staff(session, "zhangli", "张丽", Role.AGENT, "agent-pass")
    customer = make_customer(context, "该访了")
    set_customer(context, customer, abc_class="A", owner_id=agent.id)
    make_visit(context, customer, _now(60 * 24 * 40))
    tab = main_window.visits_tab
    main_window.tabs.setCurrentWidget(tab)
    assert tab.period_filter.currentText() == "本周"
    dialog = tab.plan_due_visits()
    assert dialog.staff.currentText() == "各客户的负责业务员"
    dialog.period.setCurrentText("下周")
    # What it will make is shown before anything is made.
    qtbot.waitUntil(lambda: dialog.note.text() == "将生成 1 条计划（下周）。", timeout=5000)
    assert dialog.preview_model.rowCount() == 1 and dialog.ok_button.isEnabled()
    assert dialog.preview_model.row_at(0).staff == "张丽"
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.save()
    assert tab.period_filter.currentText() == "下周"
    assert tab.plan_note.text() == "已生成 1 条计划（下周）。"
    qtbot.waitUntil(lambda: tab.plan_model.rowCount() == 1, timeout=3000)
    start, _end = visit_plans.period("下周", date.today())
    row = tab.plan_model.row_at(0)
    assert (row.customer.split()[1], row.staff, row.planned_date, row.status) == (
        "该访了", "张丽", start, "计划",
    )  # fmt: skip
    # 撤销本次生成 takes the batch back.
    assert not tab.undo_planning_button.isHidden()
    tab.undo_planning()
    qtbot.waitUntil(lambda: tab.plan_model.rowCount() == 0, timeout=3000)
    assert tab.plan_note.text() == "已撤销 1 条生成的计划。"
    assert tab.undo_planning_button.isHidden()


def test_plan_due_visits_says_so_when_nothing_is_due(qtbot, main_window):
    make_customer(main_window._context, "刚建档")
    dialog = main_window.visits_tab.plan_due_visits()
    qtbot.waitUntil(lambda: dialog.note.text().startswith("将生成 0 条"), timeout=5000)
    assert dialog.isVisible() and not dialog.ok_button.isEnabled()
    assert dialog.note.text() == "将生成 0 条计划（本周）：没有在该周期结束前到期的客户。"
    dialog.reject()


def test_deleting_a_plan_asks_first(qtbot, main_window, monkeypatch):
    context = main_window._context
    customer = make_customer(context, "宏泰机械")
    with context.session() as session:
        visit_plans.add_plan(session, customer, context.operator.id, date.today())
    tab = main_window.visits_tab
    main_window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.plans_loaded):
        tab.reload_plans()
    assert tab.plan_table.currentIndex().row() == 0  # the first row is selected on loading
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(QMessageBox, "question", lambda *args: next(answers))
    assert not tab.cancel_plan()
    assert tab.plan_model.rowCount() == 1
    assert tab.cancel_plan()
    qtbot.waitUntil(lambda: tab.plan_model.rowCount() == 0, timeout=10000)  # a busy machine
