"""打印表单: choose a form and what to fill it with, preview it, print or save it.

Opened with Ctrl+P from any desk, with the desk's form and selected record preselected.
The records are read, then the pages rendered, off the GUI thread; the first form is shown as
soon as it is ready while the rest of a batch renders, with progress and 停止.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.forms import printing, render_process
from kehu_desktop.forms.definition import Catalog, load_catalog
from kehu_desktop.forms.paper import PAPERS
from kehu_desktop.forms.pdf import calibration_page
from kehu_desktop.forms.sources import Source
from kehu_desktop.forms.sources.records import describe_record
from kehu_desktop.services.common.periods import month_period
from kehu_desktop.services.common.settings import FIRM_NAME
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory, PcSetting
from kehu_desktop.ui.common.operations import Handle, Operations, Progress
from kehu_desktop.ui.common.screen import fit_when_shown
from kehu_desktop.ui.printing.print_preview import PdfPreview, ask_printer, paint_document

DEFAULT_PRINTER = printing.DEFAULT_PRINTER
LAST_PAPER = PcSetting("print_dialog/paper", "", "上次选用的纸张")
LAST_OVERLAY = PcSetting("print_dialog/overlay", False, "上次是否套打")
LAST_PRINTER = PcSetting("print_dialog/printer", DEFAULT_PRINTER, "上次选用的打印机")


def printer_names() -> list[str]:
    """The printers 套打 offsets can be kept for: the default entry, then the system's."""
    return [DEFAULT_PRINTER, *QPrinterInfo.availablePrinterNames()]


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


@dataclass(frozen=True)
class _Opening:
    """What the dialog reads from the store as it opens."""

    firm: str
    record_name: str


@dataclass(frozen=True)
class Preview:
    """A rendered preview: ``partial`` while only the first form of a batch is in it."""

    data: bytes
    partial: bool


def render_preview(prepared: printing.Prepared, progress: Progress) -> bytes:
    """Render ``prepared`` as PDF, handing the first form alone to the GUI thread first.

    The rendering itself runs in the render process when it is up (see ``render_process``)."""
    if len(prepared.records) > 1:
        first = replace(prepared, headers=prepared.headers[:1], records=prepared.records[:1])
        progress.partial(Preview(render_process.to_pdf(first), partial=True))
    return render_process.to_pdf(prepared, progress)


