"""The columns visits are listed with: on the 拜访记录 desk, and in a customer's file (where
the customer goes without saying and the result comes before the next visit)."""

from __future__ import annotations

from kehu_desktop.ui.common.record_table import Column

VISITED_AT = Column("拜访时间", lambda r: r.visited_at)
CUSTOMER = Column("客户", lambda r: r.customer)
STAFF = Column("业务员", lambda r: r.staff)
METHOD = Column("方式", lambda r: r.method)
PURPOSE = Column("目的", lambda r: r.purpose)
CONTACTS_MET = Column("会见人员", lambda r: r.contacts_met)
NEXT_VISIT = Column("下次拜访", lambda r: r.next_visit_date)
OPEN_ACTIONS = Column(
    "未完成跟进", lambda r: r.open_actions or "", lambda r: "notice" if r.open_actions else ""
)
RESULT = Column("结果", lambda r: r.result)

VISIT_COLUMNS = (VISITED_AT, CUSTOMER, STAFF, METHOD, PURPOSE, CONTACTS_MET, NEXT_VISIT,
                 OPEN_ACTIONS, RESULT)  # fmt: skip
HISTORY_COLUMNS = (VISITED_AT, STAFF, METHOD, PURPOSE, CONTACTS_MET, RESULT, NEXT_VISIT,
                   OPEN_ACTIONS)  # fmt: skip
