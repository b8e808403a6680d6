"""The customer file (客户档案): four parts, contacts, important dates and sales."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kehu_desktop.models.base import Base, Quantity, Tracked, Versioned, VersionedPart


class Customer(Versioned, Tracked, Base):
    __tablename__ = "customers"
    __table_args__ = (
        # The list in its default order, read from the index alone.
        Index("ix_customers_list", "archived", "code"),
        # Checking search hits (ids) for archived and sorting them by code without
        # touching the wide rows.
        Index("ix_customers_lookup", "id", "archived", "code"),
        # 客户查重 groups by these from the indexes alone (services/customers/duplicates.py).
        Index("ix_customers_match_name", "match_name", "match_place"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # 基础资料
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    # The name's pinyin, for sorting the list as a Chinese reader expects (see pinyin_initials).
    name_pinyin: Mapped[str] = mapped_column(String(400), default="")
    short_name: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    province: Mapped[str] = mapped_column(String(20), default="", index=True)
    city: Mapped[str] = mapped_column(String(20), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    fax: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(100), default="")
    credit_code: Mapped[str] = mapped_column(String(18), default="", index=True)
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    bank_account: Mapped[str] = mapped_column(String(40), default="")
    tax_no: Mapped[str] = mapped_column(String(20), default="")
    category: Mapped[str] = mapped_column(String(20), default="")
    scale: Mapped[str] = mapped_column(String(20), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # Classifications (002 §1.1.3); abc_class is computed from sales.
    management_class: Mapped[str] = mapped_column(String(4), default="常规")
    nature: Mapped[str] = mapped_column(String(20), default="普通公司")
    trade_stage: Mapped[str] = mapped_column(String(4), default="正在", index=True)
    abc_class: Mapped[str] = mapped_column(String(1), default="")
    # 信用资料
    registered_capital: Mapped[Decimal | None]
    founded_on: Mapped[date | None]
    contract_performance: Mapped[str] = mapped_column(String(200), default="")
    payment_record: Mapped[str] = mapped_column(String(200), default="")
    credit_rating: Mapped[str] = mapped_column(String(4), default="")
    credit_limit: Mapped[Decimal | None]
    credit_days: Mapped[int | None]
    outstanding_amount: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    # 经营资料
    sales_staff_count: Mapped[int | None]
    market_coverage: Mapped[str] = mapped_column(String(200), default="")
    business_area: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    storage_area: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    transport_mode: Mapped[str] = mapped_column(String(40), default="")
    delivery_address: Mapped[str] = mapped_column(String(200), default="")
    # 销售业绩 (the monthly figures are SalesRecord rows)
    product_mix: Mapped[str] = mapped_column(String(200), default="")
    # Visit plan override, in days; None means the class default applies.
    visit_interval_days: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)
    # Lower-cased words for the portable (non-SQLite) search fallback.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # What 客户查重 groups by (services/customers/match_keys.py): the name without place and
    # company form, the place it starts with, the phone's digits.
    match_name: Mapped[str] = mapped_column(String(100), default="")
    match_place: Mapped[str] = mapped_column(String(20), default="")
    match_phone: Mapped[str] = mapped_column(String(40), default="", index=True)

    owner = relationship("Staff", foreign_keys=[owner_id])
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contact.id"
    )
    sales: Mapped[list[SalesRecord]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="SalesRecord.month"
    )

    def __repr__(self) -> str:
        return f"Customer({self.code!r}, {self.name!r})"


class Contact(VersionedPart, Tracked, Base):
    __tablename__ = "contacts"
    # 客户查重 groups customers by their contacts' numbers from these indexes alone.
    __table_args__ = (
        Index("ix_contacts_match_mobile", "match_mobile", "customer_id"),
        Index("ix_contacts_match_phone", "match_phone", "customer_id"),
    )
    version_owner = ("customer", "customer_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[str] = mapped_column(String(8), default="")
    mobile: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(100), default="")
    wechat: Mapped[str] = mapped_column(String(40), default="")
    birthday: Mapped[date | None]
    notes: Mapped[str] = mapped_column(String(200), default="")
    # The digits of the mobile and phone, for 客户查重 (services/customers/match_keys.py).
    match_mobile: Mapped[str] = mapped_column(String(40), default="")
    match_phone: Mapped[str] = mapped_column(String(40), default="")

    customer: Mapped[Customer] = relationship(back_populates="contacts")
    important_dates: Mapped[list[ImportantDate]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ImportantDate.id"
    )


class ImportantDate(VersionedPart, Tracked, Base):
    """A date to remember for a contact (anniversary, festival greeting); recurs every year."""

    __tablename__ = "important_dates"
    version_owner = ("contact", "contact_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    day: Mapped[date]

    contact: Mapped[Contact] = relationship(back_populates="important_dates")


class SalesRecord(VersionedPart, Tracked, Base):
    """Sales to one customer in one month (``month`` is the first day of that month)."""

    __tablename__ = "sales_records"
    version_owner = ("customer", "customer_id")
    # The ABC computation sums a span of months per customer from this covering index alone.
    __table_args__ = (
        UniqueConstraint("customer_id", "month"),
        Index("ix_sales_records_month_customer_amount", "month", "customer_id", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    month: Mapped[date]
    amount: Mapped[Decimal]
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))

    customer: Mapped[Customer] = relationship(back_populates="sales")


class CustomerClassHistory(Base):
    """Each ABC computation's result per customer, kept so a class change can be traced."""

    __tablename__ = "customer_class_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    computed_on: Mapped[date]
    abc_class: Mapped[str] = mapped_column(String(1))
    sales_12m: Mapped[Decimal]
