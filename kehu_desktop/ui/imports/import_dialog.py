"""导入 Excel: choose a file, confirm which column is what, look at the preview, import.

Reading and writing go through ``Operations`` (off the GUI thread). The mapping is shown with
the header and the first values of each column; changing a column's field previews again.
Nothing is written until 导入 (refused while errors remain) or 只导入正确的行.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.imports import columns, commit, preview, reader, templates
from kehu_desktop.services.imports.plan import ImportPreview, ImportRequest
from kehu_desktop.ui.common.errors import show_error, user_message
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel, display_text
from kehu_desktop.ui.common.screen import fit_to_screen

CHANGES = {"customers": ("customers", "contacts"), "visits": ("visits",),
           "complaints": ("complaints",), "service-requests": ("service",),
           "key-accounts": ("key_accounts",)}  # fmt: skip


PAGE_TITLES = {"creates": "新增", "updates": "更新", "duplicates": "疑似重复", "errors": "错误"}


class MappingTableModel(QAbstractTableModel):
    """One row per column of the sheet: its letter, header, first values and the field it is
    imported as (editable)."""

    HEADERS = ("列", "表头", "示例", "导入为")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.kind = "customers"
        self.header: list[str] = []
        self.samples: list[list[str]] = []
        self.mapping: list[str] = []
        self.choices: list[tuple[str, str]] = []

    def load(self, plan: ImportPreview) -> None:
        self.beginResetModel()
        self.kind, self.header, self.mapping = plan.kind, plan.header, list(plan.mapping)
        self.samples = plan.samples
        self.choices = columns.choices_for(plan.kind, len(plan.header))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.header)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 3 else base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
        ):
            return None
        row, column = index.row(), index.column()
        if column == 0:
            return _letter(row)
        if column == 1:
            return self.header[row]
        if column == 2:
            values = [s[row] for s in self.samples if row < len(s) and s[row]]
            return "、".join(values[:3])
        key = self.mapping[row]
        return key if role == Qt.ItemDataRole.EditRole else columns.field_label(self.kind, key)

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if index.column() != 3 or role != Qt.ItemDataRole.EditRole:
            return False
        if value and value in self.mapping:
            self.mapping[self.mapping.index(value)] = ""  # a field is imported from one column
            self.dataChanged.emit(self.index(0, 3), self.index(len(self.mapping) - 1, 3))
        self.mapping[index.row()] = value
        self.dataChanged.emit(index, index)
        return True


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class FieldChoiceDelegate(QStyledItemDelegate):
    """The 导入为 cell edits as a drop-down of the kind's fields."""

    def __init__(self, model: MappingTableModel, parent=None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(self, parent, _option, _index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        for key, label in self._model.choices:
            combo.addItem(label, key)
        return combo

    def setEditorData(self, editor: QComboBox, index) -> None:  # noqa: N802
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QComboBox, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentData())


class ImportDialog(QDialog):
    """Signals: ``imported(object)`` with the ``ImportResult`` once an import is written."""

    imported = Signal(object)

    def __init__(
        self, ops: Operations, layout: LayoutMemory, kind: str = "customers", parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.setWindowTitle("导入 Excel")
        self.ops = ops
        self._layout = layout
        self.plan: ImportPreview | None = None
        self.mapping_changed = False
        self.result_value: commit.ImportResult | None = None

        self.kind_box = QComboBox(objectName="importKind")
        for key, label in columns.KINDS.items():
            self.kind_box.addItem(label, key)
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
        self.path_edit = QLineEdit(objectName="importPath", readOnly=True)
        self.path_edit.setPlaceholderText("请选择 .xlsx、.xls 或 .csv 文件")
        choose = QPushButton("选择文件(&O)…", objectName="chooseFile")
        choose.clicked.connect(lambda: self.choose_file())
        self.sheet_box = QComboBox(objectName="importSheet")
        self.sheet_box.activated.connect(lambda _i: self.refresh(keep_mapping=False))
        template = QPushButton("下载导入模板…", objectName="downloadTemplate")
        template.clicked.connect(lambda: self.save_template())
        self.kind_box.activated.connect(lambda _i: self.refresh(keep_mapping=False))
        top = QHBoxLayout()
        top.addWidget(QLabel("导入内容："))
        top.addWidget(self.kind_box)
        top.addWidget(self.path_edit, 1)
        top.addWidget(choose)
        top.addWidget(QLabel("工作表："))
        top.addWidget(self.sheet_box)
        top.addWidget(template)

        self.mapping_model = MappingTableModel(self)
        self.mapping_view = QTableView(objectName="mappingView")
        self.mapping_view.setModel(self.mapping_model)
        self.mapping_view.setItemDelegateForColumn(3, FieldChoiceDelegate(self.mapping_model, self))
        self.mapping_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.mapping_view.verticalHeader().hide()
        self.mapping_model.dataChanged.connect(lambda *_a: self._mapping_edited())
        self.header_label = QLabel(objectName="headerLabel")
        mapping_page = QWidget()
        mapping_box = QVBoxLayout(mapping_page)
        mapping_box.addWidget(self.header_label)
        mapping_box.addWidget(self.mapping_view)

        self.creates_model = RecordTableModel(
            [
                Column("行号", lambda p: "、".join(map(str, p.rows))),
                Column("名称", lambda p: p.label),
                Column("内容", _describe_values),
            ]  # fmt: skip
        )
        self.updates_model = RecordTableModel(
            [
                Column("行号", lambda p: "、".join(map(str, p.rows))),
                Column("客户", lambda p: p.label),
                Column("修改（原 → 新）", lambda p: "\n".join(c.describe() for c in p.changes)),
            ]  # fmt: skip
        )
        self.duplicates_model = RecordTableModel(
            [
                Column("行号", lambda d: d.row),
                Column("名称", lambda d: d.label),
                Column("相似的", lambda d: d.other),
                Column("原因", lambda d: d.reason),
            ]  # fmt: skip
        )
        self.errors_model = RecordTableModel(
            [
                Column("行号", lambda e: e.row),
                Column("列", lambda e: e.column),
                Column("原因", lambda e: e.reason, lambda _e: "warning"),
            ]  # fmt: skip
        )
        self.pages = QTabWidget(objectName="importPages")
        self.pages.addTab(mapping_page, "列对应")
        self.preview_tabs: dict[str, QTableView] = {}
        for key, model in (
            ("creates", self.creates_model),
            ("updates", self.updates_model),
            ("duplicates", self.duplicates_model),
            ("errors", self.errors_model),
        ):
            view = QTableView(objectName=f"{key}View")
            view.setModel(model)
            view.verticalHeader().hide()
            view.horizontalHeader().setStretchLastSection(True)
            view.setWordWrap(True)
            self.preview_tabs[key] = view
            self.pages.addTab(view, PAGE_TITLES[key])

        self.summary_label = QLabel(objectName="importSummary", wordWrap=True)
        self.import_button = QPushButton("导入(&I)", objectName="importButton")
        self.import_button.clicked.connect(lambda: self.start_import(good_rows_only=False))
        self.good_rows_button = QPushButton("只导入正确的行", objectName="goodRowsButton")
        self.good_rows_button.clicked.connect(lambda: self.start_import(good_rows_only=True))
        close = QPushButton("关闭", objectName="closeButton")
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.good_rows_button)
        bottom.addWidget(self.import_button)
        bottom.addWidget(close)

        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.pages, 1)
        box.addLayout(bottom)
        self._update_buttons()
        if not layout.restore_geometry("import_dialog", self):
            self.resize(980, 620)

    # --- choosing ------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self.kind_box.currentData()

    def choose_file(self, path: Path | None = None) -> None:
        if path is None:
            name, _filter = QFileDialog.getOpenFileName(
                self, "选择要导入的文件", "", reader.FILE_FILTER
            )
            if not name:
                return
            path = Path(name)
        self.path_edit.setText(str(path))
        self.sheet_box.clear()
        self.refresh(keep_mapping=False)

    def save_template(self, path: Path | None = None) -> None:
        if path is None:
            suggested = f"{columns.KINDS[self.kind]}导入模板.xlsx"
            name, _filter = QFileDialog.getSaveFileName(
                self, "保存导入模板", suggested, "Excel (*.xlsx)"
            )
            if not name:
                return
            path = Path(name)
        kind = self.kind
        self.ops.query(
            self,
            lambda session: templates.write_template(session, kind, path),
            lambda _r: self.summary_label.setText(f"已保存导入模板：{path}"),
            title="无法保存模板",
        )

    def _request(self, keep_mapping: bool) -> ImportRequest | None:
        if not self.path_edit.text():
            return None
        mapping = tuple(self.mapping_model.mapping) if keep_mapping else None
        return ImportRequest(
            self.kind, Path(self.path_edit.text()), self.sheet_box.currentText() or None, mapping
        )

    def refresh(self, keep_mapping: bool = True) -> None:
        """Preview again (after a file, sheet, kind or mapping change)."""
        request = self._request(keep_mapping)
        if request is None:
            return
        if not keep_mapping:
            self.mapping_changed = False
        self.summary_label.setText("正在读取…")
        self.import_button.setEnabled(False)
        self.good_rows_button.setEnabled(False)
        self.ops.query(
            self,
            lambda session: preview.build(session, request),
            self.show_preview,
            failure=self._failed,
            progress_label="正在读取文件…",
        )

    def _failed(self, error: Exception) -> None:
        self.plan = None
        message = user_message(error)
        if message is None:  # a bug: reported with its traceback
            show_error(self, "无法读取文件", error)
            message = "读取失败。"
        self.summary_label.setText(message)
        self._update_buttons()

    def show_preview(self, plan: ImportPreview) -> None:
        self.plan = plan
        if self.sheet_box.count() == 0:
            self.sheet_box.addItems(list(plan.sheet_names))
        self.mapping_model.load(plan)
        fit_columns(self.mapping_view)
        self.mapping_view.setColumnWidth(3, max(160, self.mapping_view.columnWidth(3)))
        self.header_label.setText(
            f"第 {plan.header_row} 行是表头。请核对每一列导入为什么，可在“导入为”一栏更改；"
            "同样格式的文件下次会记住这里的选择。"
        )
        self.creates_model.set_rows(plan.creates)
        self.updates_model.set_rows(plan.updates)
        self.duplicates_model.set_rows(plan.duplicates)
        self.errors_model.set_rows(plan.errors)
        counts = {
            "creates": len(plan.creates),
            "updates": len(plan.updates),
            "duplicates": len(plan.duplicates),
            "errors": plan.error_rows,
        }
        for key, count in counts.items():
            index = self.pages.indexOf(self.preview_tabs[key])
            self.pages.setTabText(index, f"{PAGE_TITLES[key]} ({count:,})")
        for view in self.preview_tabs.values():
            fit_columns(view)
            view.resizeRowsToContents()  # an update lists one changed field per line
        lines = [plan.summary(), plan.unchanged_note(), self._refusal()]
        self.summary_label.setText("\n".join(line for line in lines if line))
        self._update_buttons()

    def _mapping_edited(self) -> None:
        if self.plan is not None and self.mapping_model.mapping != self.plan.mapping:
            self.mapping_changed = True
            self.refresh(keep_mapping=True)

    def _refusal(self) -> str | None:
        """Why the signed-in operator may not import this kind (the service refuses too)."""
        return commit.refusal(self.kind, self.ops.operator.role)

    def _update_buttons(self) -> None:
        plan = self.plan
        writable = plan is not None and bool(plan.creates or plan.updates)
        writable = writable and not self._refusal()
        self.import_button.setEnabled(writable and not plan.errors)
        self.good_rows_button.setEnabled(writable and bool(plan.errors))

    # --- importing -----------------------------------------------------------------------

    def start_import(self, good_rows_only: bool) -> None:
        request = self._request(keep_mapping=True)
        seen = self.plan
        if request is None or seen is None:
            return
        self.import_button.setEnabled(False)
        self.good_rows_button.setEnabled(False)
        self.ops.write(
            self,
            lambda session: commit.run(session, request, good_rows_only=good_rows_only, seen=seen),
            CHANGES[request.kind],
            self._imported,
            failure=self._failed,
            progress_label="正在导入…",
        )

    def _imported(self, result: commit.ImportResult) -> None:
        self.result_value = result
        self.mapping_changed = False
        self.summary_label.setText(result.describe() + " 如有差错，可用 管理 → 撤销本次导入。")
        self.plan = None
        self._update_buttons()
        self.imported.emit(result)

    # --- closing -------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        fit_to_screen(self)

    def reject(self) -> None:
        """A mapping the user changed and has not imported is not dropped without asking."""
        if self.mapping_changed:
            answer = QMessageBox.question(
                self, "放弃导入", "列对应已经修改，尚未导入。确定关闭吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._layout.save_geometry("import_dialog", self)
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802
        event.ignore()
        self.reject()


def _describe_values(planned) -> str:
    values = [
        display_text(planned.words.get(k, v))
        for k, v in planned.values.items()
        if k != "name" and not k.endswith("_id") and v not in (None, "", planned.label)
    ]
    people = [str(p.get("name")) for p in planned.contacts]
    text = "，".join(values[:6])
    if people:
        text += f"；联系人：{'、'.join(people)}"
    return text
