"""Signing in, roles, and the audit trail of who changed what."""

from __future__ import annotations

import json

import pytest

from kehu_desktop.models import AuditEntry, Customer, Role, Staff
from kehu_desktop.services.common import audit, operators
from kehu_desktop.services.common.errors import PermissionDenied, UserError, ValidationError
from kehu_desktop.services.customers import customer_files
from tests.conftest import ADMIN_PASSWORD
from tests.helpers.customers import make_customer


def test_first_start_creates_the_administrator_once(database):
    with database.session() as session:
        assert not operators.has_staff(session)
        admin = operators.create_first_admin(session, "boss", "老板", "secret", "secret")
    assert admin.role == Role.ADMIN
    with database.session() as session, pytest.raises(UserError):
        operators.create_first_admin(session, "other", "别人", "secret")


def test_sign_in_checks_the_password_and_stores_only_a_hash(database, admin):
    with database.session() as session:
        assert operators.sign_in(session, "ADMIN", ADMIN_PASSWORD) == admin
        with pytest.raises(UserError, match="登录名或密码不正确"):
            operators.sign_in(session, "admin", "wrong")
        with pytest.raises(UserError):
            operators.sign_in(session, "nobody", ADMIN_PASSWORD)
        stored = session.get(Staff, admin.id).password_hash
    assert stored.startswith("$argon2") and ADMIN_PASSWORD not in stored


def test_inactive_staff_cannot_sign_in(database, admin, agent):
    with database.session() as session:
        operators.update_staff(session, admin, agent.id, name="张丽", role=Role.AGENT,
                               department="客服部", phone="", active=False)  # fmt: skip
        with pytest.raises(UserError):
            operators.sign_in(session, "zhangli", "agent-pass")


def test_password_rules(database, admin):
    with database.session() as session:
        with pytest.raises(ValidationError, match="至少"):
            operators.create_staff(session, "x", "某人", Role.AGENT, "12")
        with pytest.raises(ValidationError, match="不一致"):
            operators.create_staff(session, "x", "某人", Role.AGENT, "1234", confirm="1235")
        with pytest.raises(ValidationError, match="已被使用"):
            operators.create_staff(session, "Admin", "某人", Role.AGENT, "1234")


def test_only_administrators_manage_staff(database, agent):
    with database.session() as session, pytest.raises(PermissionDenied):
        operators.set_password(session, agent, agent.id - 1, "newpass")
    with database.session() as session:
        operators.set_password(session, agent, agent.id, "newpass")  # their own: allowed
        assert operators.sign_in(session, "zhangli", "newpass") == agent


def test_every_change_is_audited_with_old_and_new_values(context, database, agent):
    customer_id = make_customer(context, "北京华达电子有限公司", phone="010-62345678")
    database.operator_id = agent.id  # another operator edits it
    with database.session() as session:
        data = customer_files.load_input(session, customer_id)
        data.values["phone"] = "010-87654321"
        customer_files.save(session, data)
    with database.reader() as session:
        customer = session.get(Customer, customer_id)
        assert (customer.created_by_id, customer.updated_by_id) == (context.operator.id, agent.id)
        entries = (
            session.query(AuditEntry)
            .filter_by(table_name="customers")
            .order_by(AuditEntry.id)
            .all()
        )
    assert [e.action for e in entries] == ["新增", "修改"]
    assert entries[0].staff_id == context.operator.id
    assert entries[1].staff_id == agent.id
    assert json.loads(entries[1].changes) == {"phone": ["010-62345678", "010-87654321"]}
    with database.session() as session:
        customer_files.delete_customer(session, customer_id)
    with database.reader() as session:
        rows = audit.recent_entries(session, context.operator)
        with pytest.raises(PermissionDenied):
            audit.recent_entries(session, agent)
    assert rows[0].action == "删除" and rows[0].record_id == customer_id
    assert "phone: 010-87654321 → ∅" in rows[0].describe()


def test_password_hashes_never_reach_the_audit_log(database, admin):
    with database.reader() as session:
        assert all("password_hash" not in e.changes for e in session.query(AuditEntry))
