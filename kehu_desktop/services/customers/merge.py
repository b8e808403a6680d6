"""Merging duplicate customers: one file is kept, everything of the others moves to it.

Contacts, visits and plans, complaints, sales (a month both recorded is added up), the
key-account card and proposals, surveys, credit ratings and the ABC history all move to the
kept customer; its blank fields are filled from the others; the others are then deleted. The
merge is one batch in the audit trail and can be undone while nothing in it changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kehu_desktop.models import Customer, KeyAccount, LastVisit, SalesRecord
from kehu_desktop.services.common import batches
from kehu_desktop.services.common.errors import NotFoundError, UserError
from kehu_desktop.services.customers import pinyin_initials, search
from kehu_desktop.services.customers.customer_fields import CUSTOMER_FIELDS
from kehu_desktop.services.visits import visit_plans

# Fields the kept file keeps as they are, even when blank.
_NOT_FILLED = {"code", "name"}
TABLE_LABELS = {
    "contacts": "联系人",
    "visits": "拜访记录",
    "visit_plans": "拜访计划",
    "complaints": "投诉",
    "sales_records": "销售记录",
    "key_accounts": "大客户管理卡",
    "key_account_proposals": "大客户申请",
    "satisfaction_surveys": "满意度调查",
    "credit_evaluations": "信用评定",
    "customer_class_history": "ABC 分类历史",
}


@dataclass(frozen=True)
class MergeResult:
    batch_id: int
    kept: str
    merged: tuple[str, ...]
    moved: dict[str, int]

    def describe(self) -> str:
        moved = "、".join(f"{TABLE_LABELS.get(t, t)} {n}" for t, n in self.moved.items() if n)
        return (
            f"已将 {'、'.join(self.merged)} 合并到 {self.kept}"
            + (f"，转移 {moved}" if moved else "")
            + "。"
        )


def find_by_codes(session: Session, codes: list[str]) -> list[int]:
    ids = []
    for code in codes:
        found = session.scalar(select(Customer.id).where(Customer.code == code.strip().upper()))
        if found is None:
            raise NotFoundError(f"客户编号“{code}”不存在。")
        ids.append(found)
    return ids


def records_to_move(session: Session, other_ids: list[int]) -> dict[str, int]:
    """How many records of each kind the merge would move, for the confirmation."""
    counts = {}
    for tbl, column in batches.dependent_tables("customers"):
        if tbl.name in TABLE_LABELS:
            counts[TABLE_LABELS[tbl.name]] = session.scalar(
                select(func.count()).select_from(tbl).where(tbl.c[column].in_(other_ids))
            )
    return {label: n for label, n in counts.items() if n}


def merge(session: Session, keep_id: int, other_ids: list[int]) -> MergeResult:
    """Merge ``other_ids`` into ``keep_id`` in the caller's transaction."""
    others = [i for i in dict.fromkeys(other_ids) if i != keep_id]
    if not others:
        raise UserError("请至少选择一位要并入的客户（不能与保留的客户相同）。")
    keep = session.get(Customer, keep_id)
    found = [session.get(Customer, i) for i in others]
    merged = [c for c in found if c is not None]
    if keep is None or len(merged) != len(found):
        raise NotFoundError("要合并的客户不存在或已被删除。")
    cards = session.scalar(
        select(KeyAccount.id).where(KeyAccount.customer_id.in_([keep_id, *others])).offset(1)
    )
    if cards is not None:
        raise UserError("不止一位客户有大客户管理卡，请先在大客户台撤销多余的卡再合并。")
    labels = tuple(f"{c.code} {c.name}" for c in merged)
    batch = batches.start(session, "merge", f"{keep.code} ← {'、'.join(c.code for c in merged)}")
    _fill_blanks(batch, keep, merged)
    now = datetime.now()
    moved: dict[str, int] = {}
    for tbl, column in batches.dependent_tables("customers"):
        if tbl.name == LastVisit.__tablename__:
            session.execute(delete(LastVisit).where(LastVisit.customer_id.in_(others)))
            continue
        if tbl.name == SalesRecord.__tablename__:
            _add_up_sales(session, batch, keep_id, others)
        key = tbl.primary_key.columns.values()[0]
        rows = session.execute(select(key, tbl.c[column]).where(tbl.c[column].in_(others))).all()
        if not rows:
            continue
        values: dict[str, object] = {column: keep_id}
        if "updated_at" in tbl.c:
            values["updated_at"] = now
        ids = [r[0] for r in rows]
        for chunk in batches.chunks(ids):
            session.execute(update(tbl).where(key.in_(chunk)).values(values))
        batch.note(tbl.name, ids, batches.MOVED, [{column: r[1]} for r in rows])
        batch.audit_changes("修改", tbl.name, [(i, {column: [old, keep_id]}) for i, old in rows])
        moved[tbl.name] = len(rows)
    snapshots = batches.row_dicts(session, "customers", others)
    session.flush()
    for customer in merged:
        session.expunge(customer)
    session.execute(delete(Customer).where(Customer.id.in_(others)))
    batch.note("customers", others, batches.DELETED, [snapshots[i] for i in others])
    batch.audit_changes(
        "删除", "customers", [(i, {"合并到": [snapshots[i]["code"], keep.code]}) for i in others]
    )
    for customer_id in others:
        search.forget(session, customer_id)
    visit_plans.refresh_last_visits(session, [keep_id])
    session.flush()
    search.reindex(session, [keep_id])
    result = MergeResult(batch.id, f"{keep.code} {keep.name}", labels, moved)
    batch.finish(result.describe().removeprefix("已将 ").rstrip("。"))
    return result


def _fill_blanks(batch: batches.Batch, keep: Customer, merged: list[Customer]) -> None:
    before = {}
    for spec in CUSTOMER_FIELDS:
        if spec.name in _NOT_FILLED or getattr(keep, spec.name) not in (None, ""):
            continue
        for other in merged:
            value = getattr(other, spec.name)
            if value not in (None, ""):
                before[spec.name] = batches.plain(getattr(keep, spec.name))
                setattr(keep, spec.name, value)
                break
    if before:
        keep.name_pinyin = pinyin_initials.sort_key(keep.name)
        batch.session.flush()
        batch.note("customers", [keep.id], batches.UPDATED, [before])


def _add_up_sales(session: Session, batch: batches.Batch, keep_id: int, others: list[int]) -> None:
    """A month recorded for both customers becomes one record with the two figures added."""
    kept = {
        r.month: r
        for r in session.scalars(select(SalesRecord).where(SalesRecord.customer_id == keep_id))
    }
    for record in session.scalars(select(SalesRecord).where(SalesRecord.customer_id.in_(others))):
        target = kept.get(record.month)
        if target is None:
            kept[record.month] = record  # a second other with this month adds to it below
            continue
        before = {"amount": str(target.amount), "quantity": str(target.quantity)}
        target.amount += record.amount
        target.quantity += record.quantity
        snapshot = batches.row_dicts(session, "sales_records", [record.id])[record.id]
        session.delete(record)
        session.flush()
        batch.note("sales_records", [target.id], batches.UPDATED, [before])
        batch.note("sales_records", [record.id], batches.DELETED, [snapshot])


def undo_last_merge(session: Session) -> str:
    last = batches.last_batch(session, ("merge",))
    if last is None:
        raise UserError("没有可以撤销的合并。")
    return batches.undo(session, last.id)
