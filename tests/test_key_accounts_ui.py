"""Driving the 大客户 tab, the proposal and decision dialogs, and the key-account card."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from kehu_desktop.models import Customer
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.key_accounts import abc_classes, designation
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.key_accounts.key_accounts_tab import CREDIT_COLUMN, KeyAccountsTab
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import ready, save
from tests.helpers.key_accounts import add_sales, add_visit, make_key_account

THIS_MONTH = date.today().strftime("%Y-%m")


@pytest.fixture
def boss(database, supervisor):
    return DeskContext(database, supervisor)


def open_tab(qtbot, context, data_dir) -> KeyAccountsTab:
    tab = KeyAccountsTab(Operations(context), LayoutMemory(data_dir))
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.reload()
    return tab


def first_row(tab: KeyAccountsTab) -> dict[str, str]:
    """The first list row as the user reads it: column title → text."""
    model = tab.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return {title: model.index(0, c).data() for c, title in enumerate(titles)}


def test_tab_lists_key_accounts_with_what_needs_attention(
    qtbot, qtmodeltester, context, supervisor, data_dir
):
    customer = make_customer(context, "北京华达电子有限公司", outstanding_amount="900000")
    card = make_key_account(context, supervisor, customer, interval=30)
    add_visit(context, customer, date.today() - timedelta(days=45))
    tab = open_tab(qtbot, context, data_dir)
    for model in (tab.model, tab.proposals_model, tab.suggestions_model):
        qtmodeltester.check(model)
    assert tab.table.objectName() == "keyAccountTable"
    assert tab.model.rowCount() == 1
    tab.table.selectRow(0)
    assert tab.current_id() == card
    row = first_row(tab)
    assert row["客户名称"] == "北京华达电子有限公司"
    assert row["最近拜访"] == (date.today() - timedelta(days=45)).isoformat()
    assert row["下次应访"] == (date.today() - timedelta(days=15)).isoformat()
    assert "大客户回访率" in tab.kpi_label.text()


def test_suggestion_proposal_and_approval(qtbot, qtmodeltester, context, boss, agent, data_dir):
    big = make_customer(context, "上海鑫盛机械有限公司")
    add_sales(context, big, {THIS_MONTH: "500000"})
    with context.session() as session:
        abc_classes.recompute(session)
    as_agent = DeskContext(context.database, agent)
    tab = open_tab(qtbot, as_agent, data_dir)
    assert tab.suggestions_model.rowCount() == 1
    assert not tab.approve_button.isEnabled()
    tab.suggestions_table.selectRow(0)
    dialog = ready(qtbot, tab.propose_suggestion())
    qtbot.addWidget(dialog)
    assert "500,000.00" in dialog.sales_label.text()
    assert not save(qtbot, dialog)  # no reasons yet: refused in place, nothing lost
    assert dialog.isVisible() and "理由" in dialog.error_label.text()
    dialog.reasons.setPlainText("年采购额居前，行业龙头")
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        assert save(qtbot, dialog)
    assert tab.proposals_model.rowCount() == 1 and tab.suggestions_model.rowCount() == 0

    boss_tab = open_tab(qtbot, boss, data_dir)
    boss_tab.proposals_table.selectRow(0)
    decision = ready(qtbot, boss_tab.decide(approve=True))
    qtbot.addWidget(decision)
    qtmodeltester.check(boss_tab.proposals_model)
    decision.level.setCurrentText("战略")
    assert decision.interval.value() == 14
    with qtbot.waitSignal(boss_tab.loaded, timeout=5000):
        assert save(qtbot, decision)
    assert boss_tab.model.rowCount() == 1 and boss_tab.proposals_model.rowCount() == 0
    assert boss_tab.model.index(0, 2).data() == "战略"


def test_only_supervisors_get_approve_and_reject(qtbot, context, boss, agent, data_dir):
    customer = make_customer(context, "宏泰")
    with context.session() as session:
        designation.propose(session, agent, customer, "理由")
    as_agent = open_tab(qtbot, DeskContext(context.database, agent), data_dir)
    as_agent.show()
    as_agent.proposals_table.selectRow(0)
    assert not as_agent.approve_button.isVisible() and not as_agent.reject_button.isVisible()
    assert as_agent.findChild(QWidget, "approvalHint").isVisible()
    assert as_agent.decide(approve=True) is None  # no dialog to fill in only to be refused
    as_boss = open_tab(qtbot, boss, data_dir)
    as_boss.show()
    assert as_boss.approve_button.isVisible() and as_boss.approve_button.isEnabled()
    assert not as_boss.findChild(QWidget, "approvalHint").isVisible()


def test_credit_cell_is_wide_enough_and_its_tooltip_tells_all(qtbot, context, supervisor, data_dir):
    customer = make_customer(context, "北京华达电子有限公司", outstanding_amount="123527.07")
    make_key_account(context, supervisor, customer)
    with context.session() as session:
        session.get(Customer, customer).credit_limit = Decimal("100000")
    memory = LayoutMemory(data_dir)
    narrow = KeyAccountsTab(Operations(context), memory)
    qtbot.addWidget(narrow)
    narrow.table.horizontalHeader().resizeSection(CREDIT_COLUMN, 30)
    narrow.save_layout()  # a width remembered from an earlier, shorter text
    tab = open_tab(qtbot, context, data_dir)
    tab.resize(600, 400)
    tab.show()
    cell = tab.model.index(0, CREDIT_COLUMN)
    assert cell.data() == "超出额度 23,527.07 元"
    width = tab.table.horizontalHeader().sectionSize(CREDIT_COLUMN)
    assert width >= tab.table.fontMetrics().horizontalAdvance(cell.data())
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "信用额度 100,000.00 元" in tip and "应收余额 123,527.07 元" in tip
    assert tip.endswith("超出额度 23,527.07 元")


def test_overdue_footer_is_as_of_today_not_the_periods_rate(qtbot, context, supervisor, data_dir):
    customer = make_customer(context, "北京华达电子有限公司")
    make_key_account(context, supervisor, customer, interval=30)
    add_visit(context, customer, date.today() - timedelta(days=45))
    tab = open_tab(qtbot, context, data_dir)
    assert "本期按期回访" in tab.kpi_label.text()
    assert tab.count_label.text() == "大客户 1 家，截至今天拜访逾期 1 家"


def test_rejection_needs_a_reason(qtbot, context, boss, agent, data_dir):
    customer = make_customer(context, "宏泰")
    with context.session() as session:
        designation.propose(session, agent, customer, "理由")
    tab = open_tab(qtbot, boss, data_dir)
    tab.proposals_table.selectRow(0)
    dialog = tab.decide(approve=False)
    qtbot.addWidget(dialog)
    assert not save(qtbot, dialog)
    assert dialog.isVisible() and "驳回理由" in dialog.error_label.text()
    dialog.note.setPlainText("销售额不足")
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        assert save(qtbot, dialog)
    assert tab.proposals_model.rowCount() == 0 and tab.model.rowCount() == 0


def test_card_countermeasures_survey_credit(qtbot, qtmodeltester, boss, supervisor, data_dir):
    customer = make_customer(boss, "超额公司", outstanding_amount="200000")
    make_key_account(boss, supervisor, customer)
    tab = open_tab(qtbot, boss, data_dir)
    tab.table.selectRow(0)
    card = ready(qtbot, tab.open_current())
    qtbot.addWidget(card)
    assert card.credit_warning.isHidden()  # no limit set yet
    assert "申请" in card.designation_label.text() and "已批准" in card.designation_label.text()
    assert card.abc_label.text() == "未分类"

    measure = card.edit_measure(new=True)
    measure.issue.setPlainText("交期不稳")
    measure.measure.setPlainText("设安全库存")
    measure.deadline.set_value(date.today() - timedelta(days=3))
    with qtbot.waitSignal(card.refreshed, timeout=5000):
        assert save(qtbot, measure)
    qtmodeltester.check(card.measures_model)
    assert card.measures_model.index(0, 4).data() == "逾期"

    survey = ready(qtbot, card.add_survey())
    for item in list(survey.scores):
        survey.set_score(item, 4)
    survey.set_score("产品质量", 2)
    assert survey.overall.text().startswith("3.50")
    with qtbot.waitSignal(card.refreshed, timeout=5000):
        assert save(qtbot, survey)
    assert card.surveys_model.index(0, 2).data() == "3.50"
    assert card.trend.points()[-1][1] == Decimal("3.50")
    assert card.trend_label.text().startswith("最近一次 3.50 分")

    evaluation = ready(qtbot, card.evaluate_credit())
    for spin in evaluation.scores.values():
        spin.setValue(75)
    assert "A" in evaluation.result_label.text()
    with qtbot.waitSignal(card.refreshed, timeout=5000):
        assert save(qtbot, evaluation)
    qtmodeltester.check(card.credit_model)
    assert not card.credit_warning.isHidden()
    assert "超出信用额度 150,000.00" in card.credit_warning.text()

    card.fields["competitors"].setText("宏泰机械")
    assert save(qtbot, card)
    assert card.isVisible()  # the card stays open after 保存管理卡
    card.reject()
    # the list reloads itself after each save; the last reload shows all of them
    expected = {"未完成对策": "1 项（逾期 1）", "最近满意度": "3.50",
                "信用状态": "超出额度 50,000.00 元"}  # fmt: skip
    qtbot.waitUntil(
        lambda: {name: first_row(tab)[name] for name in expected} == expected, timeout=5000
    )


def test_card_delist_and_unsaved_changes(qtbot, boss, supervisor, data_dir, monkeypatch):
    customer = make_customer(boss, "取消公司")
    make_key_account(boss, supervisor, customer)
    tab = open_tab(qtbot, boss, data_dir)
    tab.table.selectRow(0)
    card = ready(qtbot, tab.open_current())
    qtbot.addWidget(card)
    card.fields["main_products"].setText("精密轴承")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    card.reject()
    assert card.isVisible()  # cancelled: the edit is still there
    assert card.fields["main_products"].text() == "精密轴承"
    card.mark_clean()
    card.delist("采购转向其他供应商")
    qtbot.waitUntil(lambda: "已取消大客户资格" in card.header.text(), timeout=5000)
    ready(qtbot, card)
    assert not card.fields["main_products"].isEnabled() and not card.ok_button.isEnabled()
    card.done(0)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=5000)


def test_export(qtbot, context, supervisor, data_dir, tmp_path):
    from openpyxl import load_workbook

    make_key_account(context, supervisor, make_customer(context, "导出公司"))
    tab = open_tab(qtbot, context, data_dir)
    path = tmp_path / "ka.xlsx"
    with qtbot.waitSignal(tab.exported, timeout=5000):
        tab.export_xlsx(path)
    sheet = load_workbook(path).active
    assert sheet.cell(2, 2).value == "导出公司"


def test_main_window_has_the_key_account_tab(main_window):
    assert main_window.key_accounts_tab.table.objectName() == "keyAccountTable"


def test_enter_opens_the_card(qtbot, context, supervisor, data_dir):
    make_key_account(context, supervisor, make_customer(context, "回车公司"))
    tab = open_tab(qtbot, context, data_dir)
    tab.show()
    qtbot.waitExposed(tab)
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    card = tab.findChild(QWidget, "KeyAccountCardDialog")
    assert card is not None
    ready(qtbot, card)
    assert "回车公司" in card.windowTitle()
    card.done(0)


def test_layout_is_remembered(qtbot, context, supervisor, data_dir):
    make_key_account(context, supervisor, make_customer(context, "布局公司"))
    tab = open_tab(qtbot, context, data_dir)
    tab.table.setColumnWidth(1, 333)
    tab.splitter.setSizes([300, 100])
    sizes = tab.splitter.sizes()
    tab.save_layout()
    again = open_tab(qtbot, context, data_dir)
    assert again.table.columnWidth(1) == 333
    assert again.splitter.sizes() == sizes


def test_cancelling_a_filled_dialog_asks_first(qtbot, context, monkeypatch):
    customer = make_customer(context, "确认公司")
    tab = KeyAccountsTab(Operations(context), LayoutMemory(context.database.data_dir))
    qtbot.addWidget(tab)
    dialog = ready(qtbot, tab.propose(customer))
    qtbot.addWidget(dialog)
    dialog.reasons.setPlainText("写了一半的理由")
    answers = []

    def answer(*_args, **_kwargs):
        answers.append(1)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    dialog.reject()
    assert answers and dialog.isVisible()
    assert dialog.reasons.toPlainText() == "写了一半的理由"
