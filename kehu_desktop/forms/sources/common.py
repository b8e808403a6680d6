"""What every form source shares: the field catalog entries, the loaded record, the source.

Each ``Source`` declares the fields and tables a form definition may bind to (the catalog the
validator checks user definitions against) and loads them: a *record* source from one record
id, a *period* source from a date range. Values stay typed (dates, Decimals); the grid formats
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kehu_desktop.forms.typesetting import chinese_date
from kehu_desktop.models import Staff
from kehu_desktop.services.common.errors import NotFoundError

# Tick-box choices are the desks' own lists, so a filled form ticks what the record holds.
SCORES = ("1", "2", "3", "4", "5")
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class FieldInfo:
    """A bindable value: its label, how it prints (text/date/datetime/money/number/code) and its
    choices, when the form may show them as tick boxes. ``code`` is text that never breaks."""

    label: str
    kind: str = "text"
    choices: tuple[str, ...] = ()


@dataclass
class Record:
    """The data for one filled form: header number, field values and table rows."""

    number: str
    values: dict[str, Any]
    tables: dict[str, Rows] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """Where a form's data comes from. ``load_record(session, id)`` for record sources,
    ``load_period(session, start, end)`` (one or more records) for period sources, and
    ``ids_in_period`` for printing every record of a month. ``blank_tables`` gives the rows a
    blank form prints in its tables when they come from the settings (the scored items)."""

    name: str
    label: str
    fields: dict[str, FieldInfo]
    tables: dict[str, dict[str, FieldInfo]]
    record_kind: str = ""  # whose ids load_record takes (see sources.records.RECORD_KINDS)
    load_record: Callable[[Session, int], Record] | None = None
    load_period: Callable[[Session, date, date], list[Record]] | None = None
    ids_in_period: Callable[[Session, date, date], list[int]] | None = None
    blank_tables: Callable[[Session], dict[str, Rows]] | None = None
    # another kind's record id → this source's record id (a key account → its latest survey)
    from_kinds: dict[str, Callable[[Session, int], int]] = field(default_factory=dict)
    # (kind, id) of another record → every record of this source it has, newest first, each
    # with the words that name it in a list (a key account's surveys, to pick one to print)
    records_of: Callable[[Session, str, int], list[tuple[int, str]]] | None = None

    @property
    def by_period(self) -> bool:
        return self.load_period is not None


def staff_name(staff: Staff | None) -> str:
    return staff.name if staff is not None else ""


def get_row(session: Session, model: type, record_id: int, what: str) -> Any:
    row = session.get(model, record_id)
    if row is None:
        raise NotFoundError(f"找不到{what}（编号 {record_id}）。")
    return row


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The datetimes from the start of ``start`` up to (not including) the day after ``end``."""
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def period_text(start: date, end: date) -> str:
    if start == end:
        return chinese_date(start)
    return f"{chinese_date(start)} 至 {chinese_date(end)}"
