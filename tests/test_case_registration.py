"""The registration checks both case desks share (services/common/case_registration.py): the
same rules, each desk's own words for the customer, and the messages in the form's order."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.complaints import registration as complaint_registration
from kehu_desktop.services.complaints.registration import RegistrationInput
from kehu_desktop.services.service_desk import registration as service_registration
from kehu_desktop.services.service_desk.registration import RequestInput
from tests.helpers import complaints, service_desk
from tests.helpers.customers import make_customer

TOMORROW = datetime.now() + timedelta(days=1)


def _errors(context, register, data) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused, context.session() as session:
        register(session, context.operator, data)
    return refused.value.errors


def test_a_complaint_with_everything_wrong_is_told_field_by_field_in_form_order(context):
    data = RegistrationInput(
        customer_id=None, channel="信鸽", category="其他?", description=" ", received_at=TOMORROW,
        first_responsible_id=987654,
    )  # fmt: skip
    errors = _errors(context, complaint_registration.register, data)
    assert list(errors) == ["customer_id", "channel", "category", "description", "received_at",
                            "first_responsible_id"]  # fmt: skip
    assert errors["customer_id"] == "请选择投诉的客户。"
    assert errors["channel"].startswith("受理渠道应为 电话/")
    assert errors["received_at"] == "受理时间不能晚于现在。"
    assert errors["first_responsible_id"] == "请选择在职的首问责任人。"


def test_a_service_request_with_everything_wrong_is_told_field_by_field_in_form_order(context):
    data = RequestInput(
        customer_id=None, channel="信鸽", urgency="someday", fault="", received_at=TOMORROW,
        first_responsible_id=987654, complaint_id=987654,
    )  # fmt: skip
    errors = _errors(context, service_registration.register, data)
    assert list(errors) == ["customer_id", "channel", "urgency", "fault", "received_at",
                            "first_responsible_id", "complaint_id"]  # fmt: skip
    assert errors["customer_id"] == "请选择客户。"
    assert errors["channel"].startswith("受理渠道应为 电话/")
    assert errors["received_at"] == "受理时间不能晚于现在。"
    assert errors["first_responsible_id"] == "请选择在职的首问责任人。"


def test_a_valid_registration_of_each_desk_is_saved(context):
    customer = make_customer(context, "北京华达电子有限公司")
    received = datetime.now().replace(microsecond=0) - timedelta(hours=2)
    assert complaints.register(context, customer, received_at=received)
    assert service_desk.register(context, customer, received_at=received)


@pytest.mark.parametrize("desk", ["complaint", "service"])
def test_a_correction_keeps_the_received_time_and_first_responsible(context, agent, desk):
    customer = make_customer(context, "北京华达电子有限公司")
    module = complaint_registration if desk == "complaint" else service_registration
    helper = complaints if desk == "complaint" else service_desk
    case_id = helper.register(context, customer)
    with context.session() as session:
        loaded = module.load_registration(session, case_id)
    earlier = loaded.received_at - timedelta(days=1)
    for changed, refusal in (
        (replace(loaded, received_at=earlier), "受理时间登记后不能更改。"),
        (replace(loaded, first_responsible_id=agent.id), "首问责任人登记后不能更改"),
    ):
        with pytest.raises(UserError, match=refusal), context.session() as session:
            module.update_registration(session, context.operator, case_id, changed)
