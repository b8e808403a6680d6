"""客户信用等级评定: score the items, see the total and rating as you go, then record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.key_accounts import credit, weighted_items
from kehu_desktop.services.key_accounts.weighted_items import WeightedItem
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations


@dataclass(frozen=True)
class _Loaded:
    items: list[WeightedItem]
    bands: list[credit.CreditBand]
    facts: credit.CreditFacts


class CreditDialog(EditDialog):
    """One evaluation of ``customer_id``; the 主管 records it (the service refuses others)."""

    record_label = "信用评定"
    changes = ("key_accounts", "customers")
    ok_text = "评定(&S)"

    def __init__(self, ops: Operations, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(ops, None, "客户信用等级评定", parent)
        self._customer_id = customer_id
        self._items: list[WeightedItem] = []
        self._bands: list[credit.CreditBand] = []
        self.hints = QLabel(objectName="creditFacts", wordWrap=True)
        self.hints.setStyleSheet("color: #555;")
        self.content_layout.insertWidget(0, self.hints)
        self.scores: dict[str, QSpinBox] = {}
        self.result_label = QLabel(objectName="creditResult")
        self.result_label.setStyleSheet("font-weight: bold;")
        self.limit = QLineEdit(objectName="creditLimit")
        self.days = QLineEdit(objectName="creditDays")
        self.notes = QPlainTextEdit(objectName="creditNotes")
        self.notes.setFixedHeight(60)
        self.load(self._read, self._fill)

    def _read(self, session: Session) -> _Loaded:
        return _Loaded(
            credit.items(session), credit.bands(session), credit.facts(session, self._customer_id)
        )

    def _fill(self, loaded: _Loaded) -> None:
        self._items, self._bands = loaded.items, loaded.bands
        self.hints.setText("　".join(loaded.facts.lines()))
        for index, item in enumerate(self._items):
            spin = QSpinBox(objectName=f"creditScore{index}", minimum=0, maximum=100)
            spin.setValue(60)
            spin.setSuffix(" 分")
            spin.valueChanged.connect(self._update_result)
            self.scores[item.item] = spin
            self.add_field(f"{item.item}（权重 {item.weight:g}）", spin, item.item)
        self.add_field("评定结果", self.result_label)
        self.add_field("信用额度（元）", self.limit, "credit_limit")
        self.add_field("信用期限（天）", self.days, "credit_days")
        self.add_field("备注", self.notes, "notes")
        self._update_result()

    def _update_result(self) -> None:
        scores = {name: Decimal(spin.value()) for name, spin in self.scores.items()}
        total = weighted_items.weighted_average(self._items, scores)
        band = credit.band_for(self._bands, total)
        self.result_label.setText(f"总分 {total:.2f}　信用等级 {band.rating}")
        self.limit.setPlaceholderText(f"按等级：{band.limit:,.2f}")
        self.days.setPlaceholderText(f"按等级：{band.days}")

    def current_input(self) -> tuple[dict[str, int], str, str, str]:
        return (
            {name: spin.value() for name, spin in self.scores.items()},
            self.limit.text(),
            self.days.text(),
            self.notes.toPlainText(),
        )

    def submit(self, session: Session) -> int:
        scores, limit, days, notes = self.submitted_input
        return credit.evaluate(
            session,
            self.ops.operator,
            self._customer_id,
            scores,
            credit_limit=limit,
            credit_days=days,
            notes=notes,
            on=date.today(),
        )
