"""The filter row every desk's list shares (ui/common/filter_row.py)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDateEdit, QWidget

from kehu_desktop.ui.common.filter_row import MONTHS_OFFERED, FilterRow


@pytest.fixture
def host(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _row(host: QWidget) -> tuple[FilterRow, list[int]]:
    reloads: list[int] = []
    row = FilterRow(lambda: reloads.append(1))
    host.setLayout(row)
    return row, reloads


def test_choices_lay_out_in_order_and_reload_on_each_change(host):
    row, reloads = _row(host)
    status = row.choice("statusFilter", "全部状态", [("open", "处理中"), ("closed", "已结案")])
    severity = row.choice("severityFilter", "全部程度", ("一般", "重大"))
    overdue = row.overdue("overdueFilter")
    day = row.add(QDateEdit(date(2026, 3, 1)))
    assert [row.itemAt(i).widget() for i in range(row.count())] == [status, severity, overdue, day]
    assert reloads == []  # filling the choices is not a change
    assert status.itemText(0) == "全部状态" and status.itemData(0) is None
    status.setCurrentIndex(status.findData("closed"))
    severity.setCurrentIndex(severity.findData("重大"))
    overdue.setChecked(True)
    day.setDate(date(2026, 3, 2))
    assert len(reloads) == 4
    assert (status.currentText(), severity.currentData()) == ("已结案", "重大")
    assert overdue.text() == "只看超期及今日到期"


def test_months_offer_this_month_first(host):
    row, _reloads = _row(host)
    months = row.months("monthFilter", today=date(2026, 1, 20))
    assert months.count() == MONTHS_OFFERED + 1
    assert (months.itemText(0), months.itemData(0)) == ("全部月份", None)
    assert (months.itemText(1), months.itemData(1)) == ("2026年1月", date(2026, 1, 1))
    assert months.itemText(2) == "2025年12月"


def test_search_applies_on_enter_and_after_typing_stops_when_asked(qtbot, host):
    row, reloads = _row(host)
    on_enter = row.search("customerFilter", "客户名称")
    assert on_enter.placeholderText() == "客户名称"
    on_enter.setText("宏泰")
    qtbot.wait(50)
    assert reloads == []  # only Enter applies it
    on_enter.returnPressed.emit()
    assert reloads == [1]
    as_typed = row.search("quickFilter", "编号", delay_ms=20)
    as_typed.setText("K")
    as_typed.setText("KH")
    qtbot.waitUntil(lambda: len(reloads) == 2, timeout=2000)
    qtbot.wait(60)
    assert len(reloads) == 2  # one reload for the pause, not one a keystroke
