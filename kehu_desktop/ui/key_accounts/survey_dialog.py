"""大客户满意程度调查表: score each item 1–5; the weighted overall score shows as you go."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QLineEdit, QPlainTextEdit
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.key_accounts import satisfaction, weighted_items
from kehu_desktop.ui.common.service_dialog import ServiceDialog


class SurveyDialog(ServiceDialog):
    def __init__(self, context: DeskContext, customer_id: int, parent=None) -> None:
        super().__init__(context, "大客户满意程度调查", "surveyDialog", "保存调查(&S)", parent)
        self._customer_id = customer_id
        with context.reader() as session:
            self._items = satisfaction.items(session)
        self.surveyed_on = QDateEdit(QDate.currentDate(), objectName="surveyDate")
        self.surveyed_on.setCalendarPopup(True)
        self.surveyed_on.setDisplayFormat("yyyy-MM-dd")
        self.surveyed_on.setMaximumDate(QDate.currentDate())
        self.respondent = QLineEdit(objectName="surveyRespondent")
        self.respondent.setPlaceholderText("受访人姓名、职务")
        self.add_field("调查日期", self.surveyed_on, "surveyed_on")
        self.add_field("受访人", self.respondent)
        self.scores: dict[str, QComboBox] = {}
        for index, item in enumerate(self._items):
            combo = QComboBox(objectName=f"surveyScore{index}")
            for score in range(satisfaction.HIGHEST, satisfaction.LOWEST - 1, -1):
                combo.addItem(f"{score} {satisfaction.SCORE_LABELS[score]}", score)
            combo.setCurrentIndex(1)
            combo.currentIndexChanged.connect(self._update_overall)
            self.scores[item.item] = combo
            self.add_field(f"{item.item}（权重 {item.weight:g}）", combo, item.item)
        self.overall = QLabel(objectName="surveyOverall")
        self.overall.setStyleSheet("font-weight: bold;")
        self.notes = QPlainTextEdit(objectName="surveyNotes")
        self.notes.setPlaceholderText("客户的意见和建议")
        self.notes.setFixedHeight(70)
        self.add_field("综合得分", self.overall)
        self.add_field("意见和建议", self.notes)
        self._update_overall()

    def set_score(self, item: str, score: int) -> None:
        combo = self.scores[item]
        combo.setCurrentIndex(combo.findData(score))

    def _update_overall(self) -> None:
        scores = {name: Decimal(combo.currentData()) for name, combo in self.scores.items()}
        overall = weighted_items.weighted_average(self._items, scores)
        self.overall.setText(f"{overall:.2f} 分（满分 5 分）")

    def submit(self, session: Session) -> int:
        return satisfaction.record_survey(
            session,
            self._context.operator,
            self._customer_id,
            {name: combo.currentData() for name, combo in self.scores.items()},
            surveyed_on=self.surveyed_on.date().toPython(),
            respondent=self.respondent.text(),
            notes=self.notes.toPlainText(),
        )
