"""Business settings kept in the store, shared by every desk and every PC using it.

Each setting is declared once, where it is used, as a ``Setting`` spec with its default; the
value is stored as JSON. (Window layout is not here: it belongs to the PC, see ``ui``.)

A settings dialog reads ``versions`` when it loads and hands them back with the save, so a
setting another PC changed meanwhile is not overwritten with the values this one showed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Setting
from kehu_desktop.services.common.versions import StaleRecordError, stale_message

T = TypeVar("T")


@dataclass(frozen=True)
class SettingSpec(Generic[T]):
    key: str
    default: T
    label: str = ""

    def get(self, session: Session) -> T:
        row = session.get(Setting, self.key)
        return self.default if row is None else json.loads(row.value)

    def put(self, session: Session, value: T, seen: Mapping[str, int] | None = None) -> None:
        """Store ``value``; with ``seen`` (``versions`` as the user's dialog loaded them),
        refused when the setting changed since."""
        encoded = json.dumps(value, ensure_ascii=False)
        row = session.get(Setting, self.key, with_for_update=True, populate_existing=True)
        if seen is not None and (row.version if row else 0) != seen.get(self.key, 0):
            # A setting is never deleted, so a moved version means a newer row.
            assert row is not None
            raise StaleRecordError(stale_message(session, row))
        if row is None:
            session.add(Setting(key=self.key, value=encoded))
        else:
            row.value = encoded


def versions(session: Session) -> dict[str, int]:
    """The version of every stored setting (one absent from the store is version 0)."""
    return {key: version for key, version in session.execute(select(Setting.key, Setting.version))}


FIRM_NAME = SettingSpec("firm.name", "", "公司名称")
