"""The record data the forms print, read straight from the ORM models.

Each ``Source`` declares the fields and tables a form definition may bind to (the catalog the
validator checks user definitions against) and loads them: a *record* source from one record
id, a *period* source from a date range. Values stay typed (dates, Decimals); the grid formats
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kehu_desktop.models import (
    Complaint,
    CreditEvaluation,
    Customer,
    KeyAccount,
    SalesRecord,
    SatisfactionSurvey,
    Staff,
    Visit,
    VisitPlan,
)
from kehu_desktop.services.common.errors import NotFoundError
from kehu_desktop.services.complaints import choices, complaint_kpis
from kehu_desktop.services.customers.customer_fields import CONTACT_FIELDS, CUSTOMER_FIELDS, Kind
from kehu_desktop.services.key_accounts import credit, designation
from kehu_desktop.services.visits import visit_plans

# Tick-box choices are the desks' own lists, so a filled form ticks what the record holds.
SCORES = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class FieldInfo:
    """A bindable value: its label, how it prints (text/date/datetime/money/number) and its
    choices, when the form may show them as tick boxes."""

    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()


@dataclass
class Record:
    """The data for one filled form: header number, field values and table rows."""

    number: str
    values: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """Where a form's data comes from. ``load_record(session, id)`` for record sources,
    ``load_period(session, start, end)`` (one or more records) for period sources, and
    ``ids_in_period`` for printing every record of a month."""

    name: str
    label: str
    fields: dict[str, FieldInfo]
    tables: dict[str, dict[str, FieldInfo]]
    record_kind: str = ""  # whose ids load_record takes: customer, visit, complaint, key_account
    load_record: Callable[[Session, int], Record] | None = None
    load_period: Callable[[Session, date, date], list[Record]] | None = None
    ids_in_period: Callable[[Session, date, date], list[int]] | None = None

    @property
    def by_period(self) -> bool:
        return self.load_period is not None


def _staff_name(staff: Staff | None) -> str:
    return staff.name if staff is not None else ""


def _get(session: Session, model: type, record_id: int, what: str):
    row = session.get(model, record_id)
    if row is None:
        raise NotFoundError(f"找不到{what}（编号 {record_id}）。")
    return row


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


# --- customers ---------------------------------------------------------------------------

_KIND_PRINT = {Kind.MONEY: "money", Kind.DATE: "date", Kind.AREA: "number", Kind.INTEGER: "number"}

CUSTOMER_CATALOG: dict[str, FieldInfo] = {
    spec.name.removesuffix("_id"): FieldInfo(
        spec.label, _KIND_PRINT.get(spec.kind, "text"), tuple(c for c in spec.choices if c)
    )
    for spec in CUSTOMER_FIELDS
} | {"abc_class": FieldInfo("ABC 分类", choices=("A", "B", "C"))}
CONTACT_CATALOG: dict[str, FieldInfo] = {
    spec.name: FieldInfo(spec.label, "date" if spec.kind == Kind.DATE else "text")
    for spec in CONTACT_FIELDS
}
SALES_CATALOG = {
    "month": FieldInfo("月份"),
    "amount": FieldInfo("销售额（元）", "money"),
    "quantity": FieldInfo("销售数量", "number"),
}


def _customer_values(customer: Customer) -> dict[str, Any]:
    values = {
        name: getattr(customer, name)
        for name in CUSTOMER_CATALOG
        if name != "owner" and hasattr(customer, name)
    }
    values["owner"] = _staff_name(customer.owner)
    return values


def load_customer(session: Session, customer_id: int) -> Record:
    customer = _get(session, Customer, customer_id, "客户")
    contacts = [{name: getattr(c, name) for name in CONTACT_CATALOG} for c in customer.contacts]
    sales = session.scalars(
        select(SalesRecord)
        .where(SalesRecord.customer_id == customer_id)
        .order_by(SalesRecord.month.desc())
        .limit(12)
    ).all()
    sales_rows = [
        {"month": f"{s.month.year}年{s.month.month}月", "amount": s.amount, "quantity": s.quantity}
        for s in reversed(sales)
    ]
    return Record(
        customer.code,
        _customer_values(customer),
        {"contacts": contacts, "sales": sales_rows},
    )


CUSTOMER = Source(
    "customer",
    "客户",
    CUSTOMER_CATALOG,
    {"contacts": CONTACT_CATALOG, "sales": SALES_CATALOG},
    record_kind="customer",
    load_record=load_customer,
)


# --- credit ------------------------------------------------------------------------------

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
    "score": FieldInfo("得分", "number"),
}


def load_credit(session: Session, customer_id: int) -> Record:
    record = load_customer(session, customer_id)
    evaluation = session.scalars(
        select(CreditEvaluation)
        .where(CreditEvaluation.customer_id == customer_id)
        .order_by(CreditEvaluation.evaluated_on.desc(), CreditEvaluation.id.desc())
        .limit(1)
    ).first()
    if evaluation is not None:
        evaluator = session.get(Staff, evaluation.evaluator_id) if evaluation.evaluator_id else None
        record.values |= {
            "evaluated_on": evaluation.evaluated_on,
            "evaluator": _staff_name(evaluator),
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


CREDIT = Source(
    "credit", "客户", CREDIT_CATALOG, {"contacts": CONTACT_CATALOG, "items": CREDIT_ITEMS},
    record_kind="customer", load_record=load_credit,
)  # fmt: skip


# --- visits ------------------------------------------------------------------------------

VISIT_CATALOG: dict[str, FieldInfo] = {
    "customer_code": FieldInfo("客户编号"),
    "customer_name": FieldInfo("客户名称"),
    "address": FieldInfo("地址"),
    "phone": FieldInfo("电话"),
    "staff": FieldInfo("访问人员"),
    "visited_at": FieldInfo("访问时间", "datetime"),
    "planned_date": FieldInfo("计划日期", "date"),
    "method": FieldInfo("访问方式", choices=visit_plans.METHODS),
    "purpose": FieldInfo("访问目的", choices=visit_plans.PURPOSES),
    "contacts_met": FieldInfo("接洽人员"),
    "discussion": FieldInfo("洽谈内容"),
    "requests": FieldInfo("客户要求与意见"),
    "result": FieldInfo("访问结果"),
    "next_visit_date": FieldInfo("下次访问日期", "date"),
}
ACTION_CATALOG = {
    "description": FieldInfo("跟进事项"),
    "owner": FieldInfo("负责人"),
    "due_date": FieldInfo("期限", "date"),
    "done_on": FieldInfo("完成日期", "date"),
}


def _customer_brief(customer: Customer) -> dict[str, Any]:
    return {
        "customer_code": customer.code,
        "customer_name": customer.name,
        "address": customer.address,
        "phone": customer.phone,
    }


def load_visit(session: Session, visit_id: int) -> Record:
    visit = _get(session, Visit, visit_id, "访问记录")
    values = _customer_brief(visit.customer) | {
        "staff": _staff_name(visit.staff),
        "visited_at": visit.visited_at,
        "method": visit.method,
        "purpose": visit.purpose,
        "contacts_met": visit.contacts_met,
        "discussion": visit.discussion,
        "requests": visit.requests,
        "result": visit.result,
        "next_visit_date": visit.next_visit_date,
    }
    actions = [
        {
            "description": a.description,
            "owner": _staff_name(a.owner),
            "due_date": a.due_date,
            "done_on": a.done_on,
        }
        for a in visit.actions
    ]
    return Record(f"FW-{visit.id:06d}", values, {"actions": actions})


def load_visit_from_plan(session: Session, plan_id: int) -> Record:
    """A visit form to take along: the plan's customer, staff, method and purpose filled in."""
    plan = _get(session, VisitPlan, plan_id, "拜访计划")
    contacts = "、".join(
        f"{c.name}（{c.title}）" if c.title else c.name for c in plan.customer.contacts[:3]
    )
    values = _customer_brief(plan.customer) | {
        "staff": _staff_name(plan.staff),
        "planned_date": plan.planned_date,
        "method": plan.method,
        "purpose": plan.purpose,
        "contacts_met": contacts,
    }
    return Record(f"JH-{plan.id:06d}", values, {"actions": []})


