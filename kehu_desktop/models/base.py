"""The declarative base, shared column types and the record-keeping mixin."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, cast

from sqlalchemy import DateTime, ForeignKey, MetaData, Numeric, Table, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Money: up to a trillion yuan with fen precision; stored as Decimal, never float.
Money = Numeric(16, 2, asdecimal=True)
# Quantities may be fractional (kg, m); four places covers every unit a factory sells in.
Quantity = Numeric(16, 4, asdecimal=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {Decimal: Money, datetime: DateTime()}


def table_of(model: type[object]) -> Table:
    """The Core table of a mapped class (a model, or a mixin-typed one such as ``Versioned``),
    for bulk insert/update/delete statements.

    The mapper types its table as the general ``FromClause`` (a class may be mapped to a join
    or a select); every model here maps one table.
    """
    return cast(Table, inspect(model).local_table)


class Tracked:
    """Who created and last changed a record, and when.

    The values are filled in by the audit listener from the operator signed in to the session,
    so no service has to remember to set them.
    """

    created_at: Mapped[datetime] = mapped_column(default=datetime.now)
    updated_at: Mapped[datetime] = mapped_column(default=datetime.now, onupdate=datetime.now)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("staff.id"), nullable=True)

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("staff.id"), nullable=True)


class Versioned:
    """A record a user edits and saves whole: ``version`` moves whenever it or any of its
    parts changes, so a copy loaded earlier is refused instead of overwriting the change.

    The ORM checks the version in every UPDATE's WHERE clause; the value itself is set by the
    listener in ``services/common/versions.py``, which also moves it when only a part changes
    (a contact of a customer, an event of a complaint).
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Bookkeeping columns no user edits (sign-in counters): changing only them keeps the version.
    unversioned: ClassVar[frozenset[str]] = frozenset()

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        table = cls.__table__  # type: ignore[attr-defined]  # a mixin: the mapped class has it
        return {"version_id_col": table.c.version, "version_id_generator": False}


class VersionedPart:
    """A row that belongs to a ``Versioned`` record: changing it moves the owner's version.

    ``version_owner`` names the relationship to the owner and its foreign-key attribute (used
    when the row is being deleted and the relationship is already cleared).
    """

    version_owner: ClassVar[tuple[str, str]]
