"""Satisfaction surveys (大客户满意程度调查表): items scored 1–5 with weights, an overall
score (the weighted average) and its trend over time. Items and weights are a setting; each
survey keeps the items and weights it was taken with, so later changes do not rewrite it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from kehu_desktop.models import Customer, SatisfactionSurvey, SurveyItemScore
from kehu_desktop.services.common.errors import NotFoundError, ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.settings import SettingSpec
from kehu_desktop.services.key_accounts import weighted_items
from kehu_desktop.services.key_accounts.weighted_items import WeightedItem

LOWEST, HIGHEST = 1, 5
NUMBER_PREFIX = "MY"  # a survey's printed number: MY-000012
SCORE_LABELS = {1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "很满意"}
ITEMS = weighted_items.ItemList(
    SettingSpec(
        "satisfaction.items",
        [{"item": "产品质量", "weight": 25}, {"item": "交货及时", "weight": 20},
         {"item": "价格合理", "weight": 15}, {"item": "服务态度", "weight": 15},
         {"item": "投诉处理", "weight": 15}, {"item": "技术支持", "weight": 10}],
        "满意度调查项目及权重",
    ),
    "满意度调查项目",
)  # fmt: skip


def survey_number(survey_id: int) -> str:
    """The number a survey is printed and found by."""
    return f"{NUMBER_PREFIX}-{survey_id:06d}"


@dataclass(frozen=True)
class SurveyRow:
    id: int
    surveyed_on: date
    surveyor: str
    respondent: str
    overall_score: Decimal
    notes: str
    items: tuple[tuple[str, Decimal, int], ...]  # (item, weight, score)


@dataclass(frozen=True)
class Trend:
    """Overall scores oldest first, and the change since the survey before the last."""

    points: tuple[tuple[date, Decimal], ...]

    @property
    def latest(self) -> Decimal | None:
        return self.points[-1][1] if self.points else None

    @property
    def change(self) -> Decimal | None:
        if len(self.points) < 2:
            return None
        return self.points[-1][1] - self.points[-2][1]

    def describe(self) -> str:
        if not self.points:
            return "尚无满意度调查"
        text = f"最近一次 {self.latest:.2f} 分（{self.points[-1][0]:%Y-%m-%d}）"
        change = self.change
        if change is None:
            return text
        if change > 0:
            return f"{text}，较上次上升 {change:.2f}"
        if change < 0:
            return f"{text}，较上次下降 {-change:.2f}"
        return f"{text}，与上次持平"


# The settings dialog, the forms and the demo read and store the items through these.
items = ITEMS.load
put_items = ITEMS.store


def parse_scores(all_items: Sequence[WeightedItem], raw: Mapping[str, str | int]) -> dict[str, int]:
    """Each item's score, a whole number 1–5; every item must be scored."""
    scores, errors = {}, {}
    for item in all_items:
        text = str(raw.get(item.item, "")).strip()
        if not text.isdigit() or not LOWEST <= int(text) <= HIGHEST:
            errors[item.item] = f"“{item.item}”的评分应为 {LOWEST}–{HIGHEST} 的整数。"
            continue
        scores[item.item] = int(text)
    if errors:
        raise ValidationError(errors)
    return scores


def record_survey(
    session: Session,
    operator: Operator,
    customer_id: int,
    scores: Mapping[str, str | int],
    *,
    surveyed_on: date | None = None,
    respondent: str = "",
    notes: str = "",
) -> int:
    """Record a survey with the current items and weights; returns its id."""
    if session.get(Customer, customer_id) is None:
        raise NotFoundError("该客户不存在或已被删除。")
    surveyed_on = surveyed_on or date.today()
    if surveyed_on > date.today():
        raise ValidationError({"surveyed_on": "调查日期不能晚于今天。"})
    all_items = items(session)
    parsed = parse_scores(all_items, scores)
    overall = weighted_items.weighted_average(all_items, {k: Decimal(v) for k, v in parsed.items()})
    survey = SatisfactionSurvey(
        customer_id=customer_id,
        surveyed_on=surveyed_on,
        surveyor_id=operator.id,
        respondent=respondent.strip()[:40],
        overall_score=overall,
        notes=notes.strip(),
        items=[
            SurveyItemScore(item=i.item, weight=i.weight, score=parsed[i.item]) for i in all_items
        ],
    )
    session.add(survey)
    session.flush()
    return survey.id


def surveys(session: Session, customer_id: int) -> list[SurveyRow]:
    """The customer's surveys, newest first."""
    forms = weighted_items.filled_forms(session, SatisfactionSurvey, customer_id,
                                        SatisfactionSurvey.surveyed_on,
                                        SatisfactionSurvey.surveyor_id)  # fmt: skip
    return [
        SurveyRow(s.id, s.surveyed_on, name, s.respondent, s.overall_score, s.notes, scores)
        for s, name, scores in forms
    ]


def trend(rows: Sequence[SurveyRow]) -> Trend:
    ordered = sorted(rows, key=lambda r: (r.surveyed_on, r.id))
    return Trend(tuple((r.surveyed_on, r.overall_score) for r in ordered))
