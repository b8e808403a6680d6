"""Driving the complaints tab, the detail dialog, registration, the report and settings."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from kehu_desktop.models import Role
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import PermissionDenied
from kehu_desktop.services.complaints import deadlines
from kehu_desktop.services.complaints.lifecycle import Action, Status
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import WARNING_BACKGROUND
from kehu_desktop.ui.complaints.complaint_dialog import ComplaintDialog
from kehu_desktop.ui.complaints.complaint_registration_dialog import ComplaintRegistrationDialog
from kehu_desktop.ui.complaints.complaint_report import ComplaintReportDialog
from kehu_desktop.ui.complaints.complaint_settings_dialog import ComplaintSettingsDialog
from kehu_desktop.ui.complaints.complaints_tab import ComplaintsTab
from kehu_desktop.ui.customers.customer_dialog import CustomerDialog
from tests.helpers.complaints import advance, register
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import choose, ready, save


@pytest.fixture
def layout(data_dir) -> LayoutMemory:
    return LayoutMemory(data_dir)


@pytest.fixture
def customer(context) -> int:
    return make_customer(
        context, "北京华达电子有限公司", contacts=[{"name": "李明", "mobile": "13800001111"}]
    )


@pytest.fixture
def tab(qtbot, context, layout) -> ComplaintsTab:
    widget = ComplaintsTab(Operations(context), layout)
    qtbot.addWidget(widget)
    return widget


def _detail(qtbot, context, layout, complaint_id: int) -> ComplaintDialog:
    dialog = ComplaintDialog(Operations(context), layout, complaint_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        pass
    return dialog


def _step(qtbot, dialog: ComplaintDialog, step) -> None:
    """Save a step's form; the detail reads itself again."""
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        assert save(qtbot, step), step.error_label.text()


def _reload(qtbot, tab: ComplaintsTab) -> None:
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.reload()


