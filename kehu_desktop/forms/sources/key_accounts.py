"""Key-account desk form sources: 大客户管理卡, 对策一览表, 交往表 (one key account), 申请表 and
设定表 (one proposal), 满意度调查表 (one survey) and 客户信用调查表 (one credit evaluation).

Each survey and each credit evaluation has its own printed number (MY-000012, XY-000007), and
their blank forms list the items and weights set in the app, so a form filled in by hand can be
keyed back item for item.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.forms.sources.common import (
    SCORES,
    FieldInfo,
    Record,
    Rows,
    Source,
    get_row,
    staff_name,
)
from kehu_desktop.forms.sources.customers import (
    CONTACT_CATALOG,
    CUSTOMER_CATALOG,
    contact_rows,
    customer_brief,
    load_customer,
)
from kehu_desktop.models import (
    CreditEvaluation,
    Customer,
    KeyAccount,
    KeyAccountProposal,
    SatisfactionSurvey,
    Staff,
)
from kehu_desktop.services.common.errors import NotFoundError
from kehu_desktop.services.key_accounts import (
    credit,
    designation,
    key_account_cards,
    satisfaction,
)
from kehu_desktop.services.key_accounts.weighted_items import WeightedItem


def _item_rows(items: list[WeightedItem]) -> Rows:
    return [{"item": i.item, "weight": i.weight} for i in items]


KEY_ACCOUNT_CATALOG: dict[str, FieldInfo] = {
    "customer_code": FieldInfo("客户编号", "code"),
    "customer_name": FieldInfo("客户名称"),
    "address": FieldInfo("地址"),
    "phone": FieldInfo("电话", "code"),
    "level": FieldInfo("大客户等级", choices=designation.LEVELS),
    "manager": FieldInfo("客户经理"),
    "designated_on": FieldInfo("设定日期", "date"),
    "visit_interval_days": FieldInfo("拜访周期（天）", "number"),
    "decision_makers": FieldInfo("决策人"),
    "annual_purchase_volume": FieldInfo("年采购额（元）", "money"),
    "our_share_percent": FieldInfo("我司份额（%）", "number"),
    "main_products": FieldInfo("主要产品"),
    "competitors": FieldInfo("主要竞争对手"),
    "credit_terms": FieldInfo("信用条件"),
    "service_plan": FieldInfo("服务计划"),
    "important_dates": FieldInfo("重要日期"),
}
COUNTERMEASURE_CATALOG = {
    "issue": FieldInfo("问题"),
    "measure": FieldInfo("对策"),
    "owner": FieldInfo("负责人"),
    "deadline": FieldInfo("期限", "date"),
    "status": FieldInfo("状态"),
    "done_on": FieldInfo("完成日期", "date"),
}

INTERACTION_CATALOG = {
    "at": FieldInfo("时间", "datetime"),
    "kind": FieldInfo("交往方式"),
    "staff": FieldInfo("经办人"),
    "summary": FieldInfo("交往内容"),
    "state": FieldInfo("结果"),
}


def load_key_account(session: Session, key_account_id: int) -> Record:
    account = get_row(session, KeyAccount, key_account_id, "大客户")
    values = {
        name: getattr(account, name) for name in KEY_ACCOUNT_CATALOG if hasattr(KeyAccount, name)
    }
    values |= customer_brief(account.customer) | {"manager": staff_name(account.manager)}
    measures = [
        {
            "issue": m.issue,
            "measure": m.measure,
            "owner": staff_name(m.owner),
            "deadline": m.deadline,
            "status": m.status,
            "done_on": m.done_on,
        }
        for m in account.countermeasures
    ]
    dealings = [
        {"at": row.at, "kind": row.kind, "staff": row.staff, "summary": row.summary,
         "state": row.state}
        for row in reversed(key_account_cards.interactions(session, account.customer_id, 200))
    ]  # fmt: skip
    return Record(
        f"DK-{account.customer.code}",
        values,
        {
            "countermeasures": measures,
            "contacts": contact_rows(account.customer),
            "interactions": dealings,
        },
    )


def _key_account_ids(session: Session, start: date, end: date) -> list[int]:
    return list(
        session.scalars(
            select(KeyAccount.id).where(KeyAccount.active.is_(True)).order_by(KeyAccount.id)
        )
    )


KEY_ACCOUNT = Source(
    "key_account", "大客户", KEY_ACCOUNT_CATALOG,
    {"countermeasures": COUNTERMEASURE_CATALOG, "contacts": CONTACT_CATALOG,
     "interactions": INTERACTION_CATALOG},
    record_kind="key_account", load_record=load_key_account, ids_in_period=_key_account_ids,
)  # fmt: skip


# --- satisfaction surveys ------------------------------------------------------------------

SURVEY_CATALOG = {
    "customer_code": FieldInfo("客户编号", "code"),
    "customer_name": FieldInfo("客户名称"),
    "address": FieldInfo("地址"),
    "phone": FieldInfo("电话", "code"),
    "surveyed_on": FieldInfo("调查日期", "date"),
    "surveyor": FieldInfo("调查人"),
    "respondent": FieldInfo("受访人"),
    "overall_score": FieldInfo("综合得分", "number"),
    "notes": FieldInfo("客户意见与建议"),
}
SURVEY_ITEMS = {
    "item": FieldInfo("调查项目"),
    "weight": FieldInfo("权重", "number"),
    "score": FieldInfo("评分", choices=SCORES),
}


def load_survey(session: Session, survey_id: int) -> Record:
    """One satisfaction survey with its item scores, under its own number."""
    survey = get_row(session, SatisfactionSurvey, survey_id, "满意度调查")
    surveyor = session.get(Staff, survey.surveyor_id) if survey.surveyor_id else None
    values = customer_brief(get_row(session, Customer, survey.customer_id, "客户")) | {
        "surveyed_on": survey.surveyed_on,
        "surveyor": staff_name(surveyor),
        "respondent": survey.respondent,
        "overall_score": survey.overall_score,
        "notes": survey.notes,
    }
    items = [{"item": i.item, "weight": i.weight, "score": str(i.score)} for i in survey.items]
    return Record(satisfaction.survey_number(survey.id), values, {"items": items})


def _latest(session: Session, model: Any, date_column: Any, customer_id: int, what: str) -> int:
    found = session.scalar(
        select(model.id)
        .where(model.customer_id == customer_id)
        .order_by(date_column.desc(), model.id.desc())
        .limit(1)
    )
    if found is None:
        raise NotFoundError(f"该客户还没有{what}记录；可打印空白表单手写后再录入。")
    return found


def _account_customer(session: Session, key_account_id: int) -> int:
    return get_row(session, KeyAccount, key_account_id, "大客户").customer_id


def _customer_of(session: Session, kind: str, record_id: int) -> int:
    """The customer a customer or key-account record is about."""
    return record_id if kind == "customer" else _account_customer(session, record_id)


def _surveys_of(session: Session, kind: str, record_id: int) -> list[tuple[int, str]]:
    rows = satisfaction.surveys(session, _customer_of(session, kind, record_id))
    return [
        (
            r.id,
            f"{satisfaction.survey_number(r.id)}　{r.surveyed_on:%Y-%m-%d}　{r.overall_score} 分",
        )
        for r in rows
    ]


def _evaluations_of(session: Session, kind: str, record_id: int) -> list[tuple[int, str]]:
    rows = credit.history(session, _customer_of(session, kind, record_id))
    return [
        (r.id, f"{credit.credit_number(r.id)}　{r.evaluated_on:%Y-%m-%d}　{r.rating} 级")
        for r in rows
    ]


def _latest_survey(session: Session, customer_id: int) -> int:
    date_column = SatisfactionSurvey.surveyed_on
    return _latest(session, SatisfactionSurvey, date_column, customer_id, "满意度调查")


SURVEY = Source(
    "survey", "满意度调查", SURVEY_CATALOG, {"items": SURVEY_ITEMS},
    record_kind="survey", load_record=load_survey,
    blank_tables=lambda session: {"items": _item_rows(satisfaction.items(session))},
    from_kinds={
        "customer": _latest_survey,
        "key_account": lambda s, i: _latest_survey(s, _account_customer(s, i)),
    },
    records_of=_surveys_of,
)  # fmt: skip


# --- credit evaluations --------------------------------------------------------------------

CREDIT_CATALOG = CUSTOMER_CATALOG | {
    "evaluated_on": FieldInfo("评定日期", "date"),
    "evaluator": FieldInfo("评定人"),
    "total_score": FieldInfo("综合得分", "number"),
    "rating": FieldInfo("评定等级", choices=credit.RATINGS),
    "approved_limit": FieldInfo("核定信用额度（元）", "money"),
    "approved_days": FieldInfo("核定信用期限（天）", "number"),
    "evaluation_notes": FieldInfo("评定意见"),
}
CREDIT_ITEMS = {
    "item": FieldInfo("评定项目"),
    "weight": FieldInfo("权重", "number"),
    "score": FieldInfo("得分（0–100）", "number"),
}


def load_credit(session: Session, evaluation_id: int) -> Record:
    """One credit evaluation: the customer's file as it is now, the evaluation's items."""
    evaluation = get_row(session, CreditEvaluation, evaluation_id, "信用评定")
    record = load_customer(session, evaluation.customer_id)
    evaluator = session.get(Staff, evaluation.evaluator_id) if evaluation.evaluator_id else None
    record.number = credit.credit_number(evaluation.id)
    record.values |= {
        "evaluated_on": evaluation.evaluated_on,
        "evaluator": staff_name(evaluator),
        "total_score": evaluation.total_score,
        "rating": evaluation.rating,
        "approved_limit": evaluation.credit_limit,
        "approved_days": evaluation.credit_days,
        "evaluation_notes": evaluation.notes,
    }
    record.tables["items"] = [
        {"item": i.item, "weight": i.weight, "score": i.score} for i in evaluation.items
    ]
    return record


def _latest_credit(session: Session, customer_id: int) -> int:
    date_column = CreditEvaluation.evaluated_on
    return _latest(session, CreditEvaluation, date_column, customer_id, "信用评定")


CREDIT = Source(
    "credit", "信用评定", CREDIT_CATALOG, {"contacts": CONTACT_CATALOG, "items": CREDIT_ITEMS},
    record_kind="credit", load_record=load_credit,
    blank_tables=lambda session: {"items": _item_rows(credit.items(session))},
    from_kinds={
        "customer": _latest_credit,
        "key_account": lambda s, i: _latest_credit(s, _account_customer(s, i)),
    },
    records_of=_evaluations_of,
)  # fmt: skip


# --- 大客户申请表 and 设定表: a proposal and its decision -------------------------------------

PROPOSAL_CATALOG = {
    "customer_code": FieldInfo("客户编号", "code"),
    "customer_name": FieldInfo("客户名称"),
    "address": FieldInfo("地址"),
    "phone": FieldInfo("电话", "code"),
    "abc_class": FieldInfo("ABC 分类", choices=("A", "B", "C")),
    "proposer": FieldInfo("申请人"),
    "proposed_at": FieldInfo("申请时间", "datetime"),
    "sales_12m": FieldInfo("近12个月销售额（元）", "money"),
    "figures": FieldInfo("经营数据"),
    "reasons": FieldInfo("申请理由"),
    "status": FieldInfo("审批状态", choices=("待审批", "已批准", "已驳回")),
    "decided_by": FieldInfo("审批人"),
    "decided_at": FieldInfo("审批时间", "datetime"),
    "decision_note": FieldInfo("审批意见"),
    "level": FieldInfo("大客户等级", choices=designation.LEVELS),
    "manager": FieldInfo("客户经理"),
    "visit_interval_days": FieldInfo("拜访周期（天）", "number"),
}


def load_proposal(session: Session, proposal_id: int) -> Record:
    proposal = get_row(session, KeyAccountProposal, proposal_id, "大客户申请")
    decided_by = session.get(Staff, proposal.decided_by_id) if proposal.decided_by_id else None
    manager = session.get(Staff, proposal.manager_id) if proposal.manager_id else None
    values = customer_brief(proposal.customer) | {
        "abc_class": proposal.customer.abc_class,
        "proposer": staff_name(proposal.proposer),
        "proposed_at": proposal.proposed_at,
        "sales_12m": proposal.sales_12m,
        "figures": proposal.figures,
        "reasons": proposal.reasons,
        "status": proposal.status,
        "decided_by": staff_name(decided_by),
        "decided_at": proposal.decided_at,
        "decision_note": proposal.decision_note,
        "level": proposal.level,
        "manager": staff_name(manager),
        "visit_interval_days": proposal.visit_interval_days,
    }
    return Record(designation.proposal_number(proposal.id), values, {})


def _proposal_of_account(session: Session, key_account_id: int) -> int:
    account = get_row(session, KeyAccount, key_account_id, "大客户")
    if account.proposal_id is not None:
        return account.proposal_id
    date_column = KeyAccountProposal.proposed_at
    return _latest(session, KeyAccountProposal, date_column, account.customer_id, "大客户申请")


PROPOSAL = Source(
    "proposal", "大客户申请", PROPOSAL_CATALOG, {},
    record_kind="proposal", load_record=load_proposal,
    from_kinds={
        "key_account": _proposal_of_account,
        "customer": lambda s, i: _latest(
            s, KeyAccountProposal, KeyAccountProposal.proposed_at, i, "大客户申请"
        ),
    },
)  # fmt: skip
