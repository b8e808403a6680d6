"""Credit evaluation (客户信用等级评定, 002 第3章): weighted items scored 0–100 give a total,
the total a rating (AAA/AA/A/B/C) and with it a suggested credit limit and term.

Items and weights, and the score bands with their limits and terms, are settings. Evaluating
is a 主管's decision: it writes a ``CreditEvaluation`` (the history) and sets the customer's
``credit_rating``, ``credit_limit`` and ``credit_days``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import CreditEvaluation, CreditItemScore, Customer, SalesRecord
from kehu_desktop.services.common.errors import NotFoundError, ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.parsing import parse_int, parse_money
from kehu_desktop.services.common.settings import SettingSpec
from kehu_desktop.services.key_accounts import weighted_items
from kehu_desktop.services.key_accounts.weighted_items import WeightedItem

RATINGS = ("AAA", "AA", "A", "B", "C")
NUMBER_PREFIX = "XY"  # a credit evaluation's printed number: XY-000007
ITEMS = weighted_items.ItemList(
    SettingSpec(
        "credit.items",
        [{"item": "注册资本", "weight": 15}, {"item": "从业年限", "weight": 10},
         {"item": "付款记录", "weight": 30}, {"item": "履约情况", "weight": 20},
         {"item": "合作年限", "weight": 10}, {"item": "经营状况", "weight": 15}],
        "信用评定项目及权重",
    ),
    "信用评定项目",
)  # fmt: skip


class StoredBand(TypedDict):
    """One credit band as the setting stores it (JSON: the limit as text, exact)."""

    rating: str
    min_score: float
    limit: str
    days: int


BANDS: SettingSpec[list[StoredBand]] = SettingSpec(
    "credit.bands",
    [{"rating": "AAA", "min_score": 90, "limit": "500000", "days": 90},
     {"rating": "AA", "min_score": 80, "limit": "300000", "days": 60},
     {"rating": "A", "min_score": 70, "limit": "150000", "days": 45},
     {"rating": "B", "min_score": 60, "limit": "50000", "days": 30},
     {"rating": "C", "min_score": 0, "limit": "0", "days": 0}],
    "信用等级分数线、额度与期限",
)  # fmt: skip


@dataclass(frozen=True)
class CreditBand:
    rating: str
    min_score: Decimal
    limit: Decimal
    days: int


def credit_number(evaluation_id: int) -> str:
    """The number a credit evaluation is printed and found by."""
    return f"{NUMBER_PREFIX}-{evaluation_id:06d}"


@dataclass(frozen=True)
class EvaluationRow:
    id: int
    evaluated_on: date
    evaluator: str
    total_score: Decimal
    rating: str
    credit_limit: Decimal
    credit_days: int
    notes: str
    items: tuple[tuple[str, Decimal, Decimal], ...]  # (item, weight, score)


@dataclass(frozen=True)
class CreditState:
    """A customer's credit as the card and the list show it."""

    rating: str
    limit: Decimal | None
    days: int | None
    outstanding: Decimal

    @property
    def over_limit(self) -> bool:
        return is_over_limit(self.limit, self.outstanding)

    def describe(self) -> str:
        if self.limit is None:
            return f"{self.rating} 未设额度" if self.rating else "未评定"
        if self.over_limit:
            return f"超出额度 {self.outstanding - self.limit:,.2f} 元"
        return f"{self.rating or '未评级'} 正常"


def is_over_limit(limit: Decimal | None, outstanding: Decimal) -> bool:
    """The outstanding amount exceeds the credit limit (only when a limit is set)."""
    return limit is not None and outstanding > limit


# The settings dialog, the forms and the demo read and store the items through these.
items = ITEMS.load
put_items = ITEMS.store


def bands(session: Session) -> list[CreditBand]:
    return [
        CreditBand(b["rating"], Decimal(str(b["min_score"])), Decimal(str(b["limit"])), b["days"])
        for b in BANDS.get(session)
    ]


def put_bands(
    session: Session,
    operator: Operator,
    rows: Sequence[Mapping[str, str]],
    seen: Mapping[str, int] | None = None,
) -> list[CreditBand]:
    """One row per rating, AAA to C, with falling minimum scores; C starts at 0."""
    operator.require_supervisor()
    errors: dict[str, str] = {}
    parsed = []
    by_rating = {str(r.get("rating", "")).strip(): r for r in rows}
    for rating in RATINGS:
        row = by_rating.get(rating)
        if row is None:
            errors[rating] = f"缺少信用等级 {rating}。"
            continue
        try:
            minimum = Decimal(str(row.get("min_score", "")).strip())
            if not 0 <= minimum <= 100:
                raise InvalidOperation
            limit = parse_money(str(row.get("limit", "")).strip() or "0")
            days = parse_int(str(row.get("days", "")).strip() or "0")
        except (InvalidOperation, ValueError) as error:
            detail = str(error) if isinstance(error, ValueError) else "分数线应为 0–100。"
            errors[rating] = f"信用等级 {rating}：{detail}"
            continue
        parsed.append(CreditBand(rating, minimum, limit, days))
    if not errors:
        minimums = [b.min_score for b in parsed]
        if any(a <= b for a, b in zip(minimums, minimums[1:], strict=False)):
            errors["order"] = "各等级分数线须从 AAA 到 C 依次降低。"
        elif minimums[-1] != 0:
            errors["order"] = "C 级分数线须为 0，使每个总分都有等级。"
    if errors:
        raise ValidationError(errors)
    BANDS.put(session, [{"rating": b.rating, "min_score": float(b.min_score),
                         "limit": str(b.limit), "days": b.days} for b in parsed], seen)  # fmt: skip
    return parsed


