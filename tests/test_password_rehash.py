"""Passwords hashed at a desktop's cost: hashes made at the older, dearer cost (stores saved by
release 0.1.0) still sign in, and are remade at today's cost after the window shows its first
rows, not while the operator waits to sign in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from kehu_desktop import app
from kehu_desktop.models import AuditEntry, Staff
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.database import open_database
from kehu_desktop.ui.admin.sign_in_dialog import SignInDialog

# Releases' stores are SQLite files.
pytestmark = pytest.mark.sqlite_only(reason="released stores are SQLite files")

RELEASE_0_1_0 = Path(__file__).parent / "fixtures" / "stores" / "0.1.0" / "kehu.sqlite3"
OLD_COST = "$argon2id$v=19$m=65536,t=3,p=4$"  # argon2-cffi's default, what 0.1.0 used
NEW_COST = "$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def desktop_cost(monkeypatch):
    """The hasher the app uses (the suite otherwise hashes at the lowest cost)."""
    monkeypatch.setattr(
        operators, "_hasher", PasswordHasher.from_parameters(operators.PASSWORD_COST)
    )


@pytest.fixture
def released_store(tmp_path) -> Path:
    folder = tmp_path / "store-0.1.0"
    folder.mkdir()
    shutil.copy(RELEASE_0_1_0, folder / "kehu.sqlite3")
    return folder


def _admin_hash(database) -> str:
    with database.reader() as session:
        return session.scalar(select(Staff.password_hash).where(Staff.username == "admin"))


def test_an_older_hash_signs_in_and_is_remade_only_when_asked(desktop_cost, released_store):
    database = open_database(released_store)
    assert _admin_hash(database).startswith(OLD_COST)
    with database.session() as session:
        outcome = operators.attempt_sign_in(session, "admin", "golden-admin")
    assert outcome.operator is not None and outcome.needs_rehash
    assert _admin_hash(database).startswith(OLD_COST)  # not while signing in
    with database.session() as session:
        assert not operators.rehash_password(session, outcome.operator.id, "wrong-password")
    assert _admin_hash(database).startswith(OLD_COST)
    edits = select(func.count()).where(
        AuditEntry.table_name == "staff", AuditEntry.action == "修改"
    )
    with database.reader() as session:
        edits_before = session.scalar(edits)
    with database.session() as session:
        assert operators.rehash_password(session, outcome.operator.id, "golden-admin")
    assert _admin_hash(database).startswith(NEW_COST)
    with database.reader() as session:
        assert session.scalar(edits) == edits_before  # nobody changed anything
    with database.session() as session:
        again = operators.attempt_sign_in(session, "admin", "golden-admin")
        assert again.operator is not None and not again.needs_rehash
        assert not operators.rehash_password(session, again.operator.id, "golden-admin")
        assert operators.attempt_sign_in(session, "admin", "wrong-password").operator is None
    database.dispose()


def test_a_new_hash_verifies_quickly(desktop_cost):
    """Signing in must not wait long on the hash: well under 0.1 s of CPU to verify."""
    import time

    stored = operators._hasher.hash("correct horse battery")
    started = time.process_time()
    operators._hasher.verify(stored, "correct horse battery")
    assert time.process_time() - started < 0.1


def test_signing_in_to_a_released_store_after_restarts(
    qtbot, desktop_cost, released_store, monkeypatch
):
    """The app signs in on a 0.1.0 store, remakes the hash once the first rows show, and signs
    in again after a restart with the same password."""
    hashes: list[str] = []

    def event_loop(*_args) -> int:
        window = next(
            w for w in QApplication.topLevelWidgets()
            if w.isVisible() and w.objectName() == "mainWindow"
        )  # fmt: skip
        database = window.ops.context.database
        qtbot.waitUntil(lambda: _admin_hash(database).startswith(NEW_COST), timeout=20000)
        hashes.append(_admin_hash(database))
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", event_loop)
    monkeypatch.setattr(app, "warn_if_network_folder", lambda _folder: False)

    def sign_in():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SignInDialog)
        dialog.username.setEditText("admin")
        dialog.password.setText("golden-admin")
        dialog.accept()

    for _restart in range(2):
        QTimer.singleShot(0, sign_in)
        assert app.main(["--data-dir", str(released_store)]) == 0
    assert len(hashes) == 2 and hashes[0] == hashes[1]  # remade once, then kept
