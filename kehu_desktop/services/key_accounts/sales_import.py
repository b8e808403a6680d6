"""Importing monthly sales: every bad row reported, never half-imported.

The file is read as the other imports read theirs (.xlsx, .xls or .csv in UTF-8 or GBK).

The sheet's first non-blank row names the columns: 客户编号 and/or 客户名称, 月份, 销售金额,
销售数量 (a few common variants are recognised). Reading checks every row and lists each bad
one with its row number and reason, and lists the rows that will replace a month's figures already
recorded; ``apply_import`` writes in the caller's single transaction and
refuses while any row is bad unless told to import only the good rows. A customer's existing
figure for a month is replaced by the imported one. ABC classes are recomputed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Customer, SalesRecord
from kehu_desktop.services.common import audit
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.excel_export import write_table
from kehu_desktop.services.common.parsing import parse_money, parse_month, parse_quantity
from kehu_desktop.services.imports import reader
from kehu_desktop.services.key_accounts import abc_classes

HEADERS = {
    "code": ("客户编号", "编号", "客户代码"),
    "name": ("客户名称", "客户", "名称"),
    "month": ("月份", "销售月份", "年月"),
    "amount": ("销售金额", "金额", "销售额", "销售金额（元）", "销售金额(元)"),
    "quantity": ("销售数量", "数量"),
}
TEMPLATE_HEADERS = ("客户编号", "客户名称", "月份", "销售金额", "销售数量")


@dataclass(frozen=True)
class SalesRow:
    row: int
    customer_id: int
    customer: str
    month: date
    amount: Decimal
    quantity: Decimal


@dataclass(frozen=True)
class BadRow:
    row: int
    reason: str


@dataclass(frozen=True)
class ReplacedRow:
    """A good row whose customer already has figures for that month: importing replaces them."""

    row: int
    customer: str
    month: date
    old_amount: Decimal
    new_amount: Decimal


@dataclass
class SalesImportPlan:
    """What a file holds: the good rows ready to write, the bad ones with their reasons, and
    which good rows will replace figures already recorded (so the user can decide first)."""

    path: Path
    good: list[SalesRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    replacing: list[ReplacedRow] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return len(self.good) + len(self.bad)

    def describe(self) -> str:
        text = f"共 {self.total_rows:,} 行：正确 {len(self.good):,} 行"
        if self.replacing:
            text += f"（其中 {len(self.replacing):,} 行将替换已有的销售数据）"
        return f"{text}，错误 {len(self.bad):,} 行"


@dataclass(frozen=True)
class SalesImportResult:
    added: int
    replaced: int
    skipped: int
    abc: abc_classes.AbcResult

    def describe(self) -> str:
        text = f"新增 {self.added:,} 条，更新 {self.replaced:,} 条销售记录"
        if self.skipped:
            text += f"，跳过错误行 {self.skipped:,} 行"
        return f"{text}。ABC 分类已重新计算：{self.abc.describe()}"


def _header_map(cells: tuple[object, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = str(cell or "").strip().replace(" ", "")
        for key, names in HEADERS.items():
            if text in names and key not in found:
                found[key] = index
    if "month" not in found or "amount" not in found:
        raise UserError("第 1 行应为列名，至少包括“月份”和“销售金额”两列。")
    if "code" not in found and "name" not in found:
        raise UserError("第 1 行应包括“客户编号”或“客户名称”列。")
    return found


# A customer as a row names it: (id, name).
CustomerRef = tuple[int, str]


def _customer_index(
    session: Session,
) -> tuple[dict[str, CustomerRef], dict[str, list[CustomerRef]]]:
    by_code: dict[str, CustomerRef] = {}
    by_name: dict[str, list[CustomerRef]] = {}
    for customer_id, code, name in session.execute(
        select(Customer.id, Customer.code, Customer.name)
    ):
        by_code[code.upper()] = (customer_id, name)
        by_name.setdefault(name, []).append((customer_id, name))
    return by_code, by_name


def read_sales_file(
    session: Session, path: Path, progress: Callable[[int, int], None] | None = None
) -> SalesImportPlan:
    """Read and check every row of the first sheet; nothing is written."""
    path = Path(path)
    rows = reader.read_sheet(path).rows  # .xlsx, .xls or .csv, as the other imports read
    header = next((i for i, row in enumerate(rows) if any(c not in (None, "") for c in row)), None)
    if header is None:
        raise UserError("文件是空的。")
    columns = _header_map(tuple(rows[header]))
    by_code, by_name = _customer_index(session)
    plan = SalesImportPlan(path)
    seen: dict[tuple[int, date], int] = {}
    for number, cells in enumerate(rows[header + 1 :], start=header + 2):
        if not any(c not in (None, "") for c in cells):
            continue
        _check_row(plan, number, tuple(cells), columns, by_code, by_name, seen)
        if progress and number % 1000 == 0:
            progress(number, len(rows))
    existing = _existing_records(session, plan.good)
    plan.replacing = [
        ReplacedRow(row.row, row.customer, row.month, record.amount, row.amount)
        for row in plan.good
        if (record := existing.get((row.customer_id, row.month))) is not None
    ]
    return plan


def _existing_records(
    session: Session, rows: list[SalesRow]
) -> dict[tuple[int, date], SalesRecord]:
    """The recorded sales the rows would replace, by (customer id, month)."""
    customer_ids = sorted({row.customer_id for row in rows})
    months = {row.month for row in rows}
    existing: dict[tuple[int, date], SalesRecord] = {}
    for start in range(0, len(customer_ids), 900):
        chunk = customer_ids[start : start + 900]
        query = select(SalesRecord).where(
            SalesRecord.customer_id.in_(chunk), SalesRecord.month.in_(months)
        )
        for record in session.scalars(query):
            existing[(record.customer_id, record.month)] = record
    return existing


def _cell(cells: tuple[object, ...], columns: dict[str, int], key: str) -> object:
    index = columns.get(key)
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    return value.strip() if isinstance(value, str) else value


def _check_row(
    plan: SalesImportPlan,
    number: int,
    cells: tuple[object, ...],
    columns: dict[str, int],
    by_code: dict[str, CustomerRef],
    by_name: dict[str, list[CustomerRef]],
    seen: dict[tuple[int, date], int],
) -> None:
    code = str(_cell(cells, columns, "code") or "").strip()
    name = str(_cell(cells, columns, "name") or "").strip()
    reasons: list[str] = []
    customer: CustomerRef | None = None
    if code:
        customer = by_code.get(code.upper())
        if customer is None:
            reasons.append(f"客户编号“{code}”不存在")
    elif name:
        matches = by_name.get(name, [])
        if not matches:
            reasons.append(f"客户名称“{name}”不存在")
        elif len(matches) > 1:
            reasons.append(f"客户名称“{name}”有 {len(matches)} 位同名客户，请填写客户编号")
        else:
            customer = matches[0]
    else:
        reasons.append("缺少客户编号或客户名称")
    month: date | None = None
    amount: Decimal | None = None
    quantity: Decimal | None = None
    raw_month = _cell(cells, columns, "month")
    try:
        if raw_month in (None, ""):
            raise ValueError("缺少月份")
        month = parse_month(raw_month if isinstance(raw_month, date) else str(raw_month))
    except ValueError as error:
        reasons.append(str(error).rstrip("。"))
    raw_amount = _cell(cells, columns, "amount")
    try:
        if raw_amount in (None, ""):
            raise ValueError("缺少销售金额")
        amount = parse_money(_plain_number(raw_amount, 2))
    except ValueError as error:
        reasons.append(str(error).rstrip("。"))
    raw_quantity = _cell(cells, columns, "quantity")
    try:
        quantity = parse_quantity(
            _plain_number(raw_quantity, 4) if raw_quantity not in (None, "") else 0
        )
    except ValueError as error:
        reasons.append(str(error).rstrip("。"))
    if customer is not None and month is not None:
        earlier = seen.get((customer[0], month))
        if earlier is not None:
            reasons.append(f"与第 {earlier} 行重复（同一客户同一月份）")
        else:
            seen[(customer[0], month)] = number
    if reasons:
        plan.bad.append(BadRow(number, "；".join(reasons)))
        return
    # Each value missing above added a reason.
    assert (
        customer is not None and month is not None and amount is not None and quantity is not None
    )
    plan.good.append(SalesRow(number, customer[0], customer[1], month, amount, quantity))


# A float this close to ``places`` decimals is a formula's binary rounding error, not a
# fraction of a cent the user meant (=1234.1*3 is read as 3702.2999999999997).
FORMULA_NOISE = 1e-6


def _plain_number(value: object, places: int) -> Decimal | int | str:
    """Excel hands numbers over as floats; their shortest repr is what the user typed, and a
    formula's result is rounded to ``places`` when it is within float noise of it. Other cell
    values are passed on as the parsers read them: whole numbers as they are, the rest as text.
    """
    if isinstance(value, float):
        if abs(value - round(value, places)) < FORMULA_NOISE:
            value = round(value, places)
        return Decimal(repr(value))
    return value if isinstance(value, Decimal | int) else str(value)


def apply_import(
    session: Session,
    plan: SalesImportPlan,
    *,
    good_rows_only: bool = False,
    as_of: date | None = None,
) -> SalesImportResult:
    """Write the plan in the caller's transaction and recompute ABC classes.

    Refused while any row is bad, unless ``good_rows_only``; then the bad rows are skipped.
    """
    if plan.bad and not good_rows_only:
        raise UserError(
            f"文件中有 {len(plan.bad)} 行错误，未导入任何数据。"
            "请改正后重新导入，或选择只导入正确的行。"
        )
    if not plan.good:
        raise UserError("没有可以导入的行。")
    existing = _existing_records(session, plan.good)
    added = replaced = 0
    for row in plan.good:
        record = existing.get((row.customer_id, row.month))
        if record is None:
            session.add(
                SalesRecord(
                    customer_id=row.customer_id,
                    month=row.month,
                    amount=row.amount,
                    quantity=row.quantity,
                )
            )
            added += 1
        else:
            record.amount, record.quantity = row.amount, row.quantity
            replaced += 1
    session.flush()
    abc = abc_classes.recompute(session, as_of)
    audit.record_event(
        session,
        session.info.get(audit.OPERATOR_KEY),
        "导入",
        "sales_records",
        None,
        {"文件": plan.path.name, "新增": added, "更新": replaced},
    )
    return SalesImportResult(added, replaced, len(plan.bad), abc)


def write_template(path: Path) -> None:
    """An empty sheet with the expected column names, for users to fill in."""
    write_table(Path(path), "销售数据", TEMPLATE_HEADERS, [])
