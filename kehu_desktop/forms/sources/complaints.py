"""Complaint-desk form sources: the forms of one complaint (登记表, 处理表, 通知书, 报告书) and
those of a period (案件统计表, 投诉管理表, 处理日报表, 退(换)货情况汇总表, 索赔一览表)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from kehu_desktop.forms.sources.common import (
    FieldInfo,
    Record,
    Rows,
    Source,
    bounds,
    get_row,
    period_text,
    staff_name,
)
from kehu_desktop.models import Complaint, ComplaintEvent
from kehu_desktop.services.common.rates import percent
from kehu_desktop.services.complaints import choices, complaint_kpis, lifecycle

COMPLAINT_CATALOG: dict[str, FieldInfo] = {
    "number": FieldInfo("投诉编号", "code"),
    "received_at": FieldInfo("受理时间", "datetime"),
    "channel": FieldInfo("投诉方式", choices=choices.CHANNELS),
    "customer_code": FieldInfo("客户编号", "code"),
    "customer_name": FieldInfo("客户名称"),
    "address": FieldInfo("地址"),
    "contact_name": FieldInfo("联系人"),
    "contact_phone": FieldInfo("联系电话", "code"),
    "product": FieldInfo("产品名称"),
    "batch_no": FieldInfo("批号", "code"),
    "order_no": FieldInfo("订单号", "code"),
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
    c = get_row(session, Complaint, complaint_id, "投诉")
    values = {name: getattr(c, name) for name in COMPLAINT_CATALOG if hasattr(Complaint, name)}
    values |= {
        "customer_code": c.customer.code,
        "customer_name": c.customer.name,
        "address": c.customer.address,
        "first_responsible": staff_name(c.first_responsible),
        "handler": staff_name(c.handler),
        "total_amount": c.return_amount + c.exchange_amount + c.claim_amount,
    }
    events = [
        {"at": e.at, "actor": staff_name(e.actor), "kind": e.kind, "note": e.note} for e in c.events
    ]
    return Record(c.number, values, {"events": events})


def _complaint_ids(session: Session, start: date, end: date) -> list[int]:
    low, high = bounds(start, end)
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
    "number": FieldInfo("投诉编号", "code"),
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
                "share": percent(share),
                "closed": figures.closed,
                "timely_rate": percent(figures.timely_rate),
                "amount": _amount(figures),
            }
        )
    values = {
        "period": period_text(start, end),
        "received": total.received,
        "closed": total.closed,
        "open": total.effective - total.closed,
        "total_amount": _amount(total),
    } | {name: percent(getattr(total, name)) for name in RATES}
    low, high = bounds(start, end)
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
            "first_responsible": staff_name(c.first_responsible),
        }
        for c in received
    ]
    return [Record(f"TJ-{start:%Y%m}", values, {"categories": by_category, "complaints": listing})]


COMPLAINT_STATS = Source(
    "complaint_month", "投诉月报", STATS_CATALOG,
    {"categories": STATS_ROWS, "complaints": STATS_LIST},
    load_period=load_complaint_stats,
)  # fmt: skip


# --- lists of a period's complaints ----------------------------------------------------


def _complaints(
    session: Session, start: date, end: date, *where: ColumnElement[bool]
) -> list[Complaint]:
    low, high = bounds(start, end)
    return list(
        session.scalars(
            select(Complaint)
            .where(Complaint.received_at >= low, Complaint.received_at < high, *where)
            .options(selectinload(Complaint.customer), selectinload(Complaint.first_responsible))
            .order_by(Complaint.received_at, Complaint.id)
        )
    )


def _list_source(
    name: str,
    label: str,
    prefix: str,
    columns: dict[str, FieldInfo],
    row: Callable[[Complaint], dict[str, Any]],
    *where: ColumnElement[bool],
) -> Source:
    """A period form listing complaints (one row each) with the period's count and totals of
    its money columns (大写 included)."""
    money = [key for key, info in columns.items() if info.kind == "money"]
    totals = {f"total_{key}": FieldInfo(f"{columns[key].label}合计", "money") for key in money}
    catalog = {"period": FieldInfo("期间"), "count": FieldInfo("件数", "number")} | totals

    def load(session: Session, start: date, end: date) -> list[Record]:
        rows: Rows = [row(c) for c in _complaints(session, start, end, *where)]
        values: dict[str, Any] = {"period": period_text(start, end), "count": len(rows)}
        for key in money:
            values[f"total_{key}"] = sum((r[key] for r in rows), Decimal("0"))
        return [Record(f"{prefix}-{start:%Y%m%d}", values, {"complaints": rows})]

    return Source(name, label, catalog, {"complaints": columns}, load_period=load)


def _brief(c: Complaint) -> dict[str, Any]:
    return {
        "number": c.number,
        "received_on": c.received_at.date(),
        "customer_name": c.customer.name,
        "product": c.product,
        "batch_no": c.batch_no,
    }


_BRIEF = {
    "number": FieldInfo("投诉编号", "code"),
    "received_on": FieldInfo("受理日期", "date"),
    "customer_name": FieldInfo("客户名称"),
    "product": FieldInfo("产品名称"),
    "batch_no": FieldInfo("批号", "code"),
}

LEDGER = _list_source(
    "complaint_ledger",
    "投诉台账",
    "TZ",
    _BRIEF
    | {
        "category": FieldInfo("类别"),
        "severity": FieldInfo("程度"),
        "first_responsible": FieldInfo("首问负责人"),
        "department": FieldInfo("责任部门"),
        "deadline": FieldInfo("处理期限", "date"),
        "status": FieldInfo("状态"),
        "result": FieldInfo("处理结果"),
        "closed_on": FieldInfo("结案日期", "date"),
    },
    lambda c: (
        _brief(c)
        | {
            "category": c.category,
            "severity": c.severity,
            "first_responsible": staff_name(c.first_responsible),
            "department": c.department,
            "deadline": c.deadline,
            "status": c.status,
            "result": c.result,
            "closed_on": c.closed_at.date() if c.closed_at else None,
        }
    ),
)

RETURNS = _list_source(
    "complaint_returns",
    "退换货",
    "TH",
    _BRIEF
    | {
        "return_quantity": FieldInfo("退货数量", "number"),
        "return_amount": FieldInfo("退货金额（元）", "money"),
        "exchange_quantity": FieldInfo("换货数量", "number"),
        "exchange_amount": FieldInfo("换货金额（元）", "money"),
    },
    lambda c: (
        _brief(c)
        | {
            "return_quantity": c.return_quantity,
            "return_amount": c.return_amount,
            "exchange_quantity": c.exchange_quantity,
            "exchange_amount": c.exchange_amount,
        }
    ),
    (Complaint.return_quantity > 0)
    | (Complaint.exchange_quantity > 0)
    | (Complaint.return_amount > 0)
    | (Complaint.exchange_amount > 0),
)

CLAIMS = _list_source(
    "complaint_claims",
    "索赔",
    "SP",
    _BRIEF
    | {
        "category": FieldInfo("类别"),
        "claim_amount": FieldInfo("索赔金额（元）", "money"),
        "result": FieldInfo("处理结果"),
        "status": FieldInfo("状态"),
    },
    lambda c: (
        _brief(c)
        | {
            "category": c.category,
            "claim_amount": c.claim_amount,
            "result": c.result,
            "status": c.status,
        }
    ),
    Complaint.claim_amount > 0,
)


# --- 客户投诉处理日报表: what the desk did with complaints on one day ------------------------

DAILY_CATALOG = {
    "report_date": FieldInfo("日期", "date"),
    "received": FieldInfo("当日受理", "number"),
    "handled": FieldInfo("当日处理", "number"),
    "closed": FieldInfo("当日结案", "number"),
    "open": FieldInfo("未结案件", "number"),
}
DAILY_ROWS = {
    "number": FieldInfo("投诉编号", "code"),
    "customer_name": FieldInfo("客户名称"),
    "category": FieldInfo("类别"),
    "severity": FieldInfo("程度"),
    "steps": FieldInfo("当日环节"),
    "notes": FieldInfo("处理说明"),
    "status": FieldInfo("状态"),
    "deadline": FieldInfo("期限", "date"),
}


def load_complaint_days(session: Session, start: date, end: date) -> list[Record]:
    """One 日报 per day of the range on which a complaint was received or moved on."""
    low, high = bounds(start, end)
    events = session.scalars(
        select(ComplaintEvent)
        .where(ComplaintEvent.at >= low, ComplaintEvent.at < high)
        .options(selectinload(ComplaintEvent.complaint).selectinload(Complaint.customer))
        .order_by(ComplaintEvent.at, ComplaintEvent.id)
    ).all()
    days: dict[date, dict[int, list[ComplaintEvent]]] = {}
    for event in events:
        days.setdefault(event.at.date(), {}).setdefault(event.complaint_id, []).append(event)
    open_now = session.scalar(
        select(func.count(Complaint.id)).where(Complaint.status.not_in(lifecycle.FINAL_STATUSES))
    )
    records = []
    for day, by_complaint in sorted(days.items()):
        rows = []
        for steps in by_complaint.values():
            c = steps[0].complaint
            rows.append(
                {
                    "number": c.number,
                    "customer_name": c.customer.name,
                    "category": c.category,
                    "severity": c.severity,
                    "steps": "、".join(dict.fromkeys(s.kind for s in steps)),
                    "notes": "；".join(s.note for s in steps if s.note),
                    "status": c.status,
                    "deadline": c.deadline,
                }
            )
        kinds = [s.kind for steps in by_complaint.values() for s in steps]
        values = {
            "report_date": day,
            "received": kinds.count(lifecycle.REGISTER_EVENT),
            "handled": len(rows),
            "closed": kinds.count(lifecycle.Action.CLOSE),
            "open": open_now,
        }
        records.append(Record(f"TR-{day:%Y%m%d}", values, {"complaints": rows}))
    return records


COMPLAINT_DAY = Source(
    "complaint_day", "投诉日报", DAILY_CATALOG, {"complaints": DAILY_ROWS},
    load_period=load_complaint_days,
)  # fmt: skip
