"""Gap-free numbers shared by every desk: complaint numbers, customer codes, after-sales numbers.

A number comes from a counter row taken under a lock in the transaction that saves the record
(on SQLite the writing session holds the database's write lock from its first statement; on
PostgreSQL the row is read ``SELECT … FOR UPDATE``). Another desk saving at the same moment
waits for the lock instead of taking the same number, and a save that fails rolls the counter
back with it, so numbers stay unique and without gaps and no save is refused for a clash.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kehu_desktop.models import Counter

COMPLAINT_SERIES = "complaint"
CUSTOMER_SERIES = "customer"


def take_numbers(session: Session, series: str, year: int | None, count: int) -> range:
    """``count`` consecutive numbers of ``series`` (per ``year``, when given), reserved for
    records saved in this transaction."""
    key = {"series": series, "year": year or 0}
    insert = sqlite.insert if session.get_bind().dialect.name == "sqlite" else postgresql.insert
    # A new series (or a new year) starts at 0; when two desks start it at once, the second
    # insert does nothing once the first has committed.
    session.execute(insert(Counter).values(**key, value=0).on_conflict_do_nothing())
    where = (Counter.series == series, Counter.year == (year or 0))
    last = session.scalar(select(Counter.value).where(*where).with_for_update())
    assert last is not None
    session.execute(update(Counter).where(*where).values(value=last + count))
    return range(last + 1, last + count + 1)


def next_number(session: Session, series: str, year: int | None) -> int:
    """The next number of ``series`` (counted per ``year`` when given, e.g. TS-2026-0001)."""
    return take_numbers(session, series, year, 1)[0]


def formatted(series: str, year: int, seq: int) -> str:
    """The number as printed and typed: ``TS-2026-0027``, ``SH-2026-0001``."""
    return f"{series}-{year}-{seq:04d}"


def keep_ahead(session: Session, series: str, year: int | None, used: int) -> None:
    """After records came in with numbers of their own (an import of the firm's ledger), the
    series continues after the highest of them instead of handing one of them out again."""
    last = take_numbers(session, series, year, 0).start - 1
    if used > last:
        where = (Counter.series == series, Counter.year == (year or 0))
        session.execute(update(Counter).where(*where).values(value=used))
