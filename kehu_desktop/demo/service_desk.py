"""Demo data for the after-sales desk: a product catalogue, customers' purchases, and service
requests walked through their lifecycle by the desk's own services.

Each request goes 登记 → 派工 → 处理 → 回访 → 结案 one step after another from its received
time and stops where the next step would lie in the future, so recent requests are still open
(some overdue), a few units come back for a 返修, some quality problems go to the factory
(a few answered late), and complaints settled with 维修/换货 open a linked request. Going
through the services keeps every record consistent with the rules; the count is capped, as the
desk's history is what the demo shows, not its volume.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint, Product, ServiceRequest
from kehu_desktop.services.common.operators import Operator, operator_by_id
from kehu_desktop.services.common.revisits import SATISFACTION_LEVELS
from kehu_desktop.services.service_desk import (
    feedback,
    lifecycle,
    products,
    registration,
    repair_orders,
)
from kehu_desktop.services.service_desk.choices import CHANNELS, DEPARTMENTS
from kehu_desktop.services.service_desk.registration import RequestInput
from kehu_desktop.services.service_desk.repair_orders import PartInput, RepairInput

MAX_REQUESTS = 240
HISTORY_DAYS = 150
CATALOGUE = [
    ("CP-K7", "控制板", "K7", 12), ("CP-K9", "控制板", "K9", 24),
    ("DJ-200", "伺服电机", "200W", 18), ("DJ-400", "伺服电机", "400W", 18),
    ("BP-S3", "变频器", "S3", 12), ("CG-T1", "温度传感器", "T1", 6),
    ("XS-10", "触摸屏", "10寸", 12), ("DY-24", "开关电源", "24V", 24),
]  # fmt: skip
# fault → (diagnosis, cause, parts [(part, unit cost)], result, feedback problem or "")
FAULTS = [
    ("无法开机，指示灯不亮", "电源模块输出为零", "保险丝熔断，电源浪涌",
     [("保险丝 5A", "1.20"), ("压敏电阻", "2.80")], "repaired", ""),
    ("运行中频繁报警停机", "温度检测回路接触不良", "插座氧化",
     [("接插件", "6.50")], "repaired", "插座镀层偏薄，易氧化"),
    ("显示屏花屏", "排线断裂", "安装时弯折过度", [("显示排线", "18.00")], "replaced", ""),
    ("电机异响、发热", "轴承磨损", "润滑脂不足", [("轴承 6202", "12.00")], "repaired",
     "出厂润滑脂加注量不足"),
    ("通讯中断", "通讯芯片损坏", "雷击感应", [("RS485 芯片", "9.60")], "returned", ""),
    ("参数无法保存", "存储芯片失效", "批次芯片质量问题", [("EEPROM", "4.30")], "repaired",
     "EEPROM 批次不良，建议更换供应商"),
    ("外壳开裂", "外壳受力开裂", "运输跌落", [], "unrepairable", ""),
]  # fmt: skip
UNREACHABLE = ("电话多次无人接听", "联系人已离职")
WORK_START, WORK_HOURS = 9, 8


def _working_time(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(WORK_START)) + timedelta(
        minutes=rng.randrange(WORK_HOURS * 60)
    )


def add_service_desk(
    session: Session,
    rng: random.Random,
    customer_ids: list[int],
    staff_ids: list[int],
    today: date,
) -> int:
    """Products, purchases and up to ``MAX_REQUESTS`` requests; returns how many."""
    product_ids = [
        _existing(session, code)
        or products.save_product(session, products.ProductInput(code, name, model, months))
        for code, name, model, months in CATALOGUE
    ]
    staff = [operator_by_id(session, i) for i in staff_ids]
    now = datetime.now()
    chosen = rng.sample(customer_ids, min(len(customer_ids) // 3, MAX_REQUESTS))
    units: list[tuple[int, int, str]] = []  # (customer, product, serial) already serviced
    made = 0
    for customer_id in chosen:
        received = _working_time(today - timedelta(days=rng.randrange(HISTORY_DAYS)), rng)
        received = min(received, now - timedelta(minutes=5))
        if units and rng.random() < 0.12:
            customer_id, product_id, serial = rng.choice(units)  # the same unit comes back
        else:
            product_id = rng.choice(product_ids)
            serial = f"SN{received:%y%m}{rng.randrange(10000):04d}"
            bought = received.date() - timedelta(days=rng.randrange(30, 900))
            products.add_purchase(session, customer_id, product_id, serial, bought)
            units.append((customer_id, product_id, serial))
        _request(session, rng, staff, customer_id, product_id, serial, received, now, None)
        made += 1
    for complaint_id, customer_id in _complaints_for_service(session, rng):
        received = min(_working_time(today - timedelta(days=rng.randrange(20)), rng), now)
        _request(
            session, rng, staff, customer_id, rng.choice(product_ids), "", received, now,
            complaint_id,
        )  # fmt: skip
        made += 1
    return made


def _existing(session: Session, code: str) -> int | None:
    return session.scalar(select(Product.id).where(Product.code == code))


def _complaints_for_service(session: Session, rng: random.Random) -> list[tuple[int, int]]:
    linked = select(ServiceRequest.complaint_id).where(ServiceRequest.complaint_id.is_not(None))
    found = session.execute(
        select(Complaint.id, Complaint.customer_id).where(
            Complaint.result.in_(("维修", "换货")), Complaint.id.not_in(linked)
        )
    ).all()
    return [(i, c) for i, c in found if rng.random() < 0.5][:12]


def _request(
    session: Session,
    rng: random.Random,
    staff: list[Operator],
    customer_id: int,
    product_id: int,
    serial: str,
    received: datetime,
    now: datetime,
    complaint_id: int | None,
) -> None:
    desk = rng.choice(staff)
    reply: tuple[int, datetime] | None = None
    fault, diagnosis, cause, parts, result, problem = rng.choice(FAULTS)
    urgency = rng.choices(("normal", "urgent", "critical"), (7, 2, 1))[0]
    request_id = registration.register(
        session, desk,
        RequestInput(
            customer_id=customer_id, received_at=received, channel=rng.choice(CHANNELS),
            product_id=product_id, serial_no=serial, fault=fault, urgency=urgency,
            demand=rng.choice(("尽快上门维修", "寄回工厂维修", "更换新机")),
            complaint_id=complaint_id,
        ),
    )  # fmt: skip
    at = received + timedelta(hours=rng.choice((1, 3, 20, 30, 50)))
    if at > now:
        return
    if rng.random() < 0.05:
        lifecycle.cancel(session, desk, request_id, "客户自行解决，撤销服务", at=at)
        return
    engineer = rng.choice(staff)
    planned = (at + timedelta(days=rng.randrange(3))).date()
    mode = rng.choices(("on_site", "factory"), (4, 1))[0]
    lifecycle.dispatch(
        session, desk, request_id, mode=mode, engineer_id=engineer.id, planned_date=planned, at=at
    )
    start = datetime.combine(planned, time(10)) + timedelta(hours=rng.choice((0, 3, 30, 100)))
    at = max(start, at + timedelta(hours=1))
    if at > now:
        return
    repair = RepairInput(
        diagnosis=diagnosis, cause=cause, result=result,
        parts=[PartInput(name, str(rng.choice((1, 1, 2))), cost) for name, cost in parts],
        labour_hours=str(rng.choice((0.5, 1, 1.5, 2, 3))),
        labour_cost=str(rng.choice((50, 80, 120, 200))),
        charged=(charged := rng.random() < 0.2),
        charge_amount=str(rng.choice((150, 280, 500))) if charged else "0",
    )  # fmt: skip
    repair_orders.record_repair(session, engineer, request_id, repair, at=at)
    if problem and rng.random() < 0.6 and at + timedelta(hours=2) <= now:
        at += timedelta(hours=2)
        item = feedback.raise_feedback(
            session, engineer, department=rng.choice(DEPARTMENTS[:3]), problem=problem,
            request_id=request_id, at=at,
        )  # fmt: skip
        answered = at + timedelta(days=rng.choice((2, 4, 6, 12)))
        if answered <= now and rng.random() < 0.8:
            reply = (item, answered)
    at += timedelta(days=rng.choice((2, 3, 5, 8)))
    if at > now:
        return _answer(session, desk, request_id, reply, now)
    reached = rng.random() > 0.1
    lifecycle.record_revisit(
        session, desk, request_id,
        satisfaction=rng.choices(SATISFACTION_LEVELS, (30, 45, 15, 7, 3))[0] if reached else None,
        unreachable_reason="" if reached else rng.choice(UNREACHABLE), at=at,
    )  # fmt: skip
    at += timedelta(hours=rng.choice((1, 5, 30)))
    if at > now:
        return _answer(session, desk, request_id, reply, now)
    # The first-responsible person closes; now and then the 主管 (staff[1]) does.
    closer = desk if rng.random() < 0.9 else staff[1]
    lifecycle.close(session, closer, request_id, "客户确认，结案", at=at)
    _answer(session, desk, request_id, reply, now)


def _answer(
    session: Session,
    operator: Operator,
    request_id: int,
    reply: tuple[int, datetime] | None,
    now: datetime,
) -> None:
    """The factory's answer to a feedback, no earlier than the request's last step."""
    if reply is None:
        return
    item, answered = reply
    last = lifecycle.HISTORY.last_at(session, request_id)
    answered = max(answered, last + timedelta(minutes=10))
    if answered <= now:
        feedback.record_reply(session, operator, item, "已安排质量改进，下批次验证", at=answered)
