"""删除演示数据: removing exactly what the demo loads added.

Each demo load is a batch listing its customers and the demo operators it created. Removing
deletes those customers with every record hanging off them (contacts, visits, plans,
complaints and their timelines, sales, key-account cards, surveys, ratings), found by
following the foreign keys, and removes the demo operators (deactivates those whose names are on
the audit trail). The customers, visits and complaints the desk entered itself are untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kehu_desktop.demo import loader
from kehu_desktop.models import Base, ImportBatch, ImportBatchRecord, Staff
from kehu_desktop.services.common import batches, sealing
from kehu_desktop.services.common.audit import STAFF_STAMPS
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.customers import search
from kehu_desktop.services.visits import visit_plans


@dataclass(frozen=True)
class DemoRemoval:
    customers: int
    records: int
    staff: int

    def describe(self) -> str:
        return (
            f"已删除演示客户 {self.customers:,} 位及其相关记录 {self.records:,} 条，"
            f"移除演示操作员 {self.staff} 位。"
        )


def _demo_batches(session: Session) -> list[int]:
    return [batch.id for batch in loader.demo_batches(session)]


def _created(session: Session, batch_ids: list[int], table_name: str) -> list[int]:
    return list(
        session.scalars(
            select(ImportBatchRecord.record_id).where(
                ImportBatchRecord.batch_id.in_(batch_ids),
                ImportBatchRecord.table_name == table_name,
                ImportBatchRecord.action == batches.CREATED,
            )
        )
    )


def _remove_operator(session: Session, staff_id: int) -> None:
    """A demo operator is deleted; one whose name is on the audit trail (signed in, changed
    something) is deactivated instead, so the trail still says who."""
    try:
        with session.begin_nested():
            session.execute(delete(Staff).where(Staff.id == staff_id))
    except IntegrityError:
        session.execute(update(Staff).where(Staff.id == staff_id).values(active=False))


def has_demo(session: Session) -> bool:
    return bool(_demo_batches(session))


def remove_demo(session: Session) -> DemoRemoval:
    """Delete the demo customers and everything attached to them, in one batch."""
    demo = _demo_batches(session)
    if not demo:
        raise UserError("没有演示数据可删除。")
    customer_ids = _created(session, demo, "customers")
    staff_ids = _created(session, demo, "staff")
    batch = batches.start(session, "demo_removal")
    doomed: dict[str, set[int]] = {"customers": set(customer_ids)}
    tables = Base.metadata.sorted_tables
    for tbl in tables:
        key = tbl.primary_key.columns.values()[0]
        for fk in tbl.foreign_keys:
            parent = fk.column.table.name
            if fk.parent.name in STAFF_STAMPS or not doomed.get(parent) or tbl.name == parent:
                continue
            found = doomed.setdefault(tbl.name, set())
            for chunk in batches.chunks(sorted(doomed[parent])):
                found.update(session.scalars(select(key).where(fk.parent.in_(chunk))))
    records = 0
    # Complaint events are append-only in the store itself; demo complaints go with their whole
    # history (their own chains), so the guard is lifted inside this one transaction and put
    # back before it commits. The removal itself is in the audit log.
    connection = session.connection()
    sealing.drop_triggers(connection)
    for tbl in reversed(tables):
        ids = sorted(doomed.get(tbl.name, ()))
        if not ids:
            continue
        key = tbl.primary_key.columns.values()[0]
        for chunk in batches.chunks(ids):
            session.execute(delete(tbl).where(key.in_(chunk)))
        batch.audit_changes("删除", tbl.name, [(i, {"演示数据": ["", None]}) for i in ids])
        records += len(ids) if tbl.name != "customers" else 0
    sealing.install_triggers(connection)
    for customer_id in customer_ids:
        search.forget(session, customer_id)
    for staff_id in staff_ids:
        _remove_operator(session, staff_id)
    loader.LOADED_AT.put(session, "")  # the demo may be loaded again
    session.execute(
        update(ImportBatch).where(ImportBatch.id.in_(demo)).values(undone_at=datetime.now())
    )
    visit_plans.refresh_last_visits(session)
    result = DemoRemoval(len(customer_ids), records, len(staff_ids))
    batch.finish(result.describe().rstrip("。"))
    return result