def test_list_filters_and_tints(qtbot, qtmodeltester, tab, context, customer):
    late = register(context, customer, received_at=datetime(2026, 3, 2, 9))
    register(context, customer, severity="重大", category="交货期")
    _reload(qtbot, tab)
    qtmodeltester.check(tab.model)
    assert tab.model.rowCount() == 2
    rows = {tab.model.row_at(r).id: r for r in range(2)}
    late_row = rows[late]
    background = tab.model.index(late_row, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert background.color() == WARNING_BACKGROUND
    assert "已超期" in tab.model.index(late_row, 8).data()
    severity = tab.model.index(1 - late_row, 4).data()
    assert severity == "重大（待主管确认）"
    assert "超期 1 宗" in tab.summary.text() and "待主管确认 1 宗" in tab.summary.text()

    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.category_filter.setCurrentIndex(tab.category_filter.findText("交货期"))
    assert tab.model.rowCount() == 1
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.category_filter.setCurrentIndex(0)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.overdue_filter.setChecked(True)
    assert [tab.model.row_at(r).id for r in range(tab.model.rowCount())] == [late]


def test_register_through_the_dialog(qtbot, tab, context, customer):
    dialog = ready(qtbot, tab.new_record(customer))
    assert dialog.customer.value() == customer
    assert dialog.contact_name.currentText() == "李明"
    assert dialog.contact_phone.text() == "13800001111"
    dialog.description.setPlainText("")
    assert not save(qtbot, dialog)
    assert dialog.isVisible() and "请填写投诉内容" in dialog.error_label.text()
    dialog.description.setPlainText("包装破损 10 箱")
    dialog.severity.setCurrentIndex(dialog.severity.findText("特殊"))
    assert "升级至主管" in dialog.deadline_label.text()
    assert save(qtbot, dialog)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    row = tab.model.row_at(0)
    assert row.number == f"TS-{date.today().year}-0001" and row.severity == "特殊"
    assert row.first_responsible == context.operator.name


def test_a_new_complaint_starts_with_no_customer_chosen(qtbot, tab, customer):
    dialog = ready(qtbot, tab.new_record())
    assert dialog.customer.value() is None
    assert not save(qtbot, dialog)
    message = dialog.error_label.text()
    assert dialog.isVisible()
    assert "请选择投诉的客户" in message and "请填写投诉内容" in message
    dialog.done(0)


def test_registration_says_whether_the_setting_escalates(qtbot, tab, context, customer):
    """The escalation note follows the escalation setting, not a rule of the dialog's own."""
    with context.session() as session:
        deadlines.ESCALATION_DAYS.put(session, {"重大": 1})
    dialog = ready(qtbot, tab.new_record(customer))
    dialog.received_at.setDateTime(datetime(2026, 10, 9, 10))
    dialog.severity.setCurrentIndex(dialog.severity.findText("特殊"))
    assert "升级" not in dialog.deadline_label.text()
    dialog.severity.setCurrentIndex(dialog.severity.findText("重大"))
    assert "升级至主管，须于 2026-10-10 前确认" in dialog.deadline_label.text()
    dialog.mark_clean()  # close without the unsaved-changes question
    dialog.reject()


def _button(dialog: ComplaintDialog, action: Action) -> QPushButton:
    return dialog.action_buttons[action]


def test_detail_dialog_walks_the_lifecycle(qtbot, qtmodeltester, context, layout, customer):
    complaint_id = register(context, customer)
    dialog = _detail(qtbot, context, layout, complaint_id)
    qtmodeltester.check(dialog.history_model)
    visible = {a for a, b in dialog.action_buttons.items() if not b.isHidden()}
    assert visible == {
        Action.INVESTIGATE,
        Action.CANCEL,
        Action.HAND_OVER,
        Action.NOTE,
        Action.EDIT,
    }

    edit = ready(qtbot, dialog.start_action(Action.EDIT))
    assert not edit.first_responsible.isEnabled()
    edit.product.setText("外壳 A-12")
    _step(qtbot, dialog, edit)
    assert dialog.values["product"].text() == "外壳 A-12"

    step = dialog.start_action(Action.INVESTIGATE)
    step.fields["note"].setPlainText("联系品质部抽检")
    _step(qtbot, dialog, step)
    assert "【调查】" in dialog.header.text()
    assert dialog.history_model.rowCount() == 3

    step = dialog.start_action(Action.HANDLE)
    step.fields["cause"].setPlainText("模具磨损")
    step.fields["measures"].setPlainText("更换模具")
    step.fields["claim_amount"].setText("abc")
    assert not save(qtbot, step)
    assert step.isVisible() and "abc" in step.error_label.text()
    assert step.fields["claim_amount"].styleSheet()
    step.fields["claim_amount"].setText("1,500")
    _step(qtbot, dialog, step)
    assert dialog.values["claim_amount"].text() == "1,500.00"

    step = dialog.start_action(Action.REPLY)
    step.fields["note"].setPlainText("已安排换货并致歉")
    _step(qtbot, dialog, step)
    assert _button(dialog, Action.CLOSE).isHidden()

    step = dialog.start_action(Action.REVISIT)
    step.fields["satisfaction"].setCurrentIndex(step.fields["satisfaction"].findText("非常满意"))
    _step(qtbot, dialog, step)
    assert dialog.values["satisfaction"].text() == "非常满意"
    assert not _button(dialog, Action.CLOSE).isHidden()

    step = dialog.start_action(Action.CLOSE)
    _step(qtbot, dialog, step)
    assert "【结案】" in dialog.header.text()
    kinds = [dialog.history_model.index(r, 2).data() for r in range(7)]
    assert kinds == ["登记", "修改登记", "开始调查", "记录处理", "答复客户", "回访", "结案"]
    assert {a for a, b in dialog.action_buttons.items() if not b.isHidden()} == {Action.NOTE}


def test_step_refused_by_the_service_keeps_the_form(qtbot, context, layout, customer, agent):
    complaint_id = register(context, customer)
    advance(context, complaint_id, Status.HANDLING)
    agent_context = DeskContext(context.database, agent)
    dialog = _detail(qtbot, agent_context, layout, complaint_id)
    assert _button(dialog, Action.REPLY).isHidden()  # only the first-responsible person replies
    step = dialog.start_action(Action.REPLY)  # e.g. a stale window: the service still refuses
    step.fields["note"].setPlainText("答复内容")
    assert not save(qtbot, step)
    assert step.isVisible() and "首问" in step.error_label.text()
    assert step.fields["note"].toPlainText() == "答复内容"


def test_escalation_banner_and_handover(qtbot, context, layout, customer, agent, supervisor):
    complaint_id = register(context, customer, severity="重大", operator=agent)
    dialog = _detail(qtbot, DeskContext(context.database, supervisor), layout, complaint_id)
    assert (
        not dialog.banner.isHidden()
        and "待" in dialog.banner.text()
        or "等待" in (dialog.banner.text())
    )
    step = ready(qtbot, dialog.start_action(Action.HAND_OVER))
    step.fields["handover_to"].setCurrentIndex(step.fields["handover_to"].findText("王强"))
    step.fields["note"].setPlainText("主管亲自跟进")
    _step(qtbot, dialog, step)
    assert dialog.values["first_responsible"].text() == "张丽"
    assert dialog.values["handler"].text() == "王强"
    step = dialog.start_action(Action.ACKNOWLEDGE)
    _step(qtbot, dialog, step)
    assert dialog.banner.isHidden()


def test_escalation_past_its_deadline_stands_out(qtbot, tab, context, layout, customer):
    """A 重大 complaint registered on 2026-03-02 had to be acknowledged by 03-03."""
    complaint_id = register(context, customer, severity="重大", received_at=datetime(2026, 3, 2, 9))
    advance(context, complaint_id, Status.REPLIED, start=datetime(2026, 3, 2, 9))
    _reload(qtbot, tab)
    assert tab.model.index(0, 4).data() == "重大（升级超期未确认）"
    background = tab.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert background.color() == WARNING_BACKGROUND
    assert "升级超期 1 宗" in tab.summary.text()
    dialog = _detail(qtbot, context, layout, complaint_id)
    assert dialog.values["escalation_deadline"].text() == "2026-03-03"
    assert "超过确认期限（2026-03-03）" in dialog.banner.text()


def test_open_from_the_list_and_export(qtbot, tab, context, customer, tmp_path):
    register(context, customer)
    _reload(qtbot, tab)
    tab.table.selectRow(0)
    dialog = tab.open_current()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=5000)
    assert dialog.isVisible() and dialog.detail.id == tab.current_id()
    dialog.reject()
    target = tmp_path / "台账.xlsx"
    tab.export_xlsx(target)
    qtbot.waitUntil(lambda: "已导出" in tab.summary.text(), timeout=5000)
    sheet = load_workbook(target).active
    assert sheet["A1"].value == "投诉编号" and sheet["C2"].value == "北京华达电子有限公司"


