"""大客户申请表 (a proposal) and 设定表 (the 主管's approval or rejection)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QSpinBox, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.key_accounts import abc_classes, designation
from kehu_desktop.services.key_accounts.designation import ProposalRow
from kehu_desktop.ui.common.customer_picker import CustomerPicker
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations


class ProposalDialog(EditDialog):
    """A new proposal for ``customer_id``, or for a customer picked by search."""

    record_label = "大客户申请"
    changes = ("key_accounts",)
    ok_text = "提交申请(&S)"

    def __init__(
        self, ops: Operations, customer_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ops, None, "大客户申请表", parent)
        self._sales_generation = 0
        self.customer = CustomerPicker(ops, "proposalCustomer")
        self.customer.customer_changed.connect(self._show_sales)
        self.sales_label = QLabel("—", objectName="proposalSales")
        self.reasons = QPlainTextEdit(objectName="proposalReasons")
        self.reasons.setPlaceholderText("如：近一年采购额居前，年需求稳定增长，是行业龙头")
        self.reasons.setFixedHeight(90)
        self.figures = QPlainTextEdit(objectName="proposalFigures")
        self.figures.setPlaceholderText("如：年采购量约 120 万元，我方份额 35%，主要竞争对手…")
        self.figures.setFixedHeight(70)
        self.add_field("客户 *", self.customer, "customer")
        self.add_field("近12个月销售额", self.sales_label)
        self.add_field("申请理由 *", self.reasons, "reasons")
        self.add_field("相关数据", self.figures, "figures")
        self.resize(560, 420)
        if customer_id is not None:
            self.customer.setEnabled(False)  # proposed from the list: this customer only
            self.load(lambda s: self._read(s, customer_id), self._fill)

    def _read(self, session: Session, customer_id: int) -> tuple[int, str, Decimal]:
        label = customer_files.customer_label(session, customer_id)
        return customer_id, label, abc_classes.customer_sales(session, customer_id)

    def _fill(self, loaded: tuple[int, str, Decimal]) -> None:
        customer_id, label, amount = loaded
        self.customer.blockSignals(True)
        self.customer.set_value(customer_id, label)
        self.customer.blockSignals(False)
        self.sales_label.setText(f"{amount:,.2f} 元")

    def _show_sales(self, customer_id: int | None) -> None:
        self._sales_generation += 1
        generation = self._sales_generation
        self.sales_label.setText("—")
        if customer_id is None:
            return

        def show(amount: Decimal) -> None:
            if generation == self._sales_generation:
                self.sales_label.setText(f"{amount:,.2f} 元")

        self.ops.query(self, lambda s: abc_classes.customer_sales(s, customer_id), show)

    def current_input(self) -> tuple[int | None, str, str]:
        return self.customer.value(), self.reasons.toPlainText(), self.figures.toPlainText()

    def validate_here(self) -> dict[str, str]:
        return {} if self.customer.value() is not None else {"customer": "请选择客户。"}

    def submit(self, session: Session) -> int:
        customer_id, reasons, figures = self.submitted_input
        if customer_id is None:
            raise ValidationError({"customer": "请选择客户。"})
        return designation.propose(session, self.ops.operator, customer_id, reasons, figures)


class DecisionDialog(EditDialog):
    """设定表: approve with level, manager and visit interval, or reject with a reason."""

    changes = ("key_accounts", "customers")

    def __init__(
        self,
        ops: Operations,
        proposal: ProposalRow,
        approve: bool,
        parent: QWidget | None = None,
    ) -> None:
        title = "批准大客户申请（设定表）" if approve else "驳回大客户申请"
        super().__init__(ops, None, title, parent)
        self.record_label = "审批意见"
        self.ok_button.setText("批准(&A)" if approve else "驳回(&R)")
        self._proposal = proposal
        self._approve = approve
        summary = QLabel(
            f"{proposal.customer}（ABC {proposal.abc_class or '未分类'}）\n"
            f"申请人：{proposal.proposer}　{proposal.proposed_at:%Y-%m-%d %H:%M}\n"
            f"近12个月销售额：{proposal.sales_12m:,.2f} 元\n理由：{proposal.reasons}",
            objectName="decisionSummary",
            wordWrap=True,
        )
        self.content_layout.insertWidget(0, summary)
        self.level = QComboBox(objectName="decisionLevel")
        self.level.addItems(designation.LEVELS)
        self.level.setCurrentText("重点")
        self.manager = QComboBox(objectName="decisionManager")
        self.interval = QSpinBox(objectName="decisionInterval", minimum=1, maximum=366)
        self.interval.setSuffix(" 天")
        self.interval.setValue(designation.LEVEL_INTERVALS["重点"])
        self.level.currentTextChanged.connect(
            lambda level: self.interval.setValue(designation.LEVEL_INTERVALS[level])
        )
        self.note = QPlainTextEdit(objectName="decisionNote")
        self.note.setFixedHeight(70)
        if approve:
            self.add_field("大客户级别", self.level, "level")
            self.add_field("客户经理", self.manager, "manager")
            self.add_field("拜访周期", self.interval, "interval")
            self.add_field("审批意见", self.note, "note")
            self.load(customer_files.staff_choices, self._fill_staff)
        else:
            self.add_field("驳回理由 *", self.note, "note")
        self.resize(480, 360)

    def _fill_staff(self, staff: list[tuple[int, str]]) -> None:
        for staff_id, name in staff:
            self.manager.addItem(name, staff_id)
        # The proposer usually looks after the customer already.
        self.manager.setCurrentIndex(max(self.manager.findData(self._proposal.proposer_id), 0))

    def current_input(self) -> tuple[str, int | None, int, str]:
        return (
            self.level.currentText(),
            self.manager.currentData(),
            self.interval.value(),
            self.note.toPlainText(),
        )

    def submit(self, session: Session) -> int | None:
        level, manager_id, interval, note = self.submitted_input
        operator = self.ops.operator
        if not self._approve:
            designation.reject(session, operator, self._proposal.id, note)
            return None
        return designation.approve(
            session,
            operator,
            self._proposal.id,
            level=level,
            manager_id=manager_id,
            visit_interval_days=interval,
            note=note,
        )
