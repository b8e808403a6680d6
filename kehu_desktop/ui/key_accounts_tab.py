"""The 大客户 tab."""

from __future__ import annotations

from kehu_desktop.services import key_accounts
from kehu_desktop.services.context import DeskContext
from kehu_desktop.ui.layout_memory import LayoutMemory
from kehu_desktop.ui.record_list_tab import RecordListTab
from kehu_desktop.ui.record_table import Column

COLUMNS = (
    Column("客户", lambda r: r.customer),
    Column("级别", lambda r: r.level),
    Column("客户经理", lambda r: r.manager),
    Column("拜访周期（天）", lambda r: r.visit_interval_days),
    Column("设定日期", lambda r: r.designated_on),
)


def create_key_accounts_tab(context: DeskContext, layout: LayoutMemory) -> RecordListTab:
    return RecordListTab(
        context, layout, key="keyAccountTable", columns=COLUMNS,
        loader=key_accounts.list_key_accounts, caption="大客户一览（只读）",
    )  # fmt: skip
