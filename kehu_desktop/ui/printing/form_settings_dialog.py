"""公司与表单设置: the firm's name, each form's code, revision and paper, 套打 offsets per
printer (with the calibration page to measure them), and each paper's margins."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.forms import printing
from kehu_desktop.forms.definition import copy_to_user_folder, load_catalog
from kehu_desktop.forms.paper import PAPERS, with_margins
from kehu_desktop.forms.pdf import calibration_page
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.settings import FIRM_NAME
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.printing.print_dialog import printer_names

Index = QModelIndex | QPersistentModelIndex


class FormCodesModel(QAbstractTableModel):
    """One row per form: title (read-only), code, revision, paper key (editable)."""

    HEADERS = ("表单", "表单编号", "版本", "默认纸张")

    def __init__(self, rows: list[list[str]], keys: list[str], parent=None) -> None:
        super().__init__(parent)
        self._rows = rows
        self._keys = keys

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 3:
            return PAPERS[value].label
        return value if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole) else None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() == 0:
            return False
        text = str(value).strip()
        if index.column() == 3 and text not in PAPERS:
            return False
        self._rows[index.row()][index.column()] = text
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid() or index.column() == 0:
            return flags
        return flags | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def key_at(self, row: int) -> str:
        return self._keys[row]

    def overrides(self) -> dict[str, dict[str, str]]:
        return {
            key: {"code": row[1], "revision": row[2], "paper": row[3]}
            for key, row in zip(self._keys, self._rows, strict=True)
        }


class PaperMarginsModel(QAbstractTableModel):
    """One row per paper: its name and the left, right, top and bottom margins in mm."""

    HEADERS = ("纸张", "左", "右", "上", "下")
    SIDES = ("left", "right", "top", "bottom")

    def __init__(self, margins: dict[str, dict[str, float]], parent=None) -> None:
        super().__init__(parent)
        self._keys = list(PAPERS)
        self._rows = [PAPERS[k].margins() | margins.get(k, {}) for k in self._keys]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if index.column() == 0:
            label = PAPERS[self._keys[index.row()]].label
            return label if role == Qt.ItemDataRole.DisplayRole else None
        value = self._rows[index.row()][self.SIDES[index.column() - 1]]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{value:g} mm"
        return float(value) if role == Qt.ItemDataRole.EditRole else None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() == 0:
            return False
        self._rows[index.row()][self.SIDES[index.column() - 1]] = round(float(value), 1)
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid() or index.column() == 0:
            return flags
        return flags | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def margins(self) -> dict[str, dict[str, float]]:
        """Only the papers whose margins differ from their defaults."""
        return {
            key: row
            for key, row in zip(self._keys, self._rows, strict=True)
            if row != PAPERS[key].margins()
        }


class PaperDelegate(QStyledItemDelegate):
    """Edits the paper column with a list of the known papers."""

    def createEditor(self, parent: QWidget, _option, _index) -> QComboBox:
        editor = QComboBox(parent)
        for key, paper in PAPERS.items():
            editor.addItem(paper.label, key)
        return editor

    def setEditorData(self, editor: QComboBox, index: Index) -> None:
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QComboBox, model, index: Index) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class FormSettingsDialog(QDialog):
    """Saved by 主管/管理员 (the service refuses anyone else)."""

    def __init__(self, context: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formSettingsDialog")
        self.setWindowTitle("公司与表单设置")
        self._context = context
        data_dir = context.database.data_dir
        catalog = load_catalog(data_dir)
        with context.reader() as session:
            firm = FIRM_NAME.get(session)
            forms = [printing.effective_definition(session, d) for d in catalog.forms.values()]
            self._offsets = {k: list(v) for k, v in printing.PRINT_OFFSETS.get(session).items()}
            margins = printing.PAPER_MARGINS.get(session)
        self.firm = QLineEdit(firm, objectName="firmName")
        self.firm.setPlaceholderText("印在每张表单顶部，如：东莞市华达精密五金有限公司")
        rows = [[d.title, d.code, d.revision, d.paper] for d in forms]
        self.model = FormCodesModel(rows, [d.key for d in forms], self)
        self.table = QTableView(objectName="formCodes")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(3, PaperDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        copy_button = QPushButton("复制所选表单定义到数据文件夹…", objectName="copyDefinition")
        copy_button.setEnabled(data_dir is not None)
        copy_button.clicked.connect(self.copy_definition)

        self.printer = QComboBox(objectName="offsetPrinter")
        self.printer.addItems(sorted(set(printer_names()) | set(self._offsets)))
        self.offset_x = QDoubleSpinBox(objectName="offsetX")
        self.offset_y = QDoubleSpinBox(objectName="offsetY")
        for box in (self.offset_x, self.offset_y):
            box.setRange(-50, 50)
            box.setDecimals(1)
            box.setSingleStep(0.5)
            box.setSuffix(" mm")
            box.valueChanged.connect(self._keep_offset)
        self.printer.currentTextChanged.connect(self._show_offset)
        offsets = QGroupBox("套打偏移（向右、向下为正）")
        offset_form = QFormLayout(offsets)
        offset_form.addRow("打印机", self.printer)
        pair = QHBoxLayout()
        pair.addWidget(QLabel("X"))
        pair.addWidget(self.offset_x)
        pair.addWidget(QLabel("Y"))
        pair.addWidget(self.offset_y)
        offset_form.addRow("偏移", pair)
        self.calibration_paper = QComboBox(objectName="calibrationPaper")
        for key, item in PAPERS.items():
            self.calibration_paper.addItem(item.label, key)
        calibrate = QPushButton("保存套打校准页 PDF…", objectName="saveCalibration")
        calibrate.clicked.connect(lambda: self.save_calibration())
        calibration_row = QHBoxLayout()
        calibration_row.addWidget(self.calibration_paper, 1)
        calibration_row.addWidget(calibrate)
        offset_form.addRow("校准页", calibration_row)
        offset_form.addRow(
            QLabel("打印校准页，量出十字偏离标注位置多少毫米，把差值填入上面的偏移。")
        )
        self._show_offset(self.printer.currentText())

        self.margins = PaperMarginsModel(margins, self)
        self.margin_table = QTableView(objectName="paperMargins")
        self.margin_table.setModel(self.margins)
        self.margin_table.verticalHeader().hide()
        self.margin_table.horizontalHeader().setStretchLastSection(True)
        self.margin_table.resizeColumnsToContents()
        margin_box = QGroupBox("纸张边距（毫米；连续纸左右须留出导孔边）")
        QVBoxLayout(margin_box).addWidget(self.margin_table)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("公司名称", self.firm)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.table, 1)
        box.addWidget(copy_button)
        box.addWidget(offsets)
        box.addWidget(margin_box)
        box.addWidget(buttons)
        self.resize(680, 800)

    def _show_offset(self, printer: str) -> None:
        x, y = self._offsets.get(printer, (0.0, 0.0))
        for box, value in ((self.offset_x, x), (self.offset_y, y)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)

    def _keep_offset(self) -> None:
        self._offsets[self.printer.currentText()] = [self.offset_x.value(), self.offset_y.value()]

    def save_calibration(self, path: Path | None = None) -> Path | None:
        """The calibration page for the chosen printer, with its offsets as typed here, on the
        chosen paper with its margins, saved as PDF to print from any program."""
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self, "保存套打校准页", "套打校准页.pdf", "PDF 文件 (*.pdf)"
            )
            if not name:
                return None
            path = Path(name)
        key = self.calibration_paper.currentData()
        chosen = with_margins(PAPERS[key], self.margins.margins().get(key, {}))
        offset = (self.offset_x.value(), self.offset_y.value())
        try:
            path.write_bytes(calibration_page(chosen, offset, self.printer.currentText()))
        except OSError as error:
            show_error(self, "保存失败", error)
            return None
        return path

    def copy_definition(self) -> None:
        """Copy the selected form's definition for the firm to edit, and show the folder."""
        row = self.table.currentIndex().row()
        if row < 0:
            show_error(self, "复制表单定义", UserError("请先在表格中选择一张表单。"))
            return
        path = copy_to_user_folder(self.model.key_at(row), self._context.database.data_dir)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    def save(self) -> None:
        try:
            with self._context.session() as session:
                printing.save_settings(
                    session,
                    self._context.operator,
                    self.firm.text(),
                    self.model.overrides(),
                    self._offsets,
                    self.margins.margins(),
                )
        except UserError as error:
            show_error(self, "无法保存", error)
            return
        self.accept()
