"""大客户申请表 (a proposal) and 设定表 (the 主管's approval or rejection)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QSpinBox
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.key_accounts import abc_classes, designation
from kehu_desktop.services.key_accounts.designation import ProposalRow
from kehu_desktop.ui.common.service_dialog import ServiceDialog


class ProposalDialog(ServiceDialog):
    """A new proposal for ``customer_id``, or for a customer picked by search."""

    def __init__(self, context: DeskContext, customer_id: int | None = None, parent=None) -> None:
        super().__init__(context, "大客户申请表", "proposalDialog", "提交申请(&S)", parent)
        self.search = QLineEdit(objectName="proposalCustomerSearch", clearButtonEnabled=True)
        self.search.setPlaceholderText("输入编号、名称或拼音首字母查找客户")
        self.customer = QComboBox(objectName="proposalCustomer")
        self.sales_label = QLabel(objectName="proposalSales")
        self.reasons = QPlainTextEdit(objectName="proposalReasons")
        self.reasons.setPlaceholderText("如：近一年采购额居前，年需求稳定增长，是行业龙头")
        self.reasons.setFixedHeight(90)
        self.figures = QPlainTextEdit(objectName="proposalFigures")
        self.figures.setPlaceholderText("如：年采购量约 120 万元，我方份额 35%，主要竞争对手…")
        self.figures.setFixedHeight(70)
        if customer_id is None:
            self.add_field("查找客户", self.search)
        self.add_field("客户 *", self.customer, "customer")
        self.add_field("近12个月销售额", self.sales_label)
        self.add_field("申请理由 *", self.reasons, "reasons")
        self.add_field("相关数据", self.figures)
        self.search.textChanged.connect(self._find)
        self.customer.currentIndexChanged.connect(self._show_sales)
        if customer_id is not None:
            with context.reader() as session:
                label = designation.customer_label(session, customer_id)
            self.customer.addItem(label, customer_id)
            self.customer.setEnabled(False)
        else:
            self._find("")
        self._show_sales()
        self.resize(520, 420)

    def _find(self, text: str) -> None:
        with self._context.reader() as session:
            choices = customer_files.customer_choices(session, text)
        self.customer.clear()
        for customer_id, label in choices:
            self.customer.addItem(label, customer_id)

    def _show_sales(self) -> None:
        customer_id = self.customer.currentData()
        if customer_id is None:
            self.sales_label.setText("")
            return
        with self._context.reader() as session:
            amount = abc_classes.customer_sales(session, customer_id)
        self.sales_label.setText(f"{amount:,.2f} 元")

    def submit(self, session: Session) -> int:
        customer_id = self.customer.currentData()
        if customer_id is None:
            raise ValidationError({"customer": "请选择客户。"})
        return designation.propose(
            session,
            self._context.operator,
            customer_id,
            self.reasons.toPlainText(),
            self.figures.toPlainText(),
        )


class DecisionDialog(ServiceDialog):
    """设定表: approve with level, manager and visit interval, or reject with a reason."""

    def __init__(
        self, context: DeskContext, proposal: ProposalRow, approve: bool, parent=None
    ) -> None:
        title = "批准大客户申请（设定表）" if approve else "驳回大客户申请"
        super().__init__(context, title, "decisionDialog", "批准(&A)" if approve else "驳回(&R)",
                         parent)  # fmt: skip
        self._proposal = proposal
        self._approve = approve
        summary = QLabel(
            f"{proposal.customer}（ABC {proposal.abc_class or '未分类'}）\n"
            f"申请人：{proposal.proposer}　{proposal.proposed_at:%Y-%m-%d %H:%M}\n"
            f"近12个月销售额：{proposal.sales_12m:,.2f} 元\n理由：{proposal.reasons}",
            objectName="decisionSummary",
            wordWrap=True,
        )
        self.body.insertWidget(0, summary)
        self.level = QComboBox(objectName="decisionLevel")
        self.level.addItems(designation.LEVELS)
        self.level.setCurrentText("重点")
        self.manager = QComboBox(objectName="decisionManager")
        with context.reader() as session:
            for staff_id, name in customer_files.staff_choices(session):
                self.manager.addItem(name, staff_id)
        # The proposer usually looks after the customer already.
        self.manager.setCurrentIndex(max(self.manager.findData(proposal.proposer_id), 0))
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
        else:
            self.add_field("驳回理由 *", self.note, "note")
        self.resize(480, 360)

    def submit(self, session: Session) -> int | None:
        operator = self._context.operator
        if not self._approve:
            designation.reject(session, operator, self._proposal.id, self.note.toPlainText())
            return None
        return designation.approve(
            session,
            operator,
            self._proposal.id,
            level=self.level.currentText(),
            manager_id=self.manager.currentData(),
            visit_interval_days=self.interval.value(),
            note=self.note.toPlainText(),
        )
