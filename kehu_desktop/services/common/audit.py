"""The audit trail: every create, update and delete, stamped with the signed-in operator.

Installed once as Session event listeners, so services never have to remember it. Events that
change no record (sign-ins, failed sign-ins, backups, restores, imports) are written with
``record_event``. Entries are append-only and chained by hash (see ``sealing``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Connection,
    Select,
    String,
    and_,
    cast,
    event,
    false,
    func,
    insert,
    inspect,
    or_,
    select,
)
from sqlalchemy.orm import Session

from kehu_desktop.models import AuditEntry, Staff, Tracked
from kehu_desktop.services.common import sealing

if TYPE_CHECKING:
    from kehu_desktop.services.common.operators import Operator

OPERATOR_KEY = "operator_id"
# Set by a bulk change (import, merge) so that every entry it causes names its batch.
BATCH_KEY = "import_batch_id"
STAFF_STAMPS = ("created_by_id", "updated_by_id")
# Bookkeeping, not a change anyone made: sign-in counters are audited as sign-in events.
SKIPPED_COLUMNS = {
    "created_at",
    "updated_at",
    *STAFF_STAMPS,
    "search_text",
    "failed_sign_ins",
    "locked_until",
    "version",  # moved by services/common/versions.py with any real change
    # 客户查重's keys, worked out from the name and phones (services/customers/match_keys.py)
    "match_name",
    "match_place",
    "match_phone",
    "match_mobile",
}


def _plain(value: object) -> object:
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    return value


def _columns(obj: object) -> list[str]:
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in SKIPPED_COLUMNS]


def _stamp(session: Session, _context: object, _instances: object) -> None:
    operator_id = session.info.get(OPERATOR_KEY)
    now = datetime.now()
    for obj in session.new:
        if isinstance(obj, Tracked):
            obj.created_by_id = obj.created_by_id or operator_id
            obj.updated_by_id = operator_id or obj.created_by_id
            obj.created_at = obj.created_at or now
            obj.updated_at = now
    for obj in session.dirty:
        if isinstance(obj, Tracked) and session.is_modified(obj, include_collections=False):
            obj.updated_by_id = operator_id
            obj.updated_at = now


def _record(session: Session, _context: object) -> None:
    operator_id = session.info.get(OPERATOR_KEY)
    batch_id = session.info.get(BATCH_KEY)
    now = datetime.now()
    rows = []
    for action, objects in (
        ("新增", session.new),
        ("修改", session.dirty),
        ("删除", session.deleted),
    ):
        for obj in objects:
            if isinstance(obj, AuditEntry):
                continue
            changes = _changes(obj, action)
            if action == "修改" and not changes:
                continue
            if isinstance(obj, Staff):
                changes.pop("password_hash", None)
            key = inspect(obj).mapper.primary_key_from_instance(obj)[0]
            rows.append(
                {
                    "at": now,
                    "staff_id": operator_id,
                    "action": action,
                    "table_name": obj.__tablename__,
                    "record_id": key if isinstance(key, int) else None,
                    # A setting's key is text: not a number for the integer record_id.
                    "record_key": None if isinstance(key, int) else str(key),
                    "changes": json.dumps(changes, ensure_ascii=False),
                    "batch_id": batch_id,
                }
            )
    if rows:
        append_entries(session.connection(), rows)


# The table name of events about the whole store (备份, 恢复).
STORE = "store"
# The columns an entry's hash covers, in order.
SEALED_COLUMNS = ("id", "at", "staff_id", "action", "table_name", "record_id", "changes")


def append_entries(connection: Connection, rows: list[dict]) -> None:
    """Write ``rows`` at the end of the chain: each gets the next id and its chained hash."""
    sealing.lock_for_append(connection, AuditEntry.__tablename__)
    last = connection.execute(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    next_id, previous = (last.id + 1, last.entry_hash) if last else (1, "")
    for row in rows:
        row["id"] = next_id
        row["entry_hash"] = previous = sealing.seal(previous, [row[c] for c in SEALED_COLUMNS])
        next_id += 1
    connection.execute(insert(AuditEntry), rows)


def chain_breaks(session: Session) -> list[str]:
    """Where the audit chain is broken: entries missing (deleted) or altered. [] when intact.

    The last entries of the log could be cut off without a trace in the chain itself; every
    other deletion or change is found.
    """
    problems: list[str] = []
    previous, expected_id = "", None
    columns = [getattr(AuditEntry, c) for c in SEALED_COLUMNS]
    query = select(*columns, AuditEntry.entry_hash).order_by(AuditEntry.id)
    for row in session.execute(query.execution_options(yield_per=5000)):
        values = list(row[: len(SEALED_COLUMNS)])
        if expected_id is not None and row.id != expected_id:
            missing = f"#{expected_id}" + (f"–#{row.id - 1}" if row.id - 1 > expected_id else "")
            problems.append(f"审计记录 {missing} 已被删除（链在 #{row.id} 处断开）")
        elif row.entry_hash != sealing.seal(previous, values):
            problems.append(f"审计记录 #{row.id}（{row.at:%Y-%m-%d %H:%M}）的内容已被改动")
        previous, expected_id = row.entry_hash, row.id + 1
    return problems


def record_event(
    session: Session,
    staff_id: int | None,
    action: str,
    table_name: str,
    record_id: int | None,
    details: dict[str, object],
) -> None:
    """An event that is not a row change (a sign-in, a failed sign-in, a backup): who, what,
    on which record, with ``details`` shown as ``key: value``."""
    changes = {key: [None, _plain(value)] for key, value in details.items()}
    append_entries(
        session.connection(),
        [
            {
                "at": datetime.now(),
                "staff_id": staff_id,
                "action": action,
                "table_name": table_name,
                "record_id": record_id,
                "changes": json.dumps(changes, ensure_ascii=False),
            }
        ],
    )


def _changes(obj: object, action: str) -> dict[str, list[object]]:
    """``{column: [old, new]}`` for the columns that changed (all columns on create/delete)."""
    state = inspect(obj)
    changes: dict[str, list[object]] = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if action == "新增":
            value = getattr(obj, key)
            if value not in (None, ""):
                changes[key] = [None, _plain(value)]
        elif action == "删除":
            changes[key] = [_plain(getattr(obj, key)), None]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = [_plain(old), _plain(new)]
    return changes


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _stamp)
        event.listen(Session, "after_flush", _record)
        _installed = True


# What the audit viewer calls each kind of record and each field (the store keeps codes).
TABLE_LABELS = {
    "customers": "客户", "contacts": "联系人", "important_dates": "重要日期",
    "sales_records": "销售记录", "staff": "操作员", "visits": "拜访", "visit_plans": "拜访计划",
    "follow_up_actions": "跟进事项", "complaints": "投诉", "complaint_events": "投诉进程",
    "key_accounts": "大客户", "key_account_proposals": "大客户申请", "countermeasures": "对策",
    "satisfaction_surveys": "满意度调查", "survey_item_scores": "满意度评分",
    "credit_evaluations": "信用评定", "credit_item_scores": "信用评分",
    "customer_class_history": "ABC 分类变化", "settings": "设置",
    STORE: "数据库",
    "import_batches": "导入/合并批次",
}  # fmt: skip
COMMON_FIELD_LABELS = {
    "customer_id": "客户", "contact_id": "联系人", "label": "名称", "day": "日期",
    "month": "月份", "amount": "金额", "quantity": "数量", "archived": "已归档",
    "username": "登录名", "name": "姓名", "role": "角色", "department": "部门", "active": "在用",
    "phone": "电话", "must_change_password": "须修改密码", "status": "状态", "version": "版本",
    "abc_class": "ABC 分类", "name_pinyin": "拼音",
    "number": "投诉编号", "year": "年度", "seq": "序号", "received_at": "受理时间",
    "channel": "受理渠道", "contact_name": "联系人", "contact_phone": "联系电话",
    "product": "产品", "batch_no": "批号", "order_no": "订单号", "category": "投诉类别",
    "severity": "严重程度", "description": "内容", "demand": "客户要求",
    "first_responsible_id": "首问责任人", "handler_id": "当前处理人", "deadline": "期限",
    "escalated": "已升级", "escalation_acknowledged_at": "主管确认时间", "cause": "原因",
    "measures": "处理措施", "department_opinion": "部门意见", "result": "结果",
    "return_quantity": "退货数量", "return_amount": "退货金额",
    "exchange_quantity": "换货数量", "exchange_amount": "换货金额", "claim_amount": "索赔金额",
    "reply": "答复内容", "replied_at": "答复时间", "satisfaction": "满意度",
    "revisited_at": "回访时间", "unreachable_reason": "无法联系原因", "closed_at": "结案时间",
    "cancel_reason": "撤销原因", "complaint_id": "投诉", "at": "时间", "actor_id": "操作人",
    "kind": "事项", "from_status": "原状态", "to_status": "新状态", "note": "备注",
    "handover_to_id": "转交给", "handover_department": "转交部门",
    "staff_id": "业务员", "visited_at": "拜访时间", "method": "方式", "purpose": "目的",
    "contacts_met": "会见人员", "discussion": "洽谈内容", "requests": "客户要求与意见",
    "next_visit_date": "下次拜访", "planned_date": "计划日期", "missed_reason": "未完成原因",
    "visit_id": "拜访记录", "batch": "生成批次", "due_date": "期限", "done_on": "完成日期",
    "evaluated_on": "评定日期", "evaluator_id": "评定人", "total_score": "总分",
    "rating": "信用等级", "computed_on": "计算日期", "sales_12m": "近12个月销售额",
    "proposer_id": "申请人", "proposed_at": "申请时间", "reasons": "申请理由",
    "figures": "数据", "decided_by_id": "审批人", "decided_at": "审批时间",
    "decision_note": "审批意见", "level": "级别", "manager_id": "客户经理",
    "surveyed_on": "调查日期", "surveyor_id": "调查人", "respondent": "受访人",
    "overall_score": "综合得分", "survey_id": "调查", "evaluation_id": "评定", "item": "项目",
    "weight": "权重", "score": "得分", "proposal_id": "申请", "designated_on": "设定日期",
    "delisted_on": "撤销日期", "delist_reason": "撤销原因", "decision_makers": "决策人",
    "annual_purchase_volume": "年采购量", "our_share_percent": "我方份额（%）",
    "main_products": "主要产品", "competitors": "竞争对手", "credit_terms": "信用条件",
    "service_plan": "服务计划", "important_dates": "重要日期", "key_account_id": "大客户",
    "issue": "问题", "measure": "对策", "key": "设置项", "value": "值",
    "登录名": "登录名", "原因": "原因", "连续失败": "连续失败次数",
}  # fmt: skip
# Columns holding a staff id, shown by name.
_STAFF_COLUMNS = {
    "staff_id", "first_responsible_id", "handler_id", "actor_id", "handover_to_id",
    "evaluator_id", "proposer_id", "decided_by_id", "manager_id", "surveyor_id", "owner_id",
}  # fmt: skip


def field_labels() -> dict[str, str]:
    """Column → the label a user reads: the customer file's own labels, then the common ones."""
    from kehu_desktop.services.customers.customer_fields import CONTACT_FIELDS, CUSTOMER_FIELDS

    return {
        **COMMON_FIELD_LABELS,
        **{f.name: f.label for f in CONTACT_FIELDS},
        **{f.name: f.label for f in CUSTOMER_FIELDS},
    }


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    operator: str
    action: str
    table_name: str
    record_id: int | None
    changes: dict[str, list[object]]
    # The record as a user knows it (客户名称, 投诉编号 …); empty when it cannot be named.
    record: str = ""
    # The import, merge or demo load the change was part of (None for a single edit).
    batch_id: int | None = None

    @property
    def kind(self) -> str:
        return TABLE_LABELS.get(self.table_name, self.table_name)

    def describe(self, labels: dict[str, str] | None = None) -> str:
        """``字段: 旧 → 新`` pairs on one line, fields named by ``labels`` where known."""
        labels = labels or {}
        return "；".join(
            f"{labels.get(k, k)}: {_text(old)} → {_text(new)}"
            if old is not None or self.action not in ("新增", "登录", "登录失败")
            else f"{labels.get(k, k)}: {_text(new)}"
            for k, (old, new) in self.changes.items()
            if k != "id"
        )


