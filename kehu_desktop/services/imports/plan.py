"""What an import would do: the records it creates or updates, the rows it cannot take and
why, the likely duplicates, and the look-ups every kind of row shares."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehu_desktop.models import Customer, Staff
from kehu_desktop.services.customers import match_keys
from kehu_desktop.services.imports import cells, columns

NOUNS = {"customers": "位", "visits": "条", "complaints": "宗", "service-requests": "单",
         "key-accounts": "位"}  # fmt: skip
Rows = list[tuple[int, dict[str, object]]]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def describe(self) -> str:
        where = f"{self.column}：" if self.column else ""
        return f"第 {self.row} 行 {where}{self.reason}"


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str

    def describe(self) -> str:
        return f"{self.label}：{self.old or '（空）'} → {self.new}"


@dataclass
class Planned:
    """One record the import would create or update (a customer may span several rows)."""

    rows: list[int]
    label: str
    values: dict[str, object]
    contacts: list[dict[str, object]] = field(default_factory=list)
    target_id: int | None = None
    changes: list[Change] = field(default_factory=list)
    # Existing contacts the rows update: (contact id, {field: new value}).
    contact_updates: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    # The words the preview shows for values stored as codes (a service request's 紧急程度).
    words: dict[str, str] = field(default_factory=dict)

    @property
    def first_row(self) -> int:
        return self.rows[0]


@dataclass(frozen=True)
class LikelyDuplicate:
    row: int
    label: str
    other: str
    reason: str

    def describe(self) -> str:
        return f"第 {self.row} 行 {self.label} 与 {self.other}：{self.reason}"


@dataclass(frozen=True)
class ImportRequest:
    """What to import, as the user chose it: the file, the sheet, the kind, the mapping."""

    kind: str
    path: Path
    sheet: str | None = None
    mapping: tuple[str, ...] | None = None


@dataclass
class ImportPreview:
    request: ImportRequest
    sheet_names: tuple[str, ...]
    header_row: int
    header: list[str]
    mapping: list[str]
    samples: list[list[str]]
    creates: list[Planned] = field(default_factory=list)
    updates: list[Planned] = field(default_factory=list)
    unchanged: list[Planned] = field(default_factory=list)
    duplicates: list[LikelyDuplicate] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0
    # The file and the store as they were when this preview was worked out (see ``state``).
    state: tuple = ()

    @property
    def kind(self) -> str:
        return self.request.kind

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    def summary(self) -> str:
        noun = NOUNS[self.kind]
        return (
            f"新增 {len(self.creates):,} {noun} / 更新 {len(self.updates):,} {noun} / "
            f"疑似重复 {len(self.duplicates):,} / 跳过 {self.skipped:,} 行 / "
            f"错误 {self.error_rows:,} 行"
        )

    def unchanged_note(self) -> str:
        """What the counts leave out: rows already in the store, which are not changed (a
        case is known by its number, else by its customer and received time)."""
        if not self.unchanged:
            return ""
        how = (
            "已在库中（按编号，或按客户与受理时间识别）"
            if self.kind in ("complaints", "service-requests")
            else "与库中记录相同"
        )
        return f"另有 {len(self.unchanged):,} 行{how}，不会改动。"


_STATE_TABLES = ("customers", "contacts", "visits", "complaints", "staff", "service_requests",
                 "products", "purchases", "key_accounts")  # fmt: skip


def state(session: Session, path: Path) -> tuple:
    """What a preview depends on, read cheaply: the file's size and time, and for each table
    the row count, the highest id and the latest change. Equal states mean a preview worked
    out earlier still holds, so it need not be worked out again before writing."""
    from sqlalchemy import func

    from kehu_desktop.models import Base

    stat = path.stat()
    found: list[object] = [stat.st_size, stat.st_mtime_ns]
    for name in _STATE_TABLES:
        tbl = Base.metadata.tables[name]
        found.extend(
            session.execute(
                select(func.count(), func.max(tbl.c.id), func.max(tbl.c.updated_at))
            ).one()
        )
    return tuple(found)


def label_of(kind: str, key: str) -> str:
    return columns.field_label(kind, key)


def staff_by_name(session: Session) -> dict[str, int]:
    """Staff ids by name and by (lower-case) user name."""
    found: dict[str, int] = {}
    for staff_id, name, username in session.execute(select(Staff.id, Staff.name, Staff.username)):
        found.setdefault(name, staff_id)
        found.setdefault(username.lower(), staff_id)
    return found


def find_staff(staff: dict[str, int], value: object, what: str) -> int:
    name = cells.text(value)
    found = staff.get(name) or staff.get(name.lower())
    if found is None:
        raise ValueError(f"{what}“{name}”不存在，请先在操作员管理中添加。")
    return found


# Customer ids by code, and by exact name key (several when names clash).
CustomerLookup = tuple[dict[str, int], dict[str, list[int]]]


def customer_lookup(session: Session) -> CustomerLookup:
    by_code: dict[str, int] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    for customer_id, code, name in session.execute(
        select(Customer.id, Customer.code, Customer.name)
    ):
        by_code[code.upper()] = customer_id
        by_name[match_keys.exact_key(name)].append(customer_id)
        # The lists export a customer as "KH000123 名称".
        by_name[match_keys.exact_key(f"{code} {name}")].append(customer_id)
    return by_code, by_name


def find_customer(record: dict[str, object], lookup: CustomerLookup) -> int:
    """The customer a visit or complaint row names, by code or exact name."""
    by_code, by_name = lookup
    code = cells.text(record.get("customer_code")).upper()
    if code:
        if code not in by_code:
            raise ValueError(f"客户编号“{code}”不存在，请先导入客户资料。")
        return by_code[code]
    name = cells.text(record.get("customer"))
    leading = name.split(" ", 1)[0].upper()
    if leading in by_code and " " in name:
        return by_code[leading]
    found = by_name.get(match_keys.exact_key(name), [])
    if not found and name.upper() in by_code:  # the code alone (KH000014)
        return by_code[name.upper()]
    if not found:
        raise ValueError(f"客户“{name}”不存在，请先导入客户资料。")
    if len(set(found)) > 1:
        raise ValueError(f"有 {len(set(found))} 位客户名为“{name}”，请填写客户编号。")
    return found[0]
