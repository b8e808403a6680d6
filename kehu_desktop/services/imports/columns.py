"""Which column holds what: the fields each import fills, the names sheets give them, finding
the header row, and the mapping a user confirmed, remembered per layout.

A mapping is one field key per column ("" = not imported). Contacts are ``contact.mobile``
(one contact per row, a customer repeated on several rows) or ``contact.2.mobile``
(联系人2/手机2: several contacts in one row).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kehu_desktop.services.common.settings import SettingSpec
from kehu_desktop.services.customers.customer_fields import CUSTOMER_FIELDS
from kehu_desktop.services.imports import cells

HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False


def _customer_fields() -> tuple[FieldDef, ...]:
    extra = {
        "code": ("编号", "客户代码", "客户编码"),
        "name": ("公司名称", "单位名称", "客户全称", "企业名称", "名称", "客户"),
        "short_name": ("客户简称", "简称"),
        "phone": ("电话", "座机", "固话", "公司电话", "办公电话", "联系电话"),
        "email": ("邮箱", "电子邮件", "e-mail", "email", "公司邮箱"),
        "address": ("详细地址", "公司地址", "通讯地址", "地址"),
        "province": ("省", "省份", "所在省份"),
        "city": ("市", "城市", "所在城市"),
        "credit_code": ("统一社会信用代码", "信用代码", "税号", "纳税人识别号", "社会信用代码"),
        "category": ("客户类别", "客户类型", "类别"),
        "notes": ("备注", "说明"),
        "fax": ("传真",),
    }
    skipped = {"owner_id", "tax_no"}
    fields = [
        FieldDef(f.name, f.label, (f.label, *extra.get(f.name, ())), f.name in ("name",))
        for f in CUSTOMER_FIELDS
        if f.name not in skipped
    ]
    fields += [
        FieldDef("owner", "负责业务员", ("负责业务员", "业务员", "负责人", "跟进人", "销售员")),
        FieldDef("region", "所在地区（省市）", ("所在地区", "地区", "区域", "省市", "所在地")),
        FieldDef("grade", "客户等级", ("客户等级", "等级")),
        FieldDef("archived", "已归档", ("已归档",)),
    ]
    fields += [FieldDef(f"contact.{k}", label, aliases) for k, label, aliases in CONTACT_PARTS]
    return tuple(fields)


CONTACT_PARTS = (
    ("name", "联系人", ("联系人", "姓名", "联系人姓名", "主要联系人")),
    ("title", "联系人职务", ("职务", "职位", "联系人职务")),
    ("role", "联系人角色", ("角色", "联系人角色")),
    ("mobile", "联系人手机", ("手机", "移动电话", "手机号", "手机号码", "联系人手机")),
    ("phone", "联系人电话", ("联系人电话", "联系人座机")),
    ("email", "联系人邮箱", ("联系人邮箱",)),
    ("wechat", "微信", ("微信", "微信号")),
    ("birthday", "联系人生日", ("生日", "联系人生日")),
)

VISIT_FIELDS = (
    FieldDef("customer_code", "客户编号", ("客户编号", "编号", "客户代码")),
    FieldDef("customer", "客户", ("客户", "客户名称", "公司名称", "单位名称"), True),
    FieldDef("visited_at", "拜访时间", ("拜访时间", "拜访日期", "日期", "时间", "访问日期"), True),
    FieldDef("staff", "业务员", ("业务员", "拜访人", "拜访人员", "负责人", "跟进人"), True),
    FieldDef("method", "方式", ("方式", "拜访方式", "联系方式")),
    FieldDef("purpose", "目的", ("目的", "拜访目的")),
    FieldDef("contacts_met", "接待/会见人员", ("接待/会见人员", "会见人员", "接待人", "联系人")),
    FieldDef("discussion", "交谈内容", ("交谈内容", "沟通内容", "拜访内容", "内容")),
    FieldDef("requests", "客户要求与意见", ("客户要求与意见", "客户要求", "客户意见")),
    FieldDef("result", "结果", ("结果", "拜访结果")),
    FieldDef("next_visit_date", "下次拜访日期", ("下次拜访日期", "下次拜访")),
)


def computed(*headers: str) -> tuple[FieldDef, ...]:
    """Columns a desk's own export holds that the desk works out itself: recognised by their
    header, shown as not imported, never an error (see ``imported``)."""
    return tuple(FieldDef(f"~{h}", f"{h}（计算得出，不导入）", (h,)) for h in headers)


def _case_opening(number: FieldDef, word: str) -> tuple[FieldDef, ...]:
    """The fields a case (a complaint, a service request) is opened with; ``word`` is what
    the desk's sheets call the customer's call (投诉, 报修): 投诉日期, 报修人 …"""
    return (
        number,
        FieldDef(
            "received_at", "受理时间", ("受理时间", f"{word}日期", f"{word}时间", "日期"), True
        ),
        FieldDef("customer_code", "客户编号", ("客户编号", "客户代码")),
        FieldDef("customer", "客户", ("客户", "客户名称", "公司名称", f"{word}客户"), True),
        FieldDef("channel", "受理渠道", ("受理渠道", "渠道", f"{word}渠道")),
        FieldDef("contact_name", "联系人", ("联系人", f"{word}人")),
        FieldDef("contact_phone", "联系电话", ("联系电话", "电话", "手机")),
    )


COMPLAINT_FIELDS = (
    *_case_opening(FieldDef("number", "投诉编号", ("投诉编号", "编号", "投诉单号")), "投诉"),
    FieldDef("product", "产品", ("产品", "产品名称")),
    FieldDef("batch_no", "批号", ("批号", "生产批号")),
    FieldDef("order_no", "订单号", ("订单号", "订单编号")),
    FieldDef("category", "类别", ("类别", "投诉类别")),
    FieldDef("severity", "严重程度", ("严重程度", "等级")),
    FieldDef("description", "投诉内容", ("投诉内容", "内容", "问题描述", "投诉事项")),
    FieldDef("demand", "客户要求", ("客户要求", "客户诉求")),
    FieldDef("first_responsible", "首问责任人", ("首问责任人", "受理人", "首问人"), True),
    FieldDef("handler", "当前处理人", ("当前处理人", "处理人")),
    FieldDef("deadline", "答复期限", ("答复期限", "处理期限")),
    FieldDef("status", "状态", ("状态", "处理状态")),
    FieldDef("department", "责任部门", ("责任部门", "处理部门")),
    FieldDef("cause", "原因分析", ("原因分析", "原因")),
    FieldDef("measures", "处理措施", ("处理措施", "措施")),
    FieldDef("result", "处理结果", ("处理结果",)),
    FieldDef("claim_amount", "索赔金额", ("索赔金额", "赔偿金额")),
    FieldDef("reply", "答复内容", ("答复内容", "答复")),
    FieldDef("satisfaction", "满意度", ("满意度", "回访满意度", "客户满意度")),
    FieldDef("closed_at", "结案日期", ("结案日期", "结案时间")),
    # The ledger's flags, worked out by the desk.
    *computed("已超期", "待主管确认", "升级确认期限", "升级超期未确认"),
)

SERVICE_REQUEST_FIELDS = (
    *_case_opening(
        FieldDef("number", "服务单号", ("服务单号", "编号", "单号", "服务单编号")), "报修"
    ),
    FieldDef("product", "产品", ("产品", "产品名称", "产品型号", "机型")),
    FieldDef("serial_no", "序列号/批号", ("序列号/批号", "序列号", "批号", "机身号")),
    FieldDef("purchased_on", "购买日期", ("购买日期", "购机日期")),
    FieldDef("fault", "故障描述", ("故障描述", "故障现象", "问题描述", "故障"), True),
    FieldDef("demand", "客户要求", ("客户要求", "客户诉求")),
    FieldDef("urgency", "紧急程度", ("紧急程度", "紧急", "等级")),
    FieldDef("status", "状态", ("状态", "处理状态")),
    FieldDef("first_responsible", "首问责任人", ("首问责任人", "受理人", "首问人"), True),
    FieldDef("engineer", "工程师", ("工程师", "维修工程师", "维修人员", "服务工程师")),
    FieldDef("planned_date", "计划日期", ("计划日期", "预约日期", "计划上门日期")),
    FieldDef("deadline", "解决期限", ("解决期限", "处理期限")),
    FieldDef("closed_at", "结案日期", ("结案日期", "结案时间")),
    # Worked out by the desk (the warranty from the purchase date).
    *computed("保修", "已超期"),
)

KEY_ACCOUNT_FIELDS = (
    FieldDef("customer_code", "客户编号", ("客户编号", "客户代码", "编号")),
    FieldDef("customer", "客户", ("客户名称", "客户", "公司名称", "单位名称"), True),
    FieldDef("level", "级别", ("级别", "大客户级别", "客户级别", "等级"), True),
    FieldDef("manager", "客户经理", ("客户经理", "负责人", "业务员"), True),
    FieldDef("visit_interval_days", "拜访周期（天）", ("拜访周期（天）", "拜访周期")),
    FieldDef("designated_on", "设定日期", ("设定日期", "设为大客户日期")),
    # The list's computed columns (and the customer's credit, imported with the customers).
    *computed(
        "最近拜访",
        "下次应访",
        "最近满意度",
        "未完成对策",
        "逾期对策",
        "信用等级",
        "信用额度",
        "应收余额",
        "信用状态",
    ),  # fmt: skip
)

KINDS = {"customers": "客户资料", "visits": "拜访记录", "complaints": "投诉台账",
         "service-requests": "售后服务单", "key-accounts": "大客户名单"}  # fmt: skip


def fields_for(kind: str) -> tuple[FieldDef, ...]:
    return {
        "customers": _customer_fields(),
        "visits": VISIT_FIELDS,
        "complaints": COMPLAINT_FIELDS,
        "service-requests": SERVICE_REQUEST_FIELDS,
        "key-accounts": KEY_ACCOUNT_FIELDS,
    }[kind]


def imported(key: str) -> bool:
    """Whether a column mapped to ``key`` is read: not "" (unknown) nor "~…" (a column the
    desk works out itself, recognised in its own exports and left alone)."""
    return bool(key) and not key.startswith("~")


def field_label(kind: str, key: str) -> str:
    """``contact.2.mobile`` → ``联系人手机2``."""
    if not key:
        return "（不导入）"
    match = re.fullmatch(r"contact\.(\d+)\.(\w+)", key)
    if match:
        return field_label(kind, f"contact.{match.group(2)}") + match.group(1)
    for field in fields_for(kind):
        if field.key == key:
            return field.label
    return key


def choices_for(kind: str, columns: int) -> list[tuple[str, str]]:
    """(key, label) of every field a column can be mapped to, for the mapping editor."""
    result = [("", "（不导入）")]
    result += [(f.key, f.label) for f in fields_for(kind) if imported(f.key)]
    if kind == "customers":
        for n in range(1, max(2, columns // 2) + 1):
            result += [(f"contact.{n}.{k}", f"{label}{n}") for k, label, _a in CONTACT_PARTS]
    return result


def normalize_header(value: object) -> str:
    header = unicodedata.normalize("NFKC", cells.text(value)).lower()
    header = re.sub(r"\(必填\)|\(选填\)|[*\s:：]", "", header)
    return re.sub(r"\([^)]*\)$", "", header)


def _alias_index(kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for field in fields_for(kind):
        for alias in field.aliases:
            index.setdefault(normalize_header(alias), field.key)
    return index


def recognise(kind: str, header: Sequence[object]) -> list[str]:
    """The field each header names, by the usual Chinese names; "" for unknown columns."""
    index = _alias_index(kind)
    contact_parts = {
        normalize_header(alias): key for key, _l, aliases in CONTACT_PARTS for alias in aliases
    }
    mapping: list[str] = []
    used: set[str] = set()
    for cell in header:
        name = normalize_header(cell)
        key = index.get(name, "")
        numbered = re.fullmatch(r"(.+?)(\d{1,2})", name)
        if kind == "customers" and numbered and numbered.group(1) in contact_parts:
            key = f"contact.{int(numbered.group(2))}.{contact_parts[numbered.group(1)]}"
        if key in used:
            key = ""  # the first column of a name wins; later ones are left to the user
        used.add(key)
        mapping.append(key)
    return mapping


def find_header(kind: str, rows: Sequence[Sequence[object]]) -> int:
    """The index of the header row: of the first rows, the one naming the most known
    fields (a title row and a 制表日期 row above it are passed over)."""
    best, best_count = 0, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = sum(1 for key in recognise(kind, row) if key)
        if count > best_count:
            best, best_count = index, count
    return best


def layout_key(kind: str, header: Sequence[object]) -> str:
    """Files with the same header row share a layout, and so a remembered mapping."""
    names = "\x1f".join(normalize_header(h) for h in header)
    return hashlib.sha1(f"{kind}\x1e{names}".encode()).hexdigest()[:16]


def _memory(kind: str, header: Sequence[object]) -> SettingSpec[list[str]]:
    return SettingSpec(f"import.mapping.{layout_key(kind, header)}", [])


def remembered(session: Session, kind: str, header: Sequence[object]) -> list[str] | None:
    saved = _memory(kind, header).get(session)
    return saved if saved and len(saved) == len(header) else None


def remember(session: Session, kind: str, header: Sequence[object], mapping: list[str]) -> None:
    _memory(kind, header).put(session, list(mapping))


def mapping_for(session: Session, kind: str, header: Sequence[object]) -> list[str]:
    """The mapping confirmed last time for this layout, else the recognised one."""
    return remembered(session, kind, header) or recognise(kind, header)
