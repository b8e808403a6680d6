"""Repair orders (产品维修报告单): diagnosis, parts, labour, charges and result, and whether the
repair is a 返修 — a repeat repair of the same unit within the set number of days."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kehu_desktop.models import RepairOrder, RepairPart, ServiceRequest
from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.parsing import parse_money, parse_quantity
from kehu_desktop.services.service_desk.choices import RESULTS
from kehu_desktop.services.service_desk.lifecycle import HISTORY, Action, Status, start_action
from kehu_desktop.services.service_desk.settings import REPEAT_DAYS

ZERO = Decimal("0")


@dataclass
class PartInput:
    part: str = ""
    quantity: str | Decimal = "1"
    unit_cost: str | Decimal = "0"


@dataclass
class RepairInput:
    """产品维修报告单 as the dialog collects it; amounts as typed or as Decimals."""

    diagnosis: str = ""
    cause: str = ""
    parts: list[PartInput] = field(default_factory=list)
    labour_hours: str | Decimal = "0"
    labour_cost: str | Decimal = "0"
    charged: bool = False
    charge_amount: str | Decimal = "0"
    result: str = "repaired"
    note: str = ""


def _amount(
    raw: str | Decimal,
    parse: Callable[[str | Decimal], Decimal],
    errors: dict[str, str],
    key: str,
    label: str,
) -> Decimal:
    raw = "0" if isinstance(raw, str) and not raw.strip() else raw
    try:
        value = parse(raw)
    except ValueError as error:
        errors[key] = f"{label}：{error}"
        return ZERO
    if value < 0:
        errors[key] = f"{label}不能为负数。"
    return value


def parse_repair(data: RepairInput) -> tuple[dict[str, object], list[tuple[str, Decimal, Decimal]]]:
    """The order's values and its parts (part, quantity, unit cost), or every problem at once."""
    errors: dict[str, str] = {}
    if not data.diagnosis.strip():
        errors["diagnosis"] = "请填写故障诊断。"
    if data.result not in RESULTS:
        errors["result"] = f"维修结果应为 {'/'.join(RESULTS.values())} 之一。"
    hours = _amount(data.labour_hours, parse_quantity, errors, "labour_hours", "工时")
    labour = _amount(data.labour_cost, parse_money, errors, "labour_cost", "人工费")
    charge = _amount(data.charge_amount, parse_money, errors, "charge_amount", "收费金额")
    if data.charged and charge == 0 and "charge_amount" not in errors:
        errors["charge_amount"] = "收费维修请填写收费金额。"
    if not data.charged and charge != 0:
        errors["charge_amount"] = "免费维修的收费金额应为 0。"
    parts = []
    for index, item in enumerate(data.parts, start=1):
        blank = not item.part.strip() and str(item.unit_cost).strip() in ("", "0")
        if blank:
            continue
        key = f"parts.{index}"
        if not item.part.strip():
            errors[key] = f"第 {index} 行配件：请填写配件名称。"
            continue
        quantity = _amount(item.quantity, parse_quantity, errors, key, f"第 {index} 行数量")
        cost = _amount(item.unit_cost, parse_money, errors, key + ".cost", f"第 {index} 行单价")
        if quantity == 0 and key not in errors:
            errors[key] = f"第 {index} 行配件：数量应大于 0。"
        parts.append((item.part.strip()[:100], quantity, cost))
    if errors:
        raise ValidationError(errors)
    values = {
        "diagnosis": data.diagnosis.strip(), "cause": data.cause.strip(),
        "labour_hours": hours.quantize(Decimal("0.01")), "labour_cost": labour,
        "charged": data.charged, "charge_amount": charge, "result": data.result,
    }  # fmt: skip
    return values, parts


def find_repeat_of(
    session: Session, request: ServiceRequest, repaired_at: datetime, days: int
) -> int | None:
    """The latest earlier repair of the same unit (same product and serial/batch number, on
    another request) within ``days`` before ``repaired_at``; None when there is none."""
    if request.product_id is None or not request.serial_no.strip():
        return None
    query = (
        select(RepairOrder.id)
        .join(ServiceRequest, ServiceRequest.id == RepairOrder.request_id)
        .where(
            ServiceRequest.product_id == request.product_id,
            func.upper(ServiceRequest.serial_no) == request.serial_no.strip().upper(),
            ServiceRequest.id != request.id,
            RepairOrder.repaired_at >= repaired_at - timedelta(days=days),
            RepairOrder.repaired_at <= repaired_at,
        )
        .order_by(RepairOrder.repaired_at.desc(), RepairOrder.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def record_repair(
    session: Session,
    operator: Operator,
    request_id: int,
    data: RepairInput,
    *,
    at: datetime | None = None,
) -> int:
    """Record (or correct, while still 处理) the repair order; moves 派工 → 处理.

    Returns the order's id. The repeat check is made when the order is first recorded.
    """
    request = start_action(session, operator, request_id, Action.REPAIR)
    values, parts = parse_repair(data)
    first = request.repair_order is None
    summary = f"维修结果：{RESULTS[data.result]}" + ("（收费）" if data.charged else "（免费）")
    note = f"{summary}。{data.note.strip()}" if data.note.strip() else summary
    when = HISTORY.append(
        session, request, operator, Action.REPAIR, at, to_status=Status.PROCESSING,
        note=note if first else f"更正维修报告。{note}",
    )  # fmt: skip
    values["parts_cost"] = sum((q * c for _p, q, c in parts), ZERO).quantize(Decimal("0.01"))
    order: RepairOrder | None
    if first:
        repeat_of = find_repeat_of(session, request, when, int(REPEAT_DAYS.get(session)))
        order = RepairOrder(
            request_id=request.id,
            engineer_id=request.engineer_id,
            repaired_at=when,
            repeat_of_id=repeat_of,
            **values,
        )
        session.add(order)
        if repeat_of is not None:
            session.get_one(RepairOrder, repeat_of).repeated = True
        request.resolved_at = when
    else:
        order = request.repair_order
        assert order is not None  # not the first report: the order exists
        for name, value in values.items():
            setattr(order, name, value)
        order.parts.clear()
    session.flush()
    for part, quantity, cost in parts:
        session.add(RepairPart(order_id=order.id, part=part, quantity=quantity, unit_cost=cost))
    session.flush()
    session.refresh(order)
    return order.id
