"""Key accounts (大客户): the list, the card (大客户管理卡), its countermeasures (对策一览) and
its interactions (交往: the customer's visits and complaints, read from those desks' tables)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from kehu_desktop.models import (
    Complaint,
    Countermeasure,
    Customer,
    KeyAccount,
    LastVisit,
    SatisfactionSurvey,
    Staff,
    Visit,
)
from kehu_desktop.services.common import versions
from kehu_desktop.services.common.errors import NotFoundError, UserError, ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.parsing import parse_date, parse_money
from kehu_desktop.services.key_accounts import abc_classes, designation
from kehu_desktop.services.key_accounts.credit import CreditState
from kehu_desktop.services.visits import visit_plans

MEASURE_STATUSES = ("未开始", "进行中", "已完成", "已取消")
OPEN_STATUSES = ("未开始", "进行中")
DONE = "已完成"


@dataclass(frozen=True)
class KeyAccountRow:
    """One line of the key-account list."""

    id: int
    customer_id: int
    code: str
    customer: str
    level: str
    manager: str
    visit_interval_days: int
    designated_on: date
    last_visit: date | None
    next_visit_due: date  # by the visits desk's rule (``visit_plans``), as 今日 and plans show
    last_score: Decimal | None
    open_measures: int
    overdue_measures: int
    credit: CreditState
    today: date

    @property
    def visit_overdue(self) -> bool:
        return self.next_visit_due < self.today

    @property
    def measures_text(self) -> str:
        if not self.open_measures:
            return ""
        if self.overdue_measures:
            return f"{self.open_measures} 项（逾期 {self.overdue_measures}）"
        return f"{self.open_measures} 项"


def list_key_accounts(session: Session, today: date | None = None) -> list[KeyAccountRow]:
    """The active key accounts with what the desk watches: visits, satisfaction, measures,
    credit."""
    today = today or date.today()
    manager = aliased(Staff)
    last_score = (
        select(SatisfactionSurvey.overall_score)
        .where(SatisfactionSurvey.customer_id == KeyAccount.customer_id)
        .order_by(SatisfactionSurvey.surveyed_on.desc(), SatisfactionSurvey.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    open_measures = (
        select(func.count(Countermeasure.id))
        .where(
            Countermeasure.key_account_id == KeyAccount.id,
            Countermeasure.status.in_(OPEN_STATUSES),
        )
        .scalar_subquery()
    )
    overdue_measures = (
        select(func.count(Countermeasure.id))
        .where(
            Countermeasure.key_account_id == KeyAccount.id,
            Countermeasure.status.in_(OPEN_STATUSES),
            Countermeasure.deadline < today,
        )
        .scalar_subquery()
    )
    # Columns, not whole records: thousands of cards are listed, and building an ORM object
    # per card and customer took most of the time (and Python's lock, which the window needs).
    query = (
        select(KeyAccount.id, Customer.id, Customer.code, Customer.name, KeyAccount.level,
               manager.name, KeyAccount.visit_interval_days, KeyAccount.designated_on,
               LastVisit.visited_at, Customer.created_at, last_score, open_measures,
               overdue_measures, Customer.credit_rating, Customer.credit_limit,
               Customer.credit_days, Customer.outstanding_amount)
        .join(Customer, Customer.id == KeyAccount.customer_id)
        .outerjoin(manager, manager.id == KeyAccount.manager_id)
        .outerjoin(LastVisit, LastVisit.customer_id == KeyAccount.customer_id)
        .where(KeyAccount.active)
        .order_by(Customer.code)
    )  # fmt: skip
    return [
        KeyAccountRow(
            card_id, customer_id, code, name, level, manager_name or "", interval, designated_on,
            visited.date() if visited else None,
            visit_plans.due_date(visited or created_at, interval),
            score, open_count, overdue,
            CreditState(rating, limit, credit_days, outstanding),
            today,
        )
        for (card_id, customer_id, code, name, level, manager_name, interval, designated_on,
             visited, created_at, score, open_count, overdue, rating, limit, credit_days,
             outstanding) in session.execute(query)
    ]  # fmt: skip


EXPORT_HEADERS = ("客户编号", "客户名称", "级别", "客户经理", "拜访周期（天）", "设定日期",
                  "最近拜访", "下次应访", "最近满意度", "未完成对策", "逾期对策", "信用等级",
                  "信用额度", "应收余额", "信用状态")  # fmt: skip


def export_rows(rows: list[KeyAccountRow]) -> list[tuple]:
    return [
        (r.code, r.customer, r.level, r.manager, r.visit_interval_days, r.designated_on,
         r.last_visit, r.next_visit_due, r.last_score, r.open_measures, r.overdue_measures,
         r.credit.rating, r.credit.limit, r.credit.outstanding, r.credit.describe())
        for r in rows
    ]  # fmt: skip


# --- the card ------------------------------------------------------------------------------

CARD_TEXT_FIELDS = {
    "decision_makers": ("决策人", 2000),
    "main_products": ("主要产品", 200),
    "competitors": ("竞争对手", 200),
    "credit_terms": ("信用条件", 200),
    "service_plan": ("服务计划", 4000),
    "important_dates": ("重要日期", 2000),
}


@dataclass(frozen=True)
class CardData:
    id: int
    customer_id: int
    code: str
    customer: str
    active: bool
    level: str
    manager_id: int | None
    manager: str
    visit_interval_days: int
    designated_on: date
    delisted_on: date | None
    delist_reason: str
    values: dict[str, str]  # the editable text of every card field
    credit: CreditState
    abc_class: str
    abc_history: tuple[tuple[date, str, Decimal], ...]  # (computed on, class, sales), newest first
    proposals: tuple[designation.ProposalRow, ...]  # newest first
    version: int  # of the card as loaded, handed back on saving


def _card(session: Session, key_account_id: int) -> KeyAccount:
    card = session.get(KeyAccount, key_account_id)
    if card is None:
        raise NotFoundError("该大客户记录不存在。")
    return card


def load_card(session: Session, key_account_id: int) -> CardData:
    card = _card(session, key_account_id)
    customer = card.customer
    values = {name: getattr(card, name) or "" for name in CARD_TEXT_FIELDS}
    values["annual_purchase_volume"] = (
        "" if card.annual_purchase_volume is None else f"{card.annual_purchase_volume:.2f}"
    )
    values["our_share_percent"] = (
        "" if card.our_share_percent is None else f"{card.our_share_percent:.2f}"
    )
    values["level"] = card.level
    values["manager_id"] = "" if card.manager_id is None else str(card.manager_id)
    values["visit_interval_days"] = str(card.visit_interval_days)
    return CardData(
        card.id, customer.id, customer.code, customer.name, card.active, card.level,
        card.manager_id, card.manager.name if card.manager else "", card.visit_interval_days,
        card.designated_on, card.delisted_on, card.delist_reason, values,
        CreditState(customer.credit_rating, customer.credit_limit, customer.credit_days,
                    customer.outstanding_amount),
        customer.abc_class,
        tuple((h.computed_on, h.abc_class, h.sales_12m)
              for h in abc_classes.class_history(session, customer.id)),
        tuple(designation.list_proposals(session, None, customer.id)),
        card.version,
    )  # fmt: skip


def card_for_customer(session: Session, customer_id: int) -> int | None:
    """The id of the customer's card (active or not), if it ever had one."""
    return session.scalar(select(KeyAccount.id).where(KeyAccount.customer_id == customer_id))


