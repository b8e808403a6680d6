"""Staff members: the operators who sign in, and the people records are assigned to."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kehu_desktop.models.base import Base, Tracked


class Role(StrEnum):
    AGENT = "客服"
    SUPERVISOR = "主管"
    ADMIN = "管理员"


class Staff(Tracked, Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(8), default=Role.AGENT)
    department: Mapped[str] = mapped_column(String(40), default="客服部")
    phone: Mapped[str] = mapped_column(String(40), default="")
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"Staff({self.username!r}, {self.role})"
