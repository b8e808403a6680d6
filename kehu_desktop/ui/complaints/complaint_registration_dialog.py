"""Registering a complaint (客户投诉登记表)."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.complaints import choices, deadlines, ledger, registration
from kehu_desktop.services.complaints.registration import RegistrationInput
from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.dialog_parts import ERROR_STYLE, error_label, ok_cancel
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory


def _choices(name: str, items) -> QComboBox:
    combo = QComboBox(objectName=name)
    combo.addItems(list(items))
    return combo


def _refill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
    """Replace the (text, data) items without announcing each change."""
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.blockSignals(False)


class ComplaintRegistrationDialog(QDialog):
    """Registers a complaint, or with ``complaint_id`` corrects one (登记/调查 only).

    Signals: ``saved(int)`` with the complaint's id.
    """

    saved = Signal(int)

    def __init__(
        self,
        context: DeskContext,
        layout: LayoutMemory,
        customer_id: int | None = None,
        parent=None,
        complaint_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("complaintRegistrationDialog")
        self.setWindowTitle("登记客户投诉" if complaint_id is None else "修改投诉登记")
        self._context = context
        self._layout_memory = layout
        self._complaint_id = complaint_id
        self.saved_id: int | None = complaint_id
        with context.reader() as session:
            staff = customer_files.staff_choices(session)

        self.customer_search = QLineEdit(objectName="customerSearch")
        self.customer_search.setPlaceholderText("输入客户名称、拼音首字母、编号或电话查找")
        self.customer = QComboBox(objectName="customerChoice")
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self._find_customers)
        self.customer_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.customer.currentIndexChanged.connect(lambda _i: self._customer_changed())
        self.received_at = QDateTimeEdit(QDateTime.currentDateTime(), objectName="receivedAt")
        self.received_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received_at.setCalendarPopup(True)
        self.received_at.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        self.channel = _choices("channel", choices.CHANNELS)
        self.contact_name = QComboBox(objectName="contactName", editable=True)
        self.contact_name.currentIndexChanged.connect(self._contact_changed)
        self.contact_phone = QLineEdit(objectName="contactPhone")
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
        for staff_id, name in staff:
            self.first_responsible.addItem(name, staff_id)
        self.first_responsible.setCurrentIndex(
            max(self.first_responsible.findData(context.operator.id), 0)
        )
        self.deadline_label = QLabel(objectName="deadlinePreview")
        self.severity.currentIndexChanged.connect(lambda _i: self._update_deadline())
        self.received_at.dateTimeChanged.connect(lambda _d: self._update_deadline())

        self.editors: dict[str, QWidget] = {
            "customer_id": self.customer, "received_at": self.received_at,
            "channel": self.channel, "contact_name": self.contact_name,
            "contact_phone": self.contact_phone, "product": self.product,
            "batch_no": self.batch_no, "order_no": self.order_no, "category": self.category,
            "severity": self.severity, "description": self.description, "demand": self.demand,
            "first_responsible_id": self.first_responsible,
        }  # fmt: skip
        form = QFormLayout()
        picker = QHBoxLayout()
        picker.addWidget(self.customer_search, 1)
        picker.addWidget(self.customer, 2)
        form.addRow("客户 *", picker)
        form.addRow("受理时间", self.received_at)
        form.addRow("受理渠道", self.channel)
        form.addRow("联系人", self.contact_name)
        form.addRow("联系电话", self.contact_phone)
        form.addRow("产品名称/型号", self.product)
        form.addRow("批号", self.batch_no)
        form.addRow("订单号", self.order_no)
        form.addRow("投诉类别", self.category)
        form.addRow("严重程度", self.severity)
        form.addRow("投诉内容 *", self.description)
        form.addRow("客户要求", self.demand)
        form.addRow("首问责任人", self.first_responsible)
        form.addRow("答复期限", self.deadline_label)
        self.error_label = error_label()
        buttons = ok_cancel(self, "登记(&S)", self.accept)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addStretch(1)
        box.addWidget(self.error_label)
        box.addWidget(buttons)
        if not layout.restore_geometry("complaint_registration", self):
            self.resize(640, self.sizeHint().height())
        if complaint_id is None:
            self._find_customers(customer_id)
        else:
            self._fill(complaint_id)
        self._update_deadline()

    # --- pickers ---------------------------------------------------------------------------

    def _fill(self, complaint_id: int) -> None:
        """Edit mode: the registration as saved; received time and 首问责任人 stay fixed."""
        with self._context.reader() as session:
            data = registration.load_registration(session, complaint_id)
        self._find_customers(data.customer_id)
        self.received_at.setMaximumDateTime(QDateTime(data.received_at))
        self.received_at.setDateTime(QDateTime(data.received_at))
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

    def _find_customers(self, select_id: int | None = None) -> None:
        with self._context.reader() as session:
            if select_id is not None:
                found = [ledger.customer_choice(session, select_id)]
            else:
                found = customer_files.customer_choices(session, self.customer_search.text())
        choices = [(label, cid) for cid, label in found]
        if select_id is None:
            # Nothing chosen until the user chooses: a complaint filed against whichever
            # customer happened to be listed first would be worse than a refused save.
            choices.insert(0, ("（请查找并选择客户）", None))
        _refill(self.customer, choices)
        self._customer_changed()

    def _customer_changed(self) -> None:
        customer_id = self.customer.currentData()
        contacts = []
        if customer_id is not None:
            with self._context.reader() as session:
                contacts = ledger.customer_contacts(session, customer_id)
        _refill(self.contact_name, contacts)
        self._contact_changed()

    def _contact_changed(self) -> None:
        phone = self.contact_name.currentData()
        if phone:
            self.contact_phone.setText(phone)

    def _update_deadline(self) -> None:
        received = self.received_at.dateTime().toPython()
        severity = self.severity.currentText()
        with self._context.reader() as session:
            deadline = deadlines.deadline_for(session, severity, received.date())
            escalation = deadlines.escalation_deadline(session, severity, received.date())
        note = f"；登记后升级至主管，须于 {escalation.isoformat()} 前确认" if escalation else ""
        self.deadline_label.setText(f"{deadline.isoformat()}（按工作日计算{note}）")

    # --- saving ----------------------------------------------------------------------------

    def _received(self):
        return self.received_at.dateTime().toPython().replace(second=0, microsecond=0)

    def current_input(self) -> RegistrationInput:
        return RegistrationInput(
            customer_id=self.customer.currentData(),
            received_at=None if self._complaint_id else self._received(),
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
        )

    def accept(self) -> None:
        for widget in self.editors.values():
            widget.setStyleSheet("")
        try:
            with self._context.session() as session:
                if self._complaint_id is None:
                    self.saved_id = registration.register(
                        session, self._context.operator, self.current_input()
                    )
                else:
                    registration.update_registration(
                        session, self._context.operator, self._complaint_id, self.current_input()
                    )
        except ValidationError as error:
            for name in error.errors:
                if name in self.editors:
                    self.editors[name].setStyleSheet(ERROR_STYLE)
            self._show_error(str(error))
            return
        except UserError as error:
            self._show_error(str(error))
            return
        except Exception as error:  # a bug: reported, the form stays open with its contents
            show_error(self, "登记失败", error)
            return
        self.saved.emit(self.saved_id)
        super().accept()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def done(self, result: int) -> None:
        self._layout_memory.save_geometry("complaint_registration", self)
        super().done(result)
