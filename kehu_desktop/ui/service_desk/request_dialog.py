"""Registering a service request (售后服务登记表), or correcting one while 登记/派工.

The warranty is never typed: choosing one of the customer's purchases (or giving the purchase
date the customer states) shows the status the service will work out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.complaints import ledger as complaint_ledger
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.service_desk import products, registration
from kehu_desktop.services.service_desk.choices import CHANNELS, URGENCIES, WARRANTY
from kehu_desktop.services.service_desk.registration import RequestInput
from kehu_desktop.ui.common.case_forms import contact_editors, offer_contacts, text_box
from kehu_desktop.ui.common.customer_picker import CustomerPicker
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations

NO_PURCHASE = "（不选已购产品）"


@dataclass(frozen=True)
class _FormData:
    staff: list[tuple[int, str]]
    catalogue: list[products.ProductRow]
    data: RequestInput
    customer_label: str
    contacts: list[tuple[str, str]]
    purchases: list[products.PurchaseRow]
    complaint_number: str
    rules: registration.DeadlineRules


def _read_form(
    session: Session,
    operator: Operator,
    request_id: int | None,
    complaint_id: int | None,
    customer_id: int | None,
) -> _FormData:
    """What the form shows when it opens: a request to correct, one filled from a complaint,
    or a blank one (for ``customer_id`` if given)."""
    if request_id is not None:
        data = registration.load_registration(session, request_id)
    elif complaint_id is not None:
        data = registration.input_from_complaint(session, complaint_id)
    else:
        data = RequestInput(customer_id=customer_id)
    customer = data.customer_id
    return _FormData(
        customer_files.staff_choices(session),
        products.list_products(session),
        data,
        customer_files.customer_label(session, customer) if customer else "",
        complaint_ledger.customer_contacts(session, customer) if customer else [],
        products.customer_purchases(session, customer) if customer else [],
        registration.complaint_number(session, data.complaint_id),
        registration.DeadlineRules.read(session),
    )


class ServiceRequestDialog(EditDialog):
    """Signals (from ``EditDialog``): ``saved(object)`` with the request's id."""

    record_label = "售后服务登记表"
    changes = ("service",)
    ok_text = "登记(&S)"

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory | None,
        parent: QWidget | None = None,
        *,
        customer_id: int | None = None,
        complaint_id: int | None = None,
        request_id: int | None = None,
    ) -> None:
        title = "登记售后服务单" if request_id is None else "修改售后服务登记"
        super().__init__(ops, layout, title, parent)
        self.request_id = request_id
        self.complaint_id = complaint_id
        self._rules: registration.DeadlineRules | None = None
        self._months: dict[int, int] = {}
        self._purchases: list[products.PurchaseRow] = []

        self.customer = CustomerPicker(ops, "serviceCustomer")
        self.received_at = QDateTimeEdit(QDateTime.currentDateTime(), objectName="receivedAt")
        self.received_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received_at.setCalendarPopup(True)
        self.received_at.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        self.channel = QComboBox(objectName="channel")
        self.channel.addItems(list(CHANNELS))
        self.contact_name, self.contact_phone = contact_editors()
        self.purchase = QComboBox(objectName="purchaseChoice")
        self.purchase.addItem(NO_PURCHASE, None)
        self.product = QComboBox(objectName="product")
        self.product.addItem("（未指定产品）", None)
        self.serial_no = QLineEdit(objectName="serialNo")
        self.serial_no.setPlaceholderText("机身序列号或生产批号")
        self.purchase_known = QCheckBox("客户提供购买日期：", objectName="purchaseKnown")
        self.purchased_on = QDateEdit(QDate.currentDate(), objectName="purchasedOn")
        self.purchased_on.setDisplayFormat("yyyy-MM-dd")
        self.purchased_on.setCalendarPopup(True)
        self.purchased_on.setEnabled(False)
        self.warranty_label = QLabel(objectName="warrantyPreview")
        self.urgency = QComboBox(objectName="urgency")
        for code, words in URGENCIES.items():
            self.urgency.addItem(words, code)
        self.fault = text_box(80)
        self.fault.setObjectName("fault")
        self.demand = text_box(50)
        self.demand.setObjectName("demand")
        self.first_responsible = QComboBox(objectName="firstResponsible")
        self.deadline_label = QLabel(objectName="deadlinePreview")
        self.complaint_label = QLabel(objectName="linkedComplaint")

        self.add_field("客户 *", self.customer, "customer_id")
        self.add_field("受理时间", self.received_at, "received_at")
        self.add_field("受理渠道", self.channel, "channel")
        self.add_field("联系人", self.contact_name, "contact_name")
        self.add_field("联系电话", self.contact_phone, "contact_phone")
        self.add_field("已购产品", self.purchase)
        self.add_field("产品/型号", self.product, "product_id")
        self.add_field("序列号/批号", self.serial_no, "serial_no")
        bought = QHBoxLayout()
        bought.setContentsMargins(0, 0, 0, 0)
        bought.addWidget(self.purchase_known)
        bought.addWidget(self.purchased_on)
        bought.addStretch(1)
        bought_box = QWidget()
        bought_box.setLayout(bought)
        self.add_field("购买日期", bought_box)
        self.register_editor("purchased_on", self.purchased_on)
        self.add_field("保修状态", self.warranty_label)
        self.add_field("紧急程度", self.urgency, "urgency")
        self.add_field("故障描述 *", self.fault, "fault")
        self.add_field("客户要求", self.demand, "demand")
        self.add_field("首问责任人", self.first_responsible, "first_responsible_id")
        self.add_field("期限", self.deadline_label)
        self.add_field("关联投诉", self.complaint_label, "complaint_id")

        self.purchase.currentIndexChanged.connect(self._purchase_chosen)
        for signal in (self.product.currentIndexChanged, self.purchased_on.dateChanged,
                       self.purchase_known.toggled):  # fmt: skip
            signal.connect(lambda *_a: self._update_warranty())
        self.serial_no.textChanged.connect(lambda _t: self._update_warranty())
        self.purchase_known.toggled.connect(self.purchased_on.setEnabled)
        self.urgency.currentIndexChanged.connect(lambda _i: self._update_deadline())
        self.received_at.dateTimeChanged.connect(lambda _d: self._update_deadline())
        self.resize(640, 720)
        operator = ops.operator

        def read(session: Session) -> _FormData:
            return _read_form(session, operator, request_id, complaint_id, customer_id)

        self.load(read, self._fill_form)

    # --- filling ---------------------------------------------------------------------------

    def _fill_form(self, form: _FormData) -> None:
        """Everything read while the dialog opened; the customer's contacts and purchases come
        with it, and later choices of customer read theirs."""
        self._rules = form.rules
        for staff_id, name in form.staff:
            self.first_responsible.addItem(name, staff_id)
        self.first_responsible.setCurrentIndex(
            max(self.first_responsible.findData(self.ops.operator.id), 0)
        )
        for item in form.catalogue:
            self.product.addItem(f"{item.code} {item.label}（保修 {item.warranty_months} 个月）",
                                 item.id)  # fmt: skip
            self._months[item.id] = item.warranty_months
        self.complaint_id = form.data.complaint_id
        self.complaint_label.setText(form.complaint_number or "—")
        self._fill(form.data, form.customer_label)
        self._show_customer((form.contacts, form.purchases))
        self.customer.customer_changed.connect(self._customer_changed)

    def _fill(self, data: RequestInput, customer_label: str) -> None:
        if data.customer_id is not None:
            self.customer.set_value(data.customer_id, customer_label)
        if data.received_at is not None:
            self.received_at.setMaximumDateTime(QDateTime(data.received_at))
            self.received_at.setDateTime(QDateTime(data.received_at))
            self.received_at.setEnabled(False)
        if self.request_id is not None:
            self.first_responsible.setCurrentIndex(
                max(self.first_responsible.findData(data.first_responsible_id), 0)
            )
            self.first_responsible.setEnabled(False)
        self.channel.setCurrentIndex(max(self.channel.findText(data.channel), 0))
        self.urgency.setCurrentIndex(max(self.urgency.findData(data.urgency), 0))
        self.product.setCurrentIndex(max(self.product.findData(data.product_id), 0))
        self.contact_name.setEditText(data.contact_name)
        self.contact_phone.setText(data.contact_phone)
        self.serial_no.setText(data.serial_no)
        self.fault.setPlainText(data.fault)
        self.demand.setPlainText(data.demand)
        self._update_warranty()
        self._update_deadline()

    def _customer_changed(self, customer_id: int | None) -> None:
        """The customer's contacts and purchases, to pick from."""
        if customer_id is None:
            self._show_customer(([], []))
            return

        def read(session: Session):
            return (
                complaint_ledger.customer_contacts(session, customer_id),
                products.customer_purchases(session, customer_id),
            )

        self.ops.query(self, read, self._show_customer, title="读取客户资料")

    def _show_customer(self, found) -> None:
        contacts, purchases = found
        typed = self.contact_name.currentText()
        offer_contacts(self.contact_name, contacts, typed or (contacts[0][0] if contacts else ""))
        if not self.contact_phone.text() and contacts:
            self.contact_phone.setText(contacts[0][1])
        self._purchases = list(purchases)
        self.purchase.blockSignals(True)
        self.purchase.clear()
        self.purchase.addItem(NO_PURCHASE, None)
        for row in purchases:
            self.purchase.addItem(row.label, row.id)
        self.purchase.blockSignals(False)
        self._update_warranty()

    def _purchase_chosen(self) -> None:
        chosen = next((p for p in self._purchases if p.id == self.purchase.currentData()), None)
        if chosen is None:
            return
        self.product.setCurrentIndex(max(self.product.findData(chosen.product_id), 0))
        self.serial_no.setText(chosen.serial_no)
        self.purchase_known.setChecked(False)
        self._update_warranty()

    def _matching_purchase(self) -> products.PurchaseRow | None:
        """The purchase the service will find: same product and serial, else the latest."""
        product_id, serial = self.product.currentData(), self.serial_no.text().strip().upper()
        same = [p for p in self._purchases if p.product_id == product_id]
        if serial:
            same = [p for p in same if p.serial_no.upper() == serial]
        return same[0] if same else None

    def _update_warranty(self) -> None:
        product_id = self.product.currentData()
        received = self.received_at.dateTime().toPython().date()
        if product_id is None:
            self.warranty_label.setText(WARRANTY["unknown"] + "（未指定产品）")
            return
        purchase = self._matching_purchase()
        bought: date | None = purchase.purchased_on if purchase else None
        if bought is None and self.purchase_known.isChecked():
            bought = self.purchased_on.date().toPython()
        months = self._months.get(product_id, 0)
        status = products.warranty_status(bought, months, received)
        if bought is None:
            self.warranty_label.setText(f"{WARRANTY[status]}（请选择已购产品或填写购买日期）")
            return
        end = products.warranty_end(bought, months)
        self.warranty_label.setText(
            f"{WARRANTY[status]}（{bought.isoformat()} 购买，保修至 {end.isoformat()}）"
        )
        self.warranty_label.setStyleSheet("color: #a50e0e;" if status == "expired" else "")

    def _update_deadline(self) -> None:
        if self._rules is None:  # still reading
            return
        received = self.received_at.dateTime().toPython().date()
        response, resolve = self._rules.preview(self.urgency.currentData(), received)
        self.deadline_label.setText(
            f"派工 {response.isoformat()} 前，解决 {resolve.isoformat()} 前（按工作日计算）"
        )

    # --- saving ----------------------------------------------------------------------------

    def current_request(self) -> RequestInput:
        received: datetime = self.received_at.dateTime().toPython().replace(second=0, microsecond=0)
        purchased = self.purchased_on.date().toPython() if self.purchase_known.isChecked() else None
        return RequestInput(
            customer_id=self.customer.value(),
            received_at=None if self.request_id else received,
            channel=self.channel.currentText(),
            contact_name=self.contact_name.currentText(),
            contact_phone=self.contact_phone.text(),
            product_id=self.product.currentData(),
            serial_no=self.serial_no.text(),
            purchased_on=purchased,
            fault=self.fault.toPlainText(),
            demand=self.demand.toPlainText(),
            urgency=self.urgency.currentData(),
            complaint_id=self.complaint_id,
            first_responsible_id=self.first_responsible.currentData(),
        )

    def submit(self, session: Session) -> int:
        data = self.current_request()
        operator = self.ops.operator
        if self.request_id is None:
            return registration.register(session, operator, data)
        registration.update_registration(session, operator, self.request_id, data)
        return self.request_id
