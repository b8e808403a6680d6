"""The audit trail: every create, update and delete, stamped with the signed-in operator.

Installed once as Session event listeners, so services never have to remember it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import event, func, insert, inspect, select
from sqlalchemy.orm import Session

from kehu_desktop.models import AuditEntry, Staff, Tracked

if TYPE_CHECKING:
    from kehu_desktop.services.common.operators import Operator

OPERATOR_KEY = "operator_id"
# Bookkeeping, not a change anyone made: sign-in counters are audited as sign-in events.
_SKIPPED_COLUMNS = {
    "created_at",
    "updated_at",
    "created_by_id",
    "updated_by_id",
    "search_text",
    "failed_sign_ins",
    "locked_until",
}


def _plain(value: object) -> object:
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    return value


def _columns(obj: object) -> list[str]:
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in _SKIPPED_COLUMNS]


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
            rows.append(
                {
                    "at": now,
                    "staff_id": operator_id,
                    "action": action,
                    "table_name": obj.__tablename__,
                    "record_id": inspect(obj).mapper.primary_key_from_instance(obj)[0],
                    "changes": json.dumps(changes, ensure_ascii=False),
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


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
    session.execute(
        insert(AuditEntry),
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


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    operator: str
    action: str
    table_name: str
    record_id: int | None
    changes: dict[str, list[object]]

    def describe(self, labels: dict[str, str] | None = None) -> str:
        """``字段: 旧 → 新`` pairs on one line, fields named by ``labels`` where known."""
        labels = labels or {}
        return "；".join(
            f"{labels.get(k, k)}: {_text(old)} → {_text(new)}"
            for k, (old, new) in self.changes.items()
            if k != "id"
        )


def _text(value: object) -> str:
    return "∅" if value is None else str(value)


def count_entries(session: Session, acting: Operator, table_name: str | None = None) -> int:
    acting.require_admin()
    query = select(func.count(AuditEntry.id))
    if table_name:
        query = query.where(AuditEntry.table_name == table_name)
    return session.scalar(query) or 0


def recent_entries(
    session: Session,
    acting: Operator,
    limit: int = 500,
    offset: int = 0,
    table_name: str | None = None,
) -> list[AuditRow]:
    """The newest entries first; only those of ``table_name`` when given. Administrators only."""
    acting.require_admin()
    query = (
        select(AuditEntry, Staff.name)
        .outerjoin(Staff, Staff.id == AuditEntry.staff_id)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if table_name:
        query = query.where(AuditEntry.table_name == table_name)
    return [
        AuditRow(
            e.id, e.at, name or "系统", e.action, e.table_name, e.record_id, json.loads(e.changes)
        )
        for e, name in session.execute(query)
    ]
