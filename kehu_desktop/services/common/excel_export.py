"""Writing a list to .xlsx: a bold header row, frozen, with sensible column widths."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

MONEY_FORMAT = "#,##0.00"
QUANTITY_FORMAT = "#,##0.####"


def write_table(
    path: Path,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``rows`` under ``headers`` to a new workbook at ``path``; returns the row count.

    Decimals stay numbers with a money format; dates stay dates, so the sheet sorts and sums.
    The workbook is streamed (openpyxl's write-only mode): 20,000 rows take about a second.
    """
    from openpyxl import Workbook  # loaded on first export, not at start-up
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = list(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    widths = [max(8, _display_width(h)) for h in headers]
    for row in rows[:200]:
        for column, value in enumerate(row):
            widths[column] = min(50, max(widths[column], _display_width(value)))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = bold, fill
        header_cells.append(cell)
    sheet.append(header_cells)
    for count, row in enumerate(rows, start=1):
        sheet.append([_cell(sheet, value, WriteOnlyCell) for value in row])
        if progress and count % 1000 == 0:
            progress(count)
    workbook.save(path)
    return len(rows)


def _cell(sheet: WriteOnlyWorksheet, value: object, cell_type: Callable[..., Cell]) -> object:
    """A plain value, or a cell carrying what the value needs: a number format for money,
    quantities and dates; text kept as text when it looks like a formula (=, +, -, @), so a
    customer's name can never run as one in Excel."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell = cell_type(sheet, value=value)
        cell.data_type = "s"
        return cell
    number_format = _number_format(value)
    if number_format is None:
        return _cell_value(value)
    cell = cell_type(sheet, value=value)
    cell.number_format = number_format
    return cell


def _number_format(value: object) -> str | None:
    if isinstance(value, Decimal):
        # Money has two places; a quantity may have up to four, which must not be rounded.
        # (The exponent of NaN or Infinity is a letter; such a value gets the wider format.)
        exponent = value.as_tuple().exponent
        return MONEY_FORMAT if isinstance(exponent, int) and exponent >= -2 else QUANTITY_FORMAT
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return "yyyy-mm-dd hh:mm"
    if isinstance(value, date):
        return "yyyy-mm-dd"
    return None


FORMULA_STARTS = ("=", "+", "-", "@")


def _cell_value(value: object) -> object:
    if isinstance(value, bool):
        return "是" if value else ""
    return value


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text) + 2
