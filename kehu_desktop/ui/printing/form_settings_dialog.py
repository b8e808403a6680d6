"""公司与表单设置: the firm's name, each form's code, revision and paper, 套打 offsets per
printer (with the calibration page to measure them), and each paper's margins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from sqlalchemy.orm import Session

from kehu_desktop.forms import printing
from kehu_desktop.forms.definition import FormDefinition, copy_to_user_folder, load_catalog
from kehu_desktop.forms.paper import PAPERS, with_margins
from kehu_desktop.forms.pdf import calibration_page
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.settings import FIRM_NAME
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.list_view import fit_columns
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.printing.print_dialog import printer_names

Index = QModelIndex | QPersistentModelIndex


class _SettingsTable(QAbstractTableModel):
    """A settings table: one row per form or paper, named in the first column (read-only),
    its settings in the others (editable) under ``HEADERS``."""

    HEADERS: tuple[str, ...] = ()
    _rows: list

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid() or index.column() == 0:
            return flags
        return flags | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class FormCodesModel(_SettingsTable):
    """One row per form: title (read-only), code, revision, paper key (editable)."""

    HEADERS = ("表单", "表单编号", "版本", "默认纸张")

    def __init__(self, rows: list[list[str]], keys: list[str], parent=None) -> None:
        super().__init__(parent)
        self._rows = rows
        self._keys = keys

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

    def set_rows(self, rows: list[list[str]], keys: list[str]) -> None:
        self.beginResetModel()
        self._rows, self._keys = rows, keys
        self.endResetModel()

    def key_at(self, row: int) -> str:
        return self._keys[row]

    def overrides(self) -> dict[str, dict[str, str]]:
        return {
            key: {"code": row[1], "revision": row[2], "paper": row[3]}
            for key, row in zip(self._keys, self._rows, strict=True)
        }


class PaperMarginsModel(_SettingsTable):
    """One row per paper: its name and the left, right, top and bottom margins in mm."""

    HEADERS = ("纸张", "左", "右", "上", "下")
    SIDES = ("left", "right", "top", "bottom")

    def __init__(self, margins: dict[str, dict[str, float]], parent=None) -> None:
        super().__init__(parent)
        self._keys = list(PAPERS)
        self._rows = self._with(margins)

    def _with(self, margins: dict[str, dict[str, float]]) -> list[dict[str, float]]:
        return [PAPERS[k].margins() | margins.get(k, {}) for k in self._keys]

    def set_margins(self, margins: dict[str, dict[str, float]]) -> None:
        self.beginResetModel()
        self._rows = self._with(margins)
        self.endResetModel()

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


@dataclass(frozen=True)
class _Loaded:
    firm: str
    forms: list[FormDefinition]
    offsets: dict[str, list[float]]
    margins: dict[str, dict[str, float]]


class FormSettingsDialog(EditDialog):
    """Saved by 主管/管理员 (the service refuses anyone else)."""

    record_label = "表单设置"
    changes = ("settings",)

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, None, "公司与表单设置", parent)
        self._data_dir = ops.context.database.data_dir
        self._offsets: dict[str, list[float]] = {}
        self.firm = QLineEdit(objectName="firmName")
        self.firm.setPlaceholderText("印在每张表单顶部，如：东莞市华达精密五金有限公司")
        self.model = FormCodesModel([], [], self)
        self.table = QTableView(objectName="formCodes")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(3, PaperDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumHeight(200)
        copy_button = QPushButton("复制所选表单定义到数据文件夹(&D)…", objectName="copyDefinition")
        copy_button.setEnabled(self._data_dir is not None)
        copy_button.clicked.connect(self.copy_definition)

        self.printer = QComboBox(objectName="offsetPrinter")
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
        calibrate = QPushButton("保存套打校准页 PDF(&P)…", objectName="saveCalibration")
        calibrate.clicked.connect(lambda: self.save_calibration())
        calibration_row = QHBoxLayout()
        calibration_row.addWidget(self.calibration_paper, 1)
        calibration_row.addWidget(calibrate)
        offset_form.addRow("校准页", calibration_row)
        offset_form.addRow(
            QLabel("打印校准页，量出十字偏离标注位置多少毫米，把差值填入上面的偏移。")
        )

        self.margins = PaperMarginsModel({}, self)
        self.margin_table = QTableView(objectName="paperMargins")
        self.margin_table.setModel(self.margins)
        self.margin_table.verticalHeader().hide()
        self.margin_table.horizontalHeader().setStretchLastSection(True)
        self.margin_table.setMinimumHeight(160)
        margin_box = QGroupBox("纸张边距（毫米；连续纸左右须留出导孔边）")
        QVBoxLayout(margin_box).addWidget(self.margin_table)

        self.add_field("公司名称", self.firm, "firm")
        self.add_widget(self.table, 1)
        self.add_widget(copy_button)
        self.add_widget(offsets)
        self.add_widget(margin_box)
        self.resize(680, 800)
        self.load_settings(self._read, self._fill)

    def _read(self, session: Session) -> _Loaded:
        catalog = load_catalog(self._data_dir)
        return _Loaded(
            FIRM_NAME.get(session),
            [printing.effective_definition(session, d) for d in catalog.forms.values()],
            {k: list(v) for k, v in printing.PRINT_OFFSETS.get(session).items()},
            printing.PAPER_MARGINS.get(session),
        )

    def _fill(self, loaded: _Loaded) -> None:
        self.firm.setText(loaded.firm)
        rows = [[d.title, d.code, d.revision, d.paper] for d in loaded.forms]
        self.model.set_rows(rows, [d.key for d in loaded.forms])
        fit_columns(self.table)
        self.margins.set_margins(loaded.margins)
        fit_columns(self.margin_table)
        self._offsets = loaded.offsets
        self.printer.blockSignals(True)
        self.printer.clear()
        self.printer.addItems(sorted(set(printer_names()) | set(self._offsets)))
        self.printer.blockSignals(False)
        self._show_offset(self.printer.currentText())

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
        key, folder = self.model.key_at(row), self._data_dir
        self.ops.run(
            self,
            lambda _progress: copy_to_user_folder(key, folder),
            lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))),
            title="复制表单定义",
        )

    def current_input(self) -> tuple:
        offsets = {printer: list(pair) for printer, pair in self._offsets.items()}
        return self.firm.text(), self.model.overrides(), offsets, self.margins.margins()

    def submit(self, session: Session) -> None:
        firm, overrides, offsets, margins = self.submitted_input
        printing.save_settings(
            session, self.ops.operator, firm, overrides, offsets, margins, self.seen_settings
        )
