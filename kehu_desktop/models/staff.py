"""Staff members: the operators who sign in, and the people records are assigned to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kehu_desktop.models.base import Base, Tracked, Versioned


class Role(StrEnum):
    AGENT = "客服"
    SUPERVISOR = "主管"
    ADMIN = "管理员"


class Staff(Versioned, Tracked, Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(8), default=Role.AGENT)
    department: Mapped[str] = mapped_column(String(40), default="客服部")
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Sign-in protection: failures in a row, and until when sign-in waits after too many.
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # A default password (first run, demo staff) must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # A failed sign-in is not a change to the record an administrator may have open.
    unversioned = frozenset({"failed_sign_ins", "locked_until"})

    def __repr__(self) -> str:
        return f"Staff({self.username!r}, {self.role})"
