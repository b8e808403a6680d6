"""The after-sales desk's rules: registration, warranty, the lifecycle (every allowed and
refused step), repeat repairs, feedback to the factory, the complaint link and attachments."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from kehu_desktop.models import Attachment, RepairOrder, ServiceEvent, ServiceRequest
from kehu_desktop.services.common import attachments
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.common.errors import PermissionDenied, UserError, ValidationError
from kehu_desktop.services.common.revisits import NO_REVISIT
from kehu_desktop.services.complaints import lifecycle as complaint_lifecycle
from kehu_desktop.services.service_desk import (
    feedback,
    ledger,
    lifecycle,
    products,
    registration,
    repair_orders,
)
from kehu_desktop.services.service_desk.lifecycle import TRANSITIONS, Action, Status
from kehu_desktop.services.service_desk.repair_orders import PartInput, RepairInput
from kehu_desktop.services.service_desk.settings import REPEAT_DAYS
from tests.helpers.complaints import HANDLING
from tests.helpers.complaints import advance as advance_complaint
from tests.helpers.complaints import register as register_complaint
from tests.helpers.customers import make_customer
from tests.helpers.service_desk import REPAIR, advance, make_product, register

START = datetime(2026, 11, 2, 9)  # a Monday

# --- warranty ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bought", "months", "on", "status"),
    [
        (date(2025, 3, 15), 12, date(2026, 3, 14), "in"),
        (date(2025, 3, 15), 12, date(2026, 3, 15), "expired"),
        (date(2024, 1, 31), 1, date(2024, 2, 28), "in"),  # no 31 February: ends on the 28th
        (date(2024, 1, 31), 1, date(2024, 2, 29), "expired"),
        (None, 12, date(2026, 1, 1), "unknown"),
    ],
)
def test_warranty_is_computed_from_purchase_date_and_months(bought, months, on, status):
    assert products.warranty_status(bought, months, on) == status


def test_registration_works_out_warranty_from_the_purchase(context):
    customer = make_customer(context, "华达电子")
    product = make_product(context, months=12)
    inside = register(context, customer, product_id=product, serial_no="A1",
                      purchased_on=date(2026, 1, 10), received_at=START)  # fmt: skip
    # The same unit again: the purchase recorded above is found by its serial number.
    again = register(context, customer, product_id=product, serial_no="a1", received_at=START)
    outside = register(context, customer, product_id=product, serial_no="B2",
                       purchased_on=date(2025, 10, 1), received_at=START)  # fmt: skip
    unknown = register(context, customer, product_id=product, serial_no="C3", received_at=START)
    with context.reader() as session:
        warranty = {i: session.get(ServiceRequest, i).warranty
                    for i in (inside, again, outside, unknown)}  # fmt: skip
        purchases = products.customer_purchases(session, customer)
    assert warranty == {inside: "in", again: "in", outside: "expired", unknown: "unknown"}
    assert sorted(p.serial_no for p in purchases) == ["A1", "B2"]


def test_numbers_are_gap_free_per_year(context):
    customer = make_customer(context, "华达电子")
    ids = [register(context, customer, received_at=datetime(2025, 12, 30 + i, 9)) for i in (0, 1)]
    ids.append(register(context, customer, received_at=datetime(2026, 1, 2, 9)))
    with context.reader() as session:
        numbers = [session.get(ServiceRequest, i).number for i in ids]
    assert numbers == ["SH-2025-0001", "SH-2025-0002", "SH-2026-0001"]


def test_registration_lists_every_problem(context):
    with context.session() as session, pytest.raises(ValidationError) as refused:
        registration.register(session, context.operator, registration.RequestInput(
            channel="飞鸽", urgency="soon", fault=" "))  # fmt: skip
    assert set(refused.value.errors) == {"customer_id", "channel", "urgency", "fault"}


# --- the lifecycle ----------------------------------------------------------------------------


def _perform(context, request_id: int, action: Action, operator=None) -> None:
    who = operator or context.operator
    with context.session() as s:
        if action == Action.DISPATCH:
            lifecycle.dispatch(s, who, request_id, mode="factory", engineer_id=who.id,
                               planned_date=date(2026, 11, 3))  # fmt: skip
        elif action == Action.REPAIR:
            repair_orders.record_repair(s, who, request_id, REPAIR)
        elif action == Action.REVISIT:
            lifecycle.record_revisit(s, who, request_id, satisfaction="满意")
        elif action == Action.CLOSE:
            lifecycle.close(s, who, request_id)
        elif action == Action.CANCEL:
            lifecycle.cancel(s, who, request_id, "客户撤回")
        elif action == Action.HAND_OVER:
            lifecycle.hand_over(s, who, request_id, reason="转技术部", department="研发")
        elif action == Action.FEEDBACK:
            feedback.raise_feedback(s, who, department="品质", problem="批次问题",
                                    request_id=request_id)  # fmt: skip
        elif action == Action.NOTE:
            lifecycle.add_note(s, who, request_id, "跟进")
        else:
            data = registration.load_registration(s, request_id)
            data.demand = "改为寄修"
            registration.update_registration(s, who, request_id, data)


def _request_at(context, status: Status) -> int:
    customer = make_customer(context, f"客户{status}")
    request_id = register(context, customer, received_at=START)
    if status == Status.CANCELLED:
        _perform(context, request_id, Action.CANCEL)
    elif status != Status.REGISTERED:
        advance(context, request_id, status, start=START)
    return request_id


CASES = [(status, action) for status in Status for action in Action]


@pytest.mark.parametrize(("status", "action"), CASES)
def test_every_step_is_allowed_exactly_from_its_statuses(context, status, action):
    request_id = _request_at(context, status)
    sources, target = TRANSITIONS[action]
    allowed = status in sources
    if action == Action.CLOSE and status == Status.PROCESSING:
        allowed = False
    if action == Action.REVISIT and status == Status.REVISITED:
        allowed = False  # already rated (the helper revisits with a rating)
    if allowed:
        _perform(context, request_id, action)
        with context.reader() as session:
            assert session.get(ServiceRequest, request_id).status == (target or status)
    else:
        with pytest.raises(UserError):
            _perform(context, request_id, action)
        with context.reader() as session:
            assert session.get(ServiceRequest, request_id).status == status


def test_closing_needs_a_revisit_or_an_unreachable_reason(context):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=START)
    advance(context, request_id, Status.PROCESSING, start=START)
    with context.session() as s, pytest.raises(UserError, match="尚未回访"):
        lifecycle.close(s, context.operator, request_id)
    with context.session() as s, pytest.raises(ValidationError):
        lifecycle.record_revisit(s, context.operator, request_id, satisfaction=None)
    with context.session() as s:
        lifecycle.record_revisit(s, context.operator, request_id, satisfaction=None,
                                 unreachable_reason="电话停机")  # fmt: skip
        lifecycle.close(s, context.operator, request_id)
    with context.reader() as s:
        closed = s.get(ServiceRequest, request_id)
        assert (closed.status, closed.unreachable_reason) == ("closed", "电话停机")
    assert NO_REVISIT.startswith("尚未回访")


def test_only_the_first_responsible_or_a_supervisor_closes(context, agent, supervisor):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, operator=supervisor, received_at=START)
    advance(context, request_id, Status.REVISITED, start=START)
    with context.session() as s, pytest.raises(PermissionDenied):
        lifecycle.close(s, agent, request_id)
    with context.session() as s:
        lifecycle.close(s, supervisor, request_id)


def test_hand_over_keeps_the_first_responsible_and_is_refused_a_change(context, agent):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=START)
    with context.session() as s:
        lifecycle.hand_over(s, context.operator, request_id, reason="外出", to_staff_id=agent.id)
    with context.session() as s:
        data = registration.load_registration(s, request_id)
        data.first_responsible_id = agent.id
        with pytest.raises(UserError, match="首问责任人登记后不能更改"):
            registration.update_registration(s, context.operator, request_id, data)
    with context.reader() as s:
        request = s.get(ServiceRequest, request_id)
        assert (request.first_responsible_id, request.handler_id) == (context.operator.id, agent.id)


def test_deadlines_count_working_days(context):
    customer = make_customer(context, "华达电子")
    friday = datetime(2026, 10, 30, 16)  # the resolve deadline skips the weekend
    request_id = register(context, customer, received_at=friday, urgency="normal")
    holiday = datetime(2026, 9, 30, 10)  # before the National Day week
    urgent = register(context, customer, received_at=holiday, urgency="urgent")
    with context.reader() as s:
        normal = s.get(ServiceRequest, request_id)
        assert (normal.response_deadline, normal.deadline) == (date(2026, 11, 2), date(2026, 11, 6))
        # 3 working days after 30 September: 8 and 9 October, then the 调休 Saturday 10 October.
        assert s.get(ServiceRequest, urgent).deadline == date(2026, 10, 10)


def test_overdue_flags_in_the_list(context):
    customer = make_customer(context, "华达电子")
    late = register(context, customer, received_at=START)
    with context.reader() as s:
        rows = {r.id: r for r in ledger.list_requests(s, today=date(2026, 11, 20))}
        due = ledger.due_requests(s, date(2026, 11, 3))
    assert rows[late].overdue
    assert [r.id for r in due] == [late] and due[0].due_today  # dispatch due on the 3rd


def test_history_is_append_only_and_times_never_go_back(context):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=START)
    with context.session() as s, pytest.raises(UserError, match="时间不能早于上一步"):
        lifecycle.add_note(s, context.operator, request_id, "补记", at=datetime(2026, 11, 1))
    with pytest.raises(UserError, match="只能追加"), context.session() as s:
        event = s.scalar(select(ServiceEvent).where(ServiceEvent.request_id == request_id))
        event.note = "改写"
        s.flush()
    with pytest.raises(UserError, match="不能删除"), context.session() as s:
        s.delete(s.get(ServiceRequest, request_id))
        s.flush()


# --- repair orders ----------------------------------------------------------------------------


def test_repair_order_parts_labour_and_charges(context):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=START)
    advance(context, request_id, Status.DISPATCHED, start=START)
    bad = RepairInput(
        diagnosis="", parts=[PartInput("", "1", "5"), PartInput("螺丝", "0", "1")],
        labour_cost="-1", charged=True, charge_amount="0", result="maybe",
    )  # fmt: skip
    with context.session() as s, pytest.raises(ValidationError) as refused:
        repair_orders.record_repair(s, context.operator, request_id, bad)
    assert {"diagnosis", "result", "labour_cost", "charge_amount", "parts.1", "parts.2"} <= set(
        refused.value.errors
    )
    charged = RepairInput(diagnosis="进水短路", result="replaced", charged=True,
                          charge_amount="350", labour_cost="120.5",
                          parts=[PartInput("主板", "1", "260.00")])  # fmt: skip
    with context.session() as s:
        repair_orders.record_repair(s, context.operator, request_id, charged)
    with context.reader() as s:
        detail = ledger.load_detail(s, context.operator, request_id)
    assert detail.status == "processing"
    assert detail.repair.charge_amount == Decimal("350.00")
    assert detail.repair.parts_cost == Decimal("260.00")
    assert detail.repair.total_cost == Decimal("380.50")
    # Corrected while 处理: one order, its parts replaced.
    with context.session() as s:
        repair_orders.record_repair(s, context.operator, request_id, REPAIR)
    with context.reader() as s:
        detail = ledger.load_detail(s, context.operator, request_id)
        assert len(s.scalars(select(RepairOrder)).all()) == 1
    assert detail.repair.parts_cost == Decimal("8.20") and not detail.repair.charged


def test_repeat_repair_of_the_same_unit_within_the_window(context):
    customer = make_customer(context, "华达电子")
    product = make_product(context)
    first = register(context, customer, product_id=product, serial_no="SN-9",
                     received_at=datetime(2026, 6, 1, 9))  # fmt: skip
    advance(context, first, Status.PROCESSING, start=datetime(2026, 6, 1, 9))
    other_unit = register(context, customer, product_id=product, serial_no="SN-10",
                          received_at=datetime(2026, 7, 1, 9))  # fmt: skip
    advance(context, other_unit, Status.PROCESSING, start=datetime(2026, 7, 1, 9))
    within = register(context, customer, product_id=product, serial_no="sn-9",
                      received_at=datetime(2026, 8, 20, 9))  # fmt: skip
    advance(context, within, Status.PROCESSING, start=datetime(2026, 8, 20, 9))
    later = register(context, customer, product_id=product, serial_no="SN-10",
                     received_at=datetime(2026, 11, 2, 9))  # fmt: skip
    advance(context, later, Status.PROCESSING, start=datetime(2026, 11, 2, 9))
    with context.reader() as s:
        repeats = {i: ledger.load_detail(s, context.operator, i).repair.repeat_of
                   for i in (first, other_unit, within, later)}  # fmt: skip
        window = REPEAT_DAYS.get(s)
    assert window == 90
    # 80 days after the first repair of SN-9: a 返修; SN-10 came back after 124 days: not one.
    assert repeats == {first: "", other_unit: "", within: "SH-2026-0001", later: ""}


# --- feedback to the factory -------------------------------------------------------------------


def test_feedback_overdue_until_answered(context):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=START)
    advance(context, request_id, Status.PROCESSING, start=START)
    with context.session() as s:
        item = feedback.raise_feedback(s, context.operator, department="品质",
                                       problem="外壳批次开裂", request_id=request_id,
                                       at=datetime(2026, 11, 2, 15))  # fmt: skip
    with context.reader() as s:
        row = feedback.list_feedback(s, today=date(2026, 11, 9))[0]
        assert (row.number, row.reply_deadline, row.overdue) == (
            "FK-2026-0001",
            date(2026, 11, 9),
            False,
        )
        assert feedback.list_feedback(s, today=date(2026, 11, 10))[0].overdue
        assert feedback.list_feedback(s, overdue_only=True, today=date(2026, 11, 10))
    with context.session() as s:
        feedback.record_reply(s, context.operator, item, "已改模具", at=datetime(2026, 11, 11, 9))
    with context.reader() as s:
        row = feedback.list_feedback(s, today=date(2026, 11, 20))[0]
        detail = ledger.load_detail(s, context.operator, request_id)
    assert not row.overdue and row.state == "超期答复"
    assert [e.kind for e in detail.events][-2:] == ["反馈工厂", "工厂答复"]
    with context.session() as s, pytest.raises(UserError, match="已有答复"):
        feedback.record_reply(s, context.operator, item, "再答")


# --- the complaint link -------------------------------------------------------------------------


def test_a_complaint_settled_with_repair_opens_a_linked_request(context):
    customer = make_customer(context, "华达电子")
    complaint = register_complaint(context, customer, received_at=START)
    with context.session() as s, pytest.raises(ValidationError, match="转售后服务"):
        registration.register(s, context.operator, registration.RequestInput(
            customer_id=customer, fault="x", complaint_id=complaint))  # fmt: skip
    advance_complaint(context, complaint, complaint_lifecycle.Status.HANDLING, start=START)
    assert HANDLING.result == "换货"
    with context.session() as s:
        data = registration.input_from_complaint(s, complaint)
        request_id = registration.register(s, context.operator, data)
    with context.session() as s, pytest.raises(UserError, match="已转售后服务单 SH-2026-0001"):
        registration.register(s, context.operator, registration.input_from_complaint(s, complaint))
    with context.reader() as s:
        detail = ledger.load_detail(s, context.operator, request_id)
        linked = ledger.requests_for_complaint(s, complaint)
    assert detail.complaint_number == "TS-2026-0001"
    assert "外观划伤" in detail.fault
    assert linked == [(request_id, "SH-2026-0001", "登记")]


# --- attachments -----------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_attachments_are_stored_once_by_content_and_listed(context, data_dir, tmp_path):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=START)
    photo = tmp_path / "故障.png"
    photo.write_bytes(PNG)
    same = tmp_path / "copy.PNG"
    same.write_bytes(PNG)
    with context.session() as s:
        attachments.add(s, data_dir, context.operator, "service_request", request_id, photo)
        attachments.add(s, data_dir, context.operator, "service_request", request_id, same)
        attachments.add(s, data_dir, context.operator, "customer", customer, photo)
    with context.reader() as s:
        rows = attachments.list_for(s, data_dir, "service_request", request_id)
    assert [r.file_name for r in rows] == ["故障.png", "copy.PNG"]
    assert all(r.is_image and r.present for r in rows)
    assert rows[0].path == rows[1].path and rows[0].path.read_bytes() == PNG
    assert len(list((data_dir / "attachments").rglob("*.png"))) == 1


def test_unreadable_oversized_and_fake_images_are_refused_clearly(context, data_dir, tmp_path,
                                                                  monkeypatch):  # fmt: skip
    customer = make_customer(context, "华达电子")
    fake = tmp_path / "photo.jpg"
    fake.write_text("not a picture")
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF" + b"0" * 2048)
    monkeypatch.setattr(attachments, "MAX_BYTES", 1024)
    cases = {fake: "不是可以识别的图片", big: "超过了", tmp_path / "gone.png": "找不到文件",
             tmp_path: "是文件夹"}  # fmt: skip
    for path, message in cases.items():
        with context.session() as s, pytest.raises(UserError, match=message):
            attachments.add(s, data_dir, context.operator, "customer", customer, path)
    with context.session() as s, pytest.raises(UserError):
        attachments.add(s, data_dir, context.operator, "service_request", 999, fake)


def test_attachments_survive_editing_and_a_copied_data_folder(context, data_dir, tmp_path):
    """Editing a request never touches its attachments; a backup of the data folder (the
    database and attachments/) restores both."""
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=START)
    photo = tmp_path / "签字单.png"
    photo.write_bytes(PNG)
    with context.session() as s:
        attachments.add(s, data_dir, context.operator, "service_request", request_id, photo)
        data = registration.load_registration(s, request_id)
        data.fault = "更正后的故障描述"
        registration.update_registration(s, context.operator, request_id, data)
    with pytest.raises(UserError, match="附件只能追加"), context.session() as s:
        s.delete(s.scalar(select(Attachment)))
        s.flush()
    context.database.dispose()
    restored = tmp_path / "restored"
    shutil.copytree(data_dir, restored)
    database = open_database(restored)
    try:
        with database.reader() as s:
            rows = attachments.list_for(s, restored, "service_request", request_id)
        assert [r.file_name for r in rows] == ["签字单.png"]
        assert rows[0].present and rows[0].path.read_bytes() == PNG
        assert str(rows[0].path).startswith(str(restored))
    finally:
        database.dispose()


def test_printed_numbers_find_requests_and_feedback(context):
    from kehu_desktop.forms.sources.records import describe_record, find_record, record_to_open

    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=START)
    with context.session() as s:
        item = feedback.raise_feedback(s, context.operator, department="品质", problem="批次",
                                       request_id=request_id, at=START)  # fmt: skip
    with context.reader() as s:
        assert find_record(s, "service_request", "sh-2026-0001") == request_id
        assert find_record(s, "service_feedback", "FK-2026-0001") == item
        assert describe_record(s, "service_request", request_id) == "SH-2026-0001"
        assert record_to_open(s, "SH-2026-0001") == ("service_request", request_id)
        assert record_to_open(s, "FK-2026-0001") == ("service_request", request_id)
        with pytest.raises(UserError, match="SH-2026-0001"):
            find_record(s, "service_request", "SH-2026-0099")
