"""Laying a grid out on pages: wrapped text, row heights, page breaks, 续页 pages.

Everything here is in millimetres from the page's top-left corner. The result is a list of
drawing operations per page, each marked as form (printed on pre-printed paper already) or
data (what 套打 prints), so the full form and the overlay come from one layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kehu_desktop.forms.grid import GridCell, GridRow
from kehu_desktop.forms.paper import Paper
from kehu_desktop.forms.typesetting import text_width, wrap

PT = 25.4 / 72  # millimetres per point
CONTINUED_MARK = "（见续页）"


@dataclass(frozen=True)
class Op:
    """One thing to draw. kind: text, rect, line or ticks. ``data`` marks record values."""

    kind: str
    x: float
    y: float
    w: float = 0
    h: float = 0
    text: str = ""
    bold: bool = False
    size: float = 0
    fill: bool = False
    data: bool = False


@dataclass
class Page:
    ops: list[Op] = field(default_factory=list)


@dataclass(frozen=True)
class Header:
    """What every page carries besides the grid."""

    firm: str
    title: str
    code: str
    revision: str
    number: str  # the record's number, or '' on a blank form
    print_date: str  # '' on a blank form


@dataclass
class _Overflow:
    caption: str
    page: int
    text: str


@dataclass
class _Metrics:
    size: float
    leading: float  # mm
    pad: float  # mm
    min_row: float  # mm
    header_h: float
    footer_h: float


def _metrics(paper: Paper) -> _Metrics:
    small = paper.height < 150 or paper.width < 160
    size = 8.5 if small else 9.5
    leading = size * 1.45 * PT
    return _Metrics(
        size=size,
        leading=leading,
        pad=1.1,
        min_row=6.0 if small else 6.6,
        header_h=17.0 if small else 24.0,
        footer_h=5.5,
    )


class _Layout:
    def __init__(self, columns: tuple[float, ...], paper: Paper, header: Header) -> None:
        self.paper = paper
        self.header = header
        self.m = _metrics(paper)
        self.left = paper.margin
        self.width = paper.width - 2 * paper.margin
        total = sum(columns)
        self.col_x = [self.left]
        for weight in columns:
            self.col_x.append(self.col_x[-1] + self.width * weight / total)
        self.top = paper.margin + self.m.header_h
        self.bottom = paper.height - paper.margin - self.m.footer_h
        self.pages: list[Page] = []
        self.overflows: list[_Overflow] = []
        self.y = self.top

    # --- measuring ---------------------------------------------------------------------

    def cell_box(self, cell: GridCell) -> tuple[float, float]:
        return self.col_x[cell.col], self.col_x[cell.col + cell.span] - self.col_x[cell.col]

    def lines_for(self, cell: GridCell, width: float) -> list[str]:
        bold = cell.role in ("label", "header", "section")
        return wrap(cell.text, self.m.size, (width - 2 * self.m.pad) / PT, bold)

    def capacity(self, top: float) -> int:
        """How many text lines fit in a cell starting at ``top``."""
        return max(1, int((self.bottom - top - 2 * self.m.pad) / self.m.leading))

    def fit(self, cell: GridCell, lines: list[str], capacity: int) -> list[str]:
        """Lines shown in the cell; what does not fit goes to a 续页."""
        limit = min(cell.lines, capacity) if cell.lines else capacity
        if len(lines) <= limit:
            return lines
        shown = lines[: limit - 1]
        position = 0
        for line in shown:
            position = cell.text.find(line, position) + len(line)
        rest = cell.text[position:].strip()
        self.overflows.append(_Overflow(cell.caption or "续", len(self.pages), rest))
        return [*shown, CONTINUED_MARK]

    # --- placing -----------------------------------------------------------------------

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = self.top

    def row_height(self, row: GridRow, capacity: int) -> tuple[float, list[list[str]]]:
        """The row's height and each cell's lines, no cell taller than ``capacity`` lines."""
        texts = []
        height = self.m.min_row
        for cell in row.cells:
            _x, width = self.cell_box(cell)
            lines = self.fit(cell, self.lines_for(cell, width), capacity) if cell.text else [""]
            texts.append(lines)
            count = max(min(cell.lines, capacity), len(lines))
            height = max(height, count * self.m.leading + 2 * self.m.pad)
        if row.kind == "section":
            height = self.m.leading + 2 * self.m.pad
        return height, texts

    def _needed(self, rows: list[GridRow], index: int, height: float, capacity: int) -> float:
        """Room a row needs: a section heading keeps the next row (and a table's header) with
        it, a table's header its first row."""
        row, following = rows[index], rows[index + 1 : index + 3]
        if row.kind == "header" and following and following[0].kind == "item":
            mark = len(self.overflows)
            item_height, _texts = self.row_height(following[0], capacity)
            del self.overflows[mark:]
            return height + item_height
        needed = height
        for after in following:
            if row.kind != "section" or after.kind == "section":
                break
            needed += self.m.min_row
            if after.kind != "header":
                break
        return needed

    def place(self, rows: list[GridRow]) -> None:
        """Rows onto pages: a row that does not fit moves to the next page (under its table's
        header again); only a row taller than a whole page is cut, the rest going to a 续页."""
        self.new_page()
        fresh = True  # nothing but a repeated table header on this page yet
        table_header: GridRow | None = None
        full_page = self.capacity(self.top) - 2  # leaves room for a repeated header
        index = 0
        while index < len(rows):
            row = rows[index]
            if row.kind == "header":
                table_header = row
            elif row.kind != "item":
                table_header = None
            mark = len(self.overflows)
            height, texts = self.row_height(row, full_page)
            needed = self._needed(rows, index, height, full_page)
            if self.y + needed > self.bottom and not fresh:
                del self.overflows[mark:]
                self.new_page()
                fresh = True
                if row.kind == "item" and table_header is not None:
                    header_height, header_texts = self.row_height(table_header, full_page)
                    self.draw_row(table_header, header_texts, header_height)
                continue
            if self.y + height > self.bottom:
                del self.overflows[mark:]
                height, texts = self.row_height(row, self.capacity(self.y))
            self.draw_row(row, texts, height)
            fresh = False
            index += 1

    def draw_row(self, row: GridRow, texts: list[list[str]], height: float) -> None:
        page = self.pages[-1]
        m = self.m
        for cell, lines in zip(row.cells, texts, strict=True):
            x, width = self.cell_box(cell)
            shaded = cell.role in ("label", "header", "section")
            page.ops.append(Op("rect", x, self.y, width, height, fill=shaded))
            data = cell.role == "value"
            if cell.ruled:
                for n in range(1, cell.lines):
                    line_y = self.y + m.pad + n * m.leading
                    page.ops.append(Op("line", x + m.pad, line_y, width - 2 * m.pad, 0))
            block = len(lines) * m.leading
            top = self.y + m.pad if cell.lines or len(lines) > 1 else self.y + (height - block) / 2
            for n, line in enumerate(lines):
                if not line:
                    continue
                line_w = text_width(line, m.size, shaded) * PT
                if cell.align == "center":
                    tx = x + (width - line_w) / 2
                elif cell.align == "right":
                    tx = x + width - m.pad - line_w
                else:
                    tx = x + m.pad
                baseline = top + n * m.leading + m.size * 1.05 * PT
                page.ops.append(
                    Op(
                        "ticks" if cell.ticks else "text",
                        tx,
                        baseline,
                        text=line,
                        bold=shaded,
                        size=m.size,
                        data=data and line != CONTINUED_MARK,
                    )
                )
        self.y += height

    def continuation(self) -> None:
        """The 续页 pages: each overflowing box's remaining text, under its caption."""
        if not self.overflows:
            return
        self.new_page()
        m = self.m
        for overflow in self.overflows:
            caption = f"{overflow.caption}（接第 {overflow.page} 页）"
            lines = wrap(overflow.text, m.size, self.width / PT)
            if self.y + 3 * m.leading > self.bottom:
                self.new_page()
            self.pages[-1].ops.append(
                Op("text", self.left, self.y + m.size * PT, text=caption, bold=True, size=m.size)
            )
            self.y += m.leading * 1.3
            for line in lines:
                if self.y + m.leading > self.bottom:
                    self.new_page()
                self.pages[-1].ops.append(
                    Op("text", self.left, self.y + m.size * PT, text=line, size=m.size, data=True)
                )
                self.y += m.leading
            self.y += m.leading * 0.6

    def frame(self, main_pages: int) -> None:
        """Header and footer on every page, now that the page count is known."""
        h, m, p = self.header, self.m, self.paper
        total = len(self.pages)
        small = m.header_h < 20
        firm_size, title_size, meta_size = (9.0, 12.0, 7.5) if small else (11.0, 16.0, 8.0)
        y = p.margin + firm_size * PT
        centre = p.width / 2
        for number, page in enumerate(self.pages, start=1):
            title = h.title if number <= main_pages else f"{h.title}（续页）"
            ops = []
            if h.firm:
                ops.append(self._centred(h.firm, centre, y, firm_size, True))
            title_y = y + (firm_size * 0.5 + title_size) * PT * 1.25
            ops.append(self._centred(title, centre, title_y, title_size, True))
            meta_y = p.margin + m.header_h - 1.8
            ops.append(Op("text", self.left, meta_y, text=f"编号：{h.number or '__________'}",
                          size=meta_size, data=bool(h.number)))  # fmt: skip
            code = f"表单编号：{h.code}　版本：{h.revision}"
            code_w = text_width(code, meta_size) * PT
            ops.append(Op("text", p.width - p.margin - code_w, meta_y, text=code, size=meta_size))
            foot_y = p.height - p.margin - 0.8
            pages_text = f"第 {number} 页 / 共 {total} 页"
            ops.append(self._centred(pages_text, centre, foot_y, meta_size, False))
            if h.print_date:
                printed = f"打印日期：{h.print_date}"
                printed_w = text_width(printed, meta_size) * PT
                ops.append(Op("text", p.width - p.margin - printed_w, foot_y, text=printed,
                              size=meta_size))  # fmt: skip
            page.ops[:0] = ops

    def _centred(self, text: str, centre: float, y: float, size: float, bold: bool) -> Op:
        width = text_width(text, size, bold) * PT
        return Op("text", centre - width / 2, y, text=text, bold=bold, size=size)


def lay_out(
    rows: list[GridRow], columns: tuple[float, ...], paper: Paper, header: Header
) -> list[Page]:
    """Pages for one filled (or blank) form, 续页 pages included."""
    layout = _Layout(columns, paper, header)
    layout.place(rows)
    main_pages = len(layout.pages)
    layout.continuation()
    layout.frame(main_pages)
    return layout.pages
