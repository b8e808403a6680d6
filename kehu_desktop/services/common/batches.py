"""Batches: a bulk change (an import, a merge, a demo load) kept as one unit.

Every record the batch creates, updates, moves to another customer or deletes is listed with
what undoing it needs, and every audit entry it causes names the batch. Undoing is allowed
while none of its records has changed since; it is itself audited under the same batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Table, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from kehu_desktop.models import (
    Base,
    Complaint,
    ComplaintEvent,
    ImportBatch,
    ImportBatchRecord,
    Staff,
)
from kehu_desktop.models.base import table_of
from kehu_desktop.services.common import audit, sealing
from kehu_desktop.services.common.errors import NotFoundError, UserError

CREATED, UPDATED, MOVED, DELETED = "created", "updated", "moved", "deleted"
KIND_LABELS = {
    "customers": "导入客户",
    "visits": "导入拜访记录",
    "complaints": "导入投诉台账",
    "service": "导入售后服务单",
    "key-accounts": "导入大客户名单",
    "merge": "合并客户",
    "demo": "载入演示数据",
    "demo_removal": "删除演示数据",
}
CHUNK = 900
_JSON_TYPES = frozenset(
    {str, int, bool, float, type(None)}
)  # bound parameters per IN list, well under SQLite's limit


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def plain(value: object) -> object:
    """A column value as JSON holds it."""
    if type(value) in _JSON_TYPES:  # the usual case, checked fast: an import calls this a lot
        return value
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    return value


def typed(tbl: Table, column: str, value: object) -> object:
    """A JSON value back as the column's Python type."""
    if value is None:
        return None
    kind = tbl.c[column].type.python_type
    if kind is Decimal:
        return Decimal(str(value))
    if kind is datetime:
        assert isinstance(value, str), "JSON keeps a datetime as ISO text"
        return datetime.fromisoformat(value)
    if kind is date:
        assert isinstance(value, str), "JSON keeps a date as ISO text"
        return date.fromisoformat(value)
    if kind is bool:
        return bool(value)
    return value


def chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


@dataclass
class Batch:
    """A batch being written in the caller's session; ``finish`` stamps it."""

    session: Session
    row: ImportBatch

    @property
    def id(self) -> int:
        return self.row.id

    def note(
        self,
        table_name: str,
        record_ids: Iterable[int],
        action: str,
        befores: Sequence[Mapping[str, object] | None] | None = None,
    ) -> None:
        """List records the batch touched; ``befores`` (one dict per id) for undoing."""
        ids = list(record_ids)
        befores = befores or [None] * len(ids)
        rows = [
            {
                "batch_id": self.id,
                "table_name": table_name,
                "record_id": record_id,
                "action": action,
                "before": json.dumps(before, ensure_ascii=False) if before else "",
            }
            for record_id, before in zip(ids, befores, strict=True)
        ]
        if rows:
            self.session.execute(insert(table_of(ImportBatchRecord)), rows)

    def audit_created(self, table_name: str, rows: list[dict]) -> None:
        """Audit entries for rows written with bulk inserts (which bypass the ORM listener)."""
        if not rows:
            return
        audited = [k for k in rows[0] if k not in audit.SKIPPED_COLUMNS]
        self._audit(
            "新增",
            table_name,
            [
                (
                    row["id"],
                    {
                        k: [None, plain(row[k])]
                        for k in audited
                        if row[k] is not None and row[k] != ""
                    },
                )
                for row in rows
            ],
        )

    def audit_changes(self, action: str, table_name: str, entries: list[tuple[int, dict]]) -> None:
        self._audit(action, table_name, entries)

    def _audit(self, action: str, table_name: str, entries: list[tuple[int, dict]]) -> None:
        now = datetime.now()
        operator = self.session.info.get(audit.OPERATOR_KEY)
        rows = [
            {
                "at": now,
                "staff_id": operator,
                "action": action,
                "table_name": table_name,
                "record_id": record_id,
                "changes": json.dumps(changes, ensure_ascii=False),
                "batch_id": self.id,
            }
            for record_id, changes in entries
        ]
        if rows:  # at the end of the audit chain, like every other entry
            audit.append_entries(self.session.connection(), rows)

    def finish(self, summary: str) -> None:
        self.row.summary = summary
        self.row.at = datetime.now()
        self.session.flush()
        self.session.info.pop(audit.BATCH_KEY, None)


def start(session: Session, kind: str, source: str = "") -> Batch:
    """Open a batch in ``session``; every ORM change until ``finish`` is audited under it.

    Inserting the batch row first also takes SQLite's write lock, so ids read afterwards
    cannot be taken by another desk meanwhile.
    """
    row = ImportBatch(
        kind=kind,
        source=source[-260:],
        at=datetime.now(),
        staff_id=session.info.get(audit.OPERATOR_KEY),
    )
    session.add(row)
    session.flush()
    session.info[audit.BATCH_KEY] = row.id
    return Batch(session, row)


