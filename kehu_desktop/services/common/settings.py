"""Business settings kept in the store, shared by every desk and every PC using it.

Each setting is declared once, where it is used, as a ``Setting`` spec with its default; the
value is stored as JSON. (Window layout is not here: it belongs to the PC, see ``ui``.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from kehu_desktop.models import Setting

T = TypeVar("T")


@dataclass(frozen=True)
class SettingSpec(Generic[T]):
    key: str
    default: T
    label: str = ""

    def get(self, session: Session) -> T:
        row = session.get(Setting, self.key)
        return self.default if row is None else json.loads(row.value)

    def put(self, session: Session, value: T) -> None:
        encoded = json.dumps(value, ensure_ascii=False)
        row = session.get(Setting, self.key)
        if row is None:
            session.add(Setting(key=self.key, value=encoded))
        else:
            row.value = encoded


FIRM_NAME = SettingSpec("firm.name", "", "公司名称")
