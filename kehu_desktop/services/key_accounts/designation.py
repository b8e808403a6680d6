"""Designating key accounts: 大客户申请表 (proposal) → 设定表 (the 主管's decision) → the card;
and delisting. Every refusal is a ``UserError`` raised here, whoever calls; every step is an
ORM change and so lands in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from kehu_desktop.models import Customer, KeyAccount, KeyAccountProposal, Staff
from kehu_desktop.services.common.errors import NotFoundError, UserError, ValidationError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.key_accounts import abc_classes

PENDING, APPROVED, REJECTED = "待审批", "已批准", "已驳回"
LEVELS = ("战略", "重点", "一般")
NUMBER_PREFIX = "SQ"  # a proposal's printed number: SQ-000003


def proposal_number(proposal_id: int) -> str:
    """The number a key-account proposal is printed and found by."""
    return f"{NUMBER_PREFIX}-{proposal_id:06d}"


# Default visit interval per level, in days; the 主管 may set another when approving.
LEVEL_INTERVALS = {"战略": 14, "重点": 30, "一般": 60}


@dataclass(frozen=True)
class ProposalRow:
    id: int
    customer_id: int
    customer: str
    abc_class: str
    proposer_id: int
    proposer: str
    proposed_at: datetime
    reasons: str
    sales_12m: Decimal
    status: str
    decided_by: str
    decision_note: str


def active_card(session: Session, customer_id: int) -> KeyAccount | None:
    return session.scalar(
        select(KeyAccount).where(KeyAccount.customer_id == customer_id, KeyAccount.active)
    )


def propose(
    session: Session,
    operator: Operator,
    customer_id: int,
    reasons: str,
    figures: str = "",
    now: datetime | None = None,
) -> int:
    """File a proposal; anyone may. Refused for a current key account, a customer with a
    proposal already pending, or an archived customer. Returns the proposal's id."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("该客户不存在或已被删除。")
    if customer.archived:
        raise UserError(f"“{customer.name}”已归档，不能申请设为大客户。")
    if active_card(session, customer_id) is not None:
        raise UserError(f"“{customer.name}”已经是大客户。")
    if _pending(session, customer_id) is not None:
        raise UserError(f"“{customer.name}”已有待审批的大客户申请。")
    if not reasons.strip():
        raise ValidationError({"reasons": "请填写申请理由。"})
    proposal = KeyAccountProposal(
        customer_id=customer_id,
        proposer_id=operator.id,
        proposed_at=now or datetime.now(),
        reasons=reasons.strip(),
        figures=figures.strip(),
        sales_12m=abc_classes.customer_sales(session, customer_id),
        status=PENDING,
    )
    session.add(proposal)
    session.flush()
    return proposal.id


def _pending(session: Session, customer_id: int) -> KeyAccountProposal | None:
    return session.scalar(
        select(KeyAccountProposal).where(
            KeyAccountProposal.customer_id == customer_id, KeyAccountProposal.status == PENDING
        )
    )


def _open_proposal(session: Session, operator: Operator, proposal_id: int) -> KeyAccountProposal:
    operator.require_supervisor()
    proposal = session.get(KeyAccountProposal, proposal_id)
    if proposal is None:
        raise NotFoundError("该申请不存在。")
    if proposal.status != PENDING:
        raise UserError(f"该申请已{proposal.status[1:]}，不能再次审批。")
    return proposal


def check_assignment(session: Session, level: str, manager_id: int | None, interval: int) -> None:
    """The level, account manager and visit interval a card may have."""
    errors = {}
    if level not in LEVELS:
        errors["level"] = f"大客户级别只能是：{'、'.join(LEVELS)}。"
    if manager_id is None:
        errors["manager"] = "请指定客户经理。"
    else:
        staff = session.get(Staff, manager_id)
        if staff is None or not staff.active:
            errors["manager"] = "客户经理不存在或已停用。"
    if not 1 <= interval <= 366:
        errors["interval"] = "拜访周期应在 1 到 366 天之间。"
    if errors:
        raise ValidationError(errors)


def approve(
    session: Session,
    operator: Operator,
    proposal_id: int,
    *,
    level: str,
    manager_id: int | None,
    visit_interval_days: int,
    note: str = "",
    today: date | None = None,
) -> int:
    """Approve (设定) a pending proposal: 主管 only, once. Opens the card — or reopens the
    customer's earlier, delisted one — and returns the card's id."""
    proposal = _open_proposal(session, operator, proposal_id)
    check_assignment(session, level, manager_id, visit_interval_days)
    if active_card(session, proposal.customer_id) is not None:
        raise UserError("该客户已经是大客户。")
    proposal.status = APPROVED
    proposal.decided_by_id = operator.id
    proposal.decided_at = datetime.now()
    proposal.decision_note = note.strip()
    proposal.level, proposal.manager_id = level, manager_id
    proposal.visit_interval_days = visit_interval_days
    card = session.scalar(select(KeyAccount).where(KeyAccount.customer_id == proposal.customer_id))
    if card is None:
        card = KeyAccount(customer_id=proposal.customer_id)
        session.add(card)
    card.proposal_id = proposal.id
    card.level, card.manager_id, card.visit_interval_days = level, manager_id, visit_interval_days
    card.active, card.designated_on = True, today or date.today()
    card.delisted_on, card.delist_reason = None, ""
    session.flush()
    return card.id


def reject(session: Session, operator: Operator, proposal_id: int, note: str) -> None:
    """Reject a pending proposal with a reason: 主管 only, once."""
    proposal = _open_proposal(session, operator, proposal_id)
    if not note.strip():
        raise ValidationError({"note": "请填写驳回理由。"})
    proposal.status = REJECTED
    proposal.decided_by_id = operator.id
    proposal.decided_at = datetime.now()
    proposal.decision_note = note.strip()


def delist(
    session: Session,
    operator: Operator,
    key_account_id: int,
    reason: str,
    today: date | None = None,
) -> None:
    """Take a customer off the key-account list (主管 only); the card and its history stay."""
    operator.require_supervisor()
    card = session.get(KeyAccount, key_account_id)
    if card is None:
        raise NotFoundError("该大客户记录不存在。")
    if not card.active:
        raise UserError("该客户已经取消大客户资格。")
    if not reason.strip():
        raise ValidationError({"reason": "请填写取消大客户资格的原因。"})
    card.active = False
    card.delisted_on = today or date.today()
    card.delist_reason = reason.strip()[:200]


def list_proposals(
    session: Session, status: str | None = PENDING, customer_id: int | None = None
) -> list[ProposalRow]:
    """Proposals, newest first; pending ones only by default."""
    proposer, decider = aliased(Staff), aliased(Staff)
    query = (
        select(KeyAccountProposal, Customer.name, Customer.abc_class, proposer.name, decider.name)
        .join(Customer, Customer.id == KeyAccountProposal.customer_id)
        .join(proposer, proposer.id == KeyAccountProposal.proposer_id)
        .outerjoin(decider, decider.id == KeyAccountProposal.decided_by_id)
        .order_by(KeyAccountProposal.proposed_at.desc(), KeyAccountProposal.id.desc())
    )
    if status is not None:
        query = query.where(KeyAccountProposal.status == status)
    if customer_id is not None:
        query = query.where(KeyAccountProposal.customer_id == customer_id)
    return [
        ProposalRow(p.id, p.customer_id, customer, abc or "", p.proposer_id, proposer_name,
                    p.proposed_at, p.reasons, p.sales_12m, p.status, decider_name or "",
                    p.decision_note)
        for p, customer, abc, proposer_name, decider_name in session.execute(query)
    ]  # fmt: skip