def plans_on(session: Session, day: date) -> list[int]:
    """The open plans of a day, for printing tomorrow's visit forms in one go."""
    return list(
        session.scalars(
            select(VisitPlan.id)
            .where(VisitPlan.planned_date == day, VisitPlan.status == "计划")
            .order_by(VisitPlan.staff_id, VisitPlan.id)
        )
    )


def _visit_ids(session: Session, start: date, end: date) -> list[int]:
    low, high = _bounds(start, end)
    return list(
        session.scalars(
            select(Visit.id)
            .where(Visit.visited_at >= low, Visit.visited_at < high)
            .order_by(Visit.visited_at)
        )
    )


VISIT = Source(
    "visit", "访问记录", VISIT_CATALOG, {"actions": ACTION_CATALOG},
    record_kind="visit", load_record=load_visit, ids_in_period=_visit_ids,
)  # fmt: skip


DAILY_CATALOG = {
    "report_date": FieldInfo("日期", "date"),
    "staff": FieldInfo("访问人员"),
    "department": FieldInfo("部门"),
    "visit_count": FieldInfo("访问家数", "number"),
}
DAILY_ROWS = {
    "time": FieldInfo("时间"),
    "customer_name": FieldInfo("客户名称"),
    "method": FieldInfo("方式"),
    "purpose": FieldInfo("目的"),
    "contacts_met": FieldInfo("接洽人员"),
    "result": FieldInfo("访问结果"),
    "next_visit_date": FieldInfo("下次访问", "date"),
}


