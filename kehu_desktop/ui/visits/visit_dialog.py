"""The visit record dialog (客户访问记录表 / 客户接待表) and the customer picker it shares."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.complaints.choices import SATISFACTION_LEVELS
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.visits import visit_records
from kehu_desktop.services.visits.visit_plans import COMPLAINT_REVISIT, METHODS, PURPOSES
from kehu_desktop.ui.common.dialog_parts import ERROR_STYLE, error_label, ok_cancel
from kehu_desktop.ui.common.editable_rows import ChoiceDelegate, EditableColumn, EditableRowsModel
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.record_dialog import RecordDialog

SEARCH_DELAY_MS = 200


class CustomerPicker(QWidget):
    """Type part of a code, name, pinyin initials or phone; pick from the matches.

    Signals: ``customer_changed(object)`` with the chosen customer id (or None).
    """

    customer_changed = Signal(object)

    def __init__(self, context: DeskContext, name: str = "customerPicker", parent=None) -> None:
        super().__init__(parent)
        self._context = context
        self.search = QLineEdit(objectName=f"{name}Search", clearButtonEnabled=True)
        self.search.setPlaceholderText("输入编号、名称、拼音首字母或电话查找")
        self.choice = QComboBox(objectName=name)
        self.choice.setMinimumWidth(260)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._refill)
        self.search.textChanged.connect(self._timer.start)
        self.choice.currentIndexChanged.connect(lambda _i: self.customer_changed.emit(self.value()))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search, 1)
        box.addWidget(self.choice, 2)
        self._refill()

    def _refill(self) -> None:
        current = self.value()
        with self._context.reader() as session:
            found = customer_files.customer_choices(session, self.search.text(), limit=50)
            if current is not None and current not in {i for i, _ in found}:
                found.insert(0, (current, customer_files.customer_label(session, current)))
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem("（请选择客户）", None)
        for customer_id, label in found:
            self.choice.addItem(label, customer_id)
        index = self.choice.findData(current) if current is not None else -1
        if index < 0 and len(found) == 1:
            index = 1
        self.choice.setCurrentIndex(max(index, 0))
        self.choice.blockSignals(False)
        if self.value() != current:
            self.customer_changed.emit(self.value())

    def set_value(self, customer_id: int | None) -> None:
        if customer_id is not None and self.choice.findData(customer_id) < 0:
            with self._context.reader() as session:
                label = customer_files.customer_label(session, customer_id)
                self.choice.addItem(label, customer_id)
        self.choice.setCurrentIndex(max(self.choice.findData(customer_id), 0))

    def value(self) -> int | None:
        return self.choice.currentData()


class VisitDialog(RecordDialog):
    """Records a new visit (optionally from a plan) or edits one; saves through the service."""

    record_label = "拜访记录"
    geometry_key = "visit_dialog"

    def __init__(
        self,
        context: DeskContext,
        layout: LayoutMemory,
        *,
        visit_id: int | None = None,
        customer_id: int | None = None,
        plan_id: int | None = None,
        parent=None,
    ) -> None:
        super().__init__(layout, parent)
        self.setObjectName("visitDialog")
        self._context = context
        with context.reader() as session:
            if visit_id is None:
                self._input = visit_records.new_input(
                    session, context.operator, customer_id, plan_id
                )
            else:
                self._input = visit_records.load_input(session, visit_id)
            self._staff = customer_files.staff_choices(session)
        self.saved_id: int | None = None
        self.setWindowTitle("记录拜访" if visit_id is None else "拜访记录")
        if plan_id is not None:
            self.setWindowTitle("记录拜访（来自拜访计划）")

        self.customer = CustomerPicker(context, "visitCustomer")
        self.customer.customer_changed.connect(self._customer_changed)
        self._editors["customer_id"] = self.customer
        self.visited_at = self._line("visited_at", "如 2026-11-22 14:30")
        self.staff = self._combo("staff_id", [(name, str(i)) for i, name in self._staff])
        self.method = self._combo("method", [(m, m) for m in METHODS])
        self.purpose = self._combo("purpose", [(p, p) for p in PURPOSES])
        self.purpose.currentIndexChanged.connect(lambda _i: self._update_revisit())
        self.complaint = self._combo("complaint_id", [])
        self.satisfaction = self._combo(
            "satisfaction", [("（未能联系客户）", "")] + [(s, s) for s in SATISFACTION_LEVELS]
        )
        self.unreachable = self._line("unreachable_reason", "未能联系客户时填写原因")
        self.contacts_met = self._line("contacts_met", "可从右侧选择联系人，也可直接输入")
        self.contact_choice = QComboBox(objectName="contactChoice")
        self.contact_choice.activated.connect(self._add_contact)
        self.discussion = self._text("discussion")
        self.requests = self._text("requests")
        self.result = self._text("result")
        self.next_visit = self._line("next_visit_date", "可不填；填写后自动生成拜访计划")

        self.revisit_box = QWidget()
        revisit_form = QFormLayout(self.revisit_box)
        revisit_form.setContentsMargins(0, 0, 0, 0)
        revisit_form.addRow("关联投诉 *", self.complaint)
        revisit_form.addRow("客户满意度", self.satisfaction)
        revisit_form.addRow("无法联系原因", self.unreachable)
        contacts_row = QHBoxLayout()
        contacts_row.addWidget(self.contacts_met, 1)
        contacts_row.addWidget(self.contact_choice)
        form = QFormLayout()
        form.addRow("客户 *", self.customer)
        form.addRow("拜访时间 *", self.visited_at)
        form.addRow("业务员 *", self.staff)
        form.addRow("拜访方式", self.method)
        form.addRow("拜访目的", self.purpose)
        form.addRow(self.revisit_box)
        form.addRow("会见/接待人员", contacts_row)
        form.addRow("交谈内容", self.discussion)
        form.addRow("客户要求与意见", self.requests)
        form.addRow("拜访结果", self.result)
        form.addRow("下次拜访日期", self.next_visit)

        names = tuple(name for _i, name in self._staff)
        self.actions_model = EditableRowsModel(
            [
                EditableColumn("description", "跟进事项", placeholder="要做的事"),
                EditableColumn("owner", "负责人", ("",) + names),
                EditableColumn("due_date", "完成期限", placeholder="如 2026-11-30"),
                EditableColumn("done_on", "完成日期", placeholder="完成后填写"),
            ],
            self,
        )
        self.actions_view = QTableView(objectName="actionsTable")
        self.actions_view.setModel(self.actions_model)
        self.actions_view.setItemDelegateForColumn(1, ChoiceDelegate(("",) + names, self))
        self.actions_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.actions_view.setMinimumHeight(110)
        add = QPushButton("添加跟进事项", objectName="addAction")
        remove = QPushButton("删除所选事项", objectName="removeAction")
        add.clicked.connect(
            lambda: self.actions_view.edit(
                self.actions_model.index(self.actions_model.add_row(), 0)
            )
        )
        remove.clicked.connect(
            lambda: self.actions_model.remove_row(self.actions_view.currentIndex().row())
        )
        action_buttons = QHBoxLayout()
        action_buttons.addWidget(add)
        action_buttons.addWidget(remove)
        action_buttons.addStretch()

        self.error_label = error_label()
        buttons = ok_cancel(self, "保存(&S)", self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(QLabel("跟进事项（到期未完成的会出现在“今日”）"))
        box.addWidget(self.actions_view)
        box.addLayout(action_buttons)
        box.addWidget(self.error_label)
        box.addWidget(buttons)
        self._fill(self._input)
        self._initial = self.current_input()
        if not layout.restore_geometry("visit_dialog", self):
            self.resize(720, 700)

    # --- building ------------------------------------------------------------------------

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        editor = QLineEdit(objectName=f"field_{name}")
        editor.setPlaceholderText(placeholder)
        self._editors[name] = editor
        return editor

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        editor = QComboBox(objectName=f"field_{name}")
        for text, data in items:
            editor.addItem(text, data)
        self._editors[name] = editor
        return editor

    def _text(self, name: str) -> QPlainTextEdit:
        editor = QPlainTextEdit(objectName=f"field_{name}")
        editor.setFixedHeight(60)
        self._editors[name] = editor
        return editor

    def _customer_changed(self, customer_id: int | None) -> None:
        """Offer this customer's contacts and the complaints a revisit can be linked to."""
        self.contact_choice.clear()
        self.contact_choice.addItem("从联系人选择…", "")
        current = self.complaint.currentData()
        self.complaint.clear()
        self.complaint.addItem("（请选择投诉）", "")
        if customer_id is not None:
            with self._context.reader() as session:
                for name in visit_records.contact_names(session, customer_id):
                    self.contact_choice.addItem(name, name)
                for complaint_id, label in visit_records.revisit_choices(
                    session, self._context.operator, customer_id
                ):
                    self.complaint.addItem(label, str(complaint_id))
        self.complaint.setCurrentIndex(max(self.complaint.findData(current), 0))

    def _add_contact(self, index: int) -> None:
        name = self.contact_choice.itemData(index)
        if not name:
            return
        present = [p for p in self.contacts_met.text().split(visit_records.CONTACT_SEPARATOR) if p]
        if name not in present:
            self.contacts_met.setText(visit_records.CONTACT_SEPARATOR.join([*present, name]))
        self.contact_choice.setCurrentIndex(0)

    def _update_revisit(self) -> None:
        self.revisit_box.setVisible(self.purpose.currentData() == COMPLAINT_REVISIT)

    # --- values --------------------------------------------------------------------------

    def _fill(self, data: visit_records.VisitInput) -> None:
        customer_id = data.values.get("customer_id", "")
        self.customer.set_value(int(customer_id) if customer_id else None)
        self._customer_changed(self.customer.value())
        linked = data.values.get("complaint_id", "")
        if linked and self.complaint.findData(linked) < 0:
            # A revisit already recorded: its complaint may be closed by now.
            with self._context.reader() as session:
                self.complaint.addItem(visit_records.complaint_label(session, int(linked)), linked)
        for name, editor in self._editors.items():
            value = data.values.get(name, "")
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(value), 0))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            elif isinstance(editor, QLineEdit):
                editor.setText(value)
        names = {str(i): name for i, name in self._staff}
        self.actions_model.set_rows(
            [{**row, "owner": names.get(row.get("owner_id", ""), "")} for row in data.actions]
        )
        self._update_revisit()

    def current_input(self) -> visit_records.VisitInput:
        values = {}
        for name, editor in self._editors.items():
            if isinstance(editor, CustomerPicker):
                values[name] = "" if editor.value() is None else str(editor.value())
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentData() or ""
            elif isinstance(editor, QPlainTextEdit):
                values[name] = editor.toPlainText()
            else:
                values[name] = editor.text()
        ids = {name: str(i) for i, name in self._staff}
        actions = [
            {
                **{k: v for k, v in row.items() if k != "owner"},
                "owner_id": ids.get(row.get("owner", ""), ""),
            }
            for row in self.actions_model.rows()
        ]
        return visit_records.VisitInput(
            values=values,
            actions=actions,
            id=self._input.id,
            plan_id=self._input.plan_id,
            exact_visited_at=self._input.exact_visited_at,
        )

    # --- saving and closing ----------------------------------------------------------------

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, editor in self._editors.items():
            editor.setStyleSheet(ERROR_STYLE if name in errors else "")
        self.error_label.setText("\n".join(errors.values()))
        self.error_label.show()
        first = next(iter(errors))
        target = self._editors.get(first, self.actions_view)
        target.setFocus()

    def save(self) -> bool:
        data = self.current_input()
        try:
            with self._context.session() as session:
                self.saved_id = visit_records.save_visit(session, self._context.operator, data)
        except ValidationError as error:
            self._show_errors(error.errors)
            return False
        except UserError as error:
            self.error_label.setText(str(error))
            self.error_label.show()
            return False
        self._initial = data
        self.remember_geometry()
        self.accept()
        return True
