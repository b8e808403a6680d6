"""The customer file dialog: the four parts, the contacts, and the history from other desks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.customers.customer_fields import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    FieldSpec,
    Kind,
    Part,
)
from kehu_desktop.ui.common.dialog_parts import ERROR_STYLE, error_label, ok_cancel
from kehu_desktop.ui.common.editable_rows import ChoiceDelegate, EditableColumn, EditableRowsModel
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.record_dialog import RecordDialog
from kehu_desktop.ui.complaints.complaint_history_page import ComplaintHistoryPage
from kehu_desktop.ui.visits.visit_history import VisitHistoryPage

PLACEHOLDERS = {
    Kind.DATE: "如 2026-11-22",
    Kind.MONEY: "如 50000.00",
    Kind.AREA: "平方米",
    Kind.INTEGER: "整数",
}
CONTACT_COLUMNS = [
    EditableColumn(f.name, f.label, f.choices, PLACEHOLDERS.get(f.kind, "")) for f in CONTACT_FIELDS
] + [
    EditableColumn(
        "important_dates", "重要日期", placeholder="如：结婚纪念日 2015-05-20；公司周年 2010-08-08"
    )
]
SALES_COLUMNS = [
    EditableColumn("month", "月份", placeholder="如 2026-11"),
    EditableColumn("amount", "销售金额（元）"),
    EditableColumn("quantity", "销售数量"),
]


class CustomerDialog(RecordDialog):
    """Opens a new file (``customer_id`` None) or an existing one; saves through the service."""

    record_label = "客户档案"
    geometry_key = "customer_dialog"

    def __init__(
        self,
        context: DeskContext,
        layout: LayoutMemory,
        customer_id: int | None = None,
        parent=None,
    ) -> None:
        super().__init__(layout, parent)
        self.setObjectName("customerDialog")
        self._context = context
        with context.reader() as session:
            self._input = (
                customer_files.new_input(session, context.operator.id)
                if customer_id is None
                else customer_files.load_input(session, customer_id)
            )
            owner = self._input.values.get("owner_id")
            self._staff = customer_files.staff_choices(session, keep=int(owner) if owner else None)
        self.saved_id: int | None = None
        if customer_id is None:
            self.setWindowTitle("新建客户")
        else:
            archived = "（已归档）" if self._input.archived else ""
            self.setWindowTitle(f"客户档案 — {self._input.values['name']}{archived}")

        self.tabs = QTabWidget(objectName="customerTabs")
        for part in (Part.BASIC, Part.CREDIT, Part.BUSINESS):
            self.tabs.addTab(self._form_page(part), part.value)
        self.sales_page = self._sales_page()
        self.contacts_page = self._contacts_page()
        self.tabs.addTab(self.sales_page, Part.SALES.value)
        self.tabs.addTab(self.contacts_page, "联系人")
        self._add_history_pages(customer_id)

        self.error_label = error_label()
        self.error_label.show()  # shown and hidden with its scroll area
        # A long list of problems scrolls instead of squeezing the form.
        self.error_area = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        self.error_area.setWidget(self.error_label)
        self.error_area.setMaximumHeight(96)
        self.error_area.hide()
        buttons = ok_cancel(self, "保存(&S)", self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        layout_box = QVBoxLayout(self)
        layout_box.addWidget(self.tabs)
        layout_box.addWidget(self.error_area)
        layout_box.addWidget(buttons)
        self._fill(self._input)
        self._initial = self.current_input()
        if not layout.restore_geometry("customer_dialog", self):
            self.resize(760, 600)

    # --- building ------------------------------------------------------------------------

    def _editor(self, spec: FieldSpec) -> QWidget:
        if spec.kind == Kind.LONG_TEXT:
            editor = QPlainTextEdit()
            editor.setFixedHeight(80)
        elif spec.kind == Kind.CHOICE:
            editor = QComboBox()
            editor.addItems(list(spec.choices))
        elif spec.kind == Kind.STAFF:
            editor = QComboBox()
            editor.addItem("（未指定）", "")
            for staff_id, name in self._staff:
                editor.addItem(name, str(staff_id))
        else:
            editor = QLineEdit()
            # No setMaxLength: it would cut pasted text silently; the service says what is too long.
            editor.setPlaceholderText(PLACEHOLDERS.get(spec.kind, ""))
        editor.setObjectName(f"field_{spec.name}")
        self._editors[spec.name] = editor
        return editor

    def _form_page(self, part: Part) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for spec in CUSTOMER_FIELDS:
            if spec.part == part:
                label = f"{spec.label}{' *' if spec.required else ''}"
                form.addRow(label, self._editor(spec))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _rows_editor(
        self, model: EditableRowsModel, name: str, add_text: str
    ) -> tuple[QWidget, QTableView]:
        view = QTableView(objectName=name)
        view.setModel(model)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setStretchLastSection(True)
        for column, spec in enumerate(model.columns):
            if spec.choices:
                view.setItemDelegateForColumn(column, ChoiceDelegate(spec.choices, view))
        add = QPushButton(add_text)
        remove = QPushButton("删除所选行")
        add.clicked.connect(lambda: view.edit(model.index(model.add_row(), 0)))
        remove.clicked.connect(lambda: model.remove_row(view.currentIndex().row()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch()
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        layout.addLayout(buttons)
        return box, view

    def _sales_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        for spec in CUSTOMER_FIELDS:
            if spec.part == Part.SALES:
                form.addRow(spec.label, self._editor(spec))
        layout.addLayout(form)
        self.sales_model = EditableRowsModel(SALES_COLUMNS, self)
        box, self.sales_view = self._rows_editor(self.sales_model, "salesTable", "添加月份")
        layout.addWidget(box)
        return page

    def _contacts_page(self) -> QWidget:
        self.contacts_model = EditableRowsModel(CONTACT_COLUMNS, self)
        box, self.contacts_view = self._rows_editor(
            self.contacts_model, "contactsTable", "添加联系人"
        )
        return box

    def _add_history_pages(self, customer_id: int | None) -> None:
        """Pages the other desks show inside the file (visits, complaints); none for a new file."""
        if customer_id is not None:
            self.visits_page = VisitHistoryPage(
                self._context, self._layout_memory, customer_id, self
            )
            self.tabs.addTab(self.visits_page, "拜访记录")
            self.complaints_page = ComplaintHistoryPage(
                self._context, self._layout_memory, customer_id, self
            )
            self.tabs.addTab(self.complaints_page, "投诉记录")

    # --- values --------------------------------------------------------------------------

    def _fill(self, data: customer_files.CustomerInput) -> None:
        for name, editor in self._editors.items():
            value = data.values.get(name, "")
            if isinstance(editor, QComboBox):
                index = (
                    editor.findData(value)
                    if editor.itemData(0) is not None
                    else editor.findText(value)
                )
                editor.setCurrentIndex(max(index, 0))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            else:
                editor.setText(value)
        self.contacts_model.set_rows(data.contacts)
        self.sales_model.set_rows(data.sales)

    def _commit_open_editors(self) -> None:
        """A contact or sales cell still being typed in counts as typed (Ctrl+S mid-cell)."""
        for view in (self.contacts_view, self.sales_view):
            for editor in view.viewport().findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            ):
                view.commitData(editor)

    def current_input(self) -> customer_files.CustomerInput:
        self._commit_open_editors()
        values = {}
        for name, editor in self._editors.items():
            if isinstance(editor, QComboBox):
                data = editor.currentData()
                values[name] = data if data is not None else editor.currentText()
            elif isinstance(editor, QPlainTextEdit):
                values[name] = editor.toPlainText()
            else:
                values[name] = editor.text()
        return customer_files.CustomerInput(
            values=values,
            contacts=self.contacts_model.rows(),
            sales=self.sales_model.rows(),
            id=self._input.id,
            version=self._input.version,
        )

    # --- saving and closing ----------------------------------------------------------------

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, editor in self._editors.items():
            editor.setStyleSheet(ERROR_STYLE if name in errors else "")
        self.error_label.setText("\n".join(errors.values()))
        self.error_area.show()
        first = next(iter(errors))
        if first in self._editors:
            target = self._editors[first]
        elif first.startswith("contact."):
            target = self.contacts_page
        else:
            target = self.sales_page
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if page is target or page.isAncestorOf(target):
                self.tabs.setCurrentIndex(index)
        target.setFocus()

    def save(self) -> bool:
        data = self.current_input()
        try:
            with self._context.session() as session:
                self.saved_id = customer_files.save(session, data)
        except ValidationError as error:
            self._show_errors(error.errors)
            return False
        except Exception as error:  # locked store, a clash with another desk, …: said, not lost
            show_error(self, "无法保存", error)
            return False
        self._initial = data
        self.remember_geometry()
        self.accept()
        return True
