"""The complaint KPI report (投诉月报): headline rates, charts and breakdowns for a period."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
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
    QTableView,
    QTabWidget,
    QVBoxLayout,
)

from kehu_desktop.services.complaints import complaint_kpis
from kehu_desktop.services.complaints.complaint_kpis import ComplaintKpis
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.screen import fit_when_shown
from kehu_desktop.ui.common.xlsx_export import export_list

BREAKDOWN_COLUMNS = tuple(
    Column(header, lambda row, i=index: row[i])
    for index, header in enumerate(complaint_kpis.BREAKDOWN_HEADERS)
)
BREAKDOWNS = complaint_kpis.BREAKDOWNS


class ComplaintReportDialog(QDialog):
    """Signals: ``computed()`` once the figures for the chosen period are shown."""

    computed = Signal()

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("ComplaintReportDialog")
        self.setWindowTitle("客户投诉统计报表")
        self._ops = ops
        self._layout_memory = layout
        self.kpis: ComplaintKpis | None = None
        self._generation = 0
        first, last = complaint_kpis.month_period(date.today())
        self.start_edit = QDateEdit(QDate(first), objectName="reportStart", calendarPopup=True)
        self.end_edit = QDateEdit(QDate(last), objectName="reportEnd", calendarPopup=True)
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("yyyy-MM-dd")
        previous = QPushButton("上月(&B)", objectName="reportPreviousMonth")
        previous.clicked.connect(lambda: self.shift_month(-1))
        following = QPushButton("下月(&N)", objectName="reportNextMonth")
        following.clicked.connect(lambda: self.shift_month(1))
        self.compute_button = QPushButton("统计(&S)", objectName="reportCompute")
        self.compute_button.clicked.connect(self.compute)
        self.export_button = QPushButton("导出 Excel(&X)", objectName="reportExport")
        close_button = QPushButton("关闭(&C)", objectName="reportClose")
        close_button.clicked.connect(self.reject)
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        bar = QHBoxLayout()
        for widget in (QLabel("期间："), self.start_edit, QLabel("至"), self.end_edit, previous,
                       following, self.compute_button):  # fmt: skip
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(close_button)

        self.figure_labels: dict[str, QLabel] = {}
        figures = QGridLayout()
        for index, name in enumerate(complaint_kpis.SUMMARY_LABELS):
            caption = QLabel(f"{name}：")
            value = QLabel("—", objectName=f"kpi_{name}")
            value.setStyleSheet("font-weight: bold;")
            self.figure_labels[name] = value
            figures.addWidget(caption, index // 4, (index % 4) * 2)
            figures.addWidget(value, index // 4, (index % 4) * 2 + 1)

        self.category_chart = QChartView(objectName="categoryChart")
        self.trend_chart = QChartView(objectName="trendChart")
        for view in (self.category_chart, self.trend_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(200)
        charts = QSplitter()
        charts.addWidget(self.category_chart)
        charts.addWidget(self.trend_chart)
        charts.setSizes([400, 600])

        self.breakdown_tabs = QTabWidget(objectName="reportBreakdowns")
        self.breakdown_models: dict[str, RecordTableModel] = {}
        for title, name in BREAKDOWNS:
            model = RecordTableModel(BREAKDOWN_COLUMNS, self)
            view = QTableView(objectName=f"breakdown_{name}")
            view.setModel(model)
            view.verticalHeader().hide()
            self.breakdown_models[name] = model
            self.breakdown_tabs.addTab(view, title)
        self.status = QLabel(objectName="reportStatus")

        box = QVBoxLayout(self)
        box.addLayout(bar)
        box.addLayout(figures)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(charts)
        split.addWidget(self.breakdown_tabs)
        # Half for the charts, whose axes need the height, half for the tables, which scroll.
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([1, 1])
        box.addWidget(split, 1)
        box.addWidget(self.status)
        if not layout.restore_geometry("complaint_report", self):
            self.resize(1100, 760)
        fit_when_shown(self)
        self.compute()

    def period(self) -> tuple[date, date]:
        return self.start_edit.date().toPython(), self.end_edit.date().toPython()

    def shift_month(self, months: int) -> None:
        start = self.start_edit.date().toPython()
        index = start.year * 12 + start.month - 1 + months
        first, last = complaint_kpis.month_period(date(index // 12, index % 12 + 1, 1))
        self.start_edit.setDate(QDate(first))
        self.end_edit.setDate(QDate(last))
        self.compute()

    def compute(self) -> None:
        self._generation += 1
        generation = self._generation
        start, end = self.period()
        if end < start:
            self.compute_button.setEnabled(True)
            self.status.setText("结束日期不能早于开始日期。")
            return
        self.compute_button.setEnabled(False)
        self.status.setText("正在统计…")

        def failed(error: Exception) -> None:
            if generation == self._generation:
                self.compute_button.setEnabled(True)
                show_error(self, "统计失败", error)

        self._ops.query(
            self,
            lambda session: complaint_kpis.compute(session, start, end),
            lambda kpis: self._show(generation, kpis),
            failure=failed,
        )

    def _show(self, generation: int, kpis: ComplaintKpis) -> None:
        """Show the figures of the newest computation; an older one arriving late is dropped."""
        if generation != self._generation:
            return
        self.kpis = kpis
        self.compute_button.setEnabled(True)
        for name, value in complaint_kpis.summary_lines(kpis):
            self.figure_labels[name].setText(value)
        for _title, name in BREAKDOWNS:
            rows = [complaint_kpis.breakdown_row(label, f) for label, f in getattr(kpis, name)]
            self.breakdown_models[name].set_rows(rows)
        for index in range(self.breakdown_tabs.count()):
            self.breakdown_tabs.widget(index).resizeColumnsToContents()
        self.category_chart.setChart(_category_chart(kpis))
        self.trend_chart.setChart(_trend_chart(kpis))
        self.status.setText(
            f"{kpis.start.isoformat()} 至 {kpis.end.isoformat()} 受理的投诉；"
            "处理及时率按答复时间计，撤销的投诉不计入各项比率。"
        )
        self.computed.emit()

    def export_xlsx(self, path: Path | None = None) -> None:
        if self.kpis is None:
            return
        kpis = self.kpis
        export_list(
            self, self._ops,
            title=f"投诉统计_{kpis.start.isoformat()}_{kpis.end.isoformat()}",
            headers=complaint_kpis.BREAKDOWN_HEADERS,
            rows=lambda _session: complaint_kpis.report_rows(kpis),
            button=self.export_button, status=self.status, path=path,
        )  # fmt: skip

    def done(self, result: int) -> None:
        self._layout_memory.save_geometry("complaint_report", self)
        super().done(result)


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
    axis_x = QBarCategoryAxis()
    axis_x.append(months)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    counts = QValueAxis()
    counts.setLabelFormat("%d")
    counts.setMin(0)
    counts.setMax(max([f.received for _m, f in kpis.trend] + [4]))
    counts.applyNiceNumbers()
    chart.addAxis(counts, Qt.AlignmentFlag.AlignLeft)
    rates = QValueAxis()
    rates.setRange(0, 100)
    rates.setLabelFormat("%d%%")
    chart.addAxis(rates, Qt.AlignmentFlag.AlignRight)
    bars.attachAxis(axis_x)
    bars.attachAxis(counts)
    satisfaction.attachAxis(axis_x)
    satisfaction.attachAxis(rates)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return chart
