"""Demo complaints whose status, fields and event log tell one consistent story.

Each complaint is walked through its lifecycle from the received time, one step after another,
and stops where the next step would lie in the future (or where a desk would plausibly have left
it), so recent complaints are still open, some are overdue, escalations wait for the 主管, and
older ones are answered, revisited with a rating (or found unreachable) and closed. Rows are
written in bulk; the demo loader calls this once per batch of customers.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint, ComplaintEvent
from kehu_desktop.services.common import numbering
from kehu_desktop.services.common.working_days import load_calendar
from kehu_desktop.services.complaints import event_chain
from kehu_desktop.services.complaints.choices import SATISFACTION_LEVELS
from kehu_desktop.services.complaints.deadlines import DEADLINE_DAYS, ESCALATION_DAYS
from kehu_desktop.services.complaints.lifecycle import (
    ESCALATE_EVENT,
    REGISTER_EVENT,
    Action,
    Status,
)
from kehu_desktop.services.complaints.registration import complaint_number

# category → (description, department, cause, measures, result)
STORIES = {
    "产品质量": [("来料批次外观划伤，约 3% 不良", "品质", "注塑模具表面磨损，出货检验漏检",
                  "更换模具镶件，出货检验改为加严抽样", "换货"),
                 ("部分产品尺寸超差，无法装配", "品质", "首件检验记录缺失，设备参数漂移",
                  "恢复首件检验，设备每班点检", "退货")],
    "交货期": [("订单延误 5 天交付，影响客户生产", "生产", "关键物料供应商延期",
                "增加备选供应商，延误订单优先排产", "解释致歉"),
               ("分批交货数量与计划不符", "生产", "排产计划变更未通知客户",
                "计划变更须经客服确认后通知客户", "解释致歉")],
    "服务态度": [("客服电话多次无人接听", "客服", "午间值班安排空缺",
                  "调整值班表，来电未接 30 分钟内回拨", "解释致歉")],
    "价格结算": [("发票金额与合同单价不符", "财务", "开票时误用旧价格表",
                  "重开发票，价格表变更后通知财务", "赔偿")],
    "包装运输": [("运输途中外箱压损，部分产品变形", "仓储", "外箱承重不足，堆码超高",
                  "改用五层瓦楞箱，限制堆码层数", "换货")],
    "其他": [("说明书与实物型号不一致", "销售", "说明书版本未随产品更新",
              "说明书纳入工程变更清单", "维修")],
}  # fmt: skip
PRODUCTS = ["外壳 A-12", "支架 B-3", "线束 C-220", "端子 T-05", "包装盒 P-18", "控制板 K-7"]
CHANNELS = ("电话", "上门", "邮件", "信函", "网络")
CHANNEL_WEIGHTS = (6, 2, 3, 1, 2)
UNREACHABLE_REASONS = ("电话多次无人接听", "联系人已离职，新联系人未确认", "客户拒绝回访")
CANCEL_REASONS = ("客户撤回投诉", "经核实非我司产品", "重复登记")
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋"
TITLES = ("经理", "工", "")
DEMANDS = ("请尽快处理并给出书面答复", "要求换货并承担运费", "要求赔偿损失")
HISTORY_DAYS = 365
# Every row carries every key, as a bulk insert needs.
BLANK = {"escalation_acknowledged_at": None, "department": "", "cause": "", "measures": "",
         "department_opinion": "", "result": "", "return_quantity": Decimal(0),
         "return_amount": Decimal(0), "exchange_quantity": Decimal(0),
         "exchange_amount": Decimal(0), "claim_amount": Decimal(0), "reply": "",
         "replied_at": None, "satisfaction": "", "revisited_at": None, "unreachable_reason": "",
         "closed_at": None, "cancel_reason": ""}  # fmt: skip


class ComplaintDemo:
    """Builds demo complaint rows for one store; ``insert`` writes a batch with its events."""

    def __init__(
        self, session: Session, rng: random.Random, staff_ids: list[int], today: date
    ) -> None:
        self._session = session
        self._rng = rng
        self._staff = staff_ids
        self._supervisor = staff_ids[1]  # 王强, the demo's 主管
        self._now = datetime.now() if today >= date.today() else datetime.combine(today, time(18))
        self._calendar = load_calendar(session)
        self._deadlines = DEADLINE_DAYS.get(session)
        self._escalations = ESCALATION_DAYS.get(session)

    def complaint(self, customer: dict, stamp: dict) -> dict:
        """One complaint row (with its events under ``_events``) for ``customer``."""
        rng = self._rng
        category = rng.choice(list(STORIES))
        description, department, cause, measures, result = rng.choice(STORIES[category])
        severity = rng.choices(("一般", "重大", "特殊"), (8, 2, 1))[0]
        day = self._now.date() - timedelta(days=int(rng.triangular(0, HISTORY_DAYS, 0)))
        received = datetime.combine(day, time(rng.randrange(8, 18), rng.choice((0, 15, 30, 45))))
        received = min(received, self._now - timedelta(minutes=5))
        owner = customer["owner_id"]
        row = {
            **BLANK, "received_at": received, "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
            "customer_id": customer["id"], "category": category, "severity": severity,
            "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(TITLES),
            "contact_phone": "" if rng.random() < 0.08 else f"13{rng.randrange(10**9):09d}",
            "product": rng.choice(PRODUCTS), "batch_no": f"B{received:%y%m%d}{rng.randrange(1, 9)}",
            "order_no": "" if rng.random() < 0.1 else f"SO{received:%Y%m}{rng.randrange(1000):03d}",
            "description": description, "demand": rng.choice(DEMANDS),
            "first_responsible_id": owner, "handler_id": owner, "status": Status.REGISTERED,
            "deadline": self._calendar.add_working_days(received.date(),
                                                        int(self._deadlines.get(severity, 3))),
            "escalated": severity in self._escalations, **stamp,
        }  # fmt: skip
        row["_events"] = _Story(self, row, received).walk(department, cause, measures, result)
        return row

    def insert(self, rows: list[dict]) -> None:
        """Number the batch in order of receipt, then write the complaints and their events."""
        rows.sort(key=lambda r: r["received_at"])
        stories = []
        per_year = Counter(row["received_at"].year for row in rows)
        numbers = {
            year: iter(numbering.take_numbers(self._session, numbering.COMPLAINT_SERIES, year, n))
            for year, n in per_year.items()
        }
        for row in rows:
            year = row["received_at"].year
            seq = next(numbers[year])
            row.update(year=year, seq=seq, number=complaint_number(year, seq))
            stories.append(row.pop("_events"))
        self._session.execute(insert(Complaint.__table__), rows)
        ids = dict(
            self._session.execute(
                select(Complaint.number, Complaint.id).where(
                    Complaint.number.in_([r["number"] for r in rows])
                )
            ).all()
        )
        events = [
            {**event, "complaint_id": ids[row["number"]]}
            for row, story in zip(rows, stories, strict=True)
            for event in story
        ]
        if events:
            event_chain.seal_new_events(events)
            self._session.execute(insert(ComplaintEvent.__table__), events)


def _office_hours(moment: datetime) -> datetime:
    """The same moment, or the next opening (08:30) if it falls outside 08:30–18:00."""
    if moment.time() < time(8, 30):
        return datetime.combine(moment.date(), time(8, 30)) + timedelta(minutes=moment.minute)
    if moment.time() >= time(18):
        return datetime.combine(moment.date() + timedelta(days=1), time(8, 30)) + timedelta(
            minutes=moment.minute
        )
    return moment


class _Story:
    """One complaint's walk through the lifecycle, filling in the row as it goes."""

    def __init__(self, demo: ComplaintDemo, row: dict, received: datetime) -> None:
        self.demo, self.row, self.at = demo, row, received
        self.events: list[dict] = []

    def _event(
        self, kind: str, actor: int, note: str = "", to: Status | None = None,
        to_id: int | None = None, department: str = "",
    ) -> None:  # fmt: skip
        status = self.row["status"]
        self.events.append(
            {
                "at": self.at,
                "actor_id": actor,
                "kind": kind,
                "from_status": status,
                "to_status": to or status,
                "note": note,
                "handover_to_id": to_id,
                "handover_department": department,
            }
        )
        if to is not None:
            self.row["status"] = to

    def _later(self, low_hours: float, high_hours: float) -> bool:
        """Move the clock on; False if that would be in the future."""
        nxt = _office_hours(
            self.at + timedelta(hours=self.demo._rng.uniform(low_hours, high_hours))
        )
        if nxt > self.demo._now:
            return False
        self.at = nxt
        return True

    def walk(self, department: str, cause: str, measures: str, result: str) -> list[dict]:
        rng, row = self.demo._rng, self.row
        owner = row["first_responsible_id"]
        self._event(REGISTER_EVENT, owner, to=Status.REGISTERED)
        if row["escalated"]:
            self._event(ESCALATE_EVENT, owner, f"{row['severity']}投诉，已升级至主管，待主管确认。")
            if rng.random() < 0.85 and self._later(0.5, 20):
                self._event(Action.ACKNOWLEDGE, self.demo._supervisor, "已阅，请优先处理")
                row["escalation_acknowledged_at"] = self.at
        if rng.random() < 0.04 and self._later(1, 30):
            reason = rng.choice(CANCEL_REASONS)
            self._event(Action.CANCEL, owner, reason, to=Status.CANCELLED)
            row["cancel_reason"] = reason
            return self.events
        if not self._later(1, 24):
            return self.events
        self._event(Action.INVESTIGATE, owner, f"已联系客户了解情况，通知{department}部门调查",
                    to=Status.INVESTIGATING)  # fmt: skip
        if rng.random() < 0.3 and self._later(1, 8):
            other = rng.choice([s for s in self.demo._staff if s != owner] or [owner])
            self._event(Action.HAND_OVER, owner, f"需{department}部门出具分析报告", to_id=other,
                        department=department)  # fmt: skip
            row["handler_id"] = other
        handler = row["handler_id"]
        if rng.random() < 0.06 or not self._later(12, 60):
            return self.events  # still under investigation; overdue once the deadline passes
        self._handle(handler, department, cause, measures, result)
        on_time = rng.random() < 0.85
        deadline_end = datetime.combine(row["deadline"], time(17, 30))
        target = (
            self.at + (deadline_end - self.at) * rng.uniform(0.2, 1.0)
            if on_time and deadline_end > self.at
            else deadline_end + timedelta(days=rng.uniform(0.5, 4))
        )
        target = _office_hours(target)
        if rng.random() < 0.05 or target > self.demo._now:
            return self.events
        self.at = max(target, self.at)
        reply = f"经调查：{cause}。我司已{measures}，并按您的要求{result}。"
        self._event(Action.REPLY, owner, reply, to=Status.REPLIED)
        row.update(reply=reply, replied_at=self.at)
        if not self._later(48, 170):
            return self.events
        if rng.random() < 0.1:
            reason = rng.choice(UNREACHABLE_REASONS)
            self._event(Action.REVISIT, owner, f"未能联系：{reason}", to=Status.REVISITED)
            row["unreachable_reason"] = reason
        else:
            rating = rng.choices(SATISFACTION_LEVELS, (30, 45, 15, 7, 3))[0]
            self._event(Action.REVISIT, owner, f"满意度：{rating}", to=Status.REVISITED)
            row["satisfaction"] = rating
        row["revisited_at"] = self.at
        if rng.random() > 0.05 and self._later(0.5, 120):
            self._event(Action.CLOSE, owner, "处理完毕，客户已回访，结案", to=Status.CLOSED)
            row["closed_at"] = self.at
        return self.events

    def _handle(self, handler: int, department: str, cause: str, measures: str, result: str):
        rng, row = self.demo._rng, self.row
        quantity = Decimal(rng.randrange(5, 200))
        price = Decimal(rng.randrange(20, 300))
        row.update(department=department, cause=cause, measures=measures, result=result,
                   department_opinion=f"{department}部：同意以上处理意见")  # fmt: skip
        if result == "退货":
            row.update(return_quantity=quantity, return_amount=quantity * price)
        elif result == "换货":
            row.update(exchange_quantity=quantity, exchange_amount=quantity * price)
        elif result == "赔偿":
            row["claim_amount"] = Decimal(rng.randrange(5, 100) * 100)
        self._event(Action.HANDLE, handler, f"{department}：{result}", to=Status.HANDLING)
