"""The history (timeline) table of a case — a complaint or a service request: both desks keep
their steps through the one case log, so their rows read alike."""

from __future__ import annotations

from kehu_desktop.services.common.case_log import EventRow
from kehu_desktop.ui.common.record_table import Column


def _change(e: EventRow) -> str:
    return f"{e.from_status} → {e.to_status}" if e.from_status != e.to_status else e.to_status


def _event_note(e: EventRow) -> str:
    target = "、".join(t for t in (e.handover_to, e.handover_department) if t)
    return f"转交：{target}。{e.note}" if target else e.note


HISTORY_COLUMNS = (
    Column("时间", lambda e: e.at),
    Column("操作人", lambda e: e.actor),
    Column("步骤", lambda e: e.kind),
    Column("状态", _change),
    Column("说明", _event_note),
)