class PrintDialog(QDialog):
    """Signals: ``rendered(int)`` with the page count each time the preview is redrawn,
    ``failed(str)`` with the message shown when a preview could not be made,
    ``choices_listed(int)`` with the number of records listed to pick from (a key account's
    surveys, when printing the survey form)."""

    rendered = Signal(int)
    failed = Signal(str)
    choices_listed = Signal(int)

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        parent: QWidget | None = None,
        form: str = "customer_card",
        record: tuple[str, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PrintDialog")
        self.setWindowTitle("打印表单")
        self._ops = ops
        self._layout_memory = layout
        self._record = record
        self._record_name = ""
        self._generation = 0
        self._rendering: Handle | None = None
        self.catalog: Catalog = load_catalog(ops.context.database.data_dir)
        render_process.warm()  # up by the time a batch is asked for

        self.form_box = QComboBox(objectName="printForm")
        for key, definition in self.catalog.forms.items():
            suffix = "（本公司修改版）" if definition.user_copy else ""
            self.form_box.addItem(f"{definition.title}{suffix}", key)
        self.blank_radio = QRadioButton("空白表单（手写）", objectName="printBlank")
        self.record_radio = QRadioButton("当前记录", objectName="printRecord")
        # which of the current record's surveys (credit evaluations …) to print; newest first
        self.record_choice = QComboBox(objectName="printRecordChoice")
        self.record_choice.setToolTip("选择要打印的那一份（默认最近一份）")
        self.record_choice.setVisible(False)
        self._choices_for = ""  # the source whose records record_choice lists
        self.month_radio = QRadioButton("按月份", objectName="printMonth")
        self.day_radio = QRadioButton("按日期", objectName="printDay")
        self.plans_radio = QRadioButton("该日拜访计划的访问记录表", objectName="printPlans")
        self.choice = QButtonGroup(self)
        for button in (
            self.blank_radio,
            self.record_radio,
            self.month_radio,
            self.day_radio,
            self.plans_radio,
        ):
            self.choice.addButton(button)
        today = date.today()
        self.month_edit = QDateEdit(_qdate(today), objectName="printMonthEdit")
        self.month_edit.setDisplayFormat("yyyy年M月")
        self.day_edit = QDateEdit(_qdate(today + timedelta(days=1)), objectName="printDayEdit")
        self.day_edit.setDisplayFormat("yyyy年M月d日")
        self.day_edit.setCalendarPopup(True)
        self.paper_box = QComboBox(objectName="printPaper")
        self.paper_box.addItem("按表单设定", "")
        for key, item in PAPERS.items():
            self.paper_box.addItem(item.label, key)
        self.overlay_box = QCheckBox("套打（只打印数据，用于预印表单）", objectName="printOverlay")
        self.printer_box = QComboBox(objectName="printOffsetPrinter")
        self.printer_box.addItems(printer_names())

        what = QGroupBox("打印内容")
        grid = QGridLayout(what)
        grid.addWidget(self.blank_radio, 0, 0, 1, 2)
        grid.addWidget(self.record_radio, 1, 0, 1, 2)
        grid.addWidget(self.record_choice, 2, 0, 1, 2)
        grid.addWidget(self.month_radio, 3, 0)
        grid.addWidget(self.month_edit, 3, 1)
        grid.addWidget(self.day_radio, 4, 0)
        grid.addWidget(self.day_edit, 4, 1)
        grid.addWidget(self.plans_radio, 5, 0, 1, 2)
        options = QFormLayout()
        options.addRow("表单", self.form_box)
        options.addRow(what)
        options.addRow("纸张", self.paper_box)
        options.addRow(self.overlay_box)
        options.addRow("套打打印机", self.printer_box)

        self.problems = QLabel(objectName="printProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b00020")
        self.problems.setText("\n\n".join(self.catalog.problems))
        self.problems.setVisible(bool(self.catalog.problems))
        self.firm_hint = QLabel(
            "表头还没有公司名称：请在“设置 → 公司与表单设置”中填写。", objectName="printFirmHint"
        )
        self.firm_hint.setWordWrap(True)
        self.firm_hint.setVisible(False)
        self.status = QLabel(objectName="printStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar(objectName="printProgress")
        self.progress.setVisible(False)
        self.stop_button = QPushButton("停止(&T)", objectName="stopPreviewButton")
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self.stop)

        self.print_button = QPushButton("打印(&P)…", objectName="printButton")
        self.pdf_button = QPushButton("保存 PDF(&S)…", objectName="savePdfButton")
        self.xlsx_button = QPushButton("保存 Excel(&E)…", objectName="saveXlsxButton")
        self.calibrate_button = QPushButton("套打校准页(&K)", objectName="calibrationButton")
        close_button = QPushButton("关闭(&C)", objectName="closePrintButton")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_preview)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.xlsx_button.clicked.connect(lambda: self.save_xlsx())
        self.calibrate_button.clicked.connect(self.show_calibration)
        close_button.clicked.connect(self.reject)

        side = QVBoxLayout()
        side.addLayout(options)
        side.addWidget(self.problems)
        side.addWidget(self.firm_hint)
        side.addStretch(1)
        side.addWidget(self.status)
        side.addWidget(self.progress)
        side.addWidget(self.stop_button)
        for button in (self.print_button, self.pdf_button, self.xlsx_button):
            side.addWidget(button)
        side.addWidget(self.calibrate_button)
        side.addWidget(close_button)
        panel = QWidget()
        panel.setLayout(side)
        panel.setMaximumWidth(340)
        self.preview = PdfPreview(self)
        box = QHBoxLayout(self)
        box.addWidget(panel)
        box.addWidget(self.preview, 1)

        index = self.form_box.findData(form)
        self.form_box.setCurrentIndex(max(index, 0))
        self.paper_box.setCurrentIndex(max(self.paper_box.findData(layout.get(LAST_PAPER)), 0))
        self.overlay_box.setChecked(layout.get(LAST_OVERLAY))
        self.printer_box.setCurrentText(layout.get(LAST_PRINTER))
        self._update_choices(prefer_record=True)
        self.form_box.currentIndexChanged.connect(lambda _i: self._changed(True))
        self.choice.buttonToggled.connect(lambda _b, on: on and self._changed())
        for edit in (self.month_edit, self.day_edit):
            edit.dateChanged.connect(lambda _d: self._changed())
        self.paper_box.currentIndexChanged.connect(lambda _i: self._changed())
        self.overlay_box.toggled.connect(lambda _on: self._changed())
        self.printer_box.currentIndexChanged.connect(lambda _i: self._changed())
        self.record_choice.currentIndexChanged.connect(lambda _i: self._changed())
        if not layout.restore_geometry("print_dialog", self):
            self.resize(1100, 760)
        fit_when_shown(self)
        self._busy("正在读取…")
        ops.query(self, self._read_opening, self._opened, title="无法打开打印表单")

    def _read_opening(self, session) -> _Opening:
        record = self._record
        name = describe_record(session, *record) if record else ""
        return _Opening(FIRM_NAME.get(session), name)

    def _opened(self, opening: _Opening) -> None:
        self._record_name = opening.record_name
        self.firm_hint.setVisible(not opening.firm)
        self._changed(form_changed=True)

    # --- the job ---------------------------------------------------------------------

    @property
    def form_key(self) -> str:
        return self.form_box.currentData()

    def _update_choices(self, prefer_record: bool = False) -> None:
        source = self.catalog.get(self.form_key).data_source
        has_record = self._record is not None and (
            self._record[0] == source.record_kind or self._record[0] in source.from_kinds
        )
        self.record_radio.setEnabled(has_record)
        if has_record:
            self.record_radio.setText(f"当前记录：{self._record_name or self._record[1]}")
        self.month_radio.setEnabled(source.by_period or source.ids_in_period is not None)
        self.day_radio.setEnabled(source.by_period or source.ids_in_period is not None)
        self.plans_radio.setEnabled(source.name == "visit")
        checked = self.choice.checkedButton()
        if prefer_record and has_record:
            self.record_radio.setChecked(True)
        elif checked is None or not checked.isEnabled():
            (self.month_radio if source.by_period else self.blank_radio).setChecked(True)
        self.month_edit.setEnabled(self.month_radio.isEnabled())
        self.day_edit.setEnabled(self.day_radio.isEnabled() or self.plans_radio.isEnabled())
        self.printer_box.setEnabled(self.overlay_box.isChecked())
        choosable = (
            has_record and source.records_of is not None and self._record[0] != source.record_kind
        )
        if not choosable:
            self._choices_for = ""
            self.record_choice.setVisible(False)
        elif self._choices_for != source.name:
            self._load_record_choices(source)
        self.record_choice.setEnabled(self.record_radio.isChecked())

    def _load_record_choices(self, source: Source) -> None:
        """List the current record's records of ``source`` (a key account's surveys) to pick
        the one to print; until they are read, the latest one prints."""
        assert self._record is not None and source.records_of is not None
        kind, record_id = self._record
        records_of = source.records_of
        self._choices_for = source.name
        self.record_choice.blockSignals(True)
        self.record_choice.clear()
        self.record_choice.blockSignals(False)
        self.record_choice.setVisible(False)

        def listed(choices: list[tuple[int, str]]) -> None:
            if self._choices_for != source.name:
                return
            self.record_choice.blockSignals(True)
            for choice_id, text in choices:
                self.record_choice.addItem(text, choice_id)
            self.record_choice.blockSignals(False)
            self.record_choice.setVisible(bool(choices))
            self.choices_listed.emit(len(choices))

        self._ops.query(
            self, lambda session: records_of(session, kind, record_id), listed,
            title="无法读取可打印的记录",
        )  # fmt: skip

    def _changed(self, form_changed: bool = False) -> None:
        self.choice.blockSignals(True)
        self._update_choices(prefer_record=form_changed)
        self.choice.blockSignals(False)
        self.refresh()

    def current_job(self) -> printing.PrintJob:
        """The job the dialog's choices describe. For the day's plans, the plan ids are looked
        up when rendering (``plans_day`` is set instead)."""
        common = {
            "paper": self.paper_box.currentData(),
            "overlay": self.overlay_box.isChecked(),
            "printer": self.printer_box.currentText(),
        }
        key = self.form_key
        if self.record_radio.isChecked() and self._record is not None:
            source = self.catalog.get(key).data_source
            if self._choices_for == source.name and self.record_choice.count():
                chosen = (self.record_choice.currentData(),)
                return printing.PrintJob(key, chosen, record_kind=source.record_kind, **common)
            return printing.PrintJob(key, (self._record[1],), record_kind=self._record[0], **common)
        if self.month_radio.isChecked():
            start, end = month_period(_pydate(self.month_edit.date()))
            return printing.PrintJob(key, start=start, end=end, **common)
        day = _pydate(self.day_edit.date())
        if self.day_radio.isChecked():
            return printing.PrintJob(key, start=day, end=day, **common)
        if self.plans_radio.isChecked():
            return printing.PrintJob(key, from_plans=True, plans_day=day, **common)
        return printing.PrintJob(key, **common)

    def _prepare(self, then) -> None:
        """Read the current job's records off the GUI thread, then ``then(prepared)``; a
        refusal (nothing to print) is shown in the dialog and announced by ``failed``."""
        job, catalog = self.current_job(), self.catalog
        generation = self._generation

        def failed(error: Exception) -> None:
            if generation != self._generation:
                return
            self.preview.clear()
            message = str(error) if isinstance(error, printing.UserError) else repr(error)
            self._idle(message)
            self.failed.emit(message)

        def prepared(result: printing.Prepared) -> None:
            if generation == self._generation:
                then(result, failed)

        self._ops.query(
            self,
            lambda session: printing.prepare(session, catalog, job),
            prepared,
            failure=failed,
        )

    # --- preview, print, save ----------------------------------------------------------

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)

    def _idle(self, text: str) -> None:
        self.status.setText(text)
        self.progress.setVisible(False)
        self.stop_button.setVisible(False)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def refresh(self) -> None:
        """Render the preview in the background; a newer request wins over an older one
        (and stops it)."""
        self.stop()
        self._generation += 1
        generation = self._generation
        self._busy("正在读取记录…")
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(False)

        def shown(preview: Preview) -> None:
            if generation != self._generation:
                return
            self.preview.show_pdf(preview.data)
            if preview.partial:
                self.status.setText("已显示第一份，其余正在生成…")
            else:
                pages = self.preview.page_count()
                self._idle(f"共 {pages} 页")
                for button in (self.print_button, self.pdf_button):
                    button.setEnabled(True)
                self.rendered.emit(pages)

        def progressed(done: int, total: int) -> None:
            if generation == self._generation:
                self._show_progress(done, total)

        def render(prepared: printing.Prepared, failed) -> None:
            self.status.setText(f"正在生成预览（{len(prepared.records)} 份）…")
            self.stop_button.setVisible(len(prepared.records) > 1)
            self._rendering = self._ops.run(
                self,
                lambda progress: render_preview(prepared, progress),
                lambda data: shown(Preview(data, partial=False)),
                failure=failed,
                on_progress=progressed,
                on_partial=shown,
            )

        self._prepare(render)

    def stop(self) -> None:
        """Stop making the preview (停止); what is shown stays."""
        rendering, self._rendering = self._rendering, None
        if rendering is not None and not rendering.finished:
            rendering.cancel()
            self._generation += 1
            self._idle("已停止生成预览。")

    def print_preview(self) -> None:
        """Ask for a printer, then send the pages to it off the GUI thread."""
        title = self.catalog.get(self.form_key).title
        document = self.preview.document
        printer = ask_printer(document, self, title)
        if printer is None:
            return
        self._busy("正在送打印机…")
        self._ops.run(
            self,
            lambda progress: paint_document(document, printer, progress),
            lambda sent: self._idle(f"已送打印机 {sent} 页"),
            failure=lambda error: (self._idle(""), show_error(self, "打印失败", error)),
            on_progress=self._show_progress,
            progress_label="正在送打印机…",
        )

    def _ask_path(self, caption: str, suffix: str, pattern: str) -> Path | None:
        title = self.catalog.get(self.form_key).title
        name, _ = QFileDialog.getSaveFileName(self, caption, f"{title}{suffix}", pattern)
        return Path(name) if name else None

    def save_pdf(self, path: Path | None = None) -> None:
        path = path or self._ask_path("保存 PDF", ".pdf", "PDF 文件 (*.pdf)")
        if path is None or not self.preview.data:
            return
        try:
            path.write_bytes(self.preview.data)
        except OSError as error:
            show_error(self, "保存失败", error)
            return
        self.status.setText(f"已保存：{path}")

    def save_xlsx(self, path: Path | None = None) -> None:
        """Write the same forms as .xlsx (in the background); reports when done."""
        path = path or self._ask_path("保存 Excel", ".xlsx", "Excel 工作簿 (*.xlsx)")
        if path is None:
            return
        self._busy("正在生成 Excel…")
        target = path

        def failed(error: Exception) -> None:
            self._idle("")
            show_error(self, "保存 Excel 失败", error)

        def write(prepared: printing.Prepared, _failed) -> None:
            def work(progress) -> Path:
                target.write_bytes(printing.to_xlsx(prepared, progress))
                return target

            self._ops.run(
                self,
                work,
                lambda p: self._idle(f"已保存：{p}"),
                failure=failed,
                on_progress=self._show_progress,
            )

        self._prepare(write)

    def show_calibration(self) -> None:
        """Preview the 套打 calibration page for the chosen printer's offsets."""
        self.stop()
        printer, form = self.printer_box.currentText(), self.catalog.get(self.form_key)
        chosen_paper = self.paper_box.currentData()

        def read(session) -> bytes:
            offsets = printing.PRINT_OFFSETS.get(session)
            definition = printing.effective_definition(session, form)
            chosen = printing.paper_with_margins(session, chosen_paper or definition.paper)
            dx, dy = offsets.get(printer, (0.0, 0.0))
            return calibration_page(chosen, (dx, dy), printer)

        def shown(data: bytes) -> None:
            self.preview.show_pdf(data)
            self._idle("套打校准页：按页面说明量出偏差，在“设置 → 公司与表单设置”中修改偏移。")

        self._generation += 1
        self._ops.query(self, read, shown, title="无法生成校准页")

    def done(self, result: int) -> None:
        self.stop()
        memory = self._layout_memory
        memory.save_geometry("print_dialog", self)
        memory.put(LAST_PAPER, self.paper_box.currentData() or "")
        memory.put(LAST_OVERLAY, self.overlay_box.isChecked())
        memory.put(LAST_PRINTER, self.printer_box.currentText())
        super().done(result)
