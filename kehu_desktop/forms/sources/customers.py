"""Customer-desk form sources: 客户资料卡 and 客户等级分类表."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.forms.sources.common import (
    FieldInfo,
    Record,
    Source,
    get_row,
    period_text,
    staff_name,
)
from kehu_desktop.models import Customer, SalesRecord, Staff
from kehu_desktop.services.customers.customer_fields import CONTACT_FIELDS, CUSTOMER_FIELDS, Kind
from kehu_desktop.services.key_accounts import abc_classes

_KIND_PRINT = {Kind.MONEY: "money", Kind.DATE: "date", Kind.AREA: "number", Kind.INTEGER: "number"}
# identifiers that must never be split across two lines
_CODES = {"code", "credit_code", "tax_no", "bank_account", "postcode", "phone", "fax", "email"}


def _contact_kind(name: str, kind: Kind) -> str:
    if kind == Kind.DATE:
        return "date"
    return "code" if name in _CODES | {"mobile"} else "text"


CUSTOMER_CATALOG: dict[str, FieldInfo] = {
    spec.name.removesuffix("_id"): FieldInfo(
        spec.label,
        "code" if spec.name in _CODES else _KIND_PRINT.get(spec.kind, "text"),
        tuple(c for c in spec.choices if c),
    )
    for spec in CUSTOMER_FIELDS
} | {"abc_class": FieldInfo("ABC 分类", choices=("A", "B", "C"))}
CONTACT_CATALOG: dict[str, FieldInfo] = {
    spec.name: FieldInfo(spec.label, _contact_kind(spec.name, spec.kind)) for spec in CONTACT_FIELDS
}
SALES_CATALOG = {
    "month": FieldInfo("月份"),
    "amount": FieldInfo("销售额（元）", "money"),
    "quantity": FieldInfo("销售数量", "number"),
}


def customer_brief(customer: Customer) -> dict[str, Any]:
    """The customer lines most forms open with."""
    return {
        "customer_code": customer.code,
        "customer_name": customer.name,
        "address": customer.address,
        "phone": customer.phone,
    }


def contact_rows(customer: Customer) -> list[dict[str, Any]]:
    return [{name: getattr(c, name) for name in CONTACT_CATALOG} for c in customer.contacts]


def _customer_values(customer: Customer) -> dict[str, Any]:
    values = {
        name: getattr(customer, name)
        for name in CUSTOMER_CATALOG
        if name != "owner" and hasattr(customer, name)
    }
    values["owner"] = staff_name(customer.owner)
    return values


def load_customer(session: Session, customer_id: int) -> Record:
    customer = get_row(session, Customer, customer_id, "客户")
    sales = session.scalars(
        select(SalesRecord)
        .where(SalesRecord.customer_id == customer_id)
        .order_by(SalesRecord.month.desc())
        .limit(12)
    ).all()
    sales_rows = [
        {"month": f"{s.month.year}年{s.month.month}月", "amount": s.amount, "quantity": s.quantity}
        for s in reversed(sales)
    ]
    return Record(
        customer.code,
        _customer_values(customer),
        {"contacts": contact_rows(customer), "sales": sales_rows},
    )


CUSTOMER = Source(
    "customer",
    "客户",
    CUSTOMER_CATALOG,
    {"contacts": CONTACT_CATALOG, "sales": SALES_CATALOG},
    record_kind="customer",
    load_record=load_customer,
)


# --- 客户等级分类表: the ABC classes as of the period's end ------------------------------

GRADES_CATALOG = {
    "period": FieldInfo("统计期间"),
    "window": FieldInfo("销售额期间"),
    "count_a": FieldInfo("A 类家数", "number"),
    "count_b": FieldInfo("B 类家数", "number"),
    "count_c": FieldInfo("C 类家数", "number"),
    "total_sales": FieldInfo("销售额合计（元）", "money"),
}
GRADE_ROWS = {
    "rank": FieldInfo("序号", "number"),
    "customer_code": FieldInfo("客户编号", "code"),
    "customer_name": FieldInfo("客户名称"),
    "owner": FieldInfo("负责业务员"),
    "sales": FieldInfo("近12个月销售额（元）", "money"),
    "share": FieldInfo("占比", "percent"),
    "cumulative": FieldInfo("累计占比", "percent"),
    "abc_class": FieldInfo("等级", choices=("A", "B", "C")),
    "previous": FieldInfo("原等级"),
}


def load_grades(session: Session, start: date, end: date) -> list[Record]:
    """Every customer with sales in the 12 months up to ``end``, ranked, with the class the
    configured cut-offs give and the class the file holds now."""
    fen = abc_classes.sales_in_window(session, end)
    classes = abc_classes.classify(fen, abc_classes.get_cutoffs(session))
    ranked = sorted((k for k, v in fen.items() if v > 0), key=lambda k: (-fen[k], k))
    total = sum(fen[k] for k in ranked)
    customers = {
        c.id: (c, owner)
        for c, owner in session.execute(
            select(Customer, Staff.name)
            .outerjoin(Staff, Staff.id == Customer.owner_id)
            .where(Customer.id.in_(ranked))
        )
    } if ranked else {}  # fmt: skip
    rows, running = [], 0
    for rank, customer_id in enumerate(ranked, start=1):
        customer, owner = customers[customer_id]
        running += fen[customer_id]
        rows.append(
            {
                "rank": rank,
                "customer_code": customer.code,
                "customer_name": customer.name,
                "owner": owner or "",
                "sales": Decimal(fen[customer_id]) / 100,
                "share": Decimal(fen[customer_id]) / total,
                "cumulative": Decimal(running) / total,
                "abc_class": classes.get(customer_id, ""),
                "previous": customer.abc_class,
            }
        )
    first, last = abc_classes.window(end)
    counts = {grade: sum(1 for r in rows if r["abc_class"] == grade) for grade in "ABC"}
    values = {
        "period": period_text(start, end),
        "window": f"{first.year}年{first.month}月 至 {last.year}年{last.month}月",
        "count_a": counts["A"],
        "count_b": counts["B"],
        "count_c": counts["C"],
        "total_sales": Decimal(total) / 100,
    }
    return [Record(f"DJ-{end:%Y%m}", values, {"customers": rows})]


CUSTOMER_GRADES = Source(
    "customer_grades", "客户等级", GRADES_CATALOG, {"customers": GRADE_ROWS},
    load_period=load_grades,
)  # fmt: skip
