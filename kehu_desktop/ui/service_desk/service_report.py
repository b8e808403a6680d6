"""The 售后服务报告 (seed 001 售后服务报告表, seed 003 售后服务工作总结报告): the desk's KPIs for
a period, charts by engineer and by product, breakdowns, exported to .xlsx."""

from __future__ import annotations

from PySide6.QtCharts import QBarSeries, QBarSet, QChart
from PySide6.QtWidgets import QWidget

from kehu_desktop.services.service_desk import service_kpis
from kehu_desktop.services.service_desk.service_kpis import Figures, ServiceKpis
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.report_dialog import KpiReportDialog, ReportChart, bar_axes

CHART_GROUPS = 8
RATE_SERIES = (("响应及时率", "response_rate"), ("解决及时率", "resolution_rate"),
               ("一次修复率", "first_fix_rate"))  # fmt: skip


class ServiceReportDialog(KpiReportDialog):
    """售后服务报告: the engineers' rates beside the products' requests and repeat repairs.

    Signals: ``computed()`` once the figures for the chosen period are shown.
    """

    kpis: ServiceKpis | None

    def __init__(self, ops: Operations, layout: LayoutMemory, parent: QWidget | None = None):
        super().__init__(
            ops, layout, service_kpis,
            key="service_report", size=(1150, 780), figures_per_row=5,
            charts=(ReportChart("engineerChart", lambda k: _rates_chart(k.by_engineer)),
                    ReportChart("productChart", lambda k: _product_chart(k.by_product))),
            chart_height=250, parent=parent,
        )  # fmt: skip
        self.setWindowTitle(self.tr("售后服务报告"))
        self.engineer_chart, self.product_chart = self.chart_views
        self.compute()

    def status_text(self, kpis: ServiceKpis) -> str:
        return self.tr(
            "{start} 至 {end} 受理的服务单；撤销的不计入各项比率。"
            "工厂反馈 {raised} 条，超期未答复 {overdue} 条。"
        ).format(
            start=kpis.start.isoformat(), end=kpis.end.isoformat(),
            raised=kpis.feedback.raised, overdue=kpis.feedback.overdue_open,
        )  # fmt: skip

    def export_title(self) -> str:
        return self.tr("售后服务报告")


def _rates_chart(groups: tuple[tuple[str, Figures], ...]) -> QChart:
    """响应、解决及时率和一次修复率 by engineer (the busiest first)."""
    chart = QChart()
    chart.setTitle("各工程师响应及时率 / 解决及时率 / 一次修复率（%）")
    series = QBarSeries()
    shown = groups[:CHART_GROUPS]
    for title, name in RATE_SERIES:
        bars = QBarSet(title)
        for _label, figures in shown:
            rate = getattr(figures, name)
            bars.append(0 if rate is None else rate * 100)
        series.append(bars)
    chart.addSeries(series)
    bar_axes(chart, series, [label for label, _f in shown], 100, "%d%%")
    return chart


def _product_chart(groups: tuple[tuple[str, Figures], ...]) -> QChart:
    """服务单 and 返修 counts by product."""
    chart = QChart()
    chart.setTitle("各产品服务单数与返修数")
    received, repeats = QBarSet("服务单"), QBarSet("返修")
    shown = groups[:CHART_GROUPS]
    for _label, figures in shown:
        received.append(figures.received)
        repeats.append(figures.repeats)
    series = QBarSeries()
    series.append(received)
    series.append(repeats)
    chart.addSeries(series)
    high = max([f.received for _l, f in shown] + [4])
    bar_axes(chart, series, [label for label, _f in shown], high, "%d")
    return chart
