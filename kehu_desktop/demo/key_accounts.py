"""Demo key accounts that tell a consistent story, written in bulk after the demo's sales.

The demo's ABC classes are computed first; the biggest A-class customers then become key
accounts through an approved proposal, with a filled card, countermeasures (some overdue),
satisfaction surveys every few months and credit evaluations that set the customer's rating
and limit. The next A-class customers wait as pending proposals; one proposal was rejected.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from kehu_desktop.models import (
    Countermeasure,
    CreditEvaluation,
    CreditItemScore,
    Customer,
    KeyAccount,
    KeyAccountProposal,
    SatisfactionSurvey,
    SurveyItemScore,
    Visit,
)
from kehu_desktop.services.key_accounts import (
    abc_classes,
    credit,
    designation,
    satisfaction,
    weighted_items,
)

REASONS = ("近一年采购额居前，需求稳定增长", "行业龙头，带动同行采购", "新项目量产，年需求预计翻倍",
           "合作多年，付款及时，有扩大合作意向")  # fmt: skip
PRODUCTS = ("精密注塑件", "五金冲压件", "线束组件", "包装材料", "控制板", "铝合金压铸件")
COMPETITORS = ("宏泰精密", "鑫盛五金", "永安电子", "恒通包装", "瑞祥科技")
ISSUES = [("交期不稳定，旺季常延误", "设安全库存，旺季前一月锁定产能"),
          ("对价格敏感，竞争对手报价低 5%", "签年度框架协议，按量阶梯定价"),
          ("质量投诉偏多（外观划伤）", "出货加严检验，品质部每月回访"),
          ("采购负责人更换，关系待重建", "总经理带队拜访新采购经理"),
          ("付款周期拉长", "财务对账，信用期内催收，超期暂停发货")]  # fmt: skip
MEASURE_STATUSES = ("未开始", "进行中", "进行中", "已完成")
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋"
LEVEL_SHARES = (("战略", 0.2), ("重点", 0.6), ("一般", 1.0))


@dataclass
class _Ids:
    """The next free primary key per table, so parents and children insert in bulk."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _person(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
    )