def band_for(all_bands: Sequence[CreditBand], total: Decimal) -> CreditBand:
    """The highest band whose minimum the total reaches."""
    for band in sorted(all_bands, key=lambda b: b.min_score, reverse=True):
        if total >= band.min_score:
            return band
    return min(all_bands, key=lambda b: b.min_score)


def parse_scores(
    all_items: Sequence[WeightedItem], raw: Mapping[str, str | int | Decimal]
) -> dict[str, Decimal]:
    """Each item's score, 0–100; every item must be scored."""
    scores, errors = {}, {}
    for item in all_items:
        text = str(raw.get(item.item, "")).strip()
        try:
            value = Decimal(text)
            if not value.is_finite() or not 0 <= value <= 100:
                raise InvalidOperation
        except InvalidOperation:
            errors[item.item] = f"“{item.item}”的评分应为 0–100 的数字。"
            continue
        scores[item.item] = value
    if errors:
        raise ValidationError(errors)
    return scores


def evaluate(
    session: Session,
    operator: Operator,
    customer_id: int,
    scores: Mapping[str, str | int | Decimal],
    *,
    credit_limit: str = "",
    credit_days: str = "",
    notes: str = "",
    on: date | None = None,
) -> int:
    """Record an evaluation and apply it to the customer (主管 only). The limit and term
    default to the rating's band; a different figure may be given. Returns the id."""
    operator.require_supervisor()
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("该客户不存在或已被删除。")
    all_items = items(session)
    parsed = parse_scores(all_items, scores)
    total = weighted_items.weighted_average(all_items, parsed)
    band = band_for(bands(session), total)
    errors = {}
    try:
        limit = parse_money(credit_limit) if str(credit_limit).strip() else band.limit
    except ValueError as error:
        errors["credit_limit"] = f"信用额度：{error}"
    try:
        days = parse_int(credit_days) if str(credit_days).strip() else band.days
    except ValueError as error:
        errors["credit_days"] = f"信用期限：{error}"
    if errors:
        raise ValidationError(errors)
    evaluation = CreditEvaluation(
        customer_id=customer_id,
        evaluated_on=on or date.today(),
        evaluator_id=operator.id,
        total_score=total,
        rating=band.rating,
        credit_limit=limit,
        credit_days=days,
        notes=notes.strip(),
        items=[
            CreditItemScore(item=i.item, weight=i.weight, score=parsed[i.item]) for i in all_items
        ],
    )
    session.add(evaluation)
    customer.credit_rating, customer.credit_limit, customer.credit_days = band.rating, limit, days
    session.flush()
    return evaluation.id


def history(session: Session, customer_id: int) -> list[EvaluationRow]:
    """The customer's evaluations, newest first."""
    forms = weighted_items.filled_forms(session, CreditEvaluation, customer_id,
                                        CreditEvaluation.evaluated_on,
                                        CreditEvaluation.evaluator_id)  # fmt: skip
    return [
        EvaluationRow(e.id, e.evaluated_on, name, e.total_score, e.rating, e.credit_limit,
                      e.credit_days, e.notes, scores)
        for e, name, scores in forms
    ]  # fmt: skip


def state(session: Session, customer_id: int) -> CreditState:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("该客户不存在或已被删除。")
    return CreditState(
        customer.credit_rating, customer.credit_limit, customer.credit_days,
        customer.outstanding_amount,
    )  # fmt: skip


@dataclass(frozen=True)
class CreditFacts:
    """What the customer file says about the items, shown beside the scores as a guide."""

    registered_capital: Decimal | None
    founded_on: date | None
    payment_record: str
    contract_performance: str
    first_sale: date | None

    def lines(self, today: date | None = None) -> list[str]:
        today = today or date.today()
        capital = f"{self.registered_capital:,.2f} 元" if self.registered_capital else "未填"
        years = f"{(today - self.founded_on).days // 365} 年" if self.founded_on else "未填"
        since = f"{self.first_sale:%Y-%m} 起" if self.first_sale else "无销售记录"
        return [f"注册资本：{capital}", f"从业年限：{years}",
                f"付款情况：{self.payment_record or '未填'}",
                f"履约情况：{self.contract_performance or '未填'}", f"合作：{since}"]  # fmt: skip


def facts(session: Session, customer_id: int) -> CreditFacts:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("该客户不存在或已被删除。")
    first_sale = session.scalar(
        select(SalesRecord.month)
        .where(SalesRecord.customer_id == customer_id)
        .order_by(SalesRecord.month)
        .limit(1)
    )
    return CreditFacts(customer.registered_capital, customer.founded_on, customer.payment_record,
                       customer.contract_performance, first_sale)  # fmt: skip
