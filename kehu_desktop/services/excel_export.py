"""Writing a list to .xlsx: a bold header row, frozen, with sensible column widths."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path


MONEY_FORMAT = "#,##0.00"


def write_table(
    path: Path,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``rows`` under ``headers`` to a new workbook at ``path``; returns the row count.

    Decimals stay numbers with a money format; dates stay dates, so the sheet sorts and sums.
    """
    from openpyxl import Workbook  # loaded on first export, not at start-up
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    widths = [max(8, len(h) * 2 + 2) for h in headers]
    count = 0
    for count, row in enumerate(rows, start=1):
        sheet.append([_cell_value(v) for v in row])
        for column, value in enumerate(row):
            if isinstance(value, Decimal):
                sheet.cell(count + 1, column + 1).number_format = MONEY_FORMAT
            elif isinstance(value, datetime):
                sheet.cell(count + 1, column + 1).number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                sheet.cell(count + 1, column + 1).number_format = "yyyy-mm-dd"
            if count <= 200:
                widths[column] = min(50, max(widths[column], _display_width(value)))
        if progress and count % 1000 == 0:
            progress(count)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)
    return count


def _cell_value(value: object) -> object:
    if isinstance(value, bool):
        return "是" if value else ""
    return value


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text) + 2
