"""The visit record dialog (客户访问记录表 / 客户接待表)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    QTableView,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.complaints.choices import SATISFACTION_LEVELS
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.visits import visit_records
from kehu_desktop.services.visits.visit_plans import COMPLAINT_REVISIT, METHODS, PURPOSES
from kehu_desktop.ui.common.customer_picker import CustomerPicker
from kehu_desktop.ui.common.date_edit import DateEdit, DateTimeEdit
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.editable_rows import (
    EditableColumn,
    EditableRowsModel,
    install_delegates,
)
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations


@dataclass(frozen=True)
class CustomerChoices:
    """What a visit can name of one customer: its contacts and the complaints a revisit can
    be linked to."""

    contacts: list[str] = field(default_factory=list)
    complaints: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Loaded:
    input: visit_records.VisitInput
    staff: list[tuple[int, str]]
    customer_label: str
    choices: CustomerChoices
    linked_label: str


class VisitDialog(EditDialog):
    """Records a new visit (optionally from a plan) or edits one; saves through the service."""

    record_label = "拜访记录"
    changes = ("visits", "plans", "complaints")

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        *,
        visit_id: int | None = None,
        customer_id: int | None = None,
        plan_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "记录拜访" if visit_id is None else "拜访记录"
        if plan_id is not None:
            title = "记录拜访（来自拜访计划）"
        super().__init__(ops, layout, title, parent)
        self._request = (visit_id, customer_id, plan_id)
        self._input = visit_records.VisitInput(values={})
        self._staff: list[tuple[int, str]] = []
        self._choices_generation = 0
        self._fields: dict[str, QWidget] = {}

        self.customer = CustomerPicker(ops, "visitCustomer")
        self.customer.customer_changed.connect(self._customer_changed)
        self.visited_at = DateTimeEdit("field_visited_at")
        self.staff = self._combo("staff_id", [])
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
        self.contact_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.contact_choice.activated.connect(self._add_contact)
        self.discussion = self._text("discussion")
        self.requests = self._text("requests")
        self.result = self._text("result")
        self.next_visit = DateEdit("field_next_visit_date", optional=True)
        self.next_visit.setToolTip("可不填；填写后自动生成拜访计划")
        for name, editor in (("customer_id", self.customer), ("visited_at", self.visited_at),
                             ("next_visit_date", self.next_visit)):  # fmt: skip
            self._fields[name] = editor
            self.register_editor(name, editor)

        self.revisit_box = QWidget()
        revisit_form = QFormLayout(self.revisit_box)
        revisit_form.setContentsMargins(0, 0, 0, 0)
        revisit_form.addRow("关联投诉 *", self.complaint)
        revisit_form.addRow("客户满意度", self.satisfaction)
        revisit_form.addRow("无法联系原因", self.unreachable)
        contacts_row = QHBoxLayout()
        contacts_row.addWidget(self.contacts_met, 1)
        contacts_row.addWidget(self.contact_choice)
        form = self.form
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

        self.actions_model = EditableRowsModel(self._action_columns(()), self)
        self.actions_view = QTableView(objectName="actionsTable")
        self.actions_view.setModel(self.actions_model)
        self.actions_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.actions_view.setMinimumHeight(110)
        add = QPushButton("添加跟进事项(&A)", objectName="addAction")
        remove = QPushButton("删除所选事项(&D)", objectName="removeAction")
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
        self.add_widget(QLabel("跟进事项（到期未完成的会出现在“今日”）"))
        self.add_widget(self.actions_view, 1)
        self.add_layout(action_buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.resize(720, 700)
        self._update_revisit()
        self.load(self._read, self._fill)

    @property
    def saved_id(self) -> int | None:
        return self.result_value  # type: ignore[return-value]

    # --- building ------------------------------------------------------------------------

    @staticmethod
    def _action_columns(names: tuple[str, ...]) -> list[EditableColumn]:
        return [
            EditableColumn("description", "跟进事项", placeholder="要做的事"),
            EditableColumn("owner", "负责人", ("",) + names),
            EditableColumn("due_date", "完成期限", placeholder="如 2026-11-30", date=True),
            EditableColumn("done_on", "完成日期", placeholder="完成后填写", date=True),
        ]

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        editor = QLineEdit(objectName=f"field_{name}")
        editor.setPlaceholderText(placeholder)
        self._fields[name] = editor
        self.register_editor(name, editor)
        return editor

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        editor = QComboBox(objectName=f"field_{name}")
        for text, data in items:
            editor.addItem(text, data)
        self._fields[name] = editor
        self.register_editor(name, editor)
        return editor

    def _text(self, name: str) -> QPlainTextEdit:
        editor = QPlainTextEdit(objectName=f"field_{name}")
        editor.setFixedHeight(60)
        self._fields[name] = editor
        self.register_editor(name, editor)
        return editor

    # --- reading -------------------------------------------------------------------------

    def _customer_choices(self, session: Session, customer_id: int | None) -> CustomerChoices:
        if customer_id is None:
            return CustomerChoices()
        return CustomerChoices(
            visit_records.contact_names(session, customer_id),
            visit_records.revisit_choices(session, self.ops.operator, customer_id),
        )

    def _read(self, session: Session) -> _Loaded:
        visit_id, customer_id, plan_id = self._request
        if visit_id is None:
            data = visit_records.new_input(session, self.ops.operator, customer_id, plan_id)
        else:
            data = visit_records.load_input(session, visit_id)
        chosen = data.values.get("customer_id", "")
        chosen_id = int(chosen) if chosen else None
        linked = data.values.get("complaint_id", "")
        return _Loaded(
            data,
            customer_files.staff_choices(session),
            customer_files.customer_label(session, chosen_id) if chosen_id else "",
            self._customer_choices(session, chosen_id),
            # A revisit already recorded: its complaint may be closed by now.
            visit_records.complaint_label(session, int(linked)) if linked else "",
        )

    def _customer_changed(self, customer_id: int | None) -> None:
        """Offer this customer's contacts and the complaints a revisit can be linked to."""
        self._choices_generation += 1
        generation = self._choices_generation

        def show(choices: CustomerChoices) -> None:
            if generation == self._choices_generation:
                self._show_choices(choices)

        self.ops.query(self, lambda s: self._customer_choices(s, customer_id), show)

    def _show_choices(self, choices: CustomerChoices) -> None:
        self.contact_choice.clear()
        self.contact_choice.addItem("从联系人选择…", "")
        for name in choices.contacts:
            self.contact_choice.addItem(name, name)
        current = self.complaint.currentData()
        self.complaint.blockSignals(True)
        self.complaint.clear()
        self.complaint.addItem("（请选择投诉）", "")
        for complaint_id, label in choices.complaints:
            self.complaint.addItem(label, str(complaint_id))
        self.complaint.blockSignals(False)
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

    def _fill(self, loaded: _Loaded) -> None:
        data = self._input = loaded.input
        self._staff = loaded.staff
        names = tuple(name for _i, name in self._staff)
        self.actions_model.columns = self._action_columns(names)
        install_delegates(self.actions_view, self.actions_model.columns)
        self.staff.clear()
        for staff_id, name in self._staff:
            self.staff.addItem(name, str(staff_id))
        customer_id = data.values.get("customer_id", "")
        self.customer.blockSignals(True)
        if customer_id:
            self.customer.set_value(int(customer_id), loaded.customer_label)
        self.customer.blockSignals(False)
        self._show_choices(loaded.choices)
        linked = data.values.get("complaint_id", "")
        if linked and self.complaint.findData(linked) < 0:
            self.complaint.addItem(loaded.linked_label, linked)
        for name, editor in self._fields.items():
            value = data.values.get(name, "")
            if isinstance(editor, DateEdit | DateTimeEdit):
                editor.set_value(value)
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(value), 0))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            elif isinstance(editor, QLineEdit):
                editor.setText(value)
        staff_names = {str(i): name for i, name in self._staff}
        self.actions_model.set_rows(
            [{**row, "owner": staff_names.get(row.get("owner_id", ""), "")} for row in data.actions]
        )
        self._update_revisit()

    def current_input(self) -> visit_records.VisitInput:
        values = {}
        for name, editor in self._fields.items():
            if isinstance(editor, CustomerPicker):
                values[name] = "" if editor.value() is None else str(editor.value())
            elif isinstance(editor, DateEdit | DateTimeEdit):
                values[name] = editor.text_value()
            elif isinstance(editor, QComboBox):
                values[name] = editor.currentData() or ""
            elif isinstance(editor, QPlainTextEdit):
                values[name] = editor.toPlainText()
            elif isinstance(editor, QLineEdit):
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
            version=self._input.version,
        )

    # --- saving --------------------------------------------------------------------------

    def submit(self, session: Session) -> int:
        return visit_records.save_visit(session, self.ops.operator, self.submitted_input)

    def show_errors(self, messages: dict[str, str]) -> None:
        super().show_errors(messages)
        if any(key.startswith("action") for key in messages) and not any(
            key in self._fields for key in messages
        ):
            self.actions_view.setFocus()