def load_daily_reports(session: Session, start: date, end: date) -> list[Record]:
    """One 日报 per staff member per day that has visits."""
    low, high = _bounds(start, end)
    visits = session.scalars(
        select(Visit)
        .where(Visit.visited_at >= low, Visit.visited_at < high)
        .options(selectinload(Visit.customer), selectinload(Visit.staff))
        .order_by(Visit.visited_at)
    ).all()
    groups: dict[tuple[date, int], list[Visit]] = {}
    for visit in visits:
        groups.setdefault((visit.visited_at.date(), visit.staff_id), []).append(visit)
    records = []
    for (day, _staff_id), rows in sorted(groups.items(), key=lambda item: item[0]):
        staff = rows[0].staff
        records.append(
            Record(
                f"RB-{day:%Y%m%d}-{staff.username}",
                {
                    "report_date": day,
                    "staff": staff.name,
                    "department": staff.department,
                    "visit_count": len(rows),
                },
                {
                    "visits": [
                        {
                            "time": f"{v.visited_at:%H:%M}",
                            "customer_name": v.customer.name,
                            "method": v.method,
                            "purpose": v.purpose,
                            "contacts_met": v.contacts_met,
                            "result": v.result,
                            "next_visit_date": v.next_visit_date,
                        }
                        for v in rows
                    ]
                },
            )
        )
    return records


DAILY = Source(
    "visit_day", "访问日报", DAILY_CATALOG, {"visits": DAILY_ROWS},
    load_period=load_daily_reports,
)  # fmt: skip


PLAN_CATALOG = {
    "period": FieldInfo("计划期间"),
    "plan_count": FieldInfo("计划次数", "number"),
    "done_count": FieldInfo("已完成", "number"),
}
PLAN_ROWS = {
    "planned_date": FieldInfo("计划日期", "date"),
    "customer_code": FieldInfo("客户编号"),
    "customer_name": FieldInfo("客户名称"),
    "staff": FieldInfo("负责人"),
    "method": FieldInfo("联络方式"),
    "purpose": FieldInfo("联络目的"),
    "status": FieldInfo("执行情况"),
}


def _period_text(start: date, end: date) -> str:
    from kehu_desktop.forms.typesetting import chinese_date

    return f"{chinese_date(start)} 至 {chinese_date(end)}"


def load_contact_plan(session: Session, start: date, end: date) -> list[Record]:
    plans = session.scalars(
        select(VisitPlan)
        .where(VisitPlan.planned_date >= start, VisitPlan.planned_date <= end)
        .options(selectinload(VisitPlan.customer), selectinload(VisitPlan.staff))
        .order_by(VisitPlan.planned_date, VisitPlan.id)
    ).all()
    rows = [
        {
            "planned_date": p.planned_date,
            "customer_code": p.customer.code,
            "customer_name": p.customer.name,
            "staff": _staff_name(p.staff),
            "method": p.method,
            "purpose": p.purpose,
            "status": p.status + (f"：{p.missed_reason}" if p.missed_reason else ""),
        }
        for p in plans
    ]
    values = {
        "period": _period_text(start, end),
        "plan_count": len(rows),
        "done_count": sum(1 for p in plans if p.visit_id is not None),
    }
    return [Record(f"LL-{start:%Y%m}", values, {"plans": rows})]


CONTACT_PLAN = Source(
    "visit_plan", "联络计划", PLAN_CATALOG, {"plans": PLAN_ROWS}, load_period=load_contact_plan
)


# --- complaints --------------------------------------------------------------------------

