"""Each complaint's events form a hash chain, so an event altered or removed is found.

Every event is sealed when it is written: by the ORM (``before_insert``) or, for bulk writes
such as the demo data, by ``seal_new_events``. ``chain_breaks`` re-computes every chain.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Mapper, Session, object_session

from kehu_desktop.models import Complaint, ComplaintEvent
from kehu_desktop.services.common import sealing

SEALED_COLUMNS = (
    "complaint_id",
    "at",
    "actor_id",
    "kind",
    "from_status",
    "to_status",
    "note",
    "handover_to_id",
    "handover_department",
)
# Within one flush the ORM calls before_insert for every new event before inserting any, so
# the chain's latest hash per complaint is carried here until the flush ends.
_PENDING_KEY = "complaint_event_chain"


def _last_hash(connection: Connection, complaint_id: int) -> str:
    return (
        connection.scalar(
            select(ComplaintEvent.chain_hash)
            .where(ComplaintEvent.complaint_id == complaint_id)
            .order_by(ComplaintEvent.id.desc())
            .limit(1)
        )
        or ""
    )


@event.listens_for(ComplaintEvent, "before_insert")
def _seal_event(_mapper: Mapper, connection: Connection, target: ComplaintEvent) -> None:
    session = object_session(target)
    pending = session.info.setdefault(_PENDING_KEY, {}) if session is not None else {}
    previous = pending.get(target.complaint_id)
    if previous is None:
        sealing.lock_for_append(connection, ComplaintEvent.__tablename__)
        previous = _last_hash(connection, target.complaint_id)
    target.chain_hash = sealing.seal(previous, [getattr(target, c) for c in SEALED_COLUMNS])
    pending[target.complaint_id] = target.chain_hash


@event.listens_for(Session, "after_flush")
def _forget_pending(session: Session, _context: object) -> None:
    session.info.pop(_PENDING_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING_KEY, None)


def seal_new_events(rows: Iterable[dict]) -> None:
    """Fill ``chain_hash`` in event rows about to be bulk-inserted for new complaints.

    ``rows`` are in the order they will be inserted; each complaint's chain starts afresh.
    """
    latest: dict[object, str] = {}
    for row in rows:
        key = row["complaint_id"]
        row["chain_hash"] = latest[key] = sealing.seal(
            latest.get(key, ""), [row.get(c) for c in SEALED_COLUMNS]
        )


def chain_breaks(session: Session) -> list[str]:
    """Complaints whose events were altered or removed; [] when every chain is intact."""
    problems: list[str] = []
    latest: dict[int, str] = {}
    columns = [getattr(ComplaintEvent, c) for c in SEALED_COLUMNS]
    query = (
        select(ComplaintEvent.id, Complaint.number, *columns, ComplaintEvent.chain_hash)
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .order_by(ComplaintEvent.complaint_id, ComplaintEvent.id)
    )
    for row in session.execute(query.execution_options(yield_per=5000)):
        values = list(row[2 : 2 + len(SEALED_COLUMNS)])
        if row.chain_hash != sealing.seal(latest.get(row.complaint_id, ""), values):
            problems.append(
                f"投诉 {row.number} 的处理记录 #{row.id}（{row.at:%Y-%m-%d %H:%M} {row.kind}）"
                "被改动，或它之前的记录被删除"
            )
        latest[row.complaint_id] = row.chain_hash
    return problems
