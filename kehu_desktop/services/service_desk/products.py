"""The product catalogue with warranty periods, customers' purchases, and the warranty status
worked out from them (never typed)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kehu_desktop.models import Customer, Product, Purchase
from kehu_desktop.services.common.errors import NotFoundError, ValidationError
from kehu_desktop.services.common.parsing import parse_int

MAX_WARRANTY_MONTHS = 120


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_end(purchased_on: date, months: int) -> date:
    """The last day under warranty: a 12-month warranty bought on 2025-03-15 runs to
    2026-03-14 inclusive."""
    return date.fromordinal(add_months(purchased_on, months).toordinal() - 1)


def warranty_status(purchased_on: date | None, months: int, on: date) -> str:
    """``in``, ``expired``, or ``unknown`` when there is no purchase to count from."""
    if purchased_on is None:
        return "unknown"
    return "in" if on <= warranty_end(purchased_on, months) else "expired"


@dataclass
class ProductInput:
    code: str = ""
    name: str = ""
    model: str = ""
    warranty_months: str | int = 12
    active: bool = True


@dataclass(frozen=True)
class ProductRow:
    id: int
    code: str
    name: str
    model: str
    warranty_months: int
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name} {self.model}".strip()


def _parse_product(session: Session, data: ProductInput, product_id: int | None) -> dict:
    errors = {}
    code, name = data.code.strip(), data.name.strip()
    if not code:
        errors["code"] = "请填写产品编号。"
    else:
        clash = session.scalar(
            select(Product.id).where(
                func.upper(Product.code) == code.upper(), Product.id != (product_id or 0)
            )
        )
        if clash is not None:
            errors["code"] = f"产品编号“{code}”已被使用。"
    if not name:
        errors["name"] = "请填写产品名称。"
    months = 0
    try:
        months = parse_int(data.warranty_months)
        if months > MAX_WARRANTY_MONTHS:
            raise ValueError(f"不能超过 {MAX_WARRANTY_MONTHS} 个月。")
    except ValueError as error:
        errors["warranty_months"] = f"保修期（月）：{error}"
    if errors:
        raise ValidationError(errors)
    return {"code": code, "name": name, "model": data.model.strip(),
            "warranty_months": months, "active": data.active}  # fmt: skip


def save_product(session: Session, data: ProductInput, product_id: int | None = None) -> int:
    """Add a product, or change one; a changed warranty applies to requests registered later."""
    values = _parse_product(session, data, product_id)
    product: Product | None
    if product_id is None:
        product = Product(**values)
        session.add(product)
    else:
        product = session.get(Product, product_id)
        if product is None:
            raise NotFoundError("找不到该产品。")
        for name, value in values.items():
            setattr(product, name, value)
    session.flush()
    return product.id


def list_products(session: Session, include_inactive: bool = False) -> list[ProductRow]:
    query = select(Product).order_by(Product.code)
    if not include_inactive:
        query = query.where(Product.active)
    return [
        ProductRow(p.id, p.code, p.name, p.model, p.warranty_months, p.active)
        for p in session.scalars(query)
    ]


@dataclass(frozen=True)
class PurchaseRow:
    id: int
    product_id: int
    product: str
    serial_no: str
    purchased_on: date
    warranty_end: date

    @property
    def label(self) -> str:
        serial = f" {self.serial_no}" if self.serial_no else ""
        return f"{self.product}{serial}（{self.purchased_on.isoformat()} 购买）"


def customer_purchases(session: Session, customer_id: int) -> list[PurchaseRow]:
    query = (
        select(Purchase, Product)
        .join(Product, Product.id == Purchase.product_id)
        .where(Purchase.customer_id == customer_id)
        .order_by(Purchase.purchased_on.desc(), Purchase.id.desc())
    )
    return [
        PurchaseRow(
            p.id,
            p.product_id,
            f"{product.name} {product.model}".strip(),
            p.serial_no,
            p.purchased_on,
            warranty_end(p.purchased_on, product.warranty_months),
        )  # fmt: skip
        for p, product in session.execute(query)
    ]


def add_purchase(
    session: Session, customer_id: int, product_id: int, serial_no: str, purchased_on: date,
    note: str = "",
) -> int:  # fmt: skip
    errors = {}
    if session.get(Customer, customer_id) is None:
        errors["customer_id"] = "请选择客户。"
    if session.get(Product, product_id) is None:
        errors["product_id"] = "请选择产品。"
    if purchased_on > date.today():
        errors["purchased_on"] = "购买日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)
    purchase = Purchase(
        customer_id=customer_id, product_id=product_id, serial_no=serial_no.strip(),
        purchased_on=purchased_on, note=note.strip(),
    )  # fmt: skip
    session.add(purchase)
    session.flush()
    return purchase.id


def find_purchase(
    session: Session, customer_id: int, product_id: int, serial_no: str
) -> Purchase | None:
    """The customer's purchase of that unit: same serial/batch number if one is given, else
    their latest purchase of the product."""
    query = select(Purchase).where(
        Purchase.customer_id == customer_id, Purchase.product_id == product_id
    )
    if serial_no.strip():
        query = query.where(func.upper(Purchase.serial_no) == serial_no.strip().upper())
    return session.scalar(query.order_by(Purchase.purchased_on.desc(), Purchase.id.desc()))