COMPLAINT_CATALOG: dict[str, FieldInfo] = {
    "number": FieldInfo("投诉编号"),
    "received_at": FieldInfo("受理时间", "datetime"),
    "channel": FieldInfo("投诉方式", choices=choices.CHANNELS),
    "customer_code": FieldInfo("客户编号"),
    "customer_name": FieldInfo("客户名称"),
    "address": FieldInfo("地址"),
    "contact_name": FieldInfo("联系人"),
    "contact_phone": FieldInfo("联系电话"),
    "product": FieldInfo("产品名称"),
    "batch_no": FieldInfo("批号"),
    "order_no": FieldInfo("订单号"),
    "category": FieldInfo("投诉类别", choices=choices.CATEGORIES),
    "severity": FieldInfo("严重程度", choices=choices.SEVERITIES),
    "description": FieldInfo("投诉内容"),
    "demand": FieldInfo("客户要求"),
    "first_responsible": FieldInfo("首问负责人"),
    "handler": FieldInfo("处理人"),
    "deadline": FieldInfo("处理期限", "date"),
    "status": FieldInfo("状态"),
    "department": FieldInfo("责任部门", choices=choices.DEPARTMENTS),
    "cause": FieldInfo("原因分析"),
    "measures": FieldInfo("处理措施"),
    "department_opinion": FieldInfo("部门意见"),
    "result": FieldInfo("处理结果", choices=choices.RESULTS),
    "return_quantity": FieldInfo("退货数量", "number"),
    "return_amount": FieldInfo("退货金额（元）", "money"),
    "exchange_quantity": FieldInfo("换货数量", "number"),
    "exchange_amount": FieldInfo("换货金额（元）", "money"),
    "claim_amount": FieldInfo("索赔金额（元）", "money"),
    "total_amount": FieldInfo("金额合计（元）", "money"),
    "reply": FieldInfo("答复客户内容"),
    "replied_at": FieldInfo("答复时间", "datetime"),
    "satisfaction": FieldInfo("回访满意度", choices=choices.SATISFACTION_LEVELS),
    "revisited_at": FieldInfo("回访时间", "datetime"),
    "closed_at": FieldInfo("结案时间", "datetime"),
}
EVENT_CATALOG = {
    "at": FieldInfo("时间", "datetime"),
    "actor": FieldInfo("经办人"),
    "kind": FieldInfo("环节"),
    "note": FieldInfo("说明"),
}


def load_complaint(session: Session, complaint_id: int) -> Record:
    c = _get(session, Complaint, complaint_id, "投诉")
    values = {name: getattr(c, name) for name in COMPLAINT_CATALOG if hasattr(Complaint, name)}
    values |= {
        "customer_code": c.customer.code,
        "customer_name": c.customer.name,
        "address": c.customer.address,
        "first_responsible": _staff_name(c.first_responsible),
        "handler": _staff_name(c.handler),
        "total_amount": c.return_amount + c.exchange_amount + c.claim_amount,
    }
    events = [
        {"at": e.at, "actor": _staff_name(e.actor), "kind": e.kind, "note": e.note}
        for e in c.events
    ]
    return Record(c.number, values, {"events": events})


def _complaint_ids(session: Session, start: date, end: date) -> list[int]:
    low, high = _bounds(start, end)
    return list(
        session.scalars(
            select(Complaint.id)
            .where(Complaint.received_at >= low, Complaint.received_at < high)
            .order_by(Complaint.received_at)
        )
    )


COMPLAINT = Source(
    "complaint", "投诉", COMPLAINT_CATALOG, {"events": EVENT_CATALOG},
    record_kind="complaint", load_record=load_complaint, ids_in_period=_complaint_ids,
)  # fmt: skip


# --- key accounts ------------------------------------------------------------------------

