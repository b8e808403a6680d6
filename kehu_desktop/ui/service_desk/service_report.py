"""The 售后服务报告 (seed 001 售后服务报告表, seed 003 售后服务工作总结报告): the desk's KPIs for
a period, charts by engineer and by product, breakdowns, exported to .xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QDate, QMargins, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.complaints.complaint_kpis import month_period
from kehu_desktop.services.service_desk import service_kpis
from kehu_desktop.services.service_desk.service_kpis import Figures, ServiceKpis
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import table_view
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.screen import fit_to_screen
from kehu_desktop.ui.common.xlsx_export import export_list

BREAKDOWN_COLUMNS = tuple(
    Column(header, lambda row, i=index: row[i])
    for index, header in enumerate(service_kpis.BREAKDOWN_HEADERS)
)
CHART_GROUPS = 8
RATE_SERIES = (("响应及时率", "response_rate"), ("解决及时率", "resolution_rate"),
               ("一次修复率", "first_fix_rate"))  # fmt: skip


class ServiceReportDialog(QDialog):
    """Signals: ``computed()`` once the figures for the chosen period are shown."""

    computed = Signal()

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.setWindowTitle("售后服务报告")
        self._ops = ops
        self._layout_memory = layout
        self.kpis: ServiceKpis | None = None
        self._generation = 0
        first, last = month_period(date.today())
        self.start_edit = QDateEdit(QDate(first), objectName="reportStart", calendarPopup=True)
        self.end_edit = QDateEdit(QDate(last), objectName="reportEnd", calendarPopup=True)
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("yyyy-MM-dd")
        previous = QPushButton("上月", objectName="reportPreviousMonth")
        previous.clicked.connect(lambda: self.shift_month(-1))
        following = QPushButton("下月", objectName="reportNextMonth")
        following.clicked.connect(lambda: self.shift_month(1))
        self.compute_button = QPushButton("统计", objectName="reportCompute")
        self.compute_button.clicked.connect(self.compute)
        self.export_button = QPushButton("导出 Excel", objectName="reportExport")
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        bar = QHBoxLayout()
        for widget in (QLabel("期间："), self.start_edit, QLabel("至"), self.end_edit, previous,
                       following, self.compute_button):  # fmt: skip
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        close = QPushButton("关闭", objectName="reportClose")
        close.clicked.connect(self.reject)
        bar.addWidget(close)

        self.figure_labels: dict[str, QLabel] = {}
        figures = QGridLayout()
        for index, name in enumerate(service_kpis.SUMMARY_LABELS):
            value = QLabel("—", objectName=f"kpi_{name}")
            value.setStyleSheet("font-weight: bold;")
            self.figure_labels[name] = value
            figures.addWidget(QLabel(f"{name}："), index // 5, (index % 5) * 2)
            figures.addWidget(value, index // 5, (index % 5) * 2 + 1)

        self.engineer_chart = QChartView(objectName="engineerChart")
        self.product_chart = QChartView(objectName="productChart")
        for view in (self.engineer_chart, self.product_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(250)
        charts = QSplitter()
        charts.addWidget(self.engineer_chart)
        charts.addWidget(self.product_chart)

        self.breakdown_tabs = QTabWidget(objectName="reportBreakdowns")
        self.breakdown_models: dict[str, RecordTableModel] = {}
        for title, name in service_kpis.BREAKDOWNS:
            model = RecordTableModel(BREAKDOWN_COLUMNS, self)
            self.breakdown_models[name] = model
            self.breakdown_tabs.addTab(table_view(f"breakdown_{name}", model), title)
        self.status = QLabel(objectName="reportStatus", wordWrap=True)

        box = QVBoxLayout(self)
        box.addLayout(bar)
        box.addLayout(figures)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        split.addWidget(self.breakdown_tabs)
        box.addWidget(split, 1)
        box.addWidget(self.status)
        if not layout.restore_geometry("service_report", self):
            self.resize(1150, 780)
        self.compute()

    def period(self) -> tuple[date, date]:
        return self.start_edit.date().toPython(), self.end_edit.date().toPython()

    def shift_month(self, months: int) -> None:
        start = self.start_edit.date().toPython()
        index = start.year * 12 + start.month - 1 + months
        first, last = month_period(date(index // 12, index % 12 + 1, 1))
        self.start_edit.setDate(QDate(first))
        self.end_edit.setDate(QDate(last))
        self.compute()

    def compute(self) -> None:
        self._generation += 1
        generation = self._generation
        start, end = self.period()
        if end < start:
            self.status.setText("结束日期不能早于开始日期。")
            return
        self.compute_button.setEnabled(False)
        self.status.setText("正在统计…")

        def work(session: Session) -> ServiceKpis:
            return service_kpis.compute(session, start, end)

        def failed(error: Exception) -> None:
            self.compute_button.setEnabled(True)
            show_error(self, "统计失败", error)

        self._ops.query(self, work, lambda k: self._show(generation, k), failure=failed)

    def _show(self, generation: int, kpis: ServiceKpis) -> None:
        if generation != self._generation:
            return
        self.kpis = kpis
        self.compute_button.setEnabled(True)
        for name, value in service_kpis.summary_lines(kpis):
            self.figure_labels[name].setText(value)
        for _title, name in service_kpis.BREAKDOWNS:
            rows = [service_kpis.breakdown_row(label, f) for label, f in getattr(kpis, name)]
            self.breakdown_models[name].set_rows(rows)
        for index in range(self.breakdown_tabs.count()):
            self.breakdown_tabs.widget(index).resizeColumnsToContents()
        self.engineer_chart.setChart(_rates_chart(kpis.by_engineer))
        self.product_chart.setChart(_product_chart(kpis.by_product))
        fb = kpis.feedback
        self.status.setText(
            f"{kpis.start.isoformat()} 至 {kpis.end.isoformat()} 受理的服务单；"
            "撤销的不计入各项比率。"
            f"工厂反馈 {fb.raised} 条，超期未答复 {fb.overdue_open} 条。"
        )
        self.computed.emit()

    def export_xlsx(self, path: Path | None = None) -> None:
        if self.kpis is None:
            return
        kpis = self.kpis
        export_list(
            self, self._ops,
            title=f"售后服务报告_{kpis.start.isoformat()}_{kpis.end.isoformat()}",
            headers=service_kpis.BREAKDOWN_HEADERS,
            rows=lambda _session: service_kpis.report_rows(kpis),
            button=self.export_button, status=self.status, path=path,
        )  # fmt: skip

    def showEvent(self, event) -> None:
        super().showEvent(event)
        fit_to_screen(self)

    def done(self, result: int) -> None:
        self._layout_memory.save_geometry("service_report", self)
        super().done(result)


def _axes(chart: QChart, series: QBarSeries, labels: list[str], high: float, fmt: str) -> None:
    axis_x = QBarCategoryAxis()
    axis_x.append(labels)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    axis_y = QValueAxis()
    axis_y.setRange(0, high)
    axis_y.setLabelFormat(fmt)
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))


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
    _axes(chart, series, [label for label, _f in shown], 100, "%d%%")
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
    _axes(chart, series, [label for label, _f in shown], high, "%d")
    return chart
