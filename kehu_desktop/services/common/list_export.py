"""A desk list's Excel export: the listed rows with the fields the list leaves out, so that
the export holds the whole record and imports back (导入 Excel)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import InstrumentedAttribute, Session

CHUNK = 900  # ids per IN list, well under every database's parameter limit


def more_by_id(
    session: Session,
    query: Select,
    id_column: ColumnElement[int] | InstrumentedAttribute[int],
    ids: Sequence[int],
) -> dict[int, tuple]:
    """``query`` (selecting the id first, then the fields the list leaves out) for the listed
    ids: the other fields by id."""
    found: dict[int, tuple] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        found.update((id_, tuple(rest)) for id_, *rest in session.execute(
            query.where(id_column.in_(chunk))
        ))  # fmt: skip
    return found
