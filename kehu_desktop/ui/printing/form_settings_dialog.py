"""公司与表单设置: the firm's name, each form's code, revision and paper, 套打 offsets."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
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
from kehu_desktop.forms.paper import PAPERS
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
        self._show_offset(self.printer.currentText())

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
        box.addWidget(buttons)
        self.resize(640, 620)

    def _show_offset(self, printer: str) -> None:
        x, y = self._offsets.get(printer, (0.0, 0.0))
        for box, value in ((self.offset_x, x), (self.offset_y, y)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)

    def _keep_offset(self) -> None:
        self._offsets[self.printer.currentText()] = [self.offset_x.value(), self.offset_y.value()]

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
                )
        except UserError as error:
            show_error(self, "无法保存", error)
            return
        self.accept()
