"""Key accounts (大客户): designation, the card, countermeasures, surveys and credit ratings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kehu_desktop.models.base import Base, Tracked, Versioned, VersionedPart

Score = Numeric(6, 2, asdecimal=True)


class KeyAccountProposal(Tracked, Base):
    """A proposal to designate a customer a key account (大客户申请表) and its decision (设定表)."""

    __tablename__ = "key_account_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    proposed_at: Mapped[datetime]
    reasons: Mapped[str] = mapped_column(Text)
    sales_12m: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    figures: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(4), default="待审批", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(4), default="")
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    visit_interval_days: Mapped[int | None]

    customer = relationship("Customer")
    proposer = relationship("Staff", foreign_keys=[proposer_id])


class KeyAccount(Versioned, Tracked, Base):
    """The key-account card (大客户管理卡)."""

    __tablename__ = "key_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), unique=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("key_account_proposals.id"))
    level: Mapped[str] = mapped_column(String(4))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    visit_interval_days: Mapped[int] = mapped_column(default=30)
    active: Mapped[bool] = mapped_column(default=True)
    designated_on: Mapped[date]
    delisted_on: Mapped[date | None]
    delist_reason: Mapped[str] = mapped_column(String(200), default="")
    decision_makers: Mapped[str] = mapped_column(Text, default="")
    annual_purchase_volume: Mapped[Decimal | None]
    our_share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    main_products: Mapped[str] = mapped_column(String(200), default="")
    competitors: Mapped[str] = mapped_column(String(200), default="")
    credit_terms: Mapped[str] = mapped_column(String(200), default="")
    service_plan: Mapped[str] = mapped_column(Text, default="")
    important_dates: Mapped[str] = mapped_column(Text, default="")

    customer = relationship("Customer")
    manager = relationship("Staff", foreign_keys=[manager_id])
    countermeasures: Mapped[list[Countermeasure]] = relationship(
        back_populates="key_account", cascade="all, delete-orphan", order_by="Countermeasure.id"
    )


class Countermeasure(Versioned, Tracked, Base):
    """One line of 大客户对策一览表."""

    __tablename__ = "countermeasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_account_id: Mapped[int] = mapped_column(ForeignKey("key_accounts.id"), index=True)
    issue: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(4), default="未开始")
    done_on: Mapped[date | None]

    key_account: Mapped[KeyAccount] = relationship(back_populates="countermeasures")
    owner = relationship("Staff", foreign_keys=[owner_id])


class SatisfactionSurvey(Versioned, Tracked, Base):
    """大客户满意程度调查表: weighted items scored 1–5."""

    __tablename__ = "satisfaction_surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    surveyed_on: Mapped[date]
    surveyor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    respondent: Mapped[str] = mapped_column(String(40), default="")
    overall_score: Mapped[Decimal] = mapped_column(Score)
    notes: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[SurveyItemScore]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyItemScore.id"
    )


class SurveyItemScore(VersionedPart, Base):
    __tablename__ = "survey_item_scores"
    version_owner = ("survey", "survey_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("satisfaction_surveys.id"), index=True)
    item: Mapped[str] = mapped_column(String(40))
    weight: Mapped[Decimal] = mapped_column(Score)
    score: Mapped[int]

    survey: Mapped[SatisfactionSurvey] = relationship(back_populates="items")


class CreditEvaluation(Tracked, Base):
    """客户信用等级评定: weighted items giving a rating, a limit and a term. History is kept."""

    __tablename__ = "credit_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    evaluated_on: Mapped[date]
    evaluator_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    total_score: Mapped[Decimal] = mapped_column(Score)
    rating: Mapped[str] = mapped_column(String(4))
    credit_limit: Mapped[Decimal]
    credit_days: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[CreditItemScore]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan", order_by="CreditItemScore.id"
    )


class CreditItemScore(Base):
    __tablename__ = "credit_item_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("credit_evaluations.id"), index=True)
    item: Mapped[str] = mapped_column(String(40))
    weight: Mapped[Decimal] = mapped_column(Score)
    score: Mapped[Decimal] = mapped_column(Score)

    evaluation: Mapped[CreditEvaluation] = relationship(back_populates="items")
