"""The record data the forms print, one module per desk; ``SOURCES`` names every source a form
definition may use, ``records`` finds a record from the number printed on its form."""

from __future__ import annotations

from kehu_desktop.forms.sources import service_desk
from kehu_desktop.forms.sources.common import FieldInfo, Record, Source
from kehu_desktop.forms.sources.complaints import (
    CLAIMS,
    COMPLAINT,
    COMPLAINT_DAY,
    COMPLAINT_STATS,
    LEDGER,
    RETURNS,
)
from kehu_desktop.forms.sources.customers import CUSTOMER, CUSTOMER_GRADES
from kehu_desktop.forms.sources.key_accounts import CREDIT, KEY_ACCOUNT, PROPOSAL, SURVEY
from kehu_desktop.forms.sources.visits import (
    CONTACT_PLAN,
    CONTACT_RESULTS,
    DAILY,
    VISIT,
    load_visit_from_plan,
    plans_on,
)

SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        CUSTOMER,
        CUSTOMER_GRADES,
        CREDIT,
        VISIT,
        DAILY,
        CONTACT_PLAN,
        CONTACT_RESULTS,
        COMPLAINT,
        COMPLAINT_STATS,
        LEDGER,
        COMPLAINT_DAY,
        RETURNS,
        CLAIMS,
        KEY_ACCOUNT,
        PROPOSAL,
        SURVEY,
    )
} | service_desk.SOURCES

__all__ = ["SOURCES", "FieldInfo", "Record", "Source", "load_visit_from_plan", "plans_on"]
