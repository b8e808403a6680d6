"""Signing in from tests the way the window does, refusals raised."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kehu_desktop.services.common import operators
from kehu_desktop.services.common.errors import UserError


def sign_in(session: Session, username: str, password: str) -> operators.Operator:
    outcome = operators.attempt_sign_in(session, username, password)
    if outcome.operator is None:
        raise UserError(outcome.refusal)
    return outcome.operator
