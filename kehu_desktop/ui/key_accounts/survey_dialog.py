"""大客户满意程度调查表: score each item 1–5; the weighted overall score shows as you go."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.key_accounts import satisfaction, weighted_items
from kehu_desktop.services.key_accounts.weighted_items import WeightedItem
from kehu_desktop.ui.common.date_edit import DateEdit
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.operations import Operations


class SurveyDialog(EditDialog):
    """One survey of ``customer_id``; the items and their weights are read as it opens."""

    record_label = "满意度调查"
    changes = ("key_accounts",)
    ok_text = "保存调查(&S)"

    def __init__(self, ops: Operations, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(ops, None, "大客户满意程度调查", parent)
        self._customer_id = customer_id
        self._items: list[WeightedItem] = []
        self.surveyed_on = DateEdit("surveyDate", date.today())
        self.surveyed_on.setMaximumDate(QDate.currentDate())
        self.respondent = QLineEdit(objectName="surveyRespondent")
        self.respondent.setPlaceholderText("受访人姓名、职务")
        self.add_field("调查日期", self.surveyed_on, "surveyed_on")
        self.add_field("受访人", self.respondent, "respondent")
        self.scores: dict[str, QComboBox] = {}
        self.overall = QLabel(objectName="surveyOverall")
        self.overall.setStyleSheet("font-weight: bold;")
        self.notes = QPlainTextEdit(objectName="surveyNotes")
        self.notes.setPlaceholderText("客户的意见和建议")
        self.notes.setFixedHeight(70)
        self.load(satisfaction.items, self._fill)

    def _fill(self, items: list[WeightedItem]) -> None:
        self._items = items
        for index, item in enumerate(items):
            combo = QComboBox(objectName=f"surveyScore{index}")
            for score in range(satisfaction.HIGHEST, satisfaction.LOWEST - 1, -1):
                combo.addItem(f"{score} {satisfaction.SCORE_LABELS[score]}", score)
            combo.setCurrentIndex(1)
            combo.currentIndexChanged.connect(self._update_overall)
            self.scores[item.item] = combo
            self.add_field(f"{item.item}（权重 {item.weight:g}）", combo, item.item)
        self.add_field("综合得分", self.overall)
        self.add_field("意见和建议", self.notes, "notes")
        self._update_overall()

    def set_score(self, item: str, score: int) -> None:
        combo = self.scores[item]
        combo.setCurrentIndex(combo.findData(score))

    def _update_overall(self) -> None:
        scores = {name: Decimal(combo.currentData()) for name, combo in self.scores.items()}
        overall = weighted_items.weighted_average(self._items, scores)
        self.overall.setText(f"{overall:.2f} 分（满分 5 分）")

    def current_input(self) -> tuple[dict[str, int], date, str, str]:
        return (
            {name: combo.currentData() for name, combo in self.scores.items()},
            self.surveyed_on.date().toPython(),
            self.respondent.text(),
            self.notes.toPlainText(),
        )

    def submit(self, session: Session) -> int:
        scores, surveyed_on, respondent, notes = self.submitted_input
        return satisfaction.record_survey(
            session,
            self.ops.operator,
            self._customer_id,
            scores,
            surveyed_on=surveyed_on,
            respondent=respondent,
            notes=notes,
        )
