"""A definition plus a record (or nothing, for a blank form) → the rows of text cells to print.

Both renderers start from this, so the PDF and the .xlsx carry the same cells, spans and text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kehu_desktop.forms.capitals import DIGITS as CAPITAL_DIGITS
from kehu_desktop.forms.capitals import amount_in_capitals
from kehu_desktop.forms.definition import Cell, FormDefinition, Row
from kehu_desktop.forms.sources import FieldInfo, Record
from kehu_desktop.forms.typesetting import (
    BOX_EMPTY,
    BOX_TICKED,
    chinese_date,
    chinese_datetime,
)

BLANK_DATE = "　　　年　　月　　日"
BLANK_DATETIME = "　　　年　　月　　日　　时　　分"
# 大写 up to 亿: key-account volumes and claims run to millions
BLANK_CAPITAL = "　亿　仟　佰　拾　万　仟　佰　拾　元　角　分"
# kinds printed whole on one line (shrunk rather than broken): numbers, amounts, dates, codes
NUMERIC = frozenset({"money", "number", "percent"})
UNBREAKABLE = frozenset({"date", "datetime", "money", "number", "percent", "code", "capital"})
SIGN_BLANK = "（签字）：\n日期：　　　年　　月　　日"
SIGN_ONE_LINE = "（签字）：　　　　　　　日期：　　　年　　月　　日"  # a strip of continuous paper


@dataclass(frozen=True)
class GridCell:
    """One printed cell. ``role``: label, value, header, section, static or sign.
    ``lines`` > 0 is a fixed box of that many lines (overflow continues on a 续页);
    ``ruled`` asks for lines to write on; ``ticks`` marks a cell of tick boxes; ``whole`` text
    is never broken inside a number, date, time or code; ``stamp`` holds a date's (and time's)
    digits for the 年 月 日 时 分 slots of a pre-printed blank."""

    col: int
    span: int
    role: str
    text: str
    align: str = "left"
    lines: int = 0
    caption: str = ""
    ruled: bool = False
    ticks: bool = False
    whole: bool = False
    stamp: tuple[str, ...] = ()
    number: Decimal | int | None = None  # a number's value, written to .xlsx as a number
    number_kind: str = ""  # money, number or percent: its .xlsx number format


@dataclass(frozen=True)
class GridRow:
    """``key`` is the definition row it comes from and ``item`` the table item's index (-1 for
    other rows): what places a value in the same box of a pre-printed blank."""

    kind: str  # cells, section, header or item
    cells: tuple[GridCell, ...]
    table: str = ""
    key: int = -1
    item: int = -1

    @property
    def signature(self) -> bool:
        return any(cell.role == "sign" for cell in self.cells)


def format_value(value: Any, kind: str) -> str:
    """A value as it reads on paper."""
    if value is None or value == "":
        return ""
    if kind == "capital":
        return amount_in_capitals(value)
    if isinstance(value, datetime):
        return chinese_date(value) if kind == "date" else chinese_datetime(value)
    if isinstance(value, date):
        return chinese_date(value)
    if kind == "percent":
        return f"{Decimal(value) * 100:.1f}%"
    if isinstance(value, Decimal):
        if kind == "money":
            return f"{value:,.2f}"
        return str(value.to_integral()) if value == value.to_integral() else str(value)
    return str(value)


def stamp(value: Any, kind: str) -> tuple[str, ...]:
    """What goes into the slots of a pre-printed blank: a date's digits for 年 月 日 (时 分), an
    amount's capital digits for 亿 仟 佰 拾 万 仟 佰 拾 元 角 分 (leading slots empty); () for
    anything else."""
    if kind == "capital":
        return capital_digits(value)
    if isinstance(value, datetime):
        digits = (str(value.year), str(value.month), str(value.day))
        return digits if kind == "date" else (*digits, f"{value.hour:02d}", f"{value.minute:02d}")
    if isinstance(value, date):
        return (str(value.year), str(value.month), str(value.day))
    return ()


def capital_digits(value: Any) -> tuple[str, ...]:
    """One capital digit per slot of BLANK_CAPITAL; () when the amount does not fit them."""
    fen = int((Decimal(value) * 100).to_integral_value())
    slots = BLANK_CAPITAL.count("　")
    if fen < 0 or fen >= 10**slots:
        return ()
    digits = f"{fen:0{slots}d}"
    first = next((i for i, d in enumerate(digits) if d != "0"), slots - 3)
    return tuple("" if i < min(first, slots - 3) else CAPITAL_DIGITS[int(d)]
                 for i, d in enumerate(digits))  # fmt: skip


def _blank_text(cell: Cell, info: FieldInfo) -> str:
    kind = cell.format or info.kind
    if kind == "capital":
        return BLANK_CAPITAL
    if kind == "date":
        return BLANK_DATE
    if kind == "datetime":
        return BLANK_DATETIME
    return ""


def tick_text(choices: tuple[str, ...], value: Any) -> str:
    chosen = str(value) if value is not None else None
    return "  ".join((BOX_TICKED if c == chosen else BOX_EMPTY) + c for c in choices)


def _align(cell: Cell, kind: str) -> str:
    if cell.align:
        return cell.align
    return "right" if kind in ("money", "number") else "left"


def _field_cell(
    cell: Cell, col: int, catalog: dict[str, FieldInfo], values: dict[str, Any] | None
) -> GridCell:
    info = catalog[cell.field]
    kind = cell.format or info.kind
    if cell.ticks:
        value = values.get(cell.field) if values is not None else None
        return GridCell(col, cell.span, "value", tick_text(cell.choices, value), ticks=True)
    if values is None or values.get(cell.field) in (None, ""):
        text = _blank_text(cell, info) if values is None else ""
        return GridCell(
            col,
            cell.span,
            "value",
            text,
            "left",
            cell.lines,
            info.label,
            ruled=bool(cell.lines),
            whole=bool(text),
        )
    value = values[cell.field]
    return GridCell(
        col,
        cell.span,
        "value",
        format_value(value, kind),
        _align(cell, kind),
        cell.lines,
        info.label,
        whole=kind in UNBREAKABLE,
        stamp=stamp(value, kind),
        number=value if kind in NUMERIC and isinstance(value, int | Decimal) else None,
        number_kind=kind if kind in NUMERIC else "",
    )


def _cells(
    cells: tuple[Cell, ...],
    catalog: dict[str, FieldInfo],
    values: dict[str, Any] | None,
    sign: str = SIGN_BLANK,
) -> tuple[GridCell, ...]:
    out = []
    col = 0
    for cell in cells:
        if cell.field:
            out.append(_field_cell(cell, col, catalog, values))
        elif cell.sign:
            out.append(GridCell(col, cell.span, "sign", f"{cell.sign}{sign}"))
        elif cell.text:
            out.append(GridCell(col, cell.span, "static", cell.text, cell.align or "left"))
        else:
            out.append(GridCell(col, cell.span, "label", cell.label, cell.align or "center"))
        col += cell.span
    return tuple(out)


def _table_rows(
    row: Row,
    key: int,
    catalog: dict[str, FieldInfo],
    record: Record | None,
    presets: dict[str, list[dict[str, Any]]],
) -> list[GridRow]:
    header = []
    col = 0
    for cell in row.cells:
        label = cell.label or (catalog[cell.field].label if cell.field else "")
        header.append(GridCell(col, cell.span, "header", label, "center"))
        col += cell.span
    rows = [GridRow("header", tuple(header), row.table, key)]
    items: list[dict[str, Any]] = []
    if record is not None:
        items = record.tables.get(row.table, [])
    if not items:
        items = presets.get(row.table) or list(row.preset)
    for index, item in enumerate(items):
        rows.append(GridRow("item", _cells(row.cells, catalog, item), row.table, key, index))
    empty = tuple(
        GridCell(c.col, c.span, "value", tick_text(c_def.choices, None) if c_def.ticks else "")
        for c, c_def in zip(header, row.cells, strict=True)
    )
    rows.extend(
        GridRow("item", empty, row.table, key, index) for index in range(len(items), row.min_rows)
    )
    return rows


def build_grid(
    definition: FormDefinition,
    record: Record | None,
    presets: dict[str, list[dict[str, Any]]] | None = None,
    one_line_signs: bool = False,
) -> list[GridRow]:
    """The rows to print; ``record`` None gives the blank form, whose tables list ``presets``
    (the scored items set in the app) when given, else the definition's own preset rows.
    ``one_line_signs``: signature boxes of one line, for a strip of continuous paper."""
    sign = SIGN_ONE_LINE if one_line_signs else SIGN_BLANK
    source = definition.data_source
    values = record.values if record is not None else None
    width = len(definition.columns)
    rows: list[GridRow] = []
    for key, row in enumerate(definition.rows):
        if row.kind == "section":
            rows.append(GridRow("section", (GridCell(0, width, "section", row.title),), key=key))
        elif row.kind == "table":
            rows.extend(_table_rows(row, key, source.tables[row.table], record, presets or {}))
        else:
            cells = _cells(row.cells, source.fields, values, sign)
            rows.append(GridRow("cells", cells, key=key))
    if definition.note:
        note = GridCell(0, width, "static", definition.note)
        rows.append(GridRow("cells", (note,), key=len(definition.rows)))
    return rows
