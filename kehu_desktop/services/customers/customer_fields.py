"""The fields of the customer file, declared once: label, part, kind, choices, rules.

The customer dialog, the list export and the printed 客户资料卡 are all built from this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kehu_desktop.services.customers import identifiers


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    MONEY = "money"
    AREA = "area"
    INTEGER = "integer"
    DATE = "date"
    STAFF = "staff"


class Part(StrEnum):
    BASIC = "基础资料"
    CREDIT = "信用资料"
    BUSINESS = "经营资料"
    SALES = "销售业绩"


MANAGEMENT_CLASSES = ("关键", "潜力", "常规", "临时")
NATURES = ("政府及非营利机构", "特殊公司", "普通公司", "交易伙伴及个人")
TRADE_STAGES = ("曾经", "正在", "潜在")
ABC_CLASSES = ("A", "B", "C")
CREDIT_RATINGS = ("AAA", "AA", "A", "B", "C")
SCALES = ("", "大型", "中型", "小型", "微型")
CATEGORIES = ("", "经销商", "代理商", "终端客户", "零售商", "OEM客户", "其他")
CONTACT_ROLES = ("", "决策人", "采购", "财务", "技术", "其他")
PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
    "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
    "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
)  # fmt: skip


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    part: Part | None
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 0
    check: Callable[[str], str | None] | None = None  # the message for a bad value, or None


CUSTOMER_FIELDS: tuple[FieldSpec, ...] = (
    # Left blank on a new file, the code is given on saving (see customer_files.save).
    FieldSpec("code", "客户编号", Part.BASIC, max_length=20),
    FieldSpec("name", "客户名称", Part.BASIC, required=True, max_length=100),
    FieldSpec("short_name", "简称", Part.BASIC, max_length=40),
    FieldSpec("management_class", "管理分类", Part.BASIC, Kind.CHOICE, True, MANAGEMENT_CLASSES),
    FieldSpec("nature", "性质", Part.BASIC, Kind.CHOICE, True, NATURES),
    FieldSpec("trade_stage", "交易阶段", Part.BASIC, Kind.CHOICE, True, TRADE_STAGES),
    FieldSpec("category", "类别", Part.BASIC, Kind.CHOICE, choices=CATEGORIES),
    FieldSpec("scale", "规模", Part.BASIC, Kind.CHOICE, choices=SCALES),
    FieldSpec("owner_id", "负责业务员", Part.BASIC, Kind.STAFF),
    FieldSpec("province", "省份", Part.BASIC, Kind.CHOICE, choices=("",) + PROVINCES),
    FieldSpec("city", "城市", Part.BASIC, max_length=20),
    FieldSpec("address", "地址", Part.BASIC, max_length=200),
    FieldSpec("postcode", "邮编", Part.BASIC, max_length=6, check=identifiers.check_postcode),
    FieldSpec("phone", "电话", Part.BASIC, max_length=40, check=identifiers.check_phone),
    FieldSpec("fax", "传真", Part.BASIC, max_length=40, check=identifiers.check_phone),
    FieldSpec("email", "电子邮箱", Part.BASIC, max_length=100, check=identifiers.check_email),
    FieldSpec(
        "credit_code",
        "统一社会信用代码",
        Part.BASIC,
        max_length=18,
        check=identifiers.check_credit_code,
    ),
    FieldSpec("tax_no", "税号", Part.BASIC, max_length=20),
    FieldSpec("bank_name", "开户行", Part.BASIC, max_length=100),
    FieldSpec("bank_account", "银行账号", Part.BASIC, max_length=40),
    FieldSpec("registered_capital", "注册资本（元）", Part.CREDIT, Kind.MONEY),
    FieldSpec("founded_on", "成立日期", Part.CREDIT, Kind.DATE),
    FieldSpec("contract_performance", "履约情况", Part.CREDIT, max_length=200),
    FieldSpec("payment_record", "付款情况", Part.CREDIT, max_length=200),
    FieldSpec(
        "credit_rating", "信用等级", Part.CREDIT, Kind.CHOICE, choices=("",) + CREDIT_RATINGS
    ),
    FieldSpec("credit_limit", "信用额度（元）", Part.CREDIT, Kind.MONEY),
    FieldSpec("credit_days", "信用期限（天）", Part.CREDIT, Kind.INTEGER),
    FieldSpec("outstanding_amount", "应收余额（元）", Part.CREDIT, Kind.MONEY),
    FieldSpec("sales_staff_count", "销售人员数量", Part.BUSINESS, Kind.INTEGER),
    FieldSpec("market_coverage", "市场覆盖范围", Part.BUSINESS, max_length=200),
    FieldSpec("business_area", "营业面积（㎡）", Part.BUSINESS, Kind.AREA),
    FieldSpec("storage_area", "仓储面积（㎡）", Part.BUSINESS, Kind.AREA),
    FieldSpec("transport_mode", "运输方式", Part.BUSINESS, max_length=40),
    FieldSpec("delivery_address", "送货地点", Part.BUSINESS, max_length=200),
    FieldSpec("visit_interval_days", "拜访周期（天，空=按分类）", Part.BUSINESS, Kind.INTEGER),
    FieldSpec("product_mix", "产品结构", Part.SALES, max_length=200),
    FieldSpec("notes", "备注", Part.BUSINESS, Kind.LONG_TEXT),
)

FIELDS_BY_NAME = {f.name: f for f in CUSTOMER_FIELDS}


CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "姓名", None, required=True, max_length=40),
    FieldSpec("title", "职务", None, max_length=40),
    FieldSpec("role", "角色", None, Kind.CHOICE, choices=CONTACT_ROLES),
    FieldSpec("mobile", "手机", None, max_length=40, check=identifiers.check_mobile),
    FieldSpec("phone", "电话", None, max_length=40, check=identifiers.check_phone),
    FieldSpec("email", "邮箱", None, max_length=100, check=identifiers.check_email),
    FieldSpec("wechat", "微信", None, max_length=40),
    FieldSpec("birthday", "生日", None, Kind.DATE),
    FieldSpec("notes", "备注", None, max_length=200),
)
