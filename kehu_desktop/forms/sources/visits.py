"""Visit-desk form sources: 客户访问记录表 and 客户接待表 (one visit), 客户访问日报表,
客户联络计划表 and 客户联络结果报告表 (a period)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kehu_desktop.forms.sources.common import (
    FieldInfo,
    Record,
    Source,
    bounds,
    get_row,
    period_text,
    staff_name,
)
from kehu_desktop.forms.sources.customers import customer_brief
from kehu_desktop.models import Visit, VisitPlan
from kehu_desktop.services.visits import visit_plans

VISIT_CATALOG: dict[str, FieldInfo] = {
    "customer_code": FieldInfo("客户编号", "code"),
    "customer_name": FieldInfo("客户名称"),
    "address": FieldInfo("地址"),
    "phone": FieldInfo("电话", "code"),
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


def load_visit(session: Session, visit_id: int) -> Record:
    visit = get_row(session, Visit, visit_id, "访问记录")
    values = customer_brief(visit.customer) | {
        "staff": staff_name(visit.staff),
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
            "owner": staff_name(a.owner),
            "due_date": a.due_date,
            "done_on": a.done_on,
        }
        for a in visit.actions
    ]
    return Record(f"FW-{visit.id:06d}", values, {"actions": actions})


def load_visit_from_plan(session: Session, plan_id: int) -> Record:
    """A visit form to take along: the plan's customer, staff, method and purpose filled in."""
    plan = get_row(session, VisitPlan, plan_id, "拜访计划")
    contacts = "、".join(
        f"{c.name}（{c.title}）" if c.title else c.name for c in plan.customer.contacts[:3]
    )
    values = customer_brief(plan.customer) | {
        "staff": staff_name(plan.staff),
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
    low, high = bounds(start, end)
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
    low, high = bounds(start, end)
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
    "customer_code": FieldInfo("客户编号", "code"),
    "customer_name": FieldInfo("客户名称"),
    "staff": FieldInfo("负责人"),
    "method": FieldInfo("联络方式"),
    "purpose": FieldInfo("联络目的"),
    "status": FieldInfo("执行情况"),
}


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
            "staff": staff_name(p.staff),
            "method": p.method,
            "purpose": p.purpose,
            "status": p.status + (f"：{p.missed_reason}" if p.missed_reason else ""),
        }
        for p in plans
    ]
    values = {
        "period": period_text(start, end),
        "plan_count": len(rows),
        "done_count": sum(1 for p in plans if p.visit_id is not None),
    }
    return [Record(f"LL-{start:%Y%m}", values, {"plans": rows})]


CONTACT_PLAN = Source(
    "visit_plan", "联络计划", PLAN_CATALOG, {"plans": PLAN_ROWS}, load_period=load_contact_plan
)


# --- 客户联络结果报告表: what came of each plan of a period ---------------------------------

RESULTS_CATALOG = PLAN_CATALOG | {
    "missed_count": FieldInfo("未完成", "number"),
    "open_count": FieldInfo("待执行", "number"),
    "done_rate": FieldInfo("完成率", "percent"),
}
RESULT_ROWS = {
    "planned_date": FieldInfo("计划日期", "date"),
    "customer_name": FieldInfo("客户名称"),
    "staff": FieldInfo("负责人"),
    "method": FieldInfo("联络方式"),
    "visited_at": FieldInfo("联络时间", "datetime"),
    "result": FieldInfo("联络结果"),
    "next_visit_date": FieldInfo("下次联络", "date"),
}


def load_contact_results(session: Session, start: date, end: date) -> list[Record]:
    """Each plan of the period with the visit that carried it out (or why it did not happen)."""
    plans = session.scalars(
        select(VisitPlan)
        .where(VisitPlan.planned_date >= start, VisitPlan.planned_date <= end)
        .options(selectinload(VisitPlan.customer), selectinload(VisitPlan.staff))
        .order_by(VisitPlan.planned_date, VisitPlan.id)
    ).all()
    done_ids = [p.visit_id for p in plans if p.visit_id is not None]
    visits = (
        {v.id: v for v in session.scalars(select(Visit).where(Visit.id.in_(done_ids)))}
        if done_ids
        else {}
    )
    rows = []
    for plan in plans:
        visit = visits.get(plan.visit_id) if plan.visit_id is not None else None
        if visit is not None:
            result = visit.result or visit.discussion
        elif plan.status == visit_plans.MISSED:
            result = f"未完成：{plan.missed_reason}" if plan.missed_reason else "未完成"
        else:
            result = "待执行"
        rows.append(
            {
                "planned_date": plan.planned_date,
                "customer_name": plan.customer.name,
                "staff": staff_name(plan.staff),
                "method": visit.method if visit is not None else plan.method,
                "visited_at": visit.visited_at if visit is not None else None,
                "result": result,
                "next_visit_date": visit.next_visit_date if visit is not None else None,
            }
        )
    done = sum(1 for p in plans if p.visit_id is not None)
    values = {
        "period": period_text(start, end),
        "plan_count": len(plans),
        "done_count": done,
        "missed_count": sum(1 for p in plans if p.status == visit_plans.MISSED),
        "open_count": sum(1 for p in plans if p.status == visit_plans.PLANNED),
        "done_rate": Decimal(done) / len(plans) if plans else None,
    }
    return [Record(f"LJ-{start:%Y%m%d}", values, {"plans": rows})]


CONTACT_RESULTS = Source(
    "visit_results", "联络结果", RESULTS_CATALOG, {"plans": RESULT_ROWS},
    load_period=load_contact_results,
)  # fmt: skip