def test_report_view_shows_figures_and_exports(qtbot, qtmodeltester, context, layout, customer,
                                               tmp_path):  # fmt: skip
    complaint_id = register(context, customer, received_at=datetime(2026, 10, 12, 9))
    advance(context, complaint_id, Status.CLOSED, start=datetime(2026, 10, 12, 9))
    report = ComplaintReportDialog(Operations(context), layout)
    qtbot.addWidget(report)
    qtbot.waitUntil(lambda: report.kpis is not None, timeout=5000)
    with qtbot.waitSignal(report.computed, timeout=5000):
        report.start_edit.setDate(date(2026, 10, 1))
        report.end_edit.setDate(date(2026, 10, 31))
        report.compute()
    assert report.figure_labels["受理投诉"].text() == "1 宗"
    assert report.figure_labels["满意率"].text() == "100.0%"
    assert report.figure_labels["处理及时率"].text() == "100.0%"
    model = report.breakdown_models["by_category"]
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "产品质量"
    assert report.category_chart.chart().series()[0].count() == 1
    target = tmp_path / "统计.xlsx"
    report.export_xlsx(target)
    qtbot.waitUntil(lambda: "已导出" in report.status.text(), timeout=5000)
    sheet = load_workbook(target).active
    assert sheet["A2"].value == "合计" and sheet["B2"].value == 1


def test_settings_dialog_saves_deadlines_and_calendar(qtbot, context):
    dialog = ComplaintSettingsDialog(Operations(context))
    qtbot.addWidget(dialog)
    ready(qtbot, dialog)
    assert "2026-10-01" in dialog.holidays.toPlainText()
    dialog.deadline_boxes["一般"].setValue(5)
    dialog.makeup.setPlainText("2026-10-01")
    assert not save(qtbot, dialog)
    assert "既是节假日又是调休" in dialog.error_label.text()
    dialog.makeup.setPlainText("2026-11-28")
    assert save(qtbot, dialog)
    with context.reader() as session:
        saved = deadlines.load_deadline_settings(session)
    assert saved.deadline_days["一般"] == 5
    assert saved.makeup_workdays == (date(2026, 11, 28),)


def test_main_window_has_the_desk(qtbot, main_window):
    window = main_window
    assert isinstance(window.complaints_tab, ComplaintsTab)
    assert window.findChild(type(window.complaints_tab.table), "complaintTable") is not None
    names = [a.objectName() for a in window.settings_menu.actions()]
    assert "actionComplaintSettings" in names