KEY_ACCOUNT_CATALOG: dict[str, FieldInfo] = {
    "customer_code": FieldInfo("客户编号"),
    "customer_name": FieldInfo("客户名称"),
    "address": FieldInfo("地址"),
    "phone": FieldInfo("电话"),
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


def load_key_account(session: Session, key_account_id: int) -> Record:
    account = _get(session, KeyAccount, key_account_id, "大客户")
    values = {
        name: getattr(account, name) for name in KEY_ACCOUNT_CATALOG if hasattr(KeyAccount, name)
    }
    values |= _customer_brief(account.customer) | {"manager": _staff_name(account.manager)}
    measures = [
        {
            "issue": m.issue,
            "measure": m.measure,
            "owner": _staff_name(m.owner),
            "deadline": m.deadline,
            "status": m.status,
            "done_on": m.done_on,
        }
        for m in account.countermeasures
    ]
    contacts = [
        {name: getattr(c, name) for name in CONTACT_CATALOG} for c in account.customer.contacts
    ]
    return Record(
        f"DK-{account.customer.code}",
        values,
        {"countermeasures": measures, "contacts": contacts},
    )


def _key_account_ids(session: Session, start: date, end: date) -> list[int]:
    return list(
        session.scalars(
            select(KeyAccount.id).where(KeyAccount.active.is_(True)).order_by(KeyAccount.id)
        )
    )


KEY_ACCOUNT = Source(
    "key_account", "大客户", KEY_ACCOUNT_CATALOG,
    {"countermeasures": COUNTERMEASURE_CATALOG, "contacts": CONTACT_CATALOG},
    record_kind="key_account", load_record=load_key_account, ids_in_period=_key_account_ids,
)  # fmt: skip


SURVEY_CATALOG = {
    "customer_code": FieldInfo("客户编号"),
    "customer_name": FieldInfo("客户名称"),
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


def load_survey(session: Session, key_account_id: int) -> Record:
    """The key account's latest satisfaction survey; just its name when it has none yet."""
    account = _get(session, KeyAccount, key_account_id, "大客户")
    values: dict[str, Any] = {
        "customer_code": account.customer.code,
        "customer_name": account.customer.name,
    }
    survey = session.scalars(
        select(SatisfactionSurvey)
        .where(SatisfactionSurvey.customer_id == account.customer_id)
        .order_by(SatisfactionSurvey.surveyed_on.desc(), SatisfactionSurvey.id.desc())
        .limit(1)
    ).first()
    tables: dict[str, list[dict[str, Any]]] = {}
    if survey is not None:
        surveyor = session.get(Staff, survey.surveyor_id) if survey.surveyor_id else None
        values |= {
            "surveyed_on": survey.surveyed_on,
            "surveyor": _staff_name(surveyor),
            "respondent": survey.respondent,
            "overall_score": survey.overall_score,
            "notes": survey.notes,
        }
        tables["items"] = [
            {"item": i.item, "weight": i.weight, "score": str(i.score)} for i in survey.items
        ]
    return Record(f"MY-{account.customer.code}", values, tables)


SURVEY = Source(
    "survey",
    "大客户",
    SURVEY_CATALOG,
    {"items": SURVEY_ITEMS},
    record_kind="key_account",
    load_record=load_survey,
)


# --- the monthly complaint report --------------------------------------------------------

STATS_CATALOG: dict[str, FieldInfo] = {
    "period": FieldInfo("统计期间"),
    "received": FieldInfo("受理件数", "number"),
    "closed": FieldInfo("结案件数", "number"),
    "open": FieldInfo("未结件数", "number"),
    "timely_rate": FieldInfo("处理及时率"),
    "resolution_rate": FieldInfo("解决率"),
    "satisfaction_rate": FieldInfo("满意率"),
    "revisit_rate": FieldInfo("回访率"),
    "completeness_rate": FieldInfo("记录完整率"),
    "total_amount": FieldInfo("退换货及索赔金额合计（元）", "money"),
}
STATS_ROWS = {
    "category": FieldInfo("投诉类别"),
    "count": FieldInfo("件数", "number"),
    "share": FieldInfo("占比"),
    "closed": FieldInfo("已结案", "number"),
    "timely_rate": FieldInfo("处理及时率"),
    "amount": FieldInfo("金额（元）", "money"),
}
STATS_LIST = {
    "number": FieldInfo("投诉编号"),
    "received_at": FieldInfo("受理日期", "date"),
    "customer_name": FieldInfo("客户名称"),
    "category": FieldInfo("类别"),
    "severity": FieldInfo("程度"),
    "status": FieldInfo("状态"),
    "first_responsible": FieldInfo("首问负责人"),
}
RATES = ("timely_rate", "resolution_rate", "satisfaction_rate", "revisit_rate", "completeness_rate")


def _amount(figures: complaint_kpis.Figures) -> Decimal:
    return figures.return_amount + figures.exchange_amount + figures.claim_amount


def load_complaint_stats(session: Session, start: date, end: date) -> list[Record]:
    """The monthly report: the complaints desk's KPIs, a breakdown by category, the list."""
    kpis = complaint_kpis.compute(session, start, end, trend_months=0)
    total = kpis.total
    found = dict(kpis.by_category)
    categories = list(choices.CATEGORIES) + [c for c in found if c not in choices.CATEGORIES]
    by_category = []
    for category in categories:
        figures = found.get(category, complaint_kpis.Figures())
        share = figures.received / total.received if total.received else None
        by_category.append(
            {
                "category": category,
                "count": figures.received,
                "share": complaint_kpis.percent(share),
                "closed": figures.closed,
                "timely_rate": complaint_kpis.percent(figures.timely_rate),
                "amount": _amount(figures),
            }
        )
    values = {
        "period": _period_text(start, end),
        "received": total.received,
        "closed": total.closed,
        "open": total.effective - total.closed,
        "total_amount": _amount(total),
    } | {name: complaint_kpis.percent(getattr(total, name)) for name in RATES}
    low, high = _bounds(start, end)
    received = session.scalars(
        select(Complaint)
        .where(Complaint.received_at >= low, Complaint.received_at < high)
        .options(selectinload(Complaint.customer), selectinload(Complaint.first_responsible))
        .order_by(Complaint.received_at)
    ).all()
    listing = [
        {
            "number": c.number,
            "received_at": c.received_at.date(),
            "customer_name": c.customer.name,
            "category": c.category,
            "severity": c.severity,
            "status": c.status,
            "first_responsible": _staff_name(c.first_responsible),
        }
        for c in received
    ]
    return [Record(f"TJ-{start:%Y%m}", values, {"categories": by_category, "complaints": listing})]


COMPLAINT_STATS = Source(
    "complaint_month", "投诉月报", STATS_CATALOG,
    {"categories": STATS_ROWS, "complaints": STATS_LIST},
    load_period=load_complaint_stats,
)  # fmt: skip


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        CUSTOMER,
        CREDIT,
        VISIT,
        DAILY,
        CONTACT_PLAN,
        COMPLAINT,
        KEY_ACCOUNT,
        SURVEY,
        COMPLAINT_STATS,
    )
}


