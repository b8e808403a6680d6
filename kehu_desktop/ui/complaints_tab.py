"""The 客户投诉 tab."""

from __future__ import annotations

from kehu_desktop.services import complaints
from kehu_desktop.services.context import DeskContext
from kehu_desktop.ui.layout_memory import LayoutMemory
from kehu_desktop.ui.record_list_tab import RecordListTab
from kehu_desktop.ui.record_table import Column

COLUMNS = (
    Column("投诉编号", lambda r: r.number),
    Column("受理时间", lambda r: r.received_at),
    Column("客户", lambda r: r.customer),
    Column("类别", lambda r: r.category),
    Column("严重程度", lambda r: r.severity),
    Column("状态", lambda r: r.status),
    Column("首问责任人", lambda r: r.first_responsible),
    Column("处理期限", lambda r: r.deadline),
)


def create_complaints_tab(context: DeskContext, layout: LayoutMemory) -> RecordListTab:
    return RecordListTab(
        context, layout, key="complaintTable", columns=COLUMNS,
        loader=complaints.list_complaints, caption="投诉台账（只读）",
    )  # fmt: skip
