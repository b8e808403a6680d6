"""The KPI report frame both case desks share (ui/common/report_dialog.py)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate

from kehu_desktop.services.common.periods import month_period
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.report_dialog import PeriodPicker
from kehu_desktop.ui.complaints.complaint_report import ComplaintReportDialog
from kehu_desktop.ui.service_desk.service_report import ServiceReportDialog


def test_the_period_picker_steps_whole_months_over_the_year_end(qtbot):
    picker = PeriodPicker()
    qtbot.addWidget(picker)
    assert picker.period() == month_period(date.today())
    picker.start_edit.setDate(QDate(2026, 1, 15))
    with qtbot.waitSignal(picker.shifted):
        picker.shift_month(-1)
    assert picker.period() == (date(2025, 12, 1), date(2025, 12, 31))
    picker.shift_month(2)
    assert picker.period() == (date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.parametrize("dialog_class", [ComplaintReportDialog, ServiceReportDialog])
def test_each_report_shows_a_month_and_refuses_a_period_ending_before_it_starts(
    qtbot, context, tmp_path, dialog_class
):
    report = dialog_class(Operations(context), LayoutMemory(tmp_path))
    qtbot.addWidget(report)
    qtbot.waitUntil(lambda: report.kpis is not None, timeout=5000)
    with qtbot.waitSignal(report.computed, timeout=5000):
        report.shift_month(-1)
    assert (report.kpis.start, report.kpis.end) == report.period()
    assert report.status.text().startswith(report.period()[0].isoformat())
    assert report.breakdown_tabs.count() == len(report.breakdown_models) >= 3
    report.end_edit.setDate(QDate(report.period()[0]).addDays(-1))
    report.compute()
    assert report.status.text() == "结束日期不能早于开始日期。"
    assert report.compute_button.isEnabled()
