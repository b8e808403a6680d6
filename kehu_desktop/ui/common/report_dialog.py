"""The KPI report both case desks share (投诉统计报表, 售后服务报告): a period picker, the
headline figures, two charts side by side above the breakdown tables, a status line, and
the breakdowns exported to .xlsx. A desk names its figures' source and draws its own charts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QChart, QChartView, QValueAxis
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
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common.periods import month_period, month_start
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns, table_view
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.screen import fit_when_shown
from kehu_desktop.ui.common.xlsx_export import export_list


class KpiSource(Protocol):
    """What a desk's KPI module offers a report (``complaint_kpis``, ``service_kpis``)."""

    SUMMARY_LABELS: tuple[str, ...]
    BREAKDOWN_HEADERS: tuple[str, ...]
    # (tab title, attribute of the figures holding (label, figures) pairs)
    BREAKDOWNS: tuple[tuple[str, str], ...]

    def compute(self, session: Session, start: date, end: date) -> Any: ...

    def summary_lines(self, kpis: Any) -> list[tuple[str, str]]: ...

    def breakdown_row(self, label: str, f: Any) -> tuple: ...

    def report_rows(self, kpis: Any) -> list[tuple]: ...


@dataclass(frozen=True)
class ReportChart:
    """One of a report's two charts: its view's objectName, how it is drawn from the figures,
    and its share of the width."""

    name: str
    draw: Callable[[Any], QChart]
    width: int = 1


class PeriodPicker(QWidget):
    """期间 from–to, starting on this month, with 上月/下月 to step a whole month.

    Signals: ``shifted()`` once 上月 or 下月 has moved the period.
    """

    shifted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        first, last = month_period(date.today())
        self.start_edit = QDateEdit(QDate(first), objectName="reportStart", calendarPopup=True)
        self.end_edit = QDateEdit(QDate(last), objectName="reportEnd", calendarPopup=True)
        for edit in (self.start_edit, self.end_edit):
            edit.setDisplayFormat("yyyy-MM-dd")
        previous = QPushButton(self.tr("上月(&B)"), objectName="reportPreviousMonth")
        previous.clicked.connect(lambda: self.shift_month(-1))
        following = QPushButton(self.tr("下月(&N)"), objectName="reportNextMonth")
        following.clicked.connect(lambda: self.shift_month(1))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel(self.tr("期间：")), self.start_edit, QLabel(self.tr("至")),
                       self.end_edit, previous, following):  # fmt: skip
            row.addWidget(widget)

    def period(self) -> tuple[date, date]:
        return self.start_edit.date().toPython(), self.end_edit.date().toPython()

    def shift_month(self, months: int) -> None:
        """Show the whole month ``months`` away from the start's month."""
        first, last = month_period(month_start(self.period()[0], months))
        self.start_edit.setDate(QDate(first))
        self.end_edit.setDate(QDate(last))
        self.shifted.emit()


