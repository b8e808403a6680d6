"""下载导入模板: an .xlsx per kind with the column names, an example row and drop-down lists.

The lists (choices, staff names, products, provinces) sit on a hidden sheet the drop-downs
refer to, so a long list is not cut at Excel's 255-character limit. The example row starts
with “示例”, which the import skips.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Product, Staff
from kehu_desktop.services.complaints.choices import CATEGORIES, CHANNELS, SEVERITIES
from kehu_desktop.services.complaints.lifecycle import STATUSES
from kehu_desktop.services.customers.customer_fields import (
    CATEGORIES as CUSTOMER_CATEGORIES,
)
from kehu_desktop.services.customers.customer_fields import (
    CONTACT_ROLES,
    CREDIT_RATINGS,
    MANAGEMENT_CLASSES,
    NATURES,
    PROVINCES,
    SCALES,
    TRADE_STAGES,
)
from kehu_desktop.services.key_accounts.designation import LEVELS
from kehu_desktop.services.service_desk import choices as service_choices
from kehu_desktop.services.service_desk.lifecycle import STATUS_LABELS as SERVICE_STATUSES
from kehu_desktop.services.visits.visit_plans import METHODS, PURPOSES

EXAMPLE_MARK = "示例"
# Lists read from the store when the template is made.
STAFF = "staff"
PRODUCTS = "products"

# (header, example, choices or STAFF/PRODUCTS or None)
TEMPLATES: dict[str, tuple[tuple[str, str, Sequence[str] | None], ...]] = {
    "customers": (
        ("客户编号", "示例 KH900001", None),
        ("客户名称", "深圳市华达电子有限公司", None),
        ("简称", "华达电子", None),
        ("管理分类", "常规", MANAGEMENT_CLASSES),
        ("性质", "普通公司", NATURES),
        ("交易阶段", "正在", TRADE_STAGES),
        ("类别", "经销商", tuple(c for c in CUSTOMER_CATEGORIES if c)),
        ("规模", "中型", tuple(c for c in SCALES if c)),
        ("负责业务员", "", STAFF),
        ("省份", "广东", PROVINCES),
        ("城市", "深圳", None),
        ("地址", "深圳市南山区科技园路 1 号", None),
        ("邮编", "518057", None),
        ("电话", "0755-88889999", None),
        ("电子邮箱", "sales@huada.example.cn", None),
        ("统一社会信用代码", "91440300MA5FUKR756", None),
        ("信用等级", "AA", CREDIT_RATINGS),
        ("信用额度（元）", "200000", None),
        ("信用期限（天）", "60", None),
        ("联系人", "张三", None),
        ("联系人职务", "采购经理", None),
        ("联系人角色", "采购", tuple(r for r in CONTACT_ROLES if r)),
        ("联系人手机", "13812345678", None),
        ("备注", "", None),
    ),
    "visits": (
        ("客户编号", "示例 KH900001", None),
        ("客户", "深圳市华达电子有限公司", None),
        ("拜访时间", "2026-11-03 14:30", None),
        ("业务员", "", STAFF),
        ("方式", "上门", METHODS),
        ("目的", "例行", PURPOSES),
        ("接待/会见人员", "张三", None),
        ("交谈内容", "介绍新品", None),
        ("客户要求与意见", "希望缩短交期", None),
        ("结果", "同意试单", None),
        ("下次拜访日期", "2026-12-03", None),
    ),
    "complaints": (
        ("投诉编号", "示例 TS-2025-0001", None),
        ("受理时间", "2025-06-01 10:00", None),
        ("客户编号", "KH900001", None),
        ("客户", "深圳市华达电子有限公司", None),
        ("受理渠道", "电话", CHANNELS),
        ("联系人", "张三", None),
        ("联系电话", "13812345678", None),
        ("产品", "电源适配器", None),
        ("类别", "产品质量", CATEGORIES),
        ("严重程度", "一般", SEVERITIES),
        ("投诉内容", "一批货外壳开裂", None),
        ("客户要求", "换货", None),
        ("首问责任人", "", STAFF),
        ("状态", "结案", STATUSES),
        ("结案日期", "2025-06-10", None),
    ),
    "service-requests": (
        ("服务单号", "示例 SH-2025-0001", None),
        ("受理时间", "2025-06-01 10:00", None),
        ("客户编号", "KH900001", None),
        ("客户", "深圳市华达电子有限公司", None),
        ("受理渠道", "电话", service_choices.CHANNELS),
        ("联系人", "张三", None),
        ("联系电话", "13812345678", None),
        ("产品", "", PRODUCTS),
        ("序列号/批号", "SN20250101", None),
        ("购买日期", "2024-12-01", None),
        ("故障描述", "开机无显示", None),
        ("客户要求", "上门维修", None),
        ("紧急程度", "一般", tuple(service_choices.URGENCIES.values())),
        ("状态", "结案", tuple(SERVICE_STATUSES.values())),
        ("首问责任人", "", STAFF),
        ("工程师", "", STAFF),
        ("计划日期", "2025-06-03", None),
        ("结案日期", "2025-06-05", None),
    ),
    "key-accounts": (
        ("客户编号", "示例 KH900001", None),
        ("客户名称", "深圳市华达电子有限公司", None),
        ("级别", "重点", LEVELS),
        ("客户经理", "", STAFF),
        ("拜访周期（天）", "30", None),
        ("设定日期", "2025-01-01", None),
    ),
}
TITLES = {"customers": "客户资料", "visits": "拜访记录", "complaints": "投诉台账",
          "service-requests": "售后服务单", "key-accounts": "大客户名单"}  # fmt: skip


def write_template(session: Session, kind: str, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lists_from_store = {
        STAFF: list(session.scalars(select(Staff.name).where(Staff.active).order_by(Staff.id))),
        PRODUCTS: [
            f"{name} {model}".strip()
            for name, model in session.execute(
                select(Product.name, Product.model).where(Product.active).order_by(Product.code)
            )
        ],
    }
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = TITLES[kind]
    lists = workbook.create_sheet("选项")
    lists.sheet_state = "hidden"
    columns = TEMPLATES[kind]
    sheet.append([header for header, _e, _c in columns])
    example = [value for _h, value, _c in columns]
    for index, (_h, _v, choices) in enumerate(columns):
        if isinstance(choices, str) and lists_from_store[choices]:
            example[index] = lists_from_store[choices][0]
    sheet.append(example)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    grey = Font(italic=True, color="808080")
    for column, (header, _e, choices) in enumerate(columns, start=1):
        letter = get_column_letter(column)
        sheet[f"{letter}1"].font, sheet[f"{letter}1"].fill = bold, fill
        sheet[f"{letter}2"].font = grey
        sheet[f"{letter}2"].data_type = "s"  # text as typed, never a formula
        sheet.column_dimensions[letter].width = max(12, len(header) * 2 + 4)
        values = lists_from_store[choices] if isinstance(choices, str) else choices
        if not values:
            continue
        for row, value in enumerate(values, start=1):
            lists.cell(row=row, column=column, value=value)
        validation = DataValidation(
            type="list",
            formula1=f"=选项!${letter}$1:${letter}${len(values)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请从列表中选择",
            error=f"{header}请从下拉列表中选择。",
        )
        validation.add(f"{letter}2:{letter}5000")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    workbook.save(path)
