"""Writing forms to .xlsx with openpyxl: the same grid as the PDF, as merged, bordered cells.

One worksheet per record, with the firm, title and codes in the top rows (repeated on every
printed page), page x / y in the footer, the print area set and the sheet fitted one page wide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from kehu_desktop.forms.grid import GridRow
from kehu_desktop.forms.pages import PT, Header
from kehu_desktop.forms.paper import Paper
from kehu_desktop.forms.typesetting import wrap

FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SHADE = PatternFill("solid", fgColor="EDEDED")
MM_PER_CHAR = 2.1  # one unit of Excel column width, roughly, in the default font
LINE_PT = 14.0
HEADER_ROWS = 3


@dataclass(frozen=True)
class Sheet:
    """One record's form: its header and grid."""

    header: Header
    rows: list[GridRow]


def _sheet_title(text: str, used: set[str]) -> str:
    base = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28] or "表单"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:25]}-{n}", n + 1
    used.add(title)
    return title


def _write_header(ws: Worksheet, header: Header, width: int) -> None:
    last = get_column_letter(width)
    half = max(1, width // 2)
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    ws["A1"] = header.firm
    ws["A1"].font = Font(name=FONT_NAME, size=12, bold=True)
    ws["A2"] = header.title
    ws["A2"].font = Font(name=FONT_NAME, size=16, bold=True)
    for ref in ("A1", "A2"):
        ws[ref].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 20
    ws.row_dimensions[2].height = 26
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=half)
    ws.cell(3, 1, f"编号：{header.number or '__________'}").font = Font(name=FONT_NAME, size=9)
    if width > half:
        ws.merge_cells(start_row=3, start_column=half + 1, end_row=3, end_column=width)
    code = ws.cell(3, half + 1 if width > half else 1)
    code.value = f"表单编号：{header.code}　版本：{header.revision}"
    code.font = Font(name=FONT_NAME, size=9)
    code.alignment = Alignment(horizontal="right")


def _row_height(row: GridRow, widths_mm: list[float]) -> float:
    lines = 1
    for cell in row.cells:
        width = sum(widths_mm[cell.col : cell.col + cell.span]) - 3
        count = len(wrap(cell.text, 10, width / PT)) if cell.text else 1
        lines = max(lines, count, cell.lines)
    return max(21.0, lines * LINE_PT + 6)


def _styles(workbook: Workbook) -> None:
    """Register the cell styles once per workbook; naming them is far cheaper than setting
    font, fill, border and alignment on every cell."""
    for shaded in (False, True):
        for horizontal in ("left", "center", "right"):
            for vertical in ("center", "top"):
                style = NamedStyle(name=_style_name(shaded, horizontal, vertical))
                style.font = Font(name=FONT_NAME, size=10, bold=shaded)
                style.border = BORDER
                if shaded:
                    style.fill = SHADE
                style.alignment = Alignment(
                    horizontal=horizontal, vertical=vertical, wrap_text=True
                )
                workbook.add_named_style(style)


def _style_name(shaded: bool, horizontal: str, vertical: str) -> str:
    return f"{'shaded' if shaded else 'plain'}-{horizontal}-{vertical}"


def _write_grid(ws: Worksheet, rows: list[GridRow], widths_mm: list[float]) -> int:
    for offset, row in enumerate(rows):
        r = HEADER_ROWS + 1 + offset
        ws.row_dimensions[r].height = _row_height(row, widths_mm)
        for cell in row.cells:
            first, last = cell.col + 1, cell.col + cell.span
            shaded = cell.role in ("label", "header", "section")
            multi = cell.lines > 0 or "\n" in cell.text
            horizontal = cell.align if cell.align in ("center", "right") else "left"
            style = _style_name(shaded, horizontal, "top" if multi else "center")
            for c in range(first, last + 1):
                ws.cell(r, c).style = style
            if cell.text:
                ws.cell(r, first).value = cell.text
            if cell.span > 1:
                # the cells under a merge are styled above, so openpyxl's re-styling is skipped
                ws.merged_cells.add(CellRange(min_col=first, min_row=r, max_col=last, max_row=r))
    return HEADER_ROWS + len(rows)


def _page_setup(ws: Worksheet, paper: Paper, header: Header, width: int, last_row: int) -> None:
    ws.print_area = f"A1:{get_column_letter(width)}{last_row}"
    ws.print_title_rows = f"1:{HEADER_ROWS}"
    ws.page_setup.orientation = "landscape" if paper.landscape else "portrait"
    ws.page_setup.paperSize = paper.excel_size
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margin = paper.margin / 25.4
    ws.page_margins.left = ws.page_margins.right = margin
    ws.page_margins.top = ws.page_margins.bottom = margin + 0.2
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    if header.print_date:
        ws.oddFooter.right.text = f"打印日期：{header.print_date}"


def render_xlsx(sheets: Iterable[Sheet], columns: tuple[float, ...], paper: Paper) -> bytes:
    """A workbook with one sheet per record."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _styles(workbook)
    content = paper.width - 2 * paper.margin
    total = sum(columns)
    widths_mm = [content * weight / total for weight in columns]
    used: set[str] = set()
    for sheet in sheets:
        ws = workbook.create_sheet(_sheet_title(sheet.header.number or sheet.header.title, used))
        for index, width in enumerate(widths_mm, start=1):
            ws.column_dimensions[get_column_letter(index)].width = round(width / MM_PER_CHAR, 1)
        _write_header(ws, sheet.header, len(columns))
        last_row = _write_grid(ws, sheet.rows, widths_mm)
        _page_setup(ws, paper, sheet.header, len(columns), last_row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