class BreakdownTabs(QTabWidget):
    """One read-only table a breakdown (按类别, 按工程师 …), all under the same headers."""

    def __init__(
        self,
        headers: Sequence[str],
        breakdowns: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportBreakdowns")
        columns = tuple(
            Column(header, lambda row, i=index: row[i]) for index, header in enumerate(headers)
        )
        self.models: dict[str, RecordTableModel] = {}
        for title, name in breakdowns:
            model = RecordTableModel(columns, self)
            self.models[name] = model
            self.addTab(table_view(f"breakdown_{name}", model), title)

    def set_rows(self, rows: Mapping[str, list[tuple]]) -> None:
        """Show each breakdown's rows, its columns fitted to them."""
        for name, model in self.models.items():
            model.set_rows(rows[name])
        for index in range(self.count()):
            view = self.widget(index)
            assert isinstance(view, QTableView)
            fit_columns(view)


class KpiReportDialog(QDialog):
    """A desk's KPI report for a period; it computes this month's figures as it opens.

    The charts are ``chart_height`` high and the tables take the rest, or half and half
    (``charts_take_half``) for charts whose axes need the height.

    Signals: ``computed()`` once the figures for the chosen period are shown.
    """

    computed = Signal()

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        source: KpiSource,
        *,
        key: str,
        size: tuple[int, int],
        figures_per_row: int,
        charts: Sequence[ReportChart],
        chart_height: int,
        charts_take_half: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self._ops = ops
        self._layout_memory = layout
        self._source = source
        self._key = key
        self._charts = tuple(charts)
        self.kpis: Any = None
        self._generation = 0

        self.period_picker = PeriodPicker()
        self.start_edit = self.period_picker.start_edit
        self.end_edit = self.period_picker.end_edit
        self.period_picker.shifted.connect(self.compute)
        self.compute_button = QPushButton(self.tr("统计(&S)"), objectName="reportCompute")
        self.compute_button.clicked.connect(self.compute)
        self.export_button = QPushButton(self.tr("导出 Excel(&X)"), objectName="reportExport")
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        close_button = QPushButton(self.tr("关闭(&C)"), objectName="reportClose")
        close_button.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.period_picker)
        bar.addWidget(self.compute_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(close_button)

        self.figure_labels: dict[str, QLabel] = {}
        figures = QGridLayout()
        for index, name in enumerate(source.SUMMARY_LABELS):
            value = QLabel("—", objectName=f"kpi_{name}")
            value.setStyleSheet("font-weight: bold;")
            self.figure_labels[name] = value
            row, column = divmod(index, figures_per_row)
            figures.addWidget(QLabel(f"{name}："), row, column * 2)
            figures.addWidget(value, row, column * 2 + 1)

        self.chart_views: list[QChartView] = []
        chart_row = QSplitter()
        for chart in self._charts:
            view = QChartView(objectName=chart.name)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumHeight(chart_height)
            self.chart_views.append(view)
            chart_row.addWidget(view)
        chart_row.setSizes([chart.width for chart in self._charts])

        self.breakdown_tabs = BreakdownTabs(source.BREAKDOWN_HEADERS, source.BREAKDOWNS)
        self.breakdown_models = self.breakdown_tabs.models
        self.status = QLabel(objectName="reportStatus", wordWrap=True)

        box = QVBoxLayout(self)
        box.addLayout(bar)
        box.addLayout(figures)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(chart_row)
        split.addWidget(self.breakdown_tabs)
        if charts_take_half:
            # Half for the charts, whose axes need the height, half for the tables, which scroll.
            split.setStretchFactor(0, 1)
            split.setStretchFactor(1, 1)
            split.setSizes([1, 1])
        box.addWidget(split, 1)
        box.addWidget(self.status)
        if not layout.restore_geometry(key, self):
            self.resize(*size)
        fit_when_shown(self)

    def period(self) -> tuple[date, date]:
        return self.period_picker.period()

    def shift_month(self, months: int) -> None:
        self.period_picker.shift_month(months)

    def compute(self) -> None:
        """Compute the figures for the period off the GUI thread; only the newest computation
        is shown, however late an earlier one arrives."""
        self._generation += 1
        generation = self._generation
        start, end = self.period()
        if end < start:
            self.compute_button.setEnabled(True)
            self.status.setText(self.tr("结束日期不能早于开始日期。"))
            return
        self.compute_button.setEnabled(False)
        self.status.setText(self.tr("正在统计…"))
        source = self._source

        def failed(error: Exception) -> None:
            if generation == self._generation:
                self.compute_button.setEnabled(True)
                show_error(self, self.tr("统计失败"), error)

        self._ops.query(
            self,
            lambda session: source.compute(session, start, end),
            lambda kpis: self._show(generation, kpis),
            failure=failed,
        )

    def _show(self, generation: int, kpis: Any) -> None:
        if generation != self._generation:
            return
        self.kpis = kpis
        self.compute_button.setEnabled(True)
        for name, value in self._source.summary_lines(kpis):
            self.figure_labels[name].setText(value)
        self.breakdown_tabs.set_rows(
            {
                name: [self._source.breakdown_row(label, f) for label, f in getattr(kpis, name)]
                for _title, name in self._source.BREAKDOWNS
            }
        )
        for view, chart in zip(self.chart_views, self._charts, strict=True):
            view.setChart(chart.draw(kpis))
        self.status.setText(self.status_text(kpis))
        self.computed.emit()

    def status_text(self, kpis: Any) -> str:
        """The line under the report saying what was counted."""
        raise NotImplementedError

    def export_title(self) -> str:
        """The workbook's title, before the period."""
        raise NotImplementedError

    def export_xlsx(self, path: Path | None = None) -> None:
        """Export the breakdowns shown; asks for a file name unless one is given."""
        if self.kpis is None:
            return
        kpis, source = self.kpis, self._source
        export_list(
            self, self._ops,
            title=f"{self.export_title()}_{kpis.start.isoformat()}_{kpis.end.isoformat()}",
            headers=source.BREAKDOWN_HEADERS,
            rows=lambda _session: source.report_rows(kpis),
            button=self.export_button, status=self.status, path=path,
        )  # fmt: skip

    def done(self, result: int) -> None:
        self._layout_memory.save_geometry(self._key, self)
        super().done(result)


def bar_axes(
    chart: QChart, series: QBarSeries, labels: list[str], high: float, label_format: str
) -> QBarCategoryAxis:
    """Put ``series`` on ``labels`` along the bottom and 0–``high`` (rounded up to a nice
    number) on the left, legend below; returns the bottom axis for other series to share."""
    axis_x = QBarCategoryAxis()
    axis_x.append(labels)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    axis_y = QValueAxis()
    axis_y.setRange(0, high)
    axis_y.setLabelFormat(label_format)
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return axis_x
