"""The after-sales desk's form data: 售后服务登记表, 产品维修报告单 and 售后跟踪服务表 from one
service request, 售后服务信息反馈表 from one feedback, and the monthly 售后服务报告表.

Registered in ``forms.sources.SOURCES`` with the other desks' sources, and the printed numbers
(SH-2026-0001, FK-2026-0001) in ``forms.sources.records``. Choice fields hold the words
a user reads, so a filled form ticks the right box.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kehu_desktop.forms.sources.common import FieldInfo, Record, Source
from kehu_desktop.models import FactoryFeedback, ServiceRequest
from kehu_desktop.services.common.errors import NotFoundError
from kehu_desktop.services.common.operators import operator_by_id
from kehu_desktop.services.common.periods import day_bounds
from kehu_desktop.services.common.rates import percent
from kehu_desktop.services.common.revisits import SATISFACTION_LEVELS
from kehu_desktop.services.service_desk import feedback, ledger, service_kpis
from kehu_desktop.services.service_desk.choices import (
    CHANNELS,
    DEPARTMENTS,
    MODES,
    RESULTS,
    URGENCIES,
    WARRANTY,
)

SERVICE_CATALOG: dict[str, FieldInfo] = {
    "number": FieldInfo("服务单号"),
    "received_at": FieldInfo("受理时间", "datetime"),
    "channel": FieldInfo("受理渠道", choices=CHANNELS),
    "customer_name": FieldInfo("客户名称"),
    "contact_name": FieldInfo("联系人"),
    "contact_phone": FieldInfo("联系电话"),
    "product": FieldInfo("产品/型号"),
    "serial_no": FieldInfo("序列号/批号"),
    "purchased_on": FieldInfo("购买日期", "date"),
    "warranty_end": FieldInfo("保修截止", "date"),
    "warranty": FieldInfo("保修状态", choices=tuple(WARRANTY.values())),
    "urgency": FieldInfo("紧急程度", choices=tuple(URGENCIES.values())),
    "fault": FieldInfo("故障描述"),
    "demand": FieldInfo("客户要求"),
    "first_responsible": FieldInfo("首问负责人"),
    "response_deadline": FieldInfo("派工期限", "date"),
    "deadline": FieldInfo("解决期限", "date"),
    "complaint_number": FieldInfo("关联投诉"),
    "status": FieldInfo("状态"),
    "mode": FieldInfo("服务方式", choices=tuple(MODES.values())),
    "engineer": FieldInfo("服务工程师"),
    "planned_date": FieldInfo("计划服务日期", "date"),
    "repaired_at": FieldInfo("维修时间", "datetime"),
    "diagnosis": FieldInfo("故障诊断"),
    "cause": FieldInfo("原因分析"),
    "result": FieldInfo("维修结果", choices=tuple(RESULTS.values())),
    "labour_hours": FieldInfo("工时（小时）", "number"),
    "labour_cost": FieldInfo("人工费（元）", "money"),
    "parts_cost": FieldInfo("配件费（元）", "money"),
    "charge": FieldInfo("收费方式", choices=("免费保修", "收费维修")),
    "charge_amount": FieldInfo("收费金额（元）", "money"),
    "repeat_of": FieldInfo("返修（上次服务单）"),
    "satisfaction": FieldInfo("客户满意度", choices=SATISFACTION_LEVELS),
    "revisited_at": FieldInfo("回访时间", "datetime"),
    "unreachable_reason": FieldInfo("未能联系原因"),
    "closed_at": FieldInfo("结案时间", "datetime"),
}
PART_CATALOG = {
    "part": FieldInfo("配件名称"),
    "quantity": FieldInfo("数量", "number"),
    "unit_cost": FieldInfo("单价（元）", "money"),
    "amount": FieldInfo("金额（元）", "money"),
}
EVENT_CATALOG = {
    "at": FieldInfo("时间", "datetime"),
    "actor": FieldInfo("经办人"),
    "kind": FieldInfo("环节"),
    "note": FieldInfo("说明"),
}


def load_service(session: Session, request_id: int) -> Record:
    request = session.get(ServiceRequest, request_id)
    if request is None:
        raise NotFoundError(f"找不到售后服务单（编号 {request_id}）。")
    d = ledger.load_detail(session, operator_by_id(session, request.first_responsible_id),
                           request_id)  # fmt: skip
    values: dict[str, Any] = {name: getattr(d, name) for name in SERVICE_CATALOG
                              if hasattr(d, name)}  # fmt: skip
    values |= {
        "customer_name": d.customer.partition(" ")[2],
        "status": d.status_label,
        "channel": d.channel,
    }
    r = d.repair
    if r is not None:
        values |= {
            "repaired_at": r.repaired_at, "diagnosis": r.diagnosis, "cause": r.cause,
            "result": r.result_label, "labour_hours": r.labour_hours,
            "labour_cost": r.labour_cost, "parts_cost": r.parts_cost,
            "charge": "收费维修" if r.charged else "免费保修", "charge_amount": r.charge_amount,
            "repeat_of": r.repeat_of,
        }  # fmt: skip
    parts = [
        {"part": p.part, "quantity": p.quantity, "unit_cost": p.unit_cost, "amount": p.amount}
        for p in (r.parts if r else ())
    ]
    events = [{"at": e.at, "actor": e.actor, "kind": e.kind, "note": e.note} for e in d.events]
    return Record(d.number, values, {"parts": parts, "events": events})


def _service_ids(session: Session, start: date, end: date) -> list[int]:
    low, high = day_bounds(start, end)
    return list(
        session.scalars(
            select(ServiceRequest.id)
            .where(ServiceRequest.received_at >= low, ServiceRequest.received_at < high)
            .order_by(ServiceRequest.received_at)
        )
    )


SERVICE = Source(
    "service_request", "售后服务单", SERVICE_CATALOG,
    {"parts": PART_CATALOG, "events": EVENT_CATALOG},
    record_kind="service_request", load_record=load_service, ids_in_period=_service_ids,
)  # fmt: skip

FEEDBACK_CATALOG = {
    "number": FieldInfo("反馈编号"),
    "raised_at": FieldInfo("反馈时间", "datetime"),
    "raised_by": FieldInfo("反馈人"),
    "request_number": FieldInfo("服务单号"),
    "customer_name": FieldInfo("客户名称"),
    "product": FieldInfo("产品"),
    "department": FieldInfo("反馈部门", choices=DEPARTMENTS),
    "problem": FieldInfo("发现的质量问题"),
    "reply_deadline": FieldInfo("要求答复日期", "date"),
    "reply": FieldInfo("部门处理意见"),
    "replied_at": FieldInfo("答复时间", "datetime"),
    "state": FieldInfo("状态"),
}


def load_feedback(session: Session, feedback_id: int) -> Record:
    item = session.get(FactoryFeedback, feedback_id)
    if item is None:
        raise NotFoundError(f"找不到反馈（编号 {feedback_id}）。")
    rows = feedback.list_feedback(session, request_id=item.request_id, limit=100000)
    row = next(r for r in rows if r.id == feedback_id)
    values = {name: getattr(row, name) for name in FEEDBACK_CATALOG if hasattr(row, name)}
    request = session.get(ServiceRequest, item.request_id) if item.request_id else None
    values["customer_name"] = request.customer.name if request else ""
    return Record(row.number, values)


def _feedback_ids(session: Session, start: date, end: date) -> list[int]:
    low, high = day_bounds(start, end)
    f = FactoryFeedback
    query = select(f.id).where(f.raised_at >= low, f.raised_at < high).order_by(f.raised_at)
    return list(session.scalars(query))


FEEDBACK = Source(
    "service_feedback", "工厂反馈", FEEDBACK_CATALOG, {},
    record_kind="service_feedback", load_record=load_feedback, ids_in_period=_feedback_ids,
)  # fmt: skip

RATES = {
    "response_rate": "响应及时率", "resolution_rate": "解决及时率",
    "first_fix_rate": "一次修复率", "repeat_rate": "返修率", "revisit_rate": "回访率",
    "key_satisfaction_rate": "大客户满意率", "general_satisfaction_rate": "一般客户满意率",
}  # fmt: skip
MONTH_CATALOG: dict[str, FieldInfo] = {
    "period": FieldInfo("统计期间"),
    "received": FieldInfo("受理件数", "number"),
    "closed": FieldInfo("结案件数", "number"),
    "cancelled": FieldInfo("撤销件数", "number"),
    "repaired": FieldInfo("维修单数", "number"),
    **{name: FieldInfo(label) for name, label in RATES.items()},
    "feedback_rate": FieldInfo("信息反馈及时率"),
    "feedback_overdue": FieldInfo("反馈超期未答复", "number"),
    "close_days": FieldInfo("平均结案工作日"),
    "parts_cost": FieldInfo("配件成本（元）", "money"),
    "labour_cost": FieldInfo("人工成本（元）", "money"),
    "total_cost": FieldInfo("成本合计（元）", "money"),
    "charges": FieldInfo("收费金额（元）", "money"),
}
ENGINEER_ROWS = {
    "engineer": FieldInfo("工程师"),
    "received": FieldInfo("服务单", "number"),
    "response_rate": FieldInfo("响应及时率"),
    "resolution_rate": FieldInfo("解决及时率"),
    "first_fix_rate": FieldInfo("一次修复率"),
    "revisit_rate": FieldInfo("回访率"),
}
LIST_ROWS = {
    "number": FieldInfo("服务单号"),
    "received_at": FieldInfo("受理日期", "date"),
    "customer": FieldInfo("客户"),
    "product": FieldInfo("产品"),
    "status": FieldInfo("状态"),
    "engineer": FieldInfo("工程师"),
}


def load_month(session: Session, start: date, end: date) -> list[Record]:
    """The monthly 售后服务报告表: the KPIs, a line per engineer, the requests."""
    kpis = service_kpis.compute(session, start, end)
    t = kpis.total
    values: dict[str, Any] = {
        "period": f"{start.isoformat()} 至 {end.isoformat()}",
        "received": t.received, "closed": t.closed, "cancelled": t.cancelled,
        "repaired": t.repaired,
        **{name: percent(getattr(t, name)) for name in RATES},
        "feedback_rate": percent(kpis.feedback.timely_rate),
        "feedback_overdue": kpis.feedback.overdue_open,
        "close_days": service_kpis.days_text(t.average_close_days),
        "parts_cost": t.parts_cost, "labour_cost": t.labour_cost,
        "total_cost": t.parts_cost + t.labour_cost, "charges": t.charges,
    }  # fmt: skip
    engineers = [
        {"engineer": label, "received": f.received,
         **{name: percent(getattr(f, name)) for name in
            ("response_rate", "resolution_rate", "first_fix_rate", "revisit_rate")}}
        for label, f in kpis.by_engineer
    ]  # fmt: skip
    rows = ledger.list_requests(session, ledger.ServiceFilter(limit=100000), end)
    listing = [
        {"number": r.number, "received_at": r.received_at.date(), "customer": r.customer,
         "product": r.product, "status": r.status, "engineer": r.engineer}
        for r in reversed(rows) if start <= r.received_at.date() <= end
    ]  # fmt: skip
    return [Record(f"SHBG-{start:%Y%m}", values, {"engineers": engineers, "requests": listing})]


MONTH = Source(
    "service_month", "售后服务月报", MONTH_CATALOG,
    {"engineers": ENGINEER_ROWS, "requests": LIST_ROWS}, load_period=load_month,
)  # fmt: skip

SOURCES = {source.name: source for source in (SERVICE, FEEDBACK, MONTH)}
FORMS = ("service_register", "repair_report", "service_followup", "service_feedback",
         "service_month")  # fmt: skip
# For each record kind: what it is called, and what a user may give to name one.
REFERENCES = {
    "service_request": ("售后服务单", "请输入服务单号（如 SH-2026-0001）或记录 ID。"),
    "service_feedback": ("工厂反馈", "请输入反馈编号（如 FK-2026-0001）或记录 ID。"),
}
_NUMBERED: dict[str, type[ServiceRequest] | type[FactoryFeedback]] = {
    "service_request": ServiceRequest,
    "service_feedback": FactoryFeedback,
}


def describe(session: Session, kind: str, record_id: int) -> str:
    model = _NUMBERED[kind]
    return session.scalar(select(model.number).where(model.id == record_id)) or ""


def find(session: Session, kind: str, text: str) -> int | None:
    """The id of the request or feedback numbered ``text`` (already upper-cased)."""
    model = _NUMBERED[kind]
    return session.scalar(select(model.id).where(func.upper(model.number) == text))
