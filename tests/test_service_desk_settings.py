"""The after-sales desk's settings: deadlines per urgency, the 返修 window and the factory's
reply period — saved by 主管/管理员 only, checked with Chinese messages, audited, and used by
registration, repair orders and feedback."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from kehu_desktop.models import AuditEntry, ServiceRequest
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import PermissionDenied, ValidationError
from kehu_desktop.services.common.settings import versions
from kehu_desktop.services.common.versions import StaleRecordError
from kehu_desktop.services.service_desk import feedback, ledger, settings
from kehu_desktop.services.service_desk.lifecycle import Status
from kehu_desktop.services.service_desk.settings import ServiceSettings
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.service_desk.service_settings_dialog import ServiceSettingsDialog
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import ready, save
from tests.helpers.service_desk import advance, make_product, register

MONDAY = datetime(2026, 11, 2, 9)


def _saved(context, values: ServiceSettings) -> None:
    with context.session() as session:
        settings.save_service_settings(session, context.operator, values)


def _current(context) -> ServiceSettings:
    with context.reader() as session:
        return settings.load_service_settings(session)


def test_defaults_until_saved(context):
    assert _current(context) == ServiceSettings(
        {"normal": 1, "urgent": 0, "critical": 0}, {"normal": 5, "urgent": 3, "critical": 1}, 90, 5
    )


def test_new_deadlines_apply_to_requests_registered_afterwards(context):
    customer = make_customer(context, "华达电子")
    before = register(context, customer, received_at=MONDAY)
    values = _current(context)
    _saved(context, replace(values, response_days={**values.response_days, "normal": 2},
                            resolve_days={**values.resolve_days, "normal": 8}))  # fmt: skip
    after = register(context, customer, received_at=MONDAY)
    with context.reader() as session:
        deadlines = {
            r.id: (r.response_deadline, r.deadline) for r in session.scalars(select(ServiceRequest))
        }
    # Monday 2 November 2026: 1 and 5 working days before, 2 and 8 after.
    assert deadlines[before] == (date(2026, 11, 3), date(2026, 11, 9))
    assert deadlines[after] == (date(2026, 11, 4), date(2026, 11, 12))


def test_the_repeat_window_decides_what_is_a_repeat_repair(context):
    customer = make_customer(context, "华达电子")
    product = make_product(context)
    first = register(context, customer, product_id=product, serial_no="SN-1",
                     received_at=datetime(2026, 6, 1, 9))  # fmt: skip
    advance(context, first, Status.PROCESSING, start=datetime(2026, 6, 1, 9))
    _saved(context, replace(_current(context), repeat_days=30))
    # 48 days later: inside the default 90, outside the 30 now set.
    again = register(context, customer, product_id=product, serial_no="SN-1",
                     received_at=datetime(2026, 7, 19, 9))  # fmt: skip
    advance(context, again, Status.PROCESSING, start=datetime(2026, 7, 19, 9))
    _saved(context, replace(_current(context), repeat_days=120))
    third = register(context, customer, product_id=product, serial_no="SN-1",
                     received_at=datetime(2026, 10, 1, 9))  # fmt: skip
    advance(context, third, Status.PROCESSING, start=datetime(2026, 10, 1, 9))
    with context.reader() as session:
        repeat_of = {
            i: ledger.load_detail(session, context.operator, i).repair.repeat_of
            for i in (again, third)
        }
    assert repeat_of == {again: "", third: "SH-2026-0002"}


def test_the_reply_period_sets_the_feedback_deadline(context):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=MONDAY)
    advance(context, request_id, Status.PROCESSING, start=MONDAY)
    _saved(context, replace(_current(context), feedback_days=2))
    with context.session() as session:
        feedback.raise_feedback(session, context.operator, department="品质",
                                problem="外壳开裂", request_id=request_id,
                                at=datetime(2026, 11, 2, 15))  # fmt: skip
    with context.reader() as session:
        row = feedback.list_feedback(session, today=date(2026, 11, 5))[0]
    assert row.reply_deadline == date(2026, 11, 4) and row.overdue


def test_every_problem_is_named_in_chinese_and_nothing_is_saved(context):
    values = ServiceSettings(
        {"normal": 3, "urgent": 61, "critical": 0}, {"normal": 2, "urgent": 3, "critical": -1}, 0,
        61,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused, context.session() as session:
        settings.save_service_settings(session, context.operator, values)
    assert refused.value.errors == {
        "resolve_normal": "一般服务单的解决期限（2 个工作日）不能短于派工期限（3 个工作日）。",
        "response_urgent": "紧急服务单的派工期限应为 0–60 个工作日。",
        "resolve_critical": "特急服务单的解决期限应为 0–60 个工作日。",
        "repeat_days": "返修判定期应为 1–730 天。",
        "feedback_days": "工厂答复期限应为 1–60 个工作日。",
    }
    assert _current(context).repeat_days == 90


def test_only_supervisors_save_and_every_change_is_audited(context, agent, supervisor):
    values = replace(_current(context), repeat_days=60, feedback_days=3)
    with pytest.raises(PermissionDenied):
        _saved(DeskContext(context.database, agent), values)
    _saved(DeskContext(context.database, supervisor), values)
    assert _current(context).repeat_days == 60
    with context.reader() as session:
        entries = session.execute(
            select(AuditEntry.staff_id, AuditEntry.record_key, AuditEntry.changes).where(
                AuditEntry.table_name == "settings"
            )
        ).all()
    changed = {
        key: json.loads(changes) for staff, key, changes in entries if staff == supervisor.id
    }
    assert changed["service.repeat_days"]["value"][1] == "60"
    assert changed["service.feedback_days"]["value"][1] == "3"


def test_a_save_over_another_pcs_change_is_refused(context):
    with context.reader() as session:
        seen = versions(session)  # as a dialog on this PC loaded them
    _saved(context, replace(_current(context), repeat_days=60))
    with pytest.raises(StaleRecordError), context.session() as session:
        settings.save_service_settings(
            session, context.operator, replace(_current(context), repeat_days=45), seen
        )
    assert _current(context).repeat_days == 60


# --- the dialog ---------------------------------------------------------------------------------


def test_dialog_shows_checks_and_saves(qtbot, context):
    dialog = ready(qtbot, ServiceSettingsDialog(Operations(context)))
    qtbot.addWidget(dialog)
    assert dialog.response["normal"].value() == 1 and dialog.resolve["normal"].value() == 5
    assert dialog.repeat_days.value() == 90 and dialog.feedback_days.value() == 5
    dialog.response["normal"].setValue(6)
    assert not save(qtbot, dialog)
    assert "不能短于派工期限" in dialog.error_label.text()
    assert dialog.response["normal"].value() == 6  # what was typed stays
    dialog.resolve["normal"].setValue(7)
    dialog.repeat_days.setValue(45)
    dialog.feedback_days.setValue(3)
    assert save(qtbot, dialog)
    assert _current(context) == ServiceSettings(
        {"normal": 6, "urgent": 0, "critical": 0}, {"normal": 7, "urgent": 3, "critical": 1}, 45, 3
    )


def test_dialog_is_read_only_for_an_agent(qtbot, context, agent):
    dialog = ready(qtbot, ServiceSettingsDialog(Operations(DeskContext(context.database, agent))))
    qtbot.addWidget(dialog)
    dialog.show()
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    assert not button.isEnabled()
    assert not dialog.repeat_days.isEnabled()


def test_the_settings_menu_opens_the_dialog(qtbot, main_window):
    action = next(
        a for a in main_window.settings_menu.actions() if a.objectName() == "actionServiceSettings"
    )
    action.trigger()
    dialog = main_window.findChild(ServiceSettingsDialog)
    assert dialog is not None and dialog.isVisible()
    ready(qtbot, dialog)
    assert dialog.repeat_days.value() == 90
    dialog.reject()
