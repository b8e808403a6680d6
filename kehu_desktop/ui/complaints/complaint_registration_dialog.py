"""Registering a complaint (客户投诉登记表)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.complaints import choices, deadlines, ledger, registration
from kehu_desktop.services.complaints.registration import RegistrationInput
from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.case_forms import contact_editors, fill_contact_phone, offer_contacts
from kehu_desktop.ui.common.customer_picker import CustomerPicker
from kehu_desktop.ui.common.date_edit import DateTimeEdit
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations


def _choices(name: str, items) -> QComboBox:
    combo = QComboBox(objectName=name)
    combo.addItems(list(items))
    return combo


@dataclass(frozen=True)
class _Loaded:
    staff: list[tuple[int, str]]
    rules: deadlines.DeadlineRules
    saved: RegistrationInput | None
    customer_label: str
    contacts: list[tuple[str, str]]


class ComplaintRegistrationDialog(EditDialog):
    """Registers a complaint, or with ``complaint_id`` corrects one (登记/调查 only).

    ``saved`` carries the complaint's id.
    """

    record_label = "投诉登记"
    changes = ("complaints",)
    ok_text = "登记(&S)"

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        customer_id: int | None = None,
        parent: QWidget | None = None,
        complaint_id: int | None = None,
    ) -> None:
        title = "登记客户投诉" if complaint_id is None else "修改投诉登记"
        super().__init__(ops, layout, title, parent)
        self._complaint_id = complaint_id
        self._version: int | None = None  # of the registration being corrected
        self._customer_id = customer_id
        self._rules: deadlines.DeadlineRules | None = None
        self._contacts_generation = 0

        self.customer = CustomerPicker(ops, "complaintCustomer")
        self.customer.customer_changed.connect(self._customer_changed)
        self.received_at = DateTimeEdit("receivedAt")
        self.received_at.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        self.channel = _choices("channel", choices.CHANNELS)
        self.contact_name, self.contact_phone = contact_editors()
        self.product = QLineEdit(objectName="product")
        self.batch_no = QLineEdit(objectName="batchNo")
        self.order_no = QLineEdit(objectName="orderNo")
        self.category = _choices("category", choices.CATEGORIES)
        self.severity = _choices("severity", choices.SEVERITIES)
        self.description = QPlainTextEdit(objectName="description")
        self.description.setFixedHeight(80)
        self.demand = QPlainTextEdit(objectName="demand")
        self.demand.setFixedHeight(50)
        self.first_responsible = QComboBox(objectName="firstResponsible")
        self.deadline_label = QLabel(objectName="deadlinePreview", wordWrap=True)
        self.severity.currentIndexChanged.connect(lambda _i: self._update_deadline())
        self.received_at.dateTimeChanged.connect(lambda _d: self._update_deadline())

        self.add_field("客户 *", self.customer, "customer_id")
        self.add_field("受理时间", self.received_at, "received_at")
        self.add_field("受理渠道", self.channel, "channel")
        self.add_field("联系人", self.contact_name, "contact_name")
        self.add_field("联系电话", self.contact_phone, "contact_phone")
        self.add_field("产品名称/型号", self.product, "product")
        self.add_field("批号", self.batch_no, "batch_no")
        self.add_field("订单号", self.order_no, "order_no")
        self.add_field("投诉类别", self.category, "category")
        self.add_field("严重程度", self.severity, "severity")
        self.add_field("投诉内容 *", self.description, "description")
        self.add_field("客户要求", self.demand, "demand")
        self.add_field("首问责任人", self.first_responsible, "first_responsible_id")
        self.add_field("答复期限", self.deadline_label)
        self.resize(640, 620)
        self.load(self._read, self._fill)

    @property
    def saved_id(self) -> int | None:
        return self.result_value  # type: ignore[return-value]

    # --- reading ---------------------------------------------------------------------------

    def _read(self, session: Session) -> _Loaded:
        saved = (
            registration.load_registration(session, self._complaint_id)
            if self._complaint_id is not None
            else None
        )
        customer_id = saved.customer_id if saved is not None else self._customer_id
        return _Loaded(
            customer_files.staff_choices(session),
            deadlines.DeadlineRules.read(session),
            saved,
            customer_files.customer_label(session, customer_id) if customer_id else "",
            ledger.customer_contacts(session, customer_id) if customer_id else [],
        )

    def _fill(self, loaded: _Loaded) -> None:
        self._rules = loaded.rules
        self.first_responsible.clear()  # filled again when reloaded
        for staff_id, name in loaded.staff:
            self.first_responsible.addItem(name, staff_id)
        self.first_responsible.setCurrentIndex(
            max(self.first_responsible.findData(self.ops.operator.id), 0)
        )
        data = loaded.saved
        customer_id = data.customer_id if data is not None else self._customer_id
        self.customer.blockSignals(True)
        if customer_id is not None:
            # Nothing is chosen for a new complaint unless the desk opened it for a customer:
            # one filed against whichever customer happened to be listed first would be worse
            # than a refused save.
            self.customer.set_value(customer_id, loaded.customer_label)
        self.customer.blockSignals(False)
        self._show_contacts(loaded.contacts)
        if data is not None:
            self._fill_saved(data)
        self._update_deadline()

    def _fill_saved(self, data: RegistrationInput) -> None:
        """Edit mode: the registration as saved; received time and 首问责任人 stay fixed."""
        assert data.received_at is not None
        self._version = data.version
        self.received_at.setMaximumDateTime(QDateTime(data.received_at))
        self.received_at.set_value(data.received_at)
        self.received_at.setEnabled(False)
        self.first_responsible.setCurrentIndex(
            max(self.first_responsible.findData(data.first_responsible_id), 0)
        )
        self.first_responsible.setEnabled(False)
        for combo, value in ((self.channel, data.channel), (self.category, data.category),
                             (self.severity, data.severity)):  # fmt: skip
            combo.setCurrentIndex(max(combo.findText(value), 0))
        self.contact_name.setEditText(data.contact_name)
        self.contact_phone.setText(data.contact_phone)
        for edit, value in ((self.product, data.product), (self.batch_no, data.batch_no),
                            (self.order_no, data.order_no)):  # fmt: skip
            edit.setText(value)
        self.description.setPlainText(data.description)
        self.demand.setPlainText(data.demand)

    def _customer_changed(self, customer_id: int | None) -> None:
        self._contacts_generation += 1
        generation = self._contacts_generation

        def show(contacts: list[tuple[str, str]]) -> None:
            if generation == self._contacts_generation:
                self._show_contacts(contacts)

        if customer_id is None:
            show([])
            return
        self.ops.query(self, lambda s: ledger.customer_contacts(s, customer_id), show)

    def _show_contacts(self, contacts: list[tuple[str, str]]) -> None:
        offer_contacts(self.contact_name, contacts)
        fill_contact_phone(self.contact_name, self.contact_phone)

    def _update_deadline(self) -> None:
        if self._rules is None:
            return
        received = self.received_at.value().date()
        severity = self.severity.currentText()
        deadline = self._rules.deadline(severity, received)
        escalation = self._rules.escalation(severity, received)
        note = f"；登记后升级至主管，须于 {escalation.isoformat()} 前确认" if escalation else ""
        self.deadline_label.setText(f"{deadline.isoformat()}（按工作日计算{note}）")

    # --- saving ----------------------------------------------------------------------------

    def current_input(self) -> RegistrationInput:
        return RegistrationInput(
            customer_id=self.customer.value(),
            received_at=self.received_at.value(),
            channel=self.channel.currentText(),
            contact_name=self.contact_name.currentText(),
            contact_phone=self.contact_phone.text(),
            product=self.product.text(),
            batch_no=self.batch_no.text(),
            order_no=self.order_no.text(),
            category=self.category.currentText(),
            severity=self.severity.currentText(),
            description=self.description.toPlainText(),
            demand=self.demand.toPlainText(),
            first_responsible_id=self.first_responsible.currentData(),
            version=self._version,
        )

    def submit(self, session: Session) -> int:
        data: RegistrationInput = self.submitted_input
        operator = self.ops.operator
        if self._complaint_id is None:
            return registration.register(session, operator, data)
        registration.update_registration(
            session, operator, self._complaint_id, replace(data, received_at=None)
        )
        return self._complaint_id
