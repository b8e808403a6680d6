"""The visits desk's part of the demo data: visits with the contacts met and what was said,
follow-up actions (some due now), plans for this week and next (some done, some missed), and
contacts' birthdays and important dates around today.

Rows are written with bulk inserts and explicit ids, so 100,000 customers stay fast.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from kehu_desktop.models import Contact, FollowUpAction, ImportantDate, Visit, VisitPlan
from kehu_desktop.services.visits import visit_plans
from kehu_desktop.services.visits.visit_plans import DONE, MISSED, PLANNED

METHODS = ("上门", "上门", "电话", "电话", "来访接待", "微信·邮件")
PURPOSES = ("例行", "例行", "新品推介", "催收货款", "满意度调查", "节日问候")
TALKS = {
    "例行": ("了解近期生产和库存情况", "回顾上季度供货情况"),
    "新品推介": ("介绍新款产品及样品", "演示新品性能参数"),
    "催收货款": ("核对应收账款明细", "商谈逾期货款付款计划"),
    "满意度调查": ("请客户对质量、交期、服务打分", "收集使用意见"),
    "节日问候": ("节日问候，送上公司礼品", "电话拜年并确认节后订单"),
}
REQUESTS = (
    "希望交期缩短到 7 天",
    "要求提供质检报告",
    "希望价格再优惠 3%",
    "",
    "",
    "需要技术人员现场指导",
)
RESULTS = (
    "客户对交期表示满意，下月追加订单",
    "对新品样品感兴趣，需报价",
    "已确认月底前付款",
    "反映包装破损，已记录并反馈品质部",
    "无新需求，保持联系",
    "同意试用新品一批",
)
ACTIONS = (
    "寄送报价单",
    "安排样品寄送",
    "提供质检报告",
    "财务对账",
    "安排技术人员上门",
    "回复价格申请",
)
MISSED_REASONS = ("客户临时外出", "路线调整，改下周", "客户停产检修", "电话无人接听")
DATES = ("结婚纪念日", "公司成立纪念日", "入职纪念日")


class VisitDemo:
    """Makes one batch's visits, then writes them with their actions and plans."""

    def __init__(self, session: Session, rng: random.Random, today: date) -> None:
        self._session = session
        self._rng = rng
        self._today = today
        self._next_id = (session.scalar(select(func.max(Visit.id))) or 0) + 1

    def visits(self, customer: dict, stamp: dict) -> list[dict]:
        """Zero to three past visits by the customer's owner, oldest first."""
        rng = self._rng
        days = sorted((rng.randrange(1, 200) for _ in range(rng.randrange(0, 4))), reverse=True)
        rows = []
        for back in days:
            when = datetime.combine(self._today - timedelta(days=back), datetime.min.time())
            when += timedelta(hours=rng.randrange(9, 17), minutes=rng.choice((0, 15, 30, 45)))
            purpose = rng.choice(PURPOSES)
            rows.append({
                "id": self._next_id, "customer_id": customer["id"],
                "staff_id": customer["owner_id"], "visited_at": when,
                "method": rng.choice(METHODS), "purpose": purpose,
                "discussion": rng.choice(TALKS[purpose]), "requests": rng.choice(REQUESTS),
                "result": rng.choice(RESULTS), "contacts_met": "", "next_visit_date": None,
                **stamp,
            })  # fmt: skip
            self._next_id += 1
        return rows

    def insert(self, visits: list[dict], customers: list[dict], stamp: dict) -> None:
        """Write the batch: contacts met, next dates, actions, plans, birthdays and dates."""
        contacts = self._contacts([c["id"] for c in customers])
        plans = self._plans(customers, visits, stamp)
        for row in visits:
            met = contacts.get(row["customer_id"], [])
            if met:
                picked = self._rng.sample(met, min(len(met), self._rng.choice((1, 1, 2))))
                row["contacts_met"] = "、".join(label for _id, label in picked)
            if self._rng.random() < 0.2:
                row["next_visit_date"] = self._today + timedelta(days=self._rng.randrange(1, 30))
        if visits:
            self._session.execute(insert(Visit.__table__), visits)
            self._session.execute(insert(FollowUpAction.__table__), self._actions(visits, stamp))
        if plans:
            self._session.execute(insert(VisitPlan.__table__), plans)
        self._dates_near_today(contacts, stamp)

    def _contacts(self, customer_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        found: dict[int, list[tuple[int, str]]] = {}
        for start in range(0, len(customer_ids), 900):
            chunk = customer_ids[start : start + 900]
            query = select(Contact.id, Contact.customer_id, Contact.name, Contact.title).where(
                Contact.customer_id.in_(chunk)
            )
            for contact_id, customer_id, name, title in self._session.execute(query):
                label = f"{name}（{title}）" if title else name
                found.setdefault(customer_id, []).append((contact_id, label))
        return found

    def _actions(self, visits: list[dict], stamp: dict) -> list[dict]:
        """About a third of visits leave an action; recent ones are often still open."""
        rows = []
        for visit in visits:
            if self._rng.random() > 0.35:
                continue
            due = visit["visited_at"].date() + timedelta(days=self._rng.randrange(2, 21))
            done = None
            if due < self._today - timedelta(days=3) or self._rng.random() < 0.3:
                done = min(due, self._today) if self._rng.random() < 0.96 else None
            rows.append({"visit_id": visit["id"], "description": self._rng.choice(ACTIONS),
                         "owner_id": visit["staff_id"], "due_date": due, "done_on": done,
                         **stamp})  # fmt: skip
        return rows

    def _plans(self, customers: list[dict], visits: list[dict], stamp: dict) -> list[dict]:
        """Plans over this week and next: past days done (linked to a visit made that day) or
        missed, today and later still open."""
        rng = self._rng
        start, _end = visit_plans.period("本周", self._today)
        rows = []
        for customer in customers:
            if customer["trade_stage"] == visit_plans.FORMER_STAGE or rng.random() > 0.1:
                continue
            # A quarter of the plans fall on today, so the today view has a day's work in it.
            day = self._today if rng.random() < 0.25 else start + timedelta(rng.randrange(0, 14))
            row = {"customer_id": customer["id"], "staff_id": customer["owner_id"],
                   "planned_date": day, "purpose": rng.choice(PURPOSES),
                   "method": rng.choice(METHODS), "status": PLANNED, "missed_reason": "",
                   "visit_id": None, **stamp}  # fmt: skip
            if day < self._today:
                if rng.random() < 0.7:
                    row.update(status=DONE, visit_id=self._visit_on(customer, day, visits, stamp))
                else:
                    row.update(status=MISSED, missed_reason=rng.choice(MISSED_REASONS))
            rows.append(row)
        return rows

    def _visit_on(self, customer: dict, day: date, visits: list[dict], stamp: dict) -> int:
        """A visit on ``day`` for a plan that was done, added to ``visits``; returns its id."""
        when = datetime.combine(day, datetime.min.time()) + timedelta(hours=10)
        row = {"id": self._next_id, "customer_id": customer["id"], "staff_id": customer["owner_id"],
               "visited_at": when, "method": "上门", "purpose": "例行",
               "discussion": "按计划拜访，了解需求", "requests": "",
               "result": self._rng.choice(RESULTS), "contacts_met": "", "next_visit_date": None,
               **stamp}  # fmt: skip
        self._next_id += 1
        visits.append(row)
        return row["id"]

    def _dates_near_today(self, contacts: dict[int, list[tuple[int, str]]], stamp: dict) -> None:
        """A few contacts have a birthday or an important date in the coming week."""
        rng = self._rng
        birthdays, dates = [], []
        for people in contacts.values():
            contact_id = people[0][0]
            roll = rng.random()
            day = self._today + timedelta(days=rng.randrange(0, 7))
            leap_day = (day.month, day.day) == (2, 29)
            if roll < 0.02:
                year = 1988 if leap_day else rng.randrange(1965, 2000)
                birthdays.append((contact_id, date(year, day.month, day.day)))
            elif roll < 0.03:
                year = 2008 if leap_day else rng.randrange(2005, 2024)
                dates.append({"contact_id": contact_id, "label": rng.choice(DATES),
                              "day": date(year, day.month, day.day), **stamp})  # fmt: skip
        for contact_id, birthday in birthdays:
            self._session.execute(
                update(Contact).where(Contact.id == contact_id).values(birthday=birthday)
            )
        if dates:
            self._session.execute(insert(ImportantDate.__table__), dates)