def test_customer_file_lists_and_opens_complaints(qtbot, context, layout, customer):
    complaint_id = register(context, customer)
    other = make_customer(context, "上海宏泰机械有限公司")
    register(context, other)
    dialog = ready(qtbot, CustomerDialog(Operations(context), layout, customer))
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "投诉记录" in titles
    page = dialog.complaints_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    detail = page.open_row(0)
    qtbot.addWidget(detail)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    assert detail.detail.id == complaint_id
    detail.reject()
    registration = ready(qtbot, page.new_complaint())
    registration.description.setPlainText("再次投诉")
    assert save(qtbot, registration)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)


def test_ctrl_n_on_the_complaints_tab_registers(qtbot, main_window):
    main_window.tabs.setCurrentWidget(main_window.complaints_tab)
    assert main_window.new_action.isEnabled()
    main_window.new_action.trigger()
    dialog = main_window.findChild(ComplaintRegistrationDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


def test_only_supervisors_change_deadlines(qtbot, context, agent):
    agent_context = DeskContext(context.database, agent)
    dialog = ready(qtbot, ComplaintSettingsDialog(Operations(agent_context)))
    qtbot.addWidget(dialog)
    dialog.show()
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    assert not button.isEnabled()
    assert not dialog.holidays.isEnabled()  # shown greyed: nothing typed to lose
    with context.reader() as session:
        current = deadlines.load_deadline_settings(session)
    with pytest.raises(PermissionDenied), agent_context.session() as session:
        deadlines.save_deadline_settings(session, agent, current)


class HeldBack(Operations):
    """Operations that keep each query to deliver later, in any order."""

    def __init__(self, context) -> None:
        super().__init__(context)
        self.calls: list[tuple] = []

    def query(self, parent, op, success, **_kwargs) -> None:
        if isinstance(parent, ComplaintsTab | ComplaintReportDialog):  # not the staff filter
            self.calls.append((op, success))

    def deliver(self, index: int) -> None:
        op, success = self.calls[index]
        with self.context.reader() as session:
            success(op(session))


def test_a_late_earlier_list_query_does_not_replace_a_newer_one(qtbot, layout, context, customer):
    register(context, customer, category="交货期")
    register(context, customer, category="产品质量")
    held = HeldBack(context)
    tab = ComplaintsTab(held, layout)
    qtbot.addWidget(tab)
    tab.category_filter.setCurrentIndex(tab.category_filter.findText("交货期"))
    tab.category_filter.setCurrentIndex(0)
    assert len(held.calls) == 2
    held.deliver(1)  # the newer query (all categories) comes back first …
    held.deliver(0)  # … and the older one (交货期 only) last: it is dropped
    assert tab.model.rowCount() == 2
    assert "共 2 宗" in tab.summary.text()


def test_a_late_earlier_report_does_not_replace_a_newer_one(qtbot, context, layout, customer):
    held = HeldBack(context)
    report = ComplaintReportDialog(held, layout)
    qtbot.addWidget(report)
    report.shift_month(-1)
    assert len(held.calls) == 2
    held.deliver(1)
    held.deliver(0)
    assert report.kpis.start == report.period()[0]
    assert report.kpis.start.month != date.today().month
    assert report.compute_button.isEnabled()


def test_person_filter_is_refilled_on_reload_and_keeps_leavers(qtbot, tab, context, customer):
    with context.session() as session:
        newcomer = operators.create_staff(session, "liuyang", "刘洋", Role.AGENT, "agent-pass")
    register(context, customer, operator=newcomer)
    register(context, customer)
    assert tab.person_filter.findData(newcomer.id) < 0  # joined after the tab opened
    _reload(qtbot, tab)
    choose(qtbot, tab.person_filter, newcomer.id)  # refilled by a query of its own
    # A load started before the choice may still report first: wait for what the user sees.
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10000)
    with context.session() as session:
        operators.update_staff(
            session, context.operator, newcomer.id, name="刘洋", role=Role.AGENT,
            department="客服部", phone="", active=False,
        )  # fmt: skip
    _reload(qtbot, tab)
    # The filter is refilled by its own query, which may finish after the list's.
    qtbot.waitUntil(lambda: tab.person_filter.currentText() == "刘洋（停用）", timeout=10000)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10000)
    assert tab.model.row_at(0).first_responsible == "刘洋"