def _text(value: object) -> str:
    if value is None:
        return "∅"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


@dataclass(frozen=True)
class AuditFilter:
    """Which entries the viewer lists: a kind of record, an operator, a date range, and a
    record named by what a user knows of it (a customer code or name, a complaint number, an
    operator's name)."""

    table_name: str | None = None
    staff_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    record_text: str = ""


def _record_ids(session: Session, text: str) -> list[tuple[str, list[int]]]:
    """(table, ids) of the records ``text`` names: customers by code or name (with their
    contacts, sales, visits, plans, complaints and key-account card), complaints by number,
    operators by name or login name."""
    from kehu_desktop.models import (
        Complaint,
        Contact,
        Customer,
        KeyAccount,
        SalesRecord,
        Visit,
        VisitPlan,
    )

    like = f"%{text}%"
    customers = list(
        session.scalars(
            select(Customer.id)
            .where(or_(Customer.code.like(like), Customer.name.like(like)))
            .limit(200)
        )
    )
    found = [("customers", customers)]
    if customers:
        for table, model in (
            ("contacts", Contact),
            ("sales_records", SalesRecord),
            ("visits", Visit),
            ("visit_plans", VisitPlan),
            ("complaints", Complaint),
            ("key_accounts", KeyAccount),
        ):
            ids = session.scalars(select(model.id).where(model.customer_id.in_(customers)))
            found.append((table, list(ids)))
    found.append(
        (
            "complaints",
            list(session.scalars(select(Complaint.id).where(Complaint.number.like(like)))),
        )
    )
    staff = select(Staff.id).where(or_(Staff.name.like(like), Staff.username.like(like)))
    found.append(("staff", list(session.scalars(staff))))
    return found