def add_key_accounts(
    session: Session,
    rng: random.Random,
    first_customer_id: int,
    staff_ids: list[int],
    actor: int,
    today: date,
) -> int:
    """Designate key accounts among the demo customers from ``first_customer_id`` on; returns
    how many. Expects the ABC classes to be computed."""
    now = datetime.now()
    stamp = {"created_by_id": actor, "updated_by_id": actor, "created_at": now, "updated_at": now}
    sales = abc_classes.sales_in_window(session, today)
    candidates = session.execute(
        select(Customer.id, Customer.owner_id)
        .where(Customer.id >= first_customer_id, Customer.abc_class == "A",
               Customer.trade_stage == "正在")
    ).all()  # fmt: skip
    candidates.sort(key=lambda c: (-sales.get(c[0], 0), c[0]))
    new_customers = session.scalar(
        select(func.count(Customer.id)).where(Customer.id >= first_customer_id)
    )
    wanted = max(8, new_customers // 20)
    chosen, waiting = candidates[:wanted], candidates[wanted : wanted + 3 + new_customers // 500]
    tables = (KeyAccountProposal, KeyAccount, Countermeasure, SatisfactionSurvey, SurveyItemScore,
              CreditEvaluation, CreditItemScore)  # fmt: skip
    ids = _Ids({t.__tablename__: (session.scalar(select(func.max(t.id))) or 0) + 1 for t in tables})
    rows: dict[str, list[dict]] = {t.__tablename__: [] for t in tables}
    supervisor = staff_ids[1]
    survey_items = satisfaction.items(session)
    credit_items, bands = credit.items(session), credit.bands(session)
    ratings: list[dict] = []
    visits: list[dict] = []
    for rank, (customer_id, owner) in enumerate(chosen):
        level = next(
            name for name, share in LEVEL_SHARES if rank < share * len(chosen) or share == 1
        )
        interval = designation.LEVEL_INTERVALS[level]
        designated = today - timedelta(days=rng.randrange(60, 700))
        sales_12m = Decimal(sales.get(customer_id, 0)) / 100
        proposal_id = ids.take("key_account_proposals")
        proposed = datetime.combine(designated - timedelta(days=rng.randrange(3, 15)), time(10))
        rows["key_account_proposals"].append({
            "id": proposal_id, "customer_id": customer_id, "proposer_id": owner or supervisor,
            "proposed_at": proposed, "reasons": rng.choice(REASONS), "sales_12m": sales_12m,
            "figures": "", "status": designation.APPROVED, "decided_by_id": supervisor,
            "decided_at": datetime.combine(designated, time(16)), "decision_note": "同意",
            "level": level, "manager_id": owner, "visit_interval_days": interval,
            **stamp})  # fmt: skip
        card_id = ids.take("key_accounts")
        annual = (sales_12m * Decimal(rng.uniform(1.5, 3.5))).quantize(Decimal("0.01"))
        share = (sales_12m * 100 / annual).quantize(Decimal("0.01")) if annual else None
        rows["key_accounts"].append({
            "id": card_id, "customer_id": customer_id, "proposal_id": proposal_id, "level": level,
            "manager_id": owner, "visit_interval_days": interval, "active": True,
            "designated_on": designated, "delisted_on": None, "delist_reason": "",
            "decision_makers": f"总经理 {_person(rng)}；采购经理 {_person(rng)}",
            "annual_purchase_volume": annual, "our_share_percent": share,
            "main_products": "、".join(rng.sample(PRODUCTS, 2)),
            "competitors": "、".join(rng.sample(COMPETITORS, 2)),
            "credit_terms": f"月结 {rng.choice((30, 60, 90))} 天",
            "service_plan": f"每 {interval} 天拜访一次；每季度满意度调查；新品优先送样",
            "important_dates": f"公司周年 {rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            **stamp})  # fmt: skip
        for issue, measure in rng.sample(ISSUES, rng.randrange(0, 4)):
            status = rng.choice(MEASURE_STATUSES)
            deadline = today + timedelta(days=rng.randrange(-40, 60))
            rows["countermeasures"].append({
                "id": ids.take("countermeasures"), "key_account_id": card_id, "issue": issue,
                "measure": measure, "owner_id": owner, "deadline": deadline, "status": status,
                "done_on": min(deadline, today) if status == "已完成" else None,
                **stamp})  # fmt: skip
        _add_surveys(rows, ids, rng, customer_id, owner, designated, today, survey_items, stamp)
        since = max(designated, today - timedelta(days=180))
        manager = owner or supervisor
        visits.extend(_regular_visits(rng, customer_id, manager, interval, since, today, stamp))
        rating = _add_credit(rows, ids, rng, customer_id, supervisor, designated, today,
                             credit_items, bands, stamp)  # fmt: skip
        # Most accounts stay within their new limit; about one in seven has run over it.
        share = rng.uniform(1.05, 1.3) if rng.random() < 0.15 else rng.uniform(0.1, 0.9)
        rating["owed"] = (rating["limit"] * Decimal(share)).quantize(Decimal("0.01"))
        ratings.append(rating)
    for number, (customer_id, owner) in enumerate(waiting):
        rejected = number == len(waiting) - 1 and number > 0
        rows["key_account_proposals"].append({
            "id": ids.take("key_account_proposals"), "customer_id": customer_id,
            "proposer_id": owner or supervisor,
            "proposed_at": datetime.combine(today - timedelta(days=rng.randrange(1, 10)), time(9)),
            "reasons": rng.choice(REASONS), "figures": "",
            "sales_12m": Decimal(sales.get(customer_id, 0)) / 100,
            "status": designation.REJECTED if rejected else designation.PENDING,
            "decided_by_id": supervisor if rejected else None,
            "decided_at": datetime.combine(today, time(11)) if rejected else None,
            "decision_note": "近一年销售额波动大，暂缓，半年后再议" if rejected else "",
            "level": "", "manager_id": None, "visit_interval_days": None, **stamp})  # fmt: skip
    for table in tables:
        if rows[table.__tablename__]:
            session.execute(insert(table.__table__), rows[table.__tablename__])
    if visits:
        session.execute(insert(Visit.__table__), visits)
    if ratings:
        customers = Customer.__table__
        statement = (
            update(customers)
            .where(customers.c.id == bindparam("cid"))
            .values(credit_rating=bindparam("rating"), credit_days=bindparam("days"),
                    credit_limit=bindparam("limit", type_=customers.c.credit_limit.type),
                    outstanding_amount=bindparam("owed", type_=customers.c.credit_limit.type))
        )  # fmt: skip
        session.connection().execute(statement, ratings)
    return len(chosen)


def _regular_visits(rng, customer_id, staff_id, interval, first, today, stamp) -> list[dict]:
    """The account manager's visits, mostly on time; now and then one slips past the interval."""
    rows = []
    day = first + timedelta(days=rng.randrange(0, max(1, interval)))
    while day < today:
        when = datetime.combine(day, time(rng.randrange(9, 17), rng.choice((0, 30))))
        rows.append({"customer_id": customer_id, "staff_id": staff_id, "visited_at": when,
                     "method": rng.choice(("上门", "上门", "电话")), "purpose": "例行",
                     "contacts_met": "采购经理", "discussion": "了解下季度需求与交期安排",
                     "result": "客户计划维持订单量", "requests": "", **stamp})  # fmt: skip
        day += timedelta(days=max(1, round(interval * rng.uniform(0.5, 1.15))))
    return rows


def _add_surveys(rows, ids, rng, customer_id, owner, designated, today, items, stamp) -> None:
    base = rng.uniform(3.2, 4.6)
    day = designated + timedelta(days=rng.randrange(20, 60))
    while day <= today:
        base = min(5.0, max(1.5, base + rng.uniform(-0.4, 0.4)))
        scores = {i.item: max(1, min(5, round(base + rng.uniform(-1, 1)))) for i in items}
        overall = weighted_items.weighted_average(items, {k: Decimal(v) for k, v in scores.items()})
        survey_id = ids.take("satisfaction_surveys")
        rows["satisfaction_surveys"].append({
            "id": survey_id, "customer_id": customer_id, "surveyed_on": day, "surveyor_id": owner,
            "respondent": f"{_person(rng)}（采购经理）", "overall_score": overall,
            "notes": rng.choice(("希望交期更稳定", "对新品感兴趣", "服务及时，满意", "价格偏高")),
            **stamp})  # fmt: skip
        for item in items:
            rows["survey_item_scores"].append({
                "id": ids.take("survey_item_scores"), "survey_id": survey_id, "item": item.item,
                "weight": item.weight, "score": scores[item.item]})  # fmt: skip
        day += timedelta(days=rng.randrange(80, 120))


def _add_credit(rows, ids, rng, customer_id, evaluator, designated, today, items, bands, stamp):
    """One or two evaluations; returns the latest as the customer's current credit."""
    latest = None
    span = range(10, max(11, (today - designated).days))
    days_back = sorted(rng.sample(span, min(len(span), rng.choice((1, 2)))), reverse=True)
    for back in days_back:
        scores = {i.item: Decimal(rng.randrange(55, 99)) for i in items}
        total = weighted_items.weighted_average(items, scores)
        band = credit.band_for(bands, total)
        evaluation_id = ids.take("credit_evaluations")
        rows["credit_evaluations"].append({
            "id": evaluation_id, "customer_id": customer_id,
            "evaluated_on": today - timedelta(days=back), "evaluator_id": evaluator,
            "total_score": total, "rating": band.rating, "credit_limit": band.limit,
            "credit_days": band.days, "notes": "", **stamp})  # fmt: skip
        for item in items:
            rows["credit_item_scores"].append({
                "id": ids.take("credit_item_scores"), "evaluation_id": evaluation_id,
                "item": item.item, "weight": item.weight, "score": scores[item.item]})  # fmt: skip
        latest = {"cid": customer_id, "rating": band.rating, "limit": band.limit,
                  "days": band.days}  # fmt: skip
    return latest