def new_ids(session: Session, table_name: str, count: int) -> list[int]:
    """``count`` ids for rows inserted with explicit ids, never handed out to anyone else.

    PostgreSQL takes them from the table's id sequence, so that a later ordinary insert (the
    sequence's next value) and another desk's import cannot collide with them. SQLite writes
    one transaction at a time and gives an ordinary insert the highest id plus one, so the
    ids after the highest are free.
    """
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        taken = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        return list(session.scalars(taken, {"table": table_name, "n": count}))
    tbl = table(table_name)
    first = (session.scalar(select(func.max(tbl.c.id))) or 0) + 1
    return list(range(first, first + count))


def row_dicts(session: Session, table_name: str, ids: Sequence[int]) -> dict[int, dict]:
    """Whole rows as JSON-ready dicts, by id."""
    tbl = table(table_name)
    found: dict[int, dict] = {}
    for chunk in chunks(ids):
        for row in session.execute(select(tbl).where(tbl.c.id.in_(chunk))).mappings():
            found[row["id"]] = {k: plain(v) for k, v in row.items()}
    return found


@dataclass(frozen=True)
class BatchRow:
    id: int
    kind: str
    source: str
    at: datetime
    operator: str
    summary: str
    undone_at: datetime | None

    def describe(self) -> str:
        label = KIND_LABELS.get(self.kind, self.kind)
        source = f"“{self.source}”" if self.source else ""
        return f"{self.at:%Y-%m-%d %H:%M} {self.operator}{label}{source}：{self.summary}"


def last_batch(session: Session, kinds: Sequence[str]) -> BatchRow | None:
    """The newest batch of these kinds that has not been undone."""
    query = (
        select(ImportBatch, Staff.name)
        .outerjoin(Staff, Staff.id == ImportBatch.staff_id)
        .where(ImportBatch.kind.in_(kinds), ImportBatch.undone_at.is_(None))
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )
    found = session.execute(query).first()
    if found is None:
        return None
    b, name = found
    return BatchRow(b.id, b.kind, b.source, b.at, name or "系统", b.summary, b.undone_at)


def _records(session: Session, batch_id: int) -> list[ImportBatchRecord]:
    return list(
        session.scalars(
            select(ImportBatchRecord)
            .where(ImportBatchRecord.batch_id == batch_id)
            .order_by(ImportBatchRecord.id)
        )
    )


def changed_since(session: Session, batch: ImportBatch, records: list[ImportBatchRecord]) -> int:
    """How many of the batch's surviving records were changed after it was written."""
    changed = 0
    by_table: dict[str, list[int]] = {}
    for record in records:
        if record.action != DELETED:
            by_table.setdefault(record.table_name, []).append(record.record_id)
    for name, ids in by_table.items():
        tbl = table(name)
        if "updated_at" not in tbl.c:
            continue
        for chunk in chunks(sorted(set(ids))):
            changed += (
                session.scalar(
                    select(func.count())
                    .select_from(tbl)
                    .where(tbl.c.id.in_(chunk), tbl.c.updated_at > batch.at)
                )
                or 0
            )
    return changed


def undo(session: Session, batch_id: int) -> str:
    """Undo a batch in the caller's transaction; refused if anything in it changed since.

    Returns a sentence saying what was undone.
    """
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError("该批次不存在。")
    if batch.undone_at is not None:
        raise UserError("该批次已经撤销过了。")
    records = _records(session, batch_id)
    if changed_since(session, batch, records):
        raise UserError(
            f"{KIND_LABELS.get(batch.kind, '该批次')}之后，其中的记录已被修改，不能整批撤销。"
            "请逐条修改。"
        )
    created = [r for r in records if r.action == CREATED]
    if not _whole_histories(session, created):
        raise UserError(
            f"{KIND_LABELS.get(batch.kind, '该批次')}给已有的投诉添加了处理记录（只能追加、"
            "不能删除），不能整批撤销。请在投诉台账中逐宗处理，如“撤销”该投诉。"
        )
    _refuse_new_dependents(session, created, records)
    session.info[audit.BATCH_KEY] = batch.id
    undo_batch = Batch(session, batch)
    # Deleted rows come back first (parents before children), so the rows moved off them can
    # return; then updates and moves are reverted, newest first.
    order = [t.name for t in Base.metadata.sorted_tables]
    deleted = [r for r in records if r.action == DELETED]
    for record in sorted(deleted, key=lambda r: (order.index(r.table_name), r.id)):
        tbl = table(record.table_name)
        data = json.loads(record.before)
        session.execute(insert(tbl).values({k: typed(tbl, k, v) for k, v in data.items()}))
        undo_batch.audit_changes(
            "新增", record.table_name, [(record.record_id, {"撤销": [None, "恢复"]})]
        )
    for record in reversed(records):
        if record.action in (UPDATED, MOVED):
            _restore(session, undo_batch, record)
    _delete_created(session, undo_batch, created)
    _refresh_derived(session, records)
    batch.undone_at = datetime.now()
    session.flush()
    session.info.pop(audit.BATCH_KEY, None)
    return f"已撤销：{KIND_LABELS.get(batch.kind, batch.kind)}（{batch.summary}）。"


