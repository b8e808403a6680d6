"""The customer file dialog: the four parts, the contacts, and the history from other desks."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.customers import customer_files, duplicates
from kehu_desktop.services.customers.customer_fields import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    FieldSpec,
    Kind,
    Part,
)
from kehu_desktop.ui.common.attachments_panel import AttachmentsPanel
from kehu_desktop.ui.common.date_edit import DateEdit
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.editable_rows import (
    EditableColumn,
    EditableRowsModel,
    install_delegates,
    row_buttons,
)
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations, started_once_painted
from kehu_desktop.ui.complaints.complaint_history_page import ComplaintHistoryPage
from kehu_desktop.ui.visits.visit_history import VisitHistoryPage

PLACEHOLDERS = {
    Kind.DATE: "如 2026-11-22",
    Kind.MONEY: "如 50000.00",
    Kind.AREA: "平方米",
    Kind.INTEGER: "整数",
}
CONTACT_COLUMNS = [
    EditableColumn(
        f.name, f.label, f.choices, PLACEHOLDERS.get(f.kind, ""), date=f.kind == Kind.DATE
    )
    for f in CONTACT_FIELDS
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


@dataclass(frozen=True)
class _Loaded:
    input: customer_files.CustomerInput
    staff: list[tuple[int, str]]


class CustomerDialog(EditDialog):
    """Opens a new file (``customer_id`` None) or an existing one; saves through the service.

    The file is read through the operations helper while the dialog opens. Before a new file
    is saved, existing files it looks like (credit code, name, phone) are looked up; if any,
    the user chooses to save anyway, to open the existing file, or to go back.

    Signals: ``open_requested(int)`` when the user asks to see an existing file a new one looks
    like (this dialog stays open with what was typed).
    """

    open_requested = Signal(int)

    record_label = "客户档案"
    changes = ("customers", "contacts", "sales")

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        customer_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "新建客户" if customer_id is None else "客户档案"
        super().__init__(ops, layout, title, parent, scrolling=False)
        self._customer_id = customer_id
        self._input = customer_files.CustomerInput(values={})
        self._fields: dict[str, QWidget] = {}

        self.tabs = QTabWidget(objectName="customerTabs")
        for part in (Part.BASIC, Part.CREDIT, Part.BUSINESS):
            self.tabs.addTab(self._form_page(part), part.value)
        self.sales_page = self._sales_page()
        self.contacts_page = self._contacts_page()
        self.tabs.addTab(self.sales_page, Part.SALES.value)
        self.tabs.addTab(self.contacts_page, "联系人")
        with started_once_painted(self):  # their reads wait until the file is on screen
            self._add_history_pages(customer_id)
        self.add_widget(self.tabs, 1)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.resize(760, 600)
        code = self._fields["code"]
        if isinstance(code, QLineEdit):
            code.setPlaceholderText(self.tr("保存时自动编号，也可自行填写"))
        self.load(self._read, self._fill)

    @property
    def saved_id(self) -> int | None:
        return self.result_value  # type: ignore[return-value]

    # --- building ------------------------------------------------------------------------

    def _editor(self, spec: FieldSpec) -> QWidget:
        editor: QWidget
        if spec.kind == Kind.LONG_TEXT:
            editor = QPlainTextEdit()
            editor.setFixedHeight(80)
        elif spec.kind == Kind.CHOICE:
            editor = QComboBox()
            editor.addItems(list(spec.choices))
        elif spec.kind == Kind.STAFF:
            editor = QComboBox()  # filled with the staff once the file is read
        elif spec.kind == Kind.DATE:
            editor = DateEdit(optional=True)
        else:
            editor = QLineEdit()
            # No setMaxLength: it would cut pasted text silently; the service says what is too long.
            editor.setPlaceholderText(PLACEHOLDERS.get(spec.kind, ""))
        editor.setObjectName(f"field_{spec.name}")
        self._fields[spec.name] = editor
        self.register_editor(spec.name, editor)
        return editor

    def _form_page(self, part: Part) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for spec in CUSTOMER_FIELDS:
            if spec.part == part:
                label = f"{spec.label}{' *' if spec.required else ''}"
                form.addRow(label, self._editor(spec))
        # A long page scrolls, so the dialog fits a 1366×768 screen.
        scroll = QScrollArea(objectName=f"page_{part.name.lower()}")
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
        install_delegates(view, model.columns)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        layout.addLayout(row_buttons(view, model, add_text, "删除所选行(&D)"))
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
        box, self.sales_view = self._rows_editor(self.sales_model, "salesTable", "添加月份(&M)")
        layout.addWidget(box)
        return page

    def _contacts_page(self) -> QWidget:
        self.contacts_model = EditableRowsModel(CONTACT_COLUMNS, self)
        box, self.contacts_view = self._rows_editor(
            self.contacts_model, "contactsTable", "添加联系人(&A)"
        )
        return box

    def _add_history_pages(self, customer_id: int | None) -> None:
        """Pages the other desks show inside the file (visits, complaints); none for a new file."""
        if customer_id is not None:
            self.visits_page = VisitHistoryPage(self.ops, self._layout_memory, customer_id, self)
            self.tabs.addTab(self.visits_page, "拜访记录")
            self.complaints_page = ComplaintHistoryPage(
                self.ops, self._layout_memory, customer_id, self
            )
            self.tabs.addTab(self.complaints_page, "投诉记录")
            # Scanned contracts, licences, photos of the site: kept with the file.
            self.attachments_page = AttachmentsPanel(self.ops, "customer", customer_id)
            self.tabs.addTab(self.attachments_page, "附件")

    # --- values --------------------------------------------------------------------------

    def _read(self, session: Session) -> _Loaded:
        if self._customer_id is None:
            data = customer_files.new_input(session, self.ops.operator.id)
        else:
            data = customer_files.load_input(session, self._customer_id)
        owner = data.values.get("owner_id")
        staff = customer_files.staff_choices(session, keep=int(owner) if owner else None)
        return _Loaded(data, staff)

    def _fill(self, loaded: _Loaded) -> None:
        data = self._input = loaded.input
        if self._customer_id is not None:
            archived = "（已归档）" if data.archived else ""
            self.setWindowTitle(f"客户档案 — {data.values['name']}{archived}")
        for spec in CUSTOMER_FIELDS:
            if spec.kind == Kind.STAFF:
                combo = self._fields[spec.name]
                assert isinstance(combo, QComboBox)
                combo.clear()
                combo.addItem("（未指定）", "")
                for staff_id, name in loaded.staff:
                    combo.addItem(name, str(staff_id))
        for name, editor in self._fields.items():
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
            elif isinstance(editor, DateEdit):
                editor.set_value(value)
            elif isinstance(editor, QLineEdit):
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
        for name, editor in self._fields.items():
            if isinstance(editor, QComboBox):
                data = editor.currentData()
                values[name] = data if data is not None else editor.currentText()
            elif isinstance(editor, QPlainTextEdit):
                values[name] = editor.toPlainText()
            elif isinstance(editor, DateEdit):
                values[name] = editor.text_value()
            elif isinstance(editor, QLineEdit):
                values[name] = editor.text()
        return customer_files.CustomerInput(
            values=values,
            contacts=self.contacts_model.rows(),
            sales=self.sales_model.rows(),
            id=self._input.id,
            version=self._input.version,
        )

    # --- saving --------------------------------------------------------------------------

    def save(self) -> None:
        data = self.current_input()
        if data.id is not None or self.saving or self.loading:
            super().save()
            return
        values = data.values
        phones = [values.get("phone", "")] + [c.get("mobile", "") for c in data.contacts]
        self.saving = True  # the look-up is the first step of saving a new file
        self.ops.query(
            self,
            lambda session: duplicates.look_alikes(
                session, values.get("name", ""), phones, values.get("credit_code", "")
            ),
            self._save_unless_duplicate,
            failure=self._look_up_failed,
        )

    def _look_up_failed(self, error: Exception) -> None:
        self.saving = False
        show_error(self, self.windowTitle(), error)

    def _save_unless_duplicate(self, alikes: list[duplicates.LookAlike]) -> None:
        self.saving = False
        if alikes:
            box = QMessageBox(self)
            box.setObjectName("lookAlikeWarning")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("可能重复的客户")
            box.setText("已有相似的客户档案：\n" + "\n".join(a.describe() for a in alikes))
            box.setInformativeText("仍要新建这位客户吗？")
            save = box.addButton("仍然保存", QMessageBox.ButtonRole.AcceptRole)
            open_existing = box.addButton("打开已有档案", QMessageBox.ButtonRole.ActionRole)
            box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
            self.look_alike_box = box
            box.exec()
            if box.clickedButton() is open_existing:
                self.open_requested.emit(alikes[0].id)
            if box.clickedButton() is not save:
                return
        super().save()

    def submit(self, session: Session) -> int:
        return customer_files.save(session, self.submitted_input)

    def show_errors(self, messages: dict[str, str]) -> None:
        """Also turn to the page of the first problem (a field, a contact or a sales row)."""
        super().show_errors(messages)
        if not messages:
            return
        first = next(iter(messages))
        if not first:  # a refusal of the whole file, not of one field
            return
        if first in self._fields:
            target = self._fields[first]
        elif first.startswith("contact."):
            target = self.contacts_page
        else:
            target = self.sales_page
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if page is target or page.isAncestorOf(target):
                self.tabs.setCurrentIndex(index)
        target.setFocus()
