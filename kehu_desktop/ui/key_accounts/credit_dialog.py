"""客户信用等级评定: score the items, see the total and rating as you go, then record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QSpinBox
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.key_accounts import credit, weighted_items
from kehu_desktop.ui.common.service_dialog import ServiceDialog


class CreditDialog(ServiceDialog):
    """One evaluation of ``customer_id``; the 主管 records it (the service refuses others)."""

    def __init__(self, context: DeskContext, customer_id: int, parent=None) -> None:
        super().__init__(context, "客户信用等级评定", "creditDialog", "评定(&S)", parent)
        self._customer_id = customer_id
        with context.reader() as session:
            self._items = credit.items(session)
            self._bands = credit.bands(session)
            facts = credit.facts(session, customer_id)
        hints = QLabel("　".join(facts.lines()), objectName="creditFacts", wordWrap=True)
        hints.setStyleSheet("color: #555;")
        self.body.insertWidget(0, hints)
        self.scores: dict[str, QSpinBox] = {}
        for index, item in enumerate(self._items):
            spin = QSpinBox(objectName=f"creditScore{index}", minimum=0, maximum=100)
            spin.setValue(60)
            spin.setSuffix(" 分")
            spin.valueChanged.connect(self._update_result)
            self.scores[item.item] = spin
            self.add_field(f"{item.item}（权重 {item.weight:g}）", spin, item.item)
        self.result_label = QLabel(objectName="creditResult")
        self.result_label.setStyleSheet("font-weight: bold;")
        self.limit = QLineEdit(objectName="creditLimit")
        self.days = QLineEdit(objectName="creditDays")
        self.notes = QPlainTextEdit(objectName="creditNotes")
        self.notes.setFixedHeight(60)
        self.add_field("评定结果", self.result_label)
        self.add_field("信用额度（元）", self.limit, "credit_limit")
        self.add_field("信用期限（天）", self.days, "credit_days")
        self.add_field("备注", self.notes)
        self._update_result()

    def _update_result(self) -> None:
        scores = {name: Decimal(spin.value()) for name, spin in self.scores.items()}
        total = weighted_items.weighted_average(self._items, scores)
        band = credit.band_for(self._bands, total)
        self.result_label.setText(f"总分 {total:.2f}　信用等级 {band.rating}")
        self.limit.setPlaceholderText(f"按等级：{band.limit:,.2f}")
        self.days.setPlaceholderText(f"按等级：{band.days}")

    def submit(self, session: Session) -> int:
        return credit.evaluate(
            session,
            self._context.operator,
            self._customer_id,
            {name: spin.value() for name, spin in self.scores.items()},
            credit_limit=self.limit.text(),
            credit_days=self.days.text(),
            notes=self.notes.toPlainText(),
            on=date.today(),
        )
