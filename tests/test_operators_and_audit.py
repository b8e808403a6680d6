"""Signing in, roles, and the audit trail of who changed what."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kehu_desktop.models import AuditEntry, Customer, Role, Staff
from kehu_desktop.services.common import audit, operators
from kehu_desktop.services.common.errors import PermissionDenied, UserError, ValidationError
from kehu_desktop.services.customers import customer_files
from tests.conftest import ADMIN_PASSWORD
from tests.helpers.customers import make_customer
from tests.helpers.operators import sign_in


def test_first_start_creates_the_administrator_once(database):
    with database.session() as session:
        assert not operators.has_staff(session)
        admin = operators.create_first_admin(session, "boss", "老板", "secret-pw1", "secret-pw1")
    assert admin.role == Role.ADMIN
    with database.session() as session, pytest.raises(UserError):
        operators.create_first_admin(session, "other", "别人", "secret-pw1")


def test_sign_in_checks_the_password_and_stores_only_a_hash(database, admin):
    with database.session() as session:
        assert sign_in(session, "ADMIN", ADMIN_PASSWORD) == admin
        with pytest.raises(UserError, match="登录名或密码不正确"):
            sign_in(session, "admin", "wrong")
        with pytest.raises(UserError):
            sign_in(session, "nobody", ADMIN_PASSWORD)
        stored = session.get(Staff, admin.id).password_hash
    assert stored.startswith("$argon2") and ADMIN_PASSWORD not in stored


def test_inactive_staff_cannot_sign_in(database, admin, agent):
    with database.session() as session:
        operators.update_staff(session, admin, agent.id, name="张丽", role=Role.AGENT,
                               department="客服部", phone="", active=False)  # fmt: skip
        with pytest.raises(UserError):
            sign_in(session, "zhangli", "agent-pass")


def test_password_rules(database, admin):
    with database.session() as session:
        with pytest.raises(ValidationError, match="至少 8 位"):
            operators.create_staff(session, "x", "某人", Role.AGENT, "1234567")
        with pytest.raises(ValidationError, match="空格"):
            operators.create_staff(session, "x", "某人", Role.AGENT, " " * 10)
        with pytest.raises(ValidationError, match="不一致"):
            operators.create_staff(session, "x", "某人", Role.AGENT, "12345678", confirm="1235678")
        with pytest.raises(ValidationError, match="已被使用"):
            operators.create_staff(session, "Admin", "某人", Role.AGENT, "12345678")


def test_only_administrators_reset_passwords_and_the_owner_changes_it_next(database, admin, agent):
    with database.session() as session, pytest.raises(PermissionDenied):
        operators.set_password(session, agent, admin.id, "new-pass-1")
    with database.session() as session:
        operators.set_password(session, admin, agent.id, "reset-pass-1")
    with database.session() as session:
        outcome = operators.attempt_sign_in(session, "zhangli", "reset-pass-1")
    assert outcome.operator == agent and outcome.must_change_password


def test_changing_ones_own_password(database, agent):
    with database.session() as session, pytest.raises(ValidationError, match="当前密码不正确"):
        operators.change_own_password(session, agent, "wrong", "new-pass-1", "new-pass-1")
    with database.session() as session, pytest.raises(ValidationError, match="不能与当前密码相同"):
        operators.change_own_password(session, agent, "agent-pass", "agent-pass", "agent-pass")
    with database.session() as session:
        operators.change_own_password(session, agent, "agent-pass", "new-pass-1", "new-pass-1")
    with database.session() as session:
        assert sign_in(session, "zhangli", "new-pass-1") == agent
        with pytest.raises(UserError):
            sign_in(session, "zhangli", "agent-pass")


def test_default_passwords_must_be_changed_at_first_sign_in(database, admin):
    with database.session() as session:
        operators.create_staff(
            session, "demo1", "演示", Role.AGENT, "123456", default_password=True
        )
    with database.session() as session:
        outcome = operators.attempt_sign_in(session, "demo1", "123456")
        assert outcome.operator is not None and outcome.must_change_password
        operators.change_own_password(
            session, outcome.operator, "123456", "my-own-pass", "my-own-pass"
        )
    with database.session() as session:
        assert not operators.attempt_sign_in(session, "demo1", "my-own-pass").must_change_password


def test_a_password_from_before_the_rules_must_be_changed_at_sign_in(database, admin):
    """Release 0.1.0 handed out 123456 and had no must-change flag: upgraded, such an
    account signs in once more and is made to choose a password that meets the rules."""
    with database.session() as session:
        staff_id = operators.create_staff(session, "old1", "老员工", Role.AGENT, "long-enough-1").id
    with database.session() as session:
        staff = session.get_one(Staff, staff_id)
        staff.password_hash = operators._hasher.hash("123456")
        staff.must_change_password = False
    with database.session() as session:
        outcome = operators.attempt_sign_in(session, "old1", "123456")
    assert outcome.operator is not None and outcome.must_change_password
    with database.reader() as session:
        assert session.get_one(Staff, staff_id).must_change_password


def test_an_empty_password_is_asked_for_not_counted_as_a_failure(database, agent):
    with database.session() as session:
        outcome = operators.attempt_sign_in(session, "zhangli", "")
    assert outcome.operator is None and outcome.refusal == "请输入密码。"
    with database.reader() as session:
        assert session.scalar(select(Staff.failed_sign_ins).where(Staff.id == agent.id)) == 0


def test_five_failures_make_sign_in_wait_and_are_recorded(database, agent):
    from datetime import datetime, timedelta

    now = datetime(2026, 12, 1, 9, 0, 0)
    for _attempt in range(5):
        with database.session() as session:
            outcome = operators.attempt_sign_in(session, "zhangli", "wrong", now)
        assert outcome.operator is None
    assert "30 秒" in outcome.refusal
    with database.session() as session:  # the right password waits too
        outcome = operators.attempt_sign_in(session, "zhangli", "agent-pass", now)
    assert outcome.operator is None and "后再试" in outcome.refusal
    later = now + timedelta(seconds=31)
    with database.session() as session:  # one more failure: a longer wait
        outcome = operators.attempt_sign_in(session, "zhangli", "wrong", later)
    assert "60 秒" in outcome.refusal
    with database.session() as session:
        outcome = operators.attempt_sign_in(
            session, "zhangli", "agent-pass", later + timedelta(seconds=61)
        )
    assert outcome.operator == agent
    with database.reader() as session:
        entries = audit.recent_entries(session, operators.first_admin(session))
    failures = [e for e in entries if e.action == "登录失败" and e.record_id == agent.id]
    assert len(failures) == 7
    assert any(e.action == "登录" and e.record_id == agent.id for e in entries)


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
    assert rows[0].record == ""  # deleted: no name left to show
    assert "电话: 010-87654321 → ∅" in rows[0].describe(audit.field_labels())


def test_password_hashes_never_reach_the_audit_log(database, admin):
    with database.reader() as session:
        assert all("password_hash" not in e.changes for e in session.query(AuditEntry))
