"""Reading a spreadsheet as rows of cell values: .xlsx, .xls, .ods through python-calamine,
.csv in UTF-8 (with or without BOM) or GBK/GB18030.

A merged cell's value is repeated in every cell it covers, so a customer name merged down over
its contacts' rows reads as that name on each row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kehu_desktop.services.common.errors import UserError

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
FILE_FILTER = "表格文件 (*.xlsx *.xls *.xlsm *.ods *.csv)"


@dataclass(frozen=True)
class Sheet:
    """One sheet's cells; ``rows[i]`` is Excel row ``i + 1``."""

    name: str
    sheet_names: tuple[str, ...]
    rows: list[list[object]]


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The named sheet of ``path`` (the first when None)."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"找不到文件“{path}”。")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        if sheet:
            raise UserError("CSV 文件只有一个工作表，不能指定 --sheet。")
        return Sheet(path.stem, (path.stem,), _read_csv(path.read_bytes()))
    if suffix not in SPREADSHEET_SUFFIXES:
        raise UserError(f"不支持的文件类型“{path.suffix}”，请使用 .xlsx、.xls 或 .csv。")
    return _read_workbook(path, sheet)


def _read_workbook(path: Path, sheet: str | None) -> Sheet:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        raise UserError(f"无法读取文件“{path.name}”：{error}") from None
    try:
        names = tuple(workbook.sheet_names)
        if not names:
            raise UserError(f"文件“{path.name}”中没有工作表。")
        if sheet is not None and sheet not in names:
            raise UserError(f"文件中没有名为“{sheet}”的工作表，现有：{'、'.join(names)}。")
        chosen = workbook.get_sheet_by_name(sheet or names[0])
        rows: list[list[object]] = [list(row) for row in chosen.to_python(skip_empty_area=False)]
        merged = chosen.merged_cell_ranges or []
    except CalamineError as error:
        raise UserError(f"无法读取文件“{path.name}”：{error}") from None
    finally:
        workbook.close()
    _fill_merged(rows, merged)
    return Sheet(sheet or names[0], names, rows)


def _fill_merged(
    rows: list[list[object]], merged: Iterable[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            for c in range(left, min(right, len(rows[r]) - 1) + 1):
                rows[r][c] = value


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030 (a superset of
    GBK, which Chinese Excel and WPS write by default)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UserError("无法识别文件编码，请在 Excel 中另存为“CSV UTF-8”或 .xlsx。") from None


def _read_csv(data: bytes) -> list[list[object]]:
    text = decode_text(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