def save_card(
    session: Session,
    operator: Operator,
    key_account_id: int,
    values: Mapping[str, str],
    version: int | None = None,
) -> int:
    """Save the card's fields (level, manager and visit interval are the 主管's to change);
    returns the card's version now. Refused when the card changed after ``version`` was
    loaded."""
    card = versions.claim(session, KeyAccount, key_account_id, version)
    errors: dict[str, str] = {}
    clean: dict[str, object] = {}
    for name, (label, limit) in CARD_TEXT_FIELDS.items():
        text = str(values.get(name, "")).strip()
        if len(text) > limit:
            errors[name] = f"{label}最多 {limit} 个字。"
        clean[name] = text
    volume = str(values.get("annual_purchase_volume", "")).strip()
    try:
        clean["annual_purchase_volume"] = parse_money(volume) if volume else None
    except ValueError as error:
        errors["annual_purchase_volume"] = f"年采购量：{error}"
    share = str(values.get("our_share_percent", "")).strip().rstrip("%％")
    try:
        share_percent = parse_money(share) if share else None
        if share_percent is not None and share_percent > 100:
            raise ValueError("不能超过 100%。")
        clean["our_share_percent"] = share_percent
    except ValueError as error:
        errors["our_share_percent"] = f"我方份额：{error}"
    level = str(values.get("level", card.level)).strip()
    manager_text = str(values.get("manager_id", card.manager_id or "")).strip()
    interval_text = str(values.get("visit_interval_days", card.visit_interval_days)).strip()
    manager_id = int(manager_text) if manager_text.isdigit() else None
    interval = int(interval_text) if interval_text.isdigit() else 0
    if errors:
        raise ValidationError(errors)
    assignment = (level, manager_id, interval)
    if assignment != (card.level, card.manager_id, card.visit_interval_days):
        operator.require_supervisor()
        designation.check_assignment(session, level, manager_id, interval)
        card.level, card.manager_id, card.visit_interval_days = assignment
    for name, value in clean.items():
        setattr(card, name, value)
    session.flush()
    return card.version


