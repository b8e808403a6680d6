"""Writing forms to .xlsx with openpyxl: the same grid as the PDF, as merged, bordered cells.

One worksheet per record, with the firm, title and codes in the top rows (repeated on every
printed page), its pages broken where the PDF breaks them with the table's header repeated
after each break, page x / y per sheet in the footer, the print area set, the sheet fitted one
page wide on the paper it names. Numbers are numbers with number formats; text that looks like
a formula stays text, so a value can never run as one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from kehu_desktop.forms.grid import GridCell, GridRow
from kehu_desktop.forms.pages import PT, Header
from kehu_desktop.forms.paper import Paper
from kehu_desktop.forms.typesetting import wrap
from kehu_desktop.services.common.excel_export import FORMULA_STARTS

FONT_NAME = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SHADE = PatternFill("solid", fgColor="EDEDED")
MM_PER_CHAR = 2.1  # one unit of Excel column width, roughly, in the default font
LINE_PT = 14.0
HEADER_ROWS = 3
MAX_ROW_PT = 409.0  # Excel's highest row
NUMBER_FORMATS = {"money": "#,##0.00", "number": "General", "percent": "0.0%"}


@dataclass(frozen=True)
class Sheet:
    """One record's form: its header, grid, and the grid rows that begin a new page."""

    header: Header
    rows: list[GridRow]
    breaks: list[int] = field(default_factory=list)


def _sheet_title(text: str, used: set[str]) -> str:
    base = "".join(ch for ch in text if ch not in "[]:*?/\\")[:28] or "表单"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:25]}-{n}", n + 1
    used.add(title)
    return title


def _put_text(ws: Worksheet, row: int, column: int, text: str) -> Cell | MergedCell:
    """Text as text, even when it starts like a formula (=HYPERLINK(…), +86…, -, @)."""
    cell = ws.cell(row, column)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
    return cell


def _write_header(ws: Worksheet, header: Header, width: int) -> None:
    last = get_column_letter(width)
    half = max(1, width // 2)
    ws.merge_cells(f"A1:{last}1")
    ws.merge_cells(f"A2:{last}2")
    _put_text(ws, 1, 1, header.firm).font = Font(name=FONT_NAME, size=12, bold=True)
    _put_text(ws, 2, 1, header.title).font = Font(name=FONT_NAME, size=16, bold=True)
    for ref in ("A1", "A2"):
        ws[ref].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 20
    ws.row_dimensions[2].height = 26
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=half)
    number = f"编号：{header.number or '__________'}"
    _put_text(ws, 3, 1, number).font = Font(name=FONT_NAME, size=9)
    if width > half:
        ws.merge_cells(start_row=3, start_column=half + 1, end_row=3, end_column=width)
    code = _put_text(ws, 3, half + 1 if width > half else 1,
                     f"表单编号：{header.code}　版本：{header.revision}")  # fmt: skip
    code.font = Font(name=FONT_NAME, size=9)
    code.alignment = Alignment(horizontal="right")


def _row_height(row: GridRow, widths_mm: list[float]) -> float:
    lines = 1
    for cell in row.cells:
        width = sum(widths_mm[cell.col : cell.col + cell.span]) - 3
        count = len(wrap(cell.text, 10, width / PT)) if cell.text else 1
        lines = max(lines, count, cell.lines)
    return min(MAX_ROW_PT, max(21.0, lines * LINE_PT + 6))


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


def _write_cell(ws: Worksheet, r: int, cell: GridCell) -> None:
    first, last = cell.col + 1, cell.col + cell.span
    shaded = cell.role in ("label", "header", "section")
    multi = cell.lines > 0 or "\n" in cell.text
    horizontal = cell.align if cell.align in ("center", "right") else "left"
    style = _style_name(shaded, horizontal, "top" if multi else "center")
    for c in range(first, last + 1):
        ws.cell(r, c).style = style
    if cell.number is not None:
        target = ws.cell(r, first)
        target.value = cell.number
        target.number_format = NUMBER_FORMATS[cell.number_kind]
    elif cell.text:
        _put_text(ws, r, first, cell.text)
    if cell.span > 1:
        # the cells under a merge are styled above, so openpyxl's re-styling is skipped
        ws.merged_cells.add(CellRange(min_col=first, min_row=r, max_col=last, max_row=r))


def _write_grid(ws: Worksheet, sheet: Sheet, widths_mm: list[float]) -> tuple[int, int]:
    """The grid from row 4 on, a page break before each row the PDF starts a page with (under
    the table's header again); returns the last row and the number of pages."""
    r = HEADER_ROWS
    breaks = set(sheet.breaks)
    table_header: GridRow | None = None
    for index, row in enumerate(sheet.rows):
        if row.kind == "header":
            table_header = row
        elif row.kind != "item":
            table_header = None
        if index in breaks and r > HEADER_ROWS:
            ws.row_breaks.append(Break(id=r))
            if row.kind == "item" and table_header is not None:
                r += 1
                ws.row_dimensions[r].height = _row_height(table_header, widths_mm)
                for cell in table_header.cells:
                    _write_cell(ws, r, cell)
        r += 1
        ws.row_dimensions[r].height = _row_height(row, widths_mm)
        for cell in row.cells:
            _write_cell(ws, r, cell)
    return r, len(ws.row_breaks.brk) + 1


def _page_setup(ws: Worksheet, paper: Paper, header: Header, width: int, last_row: int,
                pages: int) -> None:  # fmt: skip
    ws.print_area = f"A1:{get_column_letter(width)}{last_row}"
    ws.print_title_rows = f"1:{HEADER_ROWS}"
    setup = ws.page_setup
    setup.orientation = "landscape" if paper.landscape else "portrait"
    if paper.excel_size:
        setup.paperSize = paper.excel_size
    else:  # continuous paper: Excel has no code for it, the workbook names the size
        short, long = sorted((paper.width, paper.height))
        setup.paperWidth, setup.paperHeight = f"{short:g}mm", f"{long:g}mm"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    setup.firstPageNumber = 1
    setup.useFirstPageNumber = True
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = paper.left / 25.4
    ws.page_margins.right = paper.right / 25.4
    ws.page_margins.top = paper.top / 25.4 + 0.2
    ws.page_margins.bottom = paper.bottom / 25.4 + 0.2
    footer = HeaderFooterItem()
    # each sheet is one record: its own page count, not the workbook's (&N counts every sheet)
    footer.center.text = f"第 &P 页 / 共 {pages} 页"
    if header.print_date:
        footer.right.text = f"打印日期：{header.print_date}"
    ws.oddFooter = footer


def render_xlsx(sheets: Iterable[Sheet], columns: tuple[float, ...], paper: Paper) -> bytes:
    """A workbook with one sheet per record."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the blank sheet a new workbook starts with
    _styles(workbook)
    content = paper.content_width
    total = sum(columns)
    widths_mm = [content * weight / total for weight in columns]
    used: set[str] = set()
    for sheet in sheets:
        ws = workbook.create_sheet(_sheet_title(sheet.header.number or sheet.header.title, used))
        ws.row_breaks = RowBreak()
        for index, width in enumerate(widths_mm, start=1):
            ws.column_dimensions[get_column_letter(index)].width = round(width / MM_PER_CHAR, 1)
        _write_header(ws, sheet.header, len(columns))
        last_row, pages = _write_grid(ws, sheet, widths_mm)
        _page_setup(ws, paper, sheet.header, len(columns), last_row, pages)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
