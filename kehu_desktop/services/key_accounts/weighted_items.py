"""Weighted scoring items, shared by credit evaluations and satisfaction surveys.

Both forms list items (e.g. 付款记录, 产品质量) with weights kept in settings; a result is the
weighted average of the item scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from kehu_desktop.models import CreditEvaluation, SatisfactionSurvey, Staff
from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.settings import SettingSpec

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class WeightedItem:
    item: str
    weight: Decimal


@dataclass(frozen=True)
class ItemList:
    """A form's scoring items and their weights, kept in ``setting``; ``what`` names them in
    messages (信用评定项目, 满意度调查项目)."""

    setting: SettingSpec
    what: str

    def load(self, session: Session) -> list[WeightedItem]:
        """The items and weights stored now."""
        return [
            WeightedItem(str(r["item"]), Decimal(str(r["weight"])))
            for r in self.setting.get(session)
        ]

    def store(
        self,
        session: Session,
        operator: Operator,
        rows: Sequence[Mapping[str, str]],
        seen: Mapping[str, int] | None = None,
    ) -> list[WeightedItem]:
        """Check and store new items and weights (主管 only); refused when the setting changed
        since ``seen``."""
        operator.require_supervisor()
        parsed = parse_items(rows, self.what)
        setting = [{"item": i.item, "weight": float(i.weight)} for i in parsed]
        self.setting.put(session, setting, seen)
        return parsed


def parse_items(rows: Sequence[Mapping[str, str]], what: str) -> list[WeightedItem]:
    """Items as typed in the settings dialog: names unique and non-empty, weights positive."""
    items, errors, names = [], {}, set()
    for index, row in enumerate(rows):
        name = str(row.get("item", "")).strip()
        weight_text = str(row.get("weight", "")).strip()
        if not name and not weight_text:
            continue
        where = f"{what}第 {index + 1} 行："
        if not name:
            errors[f"{index}.item"] = f"{where}请填写项目名称。"
            continue
        if len(name) > 40:
            errors[f"{index}.item"] = f"{where}项目名称最多 40 个字。"
        if name in names:
            errors[f"{index}.item"] = f"{where}项目“{name}”重复。"
        names.add(name)
        try:
            weight = Decimal(weight_text)
        except InvalidOperation:
            weight = Decimal(-1)
        if not weight.is_finite() or weight <= 0 or weight > 1000:
            errors[f"{index}.weight"] = f"{where}权重应为大于 0 的数字。"
            continue
        items.append(WeightedItem(name, weight.quantize(TWO_PLACES)))
    if not items and not errors:
        errors["items"] = f"{what}至少需要一个项目。"
    if errors:
        raise ValidationError(errors)
    return items


def weighted_average(items: Sequence[WeightedItem], scores: Mapping[str, Decimal]) -> Decimal:
    """Σ weight × score / Σ weight, to two places (half up)."""
    total_weight = sum((i.weight for i in items), Decimal(0))
    if total_weight <= 0:
        return Decimal("0.00")
    weighted = sum((i.weight * Decimal(scores[i.item]) for i in items), Decimal(0))
    return (weighted / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


FilledForm = TypeVar("FilledForm", SatisfactionSurvey, CreditEvaluation)


def filled_forms(
    session: Session,
    form: type[FilledForm],
    customer_id: int,
    dated: InstrumentedAttribute[date],
    filled_by: InstrumentedAttribute[int | None],
) -> list[tuple[FilledForm, str, tuple[tuple[str, Decimal, Any], ...]]]:
    """A customer's filled-in forms (evaluations, surveys), newest first: each form, the name of
    who filled it in, and its (item, weight, score) lines."""
    query = (
        select(form, Staff.name)
        .outerjoin(Staff, Staff.id == filled_by)
        .where(form.customer_id == customer_id)
        .options(selectinload(form.items))
        .order_by(dated.desc(), form.id.desc())
    )
    return [
        (row, name or "", tuple((i.item, i.weight, i.score) for i in row.items))
        for row, name in session.execute(query)
    ]