def _filtered(session: Session, flt: AuditFilter) -> Select:
    query = select(AuditEntry)
    if flt.table_name:
        query = query.where(AuditEntry.table_name == flt.table_name)
    if flt.staff_id is not None:
        query = query.where(AuditEntry.staff_id == flt.staff_id)
    if flt.date_from is not None:
        query = query.where(AuditEntry.at >= datetime.combine(flt.date_from, time.min))
    if flt.date_to is not None:
        query = query.where(
            AuditEntry.at < datetime.combine(flt.date_to + timedelta(days=1), time.min)
        )
    text = flt.record_text.strip()
    if text:
        conditions = []
        for table, ids in _record_ids(session, text):
            if ids and flt.table_name in (None, "", table):
                conditions.append(
                    and_(AuditEntry.table_name == table, AuditEntry.record_id.in_(ids))
                )
        query = query.where(or_(*conditions) if conditions else false())
    return query


def count_entries(session: Session, acting: Operator, flt: AuditFilter | None = None) -> int:
    acting.require_admin()
    query = _filtered(session, flt or AuditFilter()).with_only_columns(func.count(AuditEntry.id))
    return session.scalar(query.order_by(None)) or 0


def recent_entries(
    session: Session,
    acting: Operator,
    limit: int = 500,
    offset: int = 0,
    flt: AuditFilter | None = None,
) -> list[AuditRow]:
    """The newest entries first, filtered; records and staff named, not numbered.
    Administrators only."""
    acting.require_admin()
    query = _filtered(session, flt or AuditFilter()).order_by(AuditEntry.id.desc())
    entries = list(session.scalars(query.limit(limit).offset(offset)))
    staff = dict(session.execute(select(Staff.id, Staff.name)).all())
    names = _record_names(session, entries)
    rows = []
    for e in entries:
        changes = json.loads(e.changes)
        for key, pair in changes.items():
            changes[key] = [_named(session, key, value, staff, names) for value in pair]
        rows.append(
            AuditRow(
                e.id,
                e.at,
                staff.get(e.staff_id, "系统") if e.staff_id else "系统",
                e.action,
                e.table_name,
                e.record_id,
                changes,
                names.get((e.table_name, e.record_id), "") or (e.record_key or ""),
                e.batch_id,
            )  # fmt: skip
        )
    return rows


