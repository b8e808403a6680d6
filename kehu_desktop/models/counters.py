"""Counters behind numbers and codes that must be unique and gap-free across desks."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kehu_desktop.models.base import Base


class Counter(Base):
    """The last number handed out in a series (per year, or ``year`` 0 for a series that does
    not restart). Taken under a lock by ``services/common/numbering.py``."""

    __tablename__ = "counters"

    series: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