def describe_record(session: Session, kind: str, record_id: int) -> str:
    """A short name for a record the print dialog was opened on, e.g. ``TS-2026-0001``."""
    if kind == "customer":
        customer = session.get(Customer, record_id)
        return f"{customer.code} {customer.name}" if customer else ""
    if kind == "visit":
        visit = session.get(Visit, record_id)
        return f"{visit.customer.name} {visit.visited_at:%Y-%m-%d}" if visit else ""
    if kind == "complaint":
        complaint = session.get(Complaint, record_id)
        return complaint.number if complaint else ""
    account = session.get(KeyAccount, record_id)
    return account.customer.name if account else ""


# For each record kind: what it is called, and what a user may give to name one.
_REFERENCES = {
    "complaint": ("投诉", "请输入投诉编号（如 TS-2026-0027）或记录 ID。"),
    "customer": ("客户", "请输入客户编号（如 KH000123）或记录 ID。"),
    "key_account": ("大客户", "请输入大客户的客户编号（如 KH000123）或记录 ID。"),
    "visit": ("拜访记录", "拜访记录请输入记录 ID，或按日期打印当天的全部访问记录。"),
}


def _customer_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Customer.id).where(func.upper(Customer.code) == code))


def find_record(session: Session, kind: str, reference: str) -> int:
    """The id of the record of ``kind`` a user names as they know it: a complaint number
    (TS-2026-0027), a customer code (KH000123) for customer and key-account forms (the card's
    printed number DK-KH000123 too), or the internal record id."""
    text = reference.strip().upper()
    if text.isdigit():
        return int(text)
    found = None
    if kind == "complaint":
        found = session.scalar(select(Complaint.id).where(func.upper(Complaint.number) == text))
    elif kind == "customer":
        found = _customer_id(session, text)
    elif kind == "key_account":
        for code in dict.fromkeys((text, text.partition("-")[2])):
            customer_id = _customer_id(session, code) if code else None
            if customer_id is not None:
                found = session.scalar(
                    select(KeyAccount.id).where(KeyAccount.customer_id == customer_id)
                )
                if found is None:
                    raise NotFoundError(f"客户 {code} 不是大客户，没有大客户管理卡。")
                break
    if found is None:
        what, hint = _REFERENCES.get(kind, ("记录", "此表单按期间打印，请给出月份或日期。"))
        raise NotFoundError(f"找不到{what}“{reference.strip()}”。{hint}")
    return found
