"""The visit reports page: 客户访问日报表, and planned vs. done with the coverage rate."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.visits import visit_reports
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns, table_view
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel

DAILY, COVERAGE = "客户访问日报表", "计划与覆盖率"
LOW_COVERAGE = 80
DAILY_COLUMNS = tuple(
    Column(label, lambda r, i=i: visit_reports.daily_rows([r])[0][i])
    for i, label in enumerate(visit_reports.DAILY_HEADERS)
)
COVERAGE_COLUMNS = tuple(
    Column(label, lambda r, i=i: visit_reports.coverage_rows([r])[0][i])
    for i, label in enumerate(visit_reports.COVERAGE_HEADERS[:-1])
) + (
    Column(
        "覆盖率",
        lambda r: "—" if r.rate is None else f"{r.rate}%",
        lambda r: "warning" if r.rate is not None and r.rate < LOW_COVERAGE else "",
    ),
)


class VisitReportView(QWidget):
    """Pick a report and a period, see it, export it to .xlsx.

    The report for the default choice (this month's 日报表) is made when the page is first
    shown; after the choice changes, the note asks for 生成报表 until it is pressed.
    """

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._layout_memory = layout
        self._lines: list = []
        self._shown = False
        self.kind = QComboBox(objectName="reportKind")
        self.kind.addItems([DAILY, COVERAGE])
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(1 - today.day()), objectName="reportFrom")
        self.date_to = QDateEdit(today, objectName="reportTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self._ask_to_run())
        self.kind.currentIndexChanged.connect(lambda _i: self._ask_to_run())
        self.run_button = QPushButton("生成报表(&G)", objectName="runReport")
        self.export_button = QPushButton("导出 Excel(&X)", objectName="exportReport")
        self.run_button.clicked.connect(self.run)
        self.export_button.clicked.connect(lambda: self.export_xlsx())
        self.note = QLabel(objectName="reportNote", wordWrap=True)
        self.daily_model = RecordTableModel(DAILY_COLUMNS, self)
        self.coverage_model = RecordTableModel(COVERAGE_COLUMNS, self)
        self.table = table_view("visitReportTable", self.daily_model)
        top = QHBoxLayout()
        top.addWidget(self.kind)
        top.addWidget(QLabel("从"))
        top.addWidget(self.date_from)
        top.addWidget(QLabel("到"))
        top.addWidget(self.date_to)
        top.addWidget(self.run_button)
        top.addStretch()
        top.addWidget(self.export_button)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.note)
        box.addWidget(self.table)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown:
            self._shown = True
            self.run()

    def _ask_to_run(self) -> None:
        self.note.setText("报表条件已更改，请按“生成报表”更新。")

    def run(self) -> None:
        kind = self.kind.currentText()
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        if end < start:
            self.note.setText("结束日期不能早于开始日期。")
            return

        def work(session):
            if kind == DAILY:
                return visit_reports.daily_report(session, start, end)
            return visit_reports.coverage(session, start, end)

        self.run_button.setEnabled(False)
        self.note.setText("正在生成报表…")
        self._ops.query(self, work, lambda lines: self._show(kind, lines), failure=self._failed)

    def _failed(self, error: Exception) -> None:
        self.run_button.setEnabled(True)
        self.note.setText("生成报表失败。")
        show_error(self, "生成报表失败", error)

    def _show(self, kind: str, lines: list) -> None:
        self.run_button.setEnabled(True)
        self._lines = lines
        model = self.daily_model if kind == DAILY else self.coverage_model
        model.set_rows(lines)
        self.table.setModel(model)
        fit_columns(self.table)
        if kind == DAILY:
            self.note.setText(f"共 {len(lines)} 次拜访，按日期、业务员排列。")
        else:
            self.note.setText(
                "覆盖率 = 按时拜访的客户 ÷ 期内应访客户。应访：按拜访频率，下次应访日期在期末之前；"
                f"按时：期内首次拜访不晚于应访日期。低于 {LOW_COVERAGE}% 标红。"
            )

    def export_xlsx(self, path: Path | None = None) -> None:
        if not self._lines:
            self.note.setText("请先生成报表。")
            return
        kind = DAILY if self.table.model() is self.daily_model else COVERAGE
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "导出报表", f"{kind}.xlsx", "Excel 文件 (*.xlsx)"
            )
            if not chosen:
                return
            path = Path(chosen)
        lines = list(self._lines)

        def work(_progress):
            if kind == DAILY:
                return visit_reports.export_daily(path, lines)
            return visit_reports.export_coverage(path, lines)

        self._ops.run(
            self,
            work,
            lambda n: self.note.setText(f"已导出 {n} 行到 {path}"),
            title="导出失败",
            progress_label=f"正在导出到 {path} …",
        )

    def save_layout(self) -> None:
        self._layout_memory.save_header("visitReportTable", self.table.horizontalHeader())