# --- countermeasures -----------------------------------------------------------------------


@dataclass(frozen=True)
class CountermeasureRow:
    id: int
    issue: str
    measure: str
    owner_id: int | None
    owner: str
    deadline: date | None
    status: str
    done_on: date | None
    today: date
    version: int

    @property
    def overdue(self) -> bool:
        return (
            self.status in OPEN_STATUSES
            and self.deadline is not None
            and self.deadline < self.today
        )


def countermeasures(
    session: Session, key_account_id: int, today: date | None = None
) -> list[CountermeasureRow]:
    today = today or date.today()
    query = (
        select(Countermeasure, Staff.name)
        .outerjoin(Staff, Staff.id == Countermeasure.owner_id)
        .where(Countermeasure.key_account_id == key_account_id)
        .order_by(Countermeasure.id)
    )
    return [
        CountermeasureRow(m.id, m.issue, m.measure, m.owner_id, name or "", m.deadline, m.status,
                          m.done_on, today, m.version)
        for m, name in session.execute(query)
    ]  # fmt: skip


def save_countermeasure(
    session: Session,
    key_account_id: int,
    values: Mapping[str, str],
    countermeasure_id: int | None = None,
    today: date | None = None,
    version: int | None = None,
) -> int:
    """Add or change one line of 对策一览; marking it 已完成 stamps the day it was done.

    A change is refused when the line changed after ``version`` was loaded."""
    card = _card(session, key_account_id)
    if not card.active and countermeasure_id is None:
        raise UserError("该客户已取消大客户资格，不能再添加对策。")
    errors = {}
    issue = str(values.get("issue", "")).strip()
    measure = str(values.get("measure", "")).strip()
    status = str(values.get("status", "未开始")).strip()
    if not issue:
        errors["issue"] = "请填写问题。"
    if not measure:
        errors["measure"] = "请填写对策。"
    if status not in MEASURE_STATUSES:
        errors["status"] = f"状态只能是：{'、'.join(MEASURE_STATUSES)}。"
    deadline_text = str(values.get("deadline", "")).strip()
    deadline = None
    try:
        deadline = parse_date(deadline_text) if deadline_text else None
    except ValueError as error:
        errors["deadline"] = f"期限：{error}"
    owner_text = str(values.get("owner_id", "")).strip()
    owner_id = int(owner_text) if owner_text.isdigit() else None
    if owner_id is not None and session.get(Staff, owner_id) is None:
        errors["owner_id"] = "负责人不存在。"
    if errors:
        raise ValidationError(errors)
    item: Countermeasure | None
    if countermeasure_id is None:
        item = Countermeasure(key_account_id=key_account_id)
        session.add(item)
    else:
        item = versions.claim(session, Countermeasure, countermeasure_id, version)
        if item.key_account_id != key_account_id:
            raise NotFoundError("该对策不存在。")
    if status == DONE and item.status != DONE:
        item.done_on = today or date.today()
    elif status != DONE:
        item.done_on = None
    item.issue, item.measure, item.status = issue, measure, status
    item.deadline, item.owner_id = deadline, owner_id
    session.flush()
    return item.id


# --- interactions (交往) --------------------------------------------------------------------


@dataclass(frozen=True)
class InteractionRow:
    id: int  # the visit's or the complaint's id
    kind: str  # 拜访 or 投诉
    at: datetime
    staff: str
    summary: str
    state: str


def interactions(session: Session, customer_id: int, limit: int = 500) -> list[InteractionRow]:
    """The customer's visits and complaints, newest first."""
    rows = []
    visits = (
        select(Visit, Staff.name)
        .outerjoin(Staff, Staff.id == Visit.staff_id)
        .where(Visit.customer_id == customer_id)
        .order_by(Visit.visited_at.desc())
        .limit(limit)
    )
    for visit, name in session.execute(visits):
        summary = "；".join(t for t in (visit.discussion, visit.result) if t) or visit.purpose
        text = f"{visit.method}·{visit.purpose}：{summary}"
        rows.append(InteractionRow(visit.id, "拜访", visit.visited_at, name or "", text, "已拜访"))
    complaints = (
        select(Complaint, Staff.name)
        .outerjoin(Staff, Staff.id == Complaint.first_responsible_id)
        .where(Complaint.customer_id == customer_id)
        .order_by(Complaint.received_at.desc())
        .limit(limit)
    )
    for complaint, name in session.execute(complaints):
        text = f"{complaint.number} {complaint.category}：{complaint.description}"
        rows.append(
            InteractionRow(
                complaint.id, "投诉", complaint.received_at, name or "", text, complaint.status
            )
        )
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:limit]
