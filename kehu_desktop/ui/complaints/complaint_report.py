"""The complaint KPI report (投诉月报): headline rates, charts and breakdowns for a period."""

from __future__ import annotations

from PySide6.QtCharts import QBarSeries, QBarSet, QChart, QLineSeries, QPieSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtWidgets import QWidget

from kehu_desktop.services.complaints import complaint_kpis
from kehu_desktop.services.complaints.complaint_kpis import ComplaintKpis
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.report_dialog import KpiReportDialog, ReportChart, bar_axes


class ComplaintReportDialog(KpiReportDialog):
    """客户投诉统计报表: the category shares beside the twelve-month trend.

    Signals: ``computed()`` once the figures for the chosen period are shown.
    """

    kpis: ComplaintKpis | None

    def __init__(self, ops: Operations, layout: LayoutMemory, parent: QWidget | None = None):
        super().__init__(
            ops, layout, complaint_kpis,
            key="complaint_report", size=(1100, 760), figures_per_row=4,
            charts=(ReportChart("categoryChart", _category_chart, 400),
                    ReportChart("trendChart", _trend_chart, 600)),
            chart_height=200, charts_take_half=True, parent=parent,
        )  # fmt: skip
        self.setWindowTitle(self.tr("客户投诉统计报表"))
        self.category_chart, self.trend_chart = self.chart_views
        self.compute()

    def status_text(self, kpis: ComplaintKpis) -> str:
        return self.tr(
            "{start} 至 {end} 受理的投诉；处理及时率按答复时间计，撤销的投诉不计入各项比率。"
        ).format(start=kpis.start.isoformat(), end=kpis.end.isoformat())

    def export_title(self) -> str:
        return self.tr("投诉统计")


def _category_chart(kpis: ComplaintKpis) -> QChart:
    chart = QChart()
    chart.setTitle("投诉类别占比")
    series = QPieSeries()
    for label, figures in kpis.by_category:
        if figures.received:
            series.append(f"{label} {figures.received}", figures.received)
    series.setLabelsVisible(True)
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return chart


def _trend_chart(kpis: ComplaintKpis) -> QChart:
    chart = QChart()
    chart.setTitle("近 12 个月趋势（受理 / 结案宗数，满意率 %）")
    received, closed = QBarSet("受理"), QBarSet("结案")
    satisfaction = QLineSeries()
    satisfaction.setName("满意率 %")
    months = []
    for index, (month, figures) in enumerate(kpis.trend):
        months.append(f"{month.month}月")
        received.append(figures.received)
        closed.append(figures.closed)
        if figures.satisfaction_rate is not None:
            satisfaction.append(index, figures.satisfaction_rate * 100)
    bars = QBarSeries()
    bars.append(received)
    bars.append(closed)
    chart.addSeries(bars)
    chart.addSeries(satisfaction)
    high = max([f.received for _m, f in kpis.trend] + [4])
    axis_x = bar_axes(chart, bars, months, high, "%d")
    rates = QValueAxis()
    rates.setRange(0, 100)
    rates.setLabelFormat("%d%%")
    chart.addAxis(rates, Qt.AlignmentFlag.AlignRight)
    satisfaction.attachAxis(axis_x)
    satisfaction.attachAxis(rates)
    return chart
