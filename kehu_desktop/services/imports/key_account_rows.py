"""Planning the key-account import: the firm's 大客户名单 kept in Excel, or the desk's own
大客户一览 export read back.

Each row names a customer (by code or exact name), its level and its account manager. A
customer without a current card gets one (an import by a 主管 or 管理员 is the approval; see
``commit``); a current one whose level, manager or visit interval differ is updated, with each
field's old → new value in the preview. The list's computed columns (最近拜访, 信用状态 …) are
recognised and left alone (``columns.imported``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Customer, KeyAccount, Staff
from kehu_desktop.services.imports import cells
from kehu_desktop.services.imports.history import read_row
from kehu_desktop.services.imports.plan import (
    Change,
    ImportPreview,
    Planned,
    RowError,
    Rows,
    customer_lookup,
    find_customer,
    find_staff,
    staff_by_name,
)
from kehu_desktop.services.key_accounts.designation import LEVEL_INTERVALS, LEVELS


def _level(value: object) -> str:
    text = cells.text(value).removesuffix("大客户").removesuffix("客户")  # 战略大客户, 重点客户
    if text not in LEVELS:
        raise ValueError(f"大客户级别只能是：{'、'.join(LEVELS)}。")
    return text


def _interval(value: object) -> int | None:
    text = cells.text(value).removesuffix("天")
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 366:
        raise ValueError("拜访周期应为 1 到 366 之间的天数。")
    return int(text)


def _designated(value: object) -> date:
    day = cells.date_value(value) if cells.text(value) else date.today()
    if day > date.today():
        raise ValueError("设定日期不能晚于今天。")
    return day


def plan_key_accounts(session: Session, preview: ImportPreview, data: Rows) -> None:
    lookup, staff = customer_lookup(session), staff_by_name(session)
    active_staff = set(session.scalars(select(Staff.id).where(Staff.active)))
    names = dict(session.execute(select(Staff.id, Staff.name)).all())
    cards = {card.customer_id: card for card in session.scalars(select(KeyAccount))}
    customers = dict(
        session.execute(select(Customer.id, Customer.code + " " + Customer.name)).all()
    )
    archived = set(session.scalars(select(Customer.id).where(Customer.archived)))

    def manager(value: object) -> int:
        found = find_staff(staff, value, "客户经理")
        if found not in active_staff:
            raise ValueError(f"客户经理“{cells.text(value)}”已停用。")
        return found

    seen: dict[int, int] = {}
    for number, record in data:
        before = len(preview.errors)
        readers = {
            "customer_id": lambda _v, r=record: find_customer(r, lookup),
            "level": _level,
            "manager_id": manager,
            "visit_interval_days": _interval,
            "designated_on": _designated,
        }
        values = read_row("key-accounts", number, record, readers, preview)
        if len(preview.errors) > before:
            continue
        customer_id = values["customer_id"]
        assert isinstance(customer_id, int)
        if customer_id in seen:
            preview.errors.append(
                RowError(number, "客户", f"与第 {seen[customer_id]} 行是同一客户。")
            )
            continue
        seen[customer_id] = number
        card = cards.get(customer_id)
        label = customers[customer_id]
        if (card is None or not card.active) and customer_id in archived:
            preview.errors.append(RowError(number, "客户", f"“{label}”已归档，不能设为大客户。"))
        elif card is None or not card.active:
            interval = values["visit_interval_days"] or LEVEL_INTERVALS[str(values["level"])]
            values["visit_interval_days"] = interval
            planned = Planned([number], label, values, target_id=card.id if card else None)
            preview.creates.append(planned)
        else:
            _plan_update(preview, Planned([number], label, {}, target_id=card.id), card, values,
                         names)  # fmt: skip


def _plan_update(
    preview: ImportPreview, planned: Planned, card: KeyAccount, values: dict, names: dict
) -> None:
    """A current card: the level, manager and visit interval the sheet changes, old → new."""
    for key, what, old, show in (
        ("level", "级别", card.level, str),
        ("manager_id", "客户经理", card.manager_id, lambda i: names.get(i, "")),
        ("visit_interval_days", "拜访周期（天）", card.visit_interval_days, str),
    ):
        new = values[key]
        if new is not None and new != old:
            planned.values[key] = new
            planned.changes.append(Change(what, show(old), show(new)))
    (preview.updates if planned.changes else preview.unchanged).append(planned)
