"""The 拜访记录 tab."""

from __future__ import annotations

from kehu_desktop.services import visits
from kehu_desktop.services.context import DeskContext
from kehu_desktop.ui.layout_memory import LayoutMemory
from kehu_desktop.ui.record_list_tab import RecordListTab
from kehu_desktop.ui.record_table import Column

COLUMNS = (
    Column("拜访时间", lambda r: r.visited_at),
    Column("客户", lambda r: r.customer),
    Column("业务员", lambda r: r.staff),
    Column("方式", lambda r: r.method),
    Column("目的", lambda r: r.purpose),
    Column("结果", lambda r: r.result),
)


def create_visits_tab(context: DeskContext, layout: LayoutMemory) -> RecordListTab:
    return RecordListTab(
        context, layout, key="visitTable", columns=COLUMNS, loader=visits.list_visits,
        caption="最近的拜访记录（只读）",
    )  # fmt: skip
