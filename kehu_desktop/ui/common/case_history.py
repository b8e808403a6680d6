"""The history (timeline) table of a case — a complaint or a service request: both desks keep
their steps through the one case log, so their rows read alike."""

from __future__ import annotations

from typing import Protocol

from kehu_desktop.ui.common.record_table import Column


class CaseEvent(Protocol):
    at: object
    actor: str
    kind: str
    from_status: str
    to_status: str
    note: str
    handover_to: str
    handover_department: str


def _change(e: CaseEvent) -> str:
    return f"{e.from_status} → {e.to_status}" if e.from_status != e.to_status else e.to_status


def _event_note(e: CaseEvent) -> str:
    target = "、".join(t for t in (e.handover_to, e.handover_department) if t)
    return f"转交：{target}。{e.note}" if target else e.note


HISTORY_COLUMNS = (
    Column("时间", lambda e: e.at),
    Column("操作人", lambda e: e.actor),
    Column("步骤", lambda e: e.kind),
    Column("状态", _change),
    Column("说明", _event_note),
)
