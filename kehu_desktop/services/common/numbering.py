"""Gap-free record numbers per series and year (SH-2026-0001, FK-2026-0001).

``next_number`` must run inside the transaction that saves the record: it takes the store's
write lock first, so two PCs registering at the same moment get consecutive numbers; the
unique (year, seq) constraint of each numbered table catches a clash elsewhere.
"""

from __future__ import annotations

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from kehu_desktop.models import Complaint, FactoryFeedback, ServiceRequest

# Series → the table whose (year, seq) columns hold its numbers.
SERIES = {"TS": Complaint, "SH": ServiceRequest, "FK": FactoryFeedback}


def take_write_lock(session: Session, model: type) -> None:
    """Start the write transaction now so the number read next cannot be taken meanwhile.

    On SQLite a writing statement takes the database's single write lock (other desks wait on
    the busy timeout); elsewhere the unique (year, seq) constraint and a retry catch a clash.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(model).where(text("0")).values(seq=model.seq))


def next_number(session: Session, series: str, year: int | None) -> int:
    """The next sequence number of ``series`` in ``year`` (1 for the first)."""
    model = SERIES[series]
    take_write_lock(session, model)
    query = select(func.max(model.seq))
    if year is not None:
        query = query.where(model.year == year)
    return (session.scalar(query) or 0) + 1


def formatted(series: str, year: int, seq: int) -> str:
    return f"{series}-{year}-{seq:04d}"
