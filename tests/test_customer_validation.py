"""Each rule of the customer file rejects what it should and accepts what it should."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kehu_desktop.services.common.errors import ValidationError
from kehu_desktop.services.customers import customer_files, identifiers
from tests.helpers.customers import make_customer


def _errors(context, contacts=None, sales=None, **values) -> dict[str, str]:
    with context.session() as session:
        data = customer_files.new_input(session)
        data.values.update(values)
        data.contacts = contacts or []
        data.sales = sales or []
        try:
            customer_files.validate(session, data)
        except ValidationError as error:
            return error.errors
    return {}


def test_name_is_required(context):
    assert _errors(context, name="")["name"] == "请填写客户名称。"
    assert "name" not in _errors(context, name="深圳华达电子有限公司")


def test_code_is_unique_and_required_once_given(context):
    customer_id = make_customer(context, "北京华达电子有限公司", code="KH000001")
    assert "已被其他客户使用" in _errors(context, name="甲", code="kh000001")["code"]
    assert "code" not in _errors(context, name="甲", code="KH000002")
    assert "code" not in _errors(context, name="甲", code="")  # a new file: given on saving
    with context.session() as session:
        data = customer_files.load_input(session, customer_id)
        data.values["code"] = ""
        with pytest.raises(ValidationError) as error:
            customer_files.save(session, data)
    assert error.value.errors["code"] == "请填写客户编号。"


def test_generated_codes_follow_on_and_skip_codes_typed_by_hand(context):
    make_customer(context, "甲公司", code="KH000002")
    ids = [make_customer(context, name) for name in ("乙公司", "丙公司")]
    with context.reader() as session:
        codes = [customer_files.load_input(session, i).values["code"] for i in ids]
    assert codes == ["KH000001", "KH000003"]


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("91350100M000100Y43", True),
        ("91350100m000100y43", True),  # lower case is accepted and stored upper case
        ("91350100M000100Y44", False),  # wrong check character
        ("91350100M000100Y4", False),  # 17 characters
        ("91350100M000100I43", False),  # I is not used
        ("110108000000016", True),  # old 15-digit registration number, check digit 6
        ("110108000000017", False),
        ("", True),
        ("9135 0100 M000 100Y 43", True),  # pasted with spaces
    ],
)
def test_credit_code(context, code, ok):
    assert ("credit_code" not in _errors(context, name="甲", credit_code=code)) is ok


def test_credit_code_check_character_is_computed_per_gb32100():
    assert identifiers.uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("010-62345678", True),
        ("0755-88888888-801", True),
        ("(021)62345678", True),
        ("62345678", True),
        ("400-810-8888", True),
        ("(0755)8888-8888", True),
        ("0755-88888888转801", True),
        ("１３８００１３８０００", True),  # full-width digits from the IME
        ("138 0013 8000", True),
        ("12345", False),
        ("abc", False),
    ],
)
def test_landline_format(context, phone, ok):
    assert ("phone" not in _errors(context, name="甲", phone=phone)) is ok


@pytest.mark.parametrize(
    ("mobile", "ok"),
    [("13800138000", True), ("138-0013-8000", True), ("+8613800138000", True),
     ("12800138000", False), ("1380013800", False)],
)  # fmt: skip
def test_contact_mobile_format(context, mobile, ok):
    errors = _errors(context, name="甲", contacts=[{"name": "张三", "mobile": mobile}])
    assert ("contact.0.mobile" not in errors) is ok
    if not ok:
        assert errors["contact.0.mobile"].startswith("联系人第 1 行：")


@pytest.mark.parametrize(
    ("email", "ok"),
    [("sales@example.com.cn", True), ("a.b+c@x.io", True), ("sales@", False), ("a b@x.cn", False)],
)
def test_email_format(context, email, ok):
    assert ("email" not in _errors(context, name="甲", email=email)) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("50000", True), ("1,234.50", True), ("-1", False), ("12.345", False), ("abc", False)],
)
def test_money_is_non_negative_with_fen(context, value, ok):
    assert ("credit_limit" not in _errors(context, name="甲", credit_limit=value)) is ok


def test_dates_must_be_real_and_not_in_the_future(context):
    assert "founded_on" in _errors(context, name="甲", founded_on="2023-02-30")
    assert "founded_on" in _errors(context, name="甲", founded_on="1850-01-01")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert "founded_on" in _errors(context, name="甲", founded_on=tomorrow)
    assert "founded_on" not in _errors(context, name="甲", founded_on="2010年8月8日")


def test_contact_needs_a_name_and_blank_rows_are_ignored(context):
    errors = _errors(
        context, name="甲", contacts=[{"name": "", "mobile": "13800138000"}, {"name": ""}]
    )
    assert errors == {"contact.0.name": "联系人第 1 行：请填写姓名。"}


def test_sales_months_must_be_valid_and_unique(context):
    sales = [{"month": "2026-10", "amount": "100"}, {"month": "2026年10月", "amount": "5"}]
    assert "重复" in _errors(context, name="甲", sales=sales)["sales.1.month"]
    assert "sales.0.month" in _errors(
        context, name="甲", sales=[{"month": "2026-13", "amount": "1"}]
    )


def test_every_problem_is_reported_at_once_and_nothing_is_saved(context):
    with context.session() as session:
        data = customer_files.new_input(session)
        data.values.update(name="", email="bad", phone="x")
        with pytest.raises(ValidationError) as raised:
            customer_files.save(session, data)
    assert set(raised.value.errors) == {"name", "email", "phone"}
    with context.reader() as session:
        assert customer_files.count(session, include_archived=True) == 0


def test_money_and_numbers_too_large_are_refused(context):
    for value in ("1e400", "99999999999999999999"):
        assert "金额过大" in _errors(context, name="甲", credit_limit=value)["credit_limit"]
    errors = _errors(context, name="甲", credit_days="99999999999999999999")
    assert errors["credit_days"] == "信用期限（天）：数值过大，请核对。"


def test_messages_name_the_field(context):
    assert _errors(context, name="甲", fax="12345")["fax"].startswith("传真：")


def test_long_text_is_reported_not_cut(context):
    errors = _errors(context, name="华" * 120)
    assert errors["name"] == "客户名称最多 100 个字（现有 120 个）。"