def _named(
    session: Session, key: str, value: object, staff: dict, names: dict[tuple, str]
) -> object:
    if value is None:
        return None
    if key in _STAFF_COLUMNS and isinstance(value, int):
        return staff.get(value, f"#{value}")
    if key == "customer_id" and isinstance(value, int):
        return names.get(("customers", value)) or _customer_name(session, value, names)
    return value


def _customer_name(session: Session, customer_id: int, names: dict[tuple, str]) -> str:
    from kehu_desktop.models import Customer

    row = session.execute(
        select(Customer.code, Customer.name).where(Customer.id == customer_id)
    ).first()
    name = f"{row.code} {row.name}" if row else f"#{customer_id}（已删除）"
    names[("customers", customer_id)] = name
    return name


def _record_names(session: Session, entries: list[AuditEntry]) -> dict[tuple, str]:
    """(table, id) → how a user knows that record, read a table at a time."""
    from kehu_desktop.models import Complaint, Contact, Customer, KeyAccount, Visit, VisitPlan

    wanted: dict[str, set[int]] = {}
    for e in entries:
        if e.record_id is not None:
            wanted.setdefault(e.table_name, set()).add(e.record_id)
    by_customer = Customer.name + " "
    queries = {
        "customers": select(Customer.id, Customer.code + " " + Customer.name),
        "complaints": select(Complaint.id, Complaint.number),
        "staff": select(Staff.id, Staff.name),
        "contacts": select(Contact.id, Contact.name + "（" + Customer.name + "）").join(
            Customer, Customer.id == Contact.customer_id
        ),
        "visits": select(
            Visit.id, by_customer + func.substr(cast(Visit.visited_at, String), 1, 16)
        ).join(Customer, Customer.id == Visit.customer_id),
        "visit_plans": select(
            VisitPlan.id, by_customer + cast(VisitPlan.planned_date, String)
        ).join(Customer, Customer.id == VisitPlan.customer_id),
        "key_accounts": select(KeyAccount.id, Customer.name).join(
            Customer, Customer.id == KeyAccount.customer_id
        ),
    }
    names: dict[tuple, str] = {}
    for table, ids in wanted.items():
        query = queries.get(table)
        if query is None:
            continue
        id_column = query.selected_columns[0]
        for record_id, name in session.execute(query.where(id_column.in_(ids))):
            names[(table, record_id)] = name
    return names