def _restore(session: Session, undo_batch: Batch, record: ImportBatchRecord) -> None:
    tbl = table(record.table_name)
    before = json.loads(record.before)
    values = {k: typed(tbl, k, v) for k, v in before.items()}
    if "version" in tbl.c:
        values["version"] = tbl.c.version + 1
    session.execute(update(tbl).where(tbl.c.id == record.record_id).values(values))
    undo_batch.audit_changes(
        "修改",
        record.table_name,
        [(record.record_id, {k: ["(批次)", plain(v)] for k, v in before.items()})],
    )


def dependent_tables(parent: str) -> list[tuple[Table, str]]:
    """(table, column) pairs whose column refers to ``parent.id``."""
    found = []
    for tbl in Base.metadata.sorted_tables:
        for fk in tbl.foreign_keys:
            if fk.column.table.name == parent and fk.parent.name not in audit.STAFF_STAMPS:
                found.append((tbl, fk.parent.name))
    return found


def _refuse_new_dependents(
    session: Session, created: list[ImportBatchRecord], records: list[ImportBatchRecord]
) -> None:
    """A created record that later got records of its own (a visit to an imported customer)
    cannot be removed by undoing. The batch's own records may refer to it: those it updated
    are restored before the created ones are removed."""
    mine = {(r.table_name, r.record_id) for r in records if r.action != DELETED}
    by_table: dict[str, list[int]] = {}
    for record in created:
        by_table.setdefault(record.table_name, []).append(record.record_id)
    for parent, ids in by_table.items():
        for tbl, column in dependent_tables(parent):
            if tbl.name == "last_visits":
                continue  # derived from visits
            key = tbl.primary_key.columns.values()[0]
            for chunk in chunks(ids):
                for dependent in session.scalars(select(key).where(tbl.c[column].in_(chunk))):
                    if (tbl.name, dependent) not in mine:
                        raise UserError(
                            "本次导入的记录之后已被引用（例如已新增拜访或投诉），不能整批撤销。"
                        )


def _whole_histories(session: Session, created: list[ImportBatchRecord]) -> bool:
    """Whether the append-only rows the batch wrote (complaint events) are each the whole
    history of a complaint the batch itself created: those go with their complaints (each
    complaint's chain is its own), while a history added to an older complaint stays."""
    events = [r.record_id for r in created if r.table_name in sealing.APPEND_ONLY_TABLES]
    if not events:
        return True
    complaints = {r.record_id for r in created if r.table_name == Complaint.__tablename__}
    owners: set[int] = set()
    for chunk in chunks(sorted(events)):
        owners.update(
            session.scalars(select(ComplaintEvent.complaint_id).where(ComplaintEvent.id.in_(chunk)))
        )
    return owners <= complaints


def _delete_created(session: Session, undo_batch: Batch, created: list[ImportBatchRecord]) -> None:
    by_table: dict[str, list[int]] = {}
    for record in created:
        by_table.setdefault(record.table_name, []).append(record.record_id)
    order = [t.name for t in reversed(Base.metadata.sorted_tables)]
    for name in sorted(by_table, key=order.index):
        tbl = table(name)
        if name == "customers":
            _forget_customers(session, by_table[name])
        # Complaint events are append-only in the store itself; an imported complaint goes
        # with its whole history (checked above), so the guard is lifted inside this one
        # transaction and put back before it commits, as 删除演示数据 does.
        guarded = name in sealing.APPEND_ONLY_TABLES
        if guarded:
            sealing.drop_triggers(session.connection())
        for chunk in chunks(by_table[name]):
            session.execute(delete(tbl).where(tbl.c.id.in_(chunk)))
        if guarded:
            sealing.install_triggers(session.connection())
        undo_batch.audit_changes(
            "删除", name, [(i, {"撤销导入": ["", None]}) for i in by_table[name]]
        )


def _refresh_derived(session: Session, records: list[ImportBatchRecord]) -> None:
    """The search index and each customer's latest visit follow the restored records."""
    from kehu_desktop.services.customers import match_keys, search
    from kehu_desktop.services.visits import visit_plans

    tables = {r.table_name for r in records}
    if tables & {"visits", "customers"}:
        visit_plans.refresh_last_visits(session)
    restored = [r.record_id for r in records if r.table_name == "customers" and r.action != CREATED]
    touched = [
        json.loads(r.before).get("customer_id") for r in records if r.action == MOVED and r.before
    ]
    ids = sorted({*restored, *(i for i in touched if i)})
    contacts = [r.record_id for r in records if r.table_name == "contacts" and r.action != CREATED]
    if ids or contacts:
        session.flush()
        session.expire_all()
        match_keys.refresh(session, ids, contacts)
        search.reindex(session, ids)


def _forget_customers(session: Session, ids: list[int]) -> None:
    from kehu_desktop.models import LastVisit
    from kehu_desktop.services.customers import search

    for chunk in chunks(ids):
        session.execute(delete(LastVisit).where(LastVisit.customer_id.in_(chunk)))
    for customer_id in ids:
        search.forget(session, customer_id)
