"""导入销售数据: pick an .xlsx, see every bad row with its reason and every row that will replace
a month's figures already recorded, then import all or the good rows only. Reading and writing
run off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.key_accounts import sales_import
from kehu_desktop.services.key_accounts.sales_import import SalesImportPlan, SalesImportResult
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.operations import Operations, Progress
from kehu_desktop.ui.common.record_table import Column, RecordTableModel

BAD_COLUMNS = (Column("行号", lambda r: r.row), Column("错误原因", lambda r: r.reason))
REPLACED_COLUMNS = (
    Column("行号", lambda r: r.row),
    Column("客户", lambda r: r.customer),
    Column("月份", lambda r: f"{r.month.year}-{r.month.month:02d}"),
    Column("已有销售金额", lambda r: r.old_amount),
    Column("导入后销售金额", lambda r: r.new_amount),
)


class SalesImportDialog(QDialog):
    """Signals: ``checked(object)`` with the plan once a file is read; ``imported(object)``
    with the ``SalesImportResult`` once written."""

    checked = Signal(object)
    imported = Signal(object)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.setWindowTitle("导入销售数据")
        self.ops = ops
        self.plan: SalesImportPlan | None = None
        self.result: SalesImportResult | None = None
        intro = QLabel(
            "Excel 第一行为列名：客户编号（或客户名称）、月份、销售金额、销售数量。\n"
            "同一客户同一月份已有的数据会被导入的数据替换；导入后自动重新计算 ABC 分类。",
            wordWrap=True,
        )
        self.file_label = QLabel("尚未选择文件", objectName="importFile")
        choose = QPushButton("选择文件(&F)…", objectName="chooseFile")
        template = QPushButton("保存空白模板(&T)…", objectName="saveTemplate")
        choose.clicked.connect(lambda: self.choose_file())
        template.clicked.connect(self.save_template)
        self.summary = QLabel(objectName="importSummary", wordWrap=True)
        self.bad_model = RecordTableModel(BAD_COLUMNS, self)
        self.bad_table = QTableView(objectName="badRowsTable")
        self.bad_table.setModel(self.bad_model)
        self.bad_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.bad_table.verticalHeader().hide()
        self.bad_table.horizontalHeader().setStretchLastSection(True)
        self.replaced_label = QLabel(
            "以下行将替换已有的销售数据（同一客户同一月份）：", objectName="replacedLabel"
        )
        self.replaced_model = RecordTableModel(REPLACED_COLUMNS, self)
        self.replaced_table = QTableView(objectName="replacedRowsTable")
        self.replaced_table.setModel(self.replaced_model)
        self.replaced_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.replaced_table.verticalHeader().hide()
        self.replaced_table.horizontalHeader().setStretchLastSection(True)
        self.import_button = QPushButton("导入(&I)", objectName="importAll")
        self.good_only_button = QPushButton("只导入正确的行(&G)", objectName="importGoodOnly")
        close = QPushButton("关闭(&C)", objectName="closeImport")
        self.import_button.clicked.connect(lambda: self.run_import(good_rows_only=False))
        self.good_only_button.clicked.connect(lambda: self.run_import(good_rows_only=True))
        close.clicked.connect(self.reject)
        files = QHBoxLayout()
        files.addWidget(choose)
        files.addWidget(self.file_label, 1)
        files.addWidget(template)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.import_button, self.good_only_button, close):
            buttons.addWidget(button)
        box = QVBoxLayout(self)
        box.addWidget(intro)
        box.addLayout(files)
        box.addWidget(self.summary)
        box.addWidget(self.bad_table)
        box.addWidget(self.replaced_label)
        box.addWidget(self.replaced_table)
        box.addLayout(buttons)
        self._show_replaced([])
        self._update_buttons()
        self.resize(640, 460)

    def _update_buttons(self, busy: bool = False) -> None:
        plan = self.plan
        self.import_button.setEnabled(not busy and plan is not None and bool(plan.good)
                                      and not plan.bad)  # fmt: skip
        self.good_only_button.setEnabled(not busy and plan is not None and bool(plan.good)
                                         and bool(plan.bad))  # fmt: skip
        self.good_only_button.setVisible(plan is not None and bool(plan.bad))

    def choose_file(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "选择销售数据文件", "", "Excel 文件 (*.xlsx)"
            )
            if not chosen:
                return
            path = Path(chosen)
        self.plan = None
        self._show_replaced([])
        self.file_label.setText(str(path))
        self.summary.setText("正在检查…")
        self._update_buttons(busy=True)

        def work(progress: Progress) -> SalesImportPlan:
            with self.ops.context.reader() as session:
                return sales_import.read_sales_file(session, path, progress)

        self.ops.run(self, work, self._show_plan, failure=self._failed)

    def _show_replaced(self, rows: list) -> None:
        self.replaced_model.set_rows(rows)
        self.replaced_label.setVisible(bool(rows))
        self.replaced_table.setVisible(bool(rows))

    def _show_plan(self, plan: SalesImportPlan) -> None:
        self.plan = plan
        self.bad_model.set_rows(plan.bad)
        self._show_replaced(plan.replacing)
        text = plan.describe() + "。"
        if plan.bad:
            text += "有错误的行列在下面；改正后重新选择文件，或只导入正确的行。"
        if plan.replacing:
            text += "将替换已有数据的行列在下面，请确认后再导入。"
            self.summary.setStyleSheet("color: #a50e0e;")
        else:
            self.summary.setStyleSheet("")
        self.summary.setText(text)
        self._update_buttons()
        self.checked.emit(plan)

    def _failed(self, error: Exception) -> None:
        self.summary.setText("")
        self._update_buttons()
        show_error(self, "导入销售数据", error)

    def run_import(self, good_rows_only: bool) -> None:
        plan = self.plan
        if plan is None:
            return
        self._update_buttons(busy=True)
        self.summary.setText("正在导入并重新计算 ABC 分类…")

        self.ops.write(
            self,
            lambda session: sales_import.apply_import(session, plan, good_rows_only=good_rows_only),
            ("sales", "customers"),
            self._done,
            failure=self._failed,
        )

    def _done(self, result: SalesImportResult) -> None:
        self.result = result
        self.summary.setStyleSheet("")
        self.summary.setText(f"导入完成：{result.describe()}")
        self.plan = None
        self._show_replaced([])
        self._update_buttons()
        self.imported.emit(result)

    def save_template(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存销售数据模板", "销售数据模板.xlsx", "Excel 文件 (*.xlsx)"
        )
        if chosen:
            try:
                sales_import.write_template(Path(chosen))
            except Exception as error:
                show_error(self, "保存模板", error)
