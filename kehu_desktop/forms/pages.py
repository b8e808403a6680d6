"""Laying a grid out on pages: wrapped text, row heights, page breaks, 续页 pages.

Everything here is in millimetres from the page's top-left corner. The result is a list of
drawing operations per page, each marked as form (printed on pre-printed paper already) or
data (what 套打 prints). Laying out a blank also records each value box (a ``Slot``), where
套打 (``forms.overlay``) puts a record's values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kehu_desktop.forms.grid import GridCell, GridRow
from kehu_desktop.forms.paper import Paper
from kehu_desktop.forms.typesetting import fit_whole, text_width, wrap

PT = 25.4 / 72  # millimetres per point
CONTINUED_MARK = "（见续页）"
NUMBER_LABEL = "编号："
LABEL_SHRINK = 0.8  # the smallest a label shrinks to stay on one line


@dataclass(frozen=True)
class Op:
    """One thing to draw. kind: text, rect, line, ticks or qr. ``data`` marks record values."""

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
    """``plain``: printed whole even in 套打 (a 续页, on plain paper)."""

    ops: list[Op] = field(default_factory=list)
    plain: bool = False


@dataclass(frozen=True)
class Header:
    """What every page carries besides the grid."""

    firm: str
    title: str
    code: str
    revision: str
    number: str  # the record's number, or '' on a blank form
    print_date: str  # '' on a blank form


@dataclass(frozen=True)
class Slot:
    """A value box of a laid-out form, and where its first line of text starts."""

    page: int
    x: float
    y: float
    w: float
    h: float
    size: float
    text: str  # what the blank prints in it (年 月 日 slots, tick boxes) or ''
    tx: float
    baseline: float
    lines: int = 0  # a box of that many lines to write on: text starts at its top


SlotKey = tuple[int, int, int]  # definition row, table item (-1 for none), column


@dataclass
class LaidOut:
    """``breaks``: the grid rows that begin a new page (the .xlsx breaks its pages there)."""

    pages: list[Page]
    slots: dict[SlotKey, Slot]
    main_pages: int
    breaks: list[int] = field(default_factory=list)


@dataclass
class Overflow:
    caption: str
    page: int
    text: str


@dataclass(frozen=True)
class Metrics:
    size: float
    leading: float  # mm
    pad: float  # mm
    min_row: float  # mm
    header_h: float
    footer_h: float
    qr: float  # side of the QR code, mm

    def leading_for(self, size: float) -> float:
        return self.leading * size / self.size


def metrics(paper: Paper) -> Metrics:
    if paper.strip:
        size = 8.5
        return Metrics(size, size * 1.3 * PT, 0.8, 5.0, 11.0 if paper.height < 100 else 13.0,
                       3.6, 9.0)  # fmt: skip
    size = 8.5 if paper.compact else 9.5
    return Metrics(
        size=size,
        leading=size * 1.45 * PT,
        pad=1.1,
        min_row=6.0,
        header_h=17.0 if paper.compact else 21.0,
        footer_h=5.5,
        qr=11.0 if paper.compact else 13.0,
    )


def slot_key(row: GridRow, cell: GridCell) -> SlotKey:
    return (row.key, row.item, cell.col)


class Layout:
    def __init__(self, columns: tuple[float, ...], paper: Paper, header: Header) -> None:
        self.paper = paper
        self.header = header
        self.m = metrics(paper)
        self.left = paper.left
        self.width = paper.content_width
        total = sum(columns)
        self.col_x = [self.left]
        for weight in columns:
            self.col_x.append(self.col_x[-1] + self.width * weight / total)
        self.top = paper.top + self.m.header_h
        self.bottom = paper.height - paper.bottom - self.m.footer_h
        self.pages: list[Page] = []
        self.overflows: list[Overflow] = []
        self.slots: dict[SlotKey, Slot] = {}
        self.breaks: list[int] = []
        self.y = self.top

    # --- measuring ---------------------------------------------------------------------

    def cell_box(self, cell: GridCell) -> tuple[float, float]:
        return self.col_x[cell.col], self.col_x[cell.col + cell.span] - self.col_x[cell.col]

    def lines_for(self, cell: GridCell, width: float) -> tuple[list[str], float]:
        """The cell's lines and their size: numbers, dates and codes whole (shrunk if need
        be), other text wrapped."""
        bold = cell.role in ("label", "header", "section")
        room = (width - 2 * self.m.pad) / PT
        if cell.whole:
            return fit_whole(cell.text, self.m.size, room, bold)
        if cell.role in ("label", "header") and "\n" not in cell.text:
            # a label a little too wide shrinks onto one line rather than wrap
            width = text_width(cell.text, self.m.size, bold)
            if room < width <= room / LABEL_SHRINK:
                return [cell.text], self.m.size * room / width
        return wrap(cell.text, self.m.size, room, bold), self.m.size

    def capacity(self, top: float) -> int:
        """How many text lines fit in a cell starting at ``top``."""
        return max(1, int((self.bottom - top - 2 * self.m.pad) / self.m.leading))

    def fit(self, cell: GridCell, lines: list[str], capacity: int) -> list[str]:
        """Lines shown in the cell; what does not fit goes to a 续页."""
        limit = min(cell.lines, capacity) if cell.lines else capacity
        if len(lines) <= limit:
            return lines
        shown = lines[: limit - 1]
        remaining = rest(cell.text, shown)
        self.overflows.append(Overflow(cell.caption or "续", len(self.pages), remaining))
        return [*shown, CONTINUED_MARK]

    # --- placing -----------------------------------------------------------------------

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = self.top

    def row_height(
        self, row: GridRow, capacity: int
    ) -> tuple[float, list[tuple[list[str], float]]]:
        """The row's height and each cell's lines and size, no cell taller than ``capacity``."""
        texts = []
        height = self.m.min_row
        for cell in row.cells:
            _x, width = self.cell_box(cell)
            if cell.text:
                lines, size = self.lines_for(cell, width)
                lines = self.fit(cell, lines, capacity)
            else:
                lines, size = [""], self.m.size
            texts.append((lines, size))
            count = max(min(cell.lines, capacity), len(lines))
            height = max(height, count * self.m.leading_for(size) + 2 * self.m.pad)
        if row.kind == "section":
            height = self.m.leading + 2 * self.m.pad
        return height, texts

    def _measure(self, row: GridRow, capacity: int) -> float:
        mark = len(self.overflows)
        height, _texts = self.row_height(row, capacity)
        del self.overflows[mark:]
        return height

    def _needed(self, rows: list[GridRow], index: int, height: float, capacity: int) -> float:
        """Room a row needs: a section heading keeps the next row (and a table's header) with
        it, a table's header its first row, and the row above a signature block that block
        (a signature never stands alone on a page)."""
        row, following = rows[index], rows[index + 1 : index + 3]
        if not row.signature and not _notes(row):
            # the notes under the content (本表一式两联…) and the signatures go with it
            tail = 0.0
            for after in rows[index + 1 :]:
                if after.signature:
                    return height + tail + self._measure(after, capacity)
                if not _notes(after):
                    break
                tail += self._measure(after, capacity)
        if row.kind == "header" and following and following[0].kind == "item":
            return height + self._measure(following[0], capacity)
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
                self.breaks.append(index)
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

    def draw_row(self, row: GridRow, texts: list[tuple[list[str], float]], height: float) -> None:
        page = self.pages[-1]
        m = self.m
        for cell, (lines, size) in zip(row.cells, texts, strict=True):
            x, width = self.cell_box(cell)
            shaded = cell.role in ("label", "header", "section")
            page.ops.append(Op("rect", x, self.y, width, height, fill=shaded))
            data = cell.role == "value"
            leading = m.leading_for(size)
            if cell.ruled:
                for n in range(1, cell.lines):
                    line_y = self.y + m.pad + n * leading
                    page.ops.append(Op("line", x + m.pad, line_y, width - 2 * m.pad, 0))
            block = len(lines) * leading
            top = self.y + m.pad if cell.lines or len(lines) > 1 else self.y + (height - block) / 2
            origin = (x + m.pad, top + size * 1.05 * PT)
            for n, line in enumerate(lines):
                if not line:
                    continue
                line_w = text_width(line, size, shaded) * PT
                if cell.align == "center":
                    tx = x + (width - line_w) / 2
                elif cell.align == "right":
                    tx = x + width - m.pad - line_w
                else:
                    tx = x + m.pad
                baseline = top + n * leading + size * 1.05 * PT
                if n == 0:
                    origin = (tx, baseline)
                page.ops.append(
                    Op(
                        "ticks" if cell.ticks else "text",
                        tx,
                        baseline,
                        text=line,
                        bold=shaded,
                        size=size,
                        data=data and line != CONTINUED_MARK,
                    )
                )
            if data:
                self.slots[slot_key(row, cell)] = Slot(
                    len(self.pages) - 1,
                    x,
                    self.y,
                    width,
                    height,
                    size,
                    cell.text,
                    *origin,
                    cell.lines,
                )
        self.y += height

    def continuation(self) -> None:
        """The 续页 pages: each overflowing box's remaining text, under its caption. They are
        plain pages: 套打 prints them whole, on plain paper."""
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
        strip = p.strip
        firm_size, title_size, meta_size = (
            (8.0, 11.0, 7.5) if strip else (9.0, 12.0, 7.5) if p.compact else (11.0, 16.0, 8.0)
        )
        centre = self.left + self.width / 2
        right = p.width - p.right
        for number, page in enumerate(self.pages, start=1):
            page.plain = number > main_pages
            title = h.title if number <= main_pages else f"{h.title}（续页）"
            ops = []
            if strip:  # one line: firm on the left, title in the middle
                title_y = p.top + title_size * PT
                if h.firm:
                    ops.append(Op("text", self.left, title_y, text=h.firm, bold=True,
                                  size=firm_size))  # fmt: skip
            else:
                firm_y = p.top + firm_size * PT
                if h.firm:
                    ops.append(self._centred(h.firm, centre, firm_y, firm_size, True))
                title_y = firm_y + (firm_size * 0.5 + title_size) * PT * 1.25
            ops.append(self._centred(title, centre, title_y, title_size, True))
            meta_y = p.top + m.header_h - 1.6
            ops.append(Op("text", self.left, meta_y, text=NUMBER_LABEL, size=meta_size))
            after_label = self.left + text_width(NUMBER_LABEL, meta_size) * PT
            ops.append(Op("text", after_label, meta_y, text=h.number or "__________",
                          size=meta_size, data=bool(h.number)))  # fmt: skip
            code_right = right
            if h.number:
                side = m.qr
                ops.append(Op("qr", right - side, p.top, side, side, text=h.number, data=True))
                code_right = right - side - 1.5
            code = f"表单编号：{h.code}　版本：{h.revision}"
            code_w = text_width(code, meta_size) * PT
            ops.append(Op("text", code_right - code_w, meta_y, text=code, size=meta_size))
            foot_y = p.height - p.bottom - 0.8
            pages_text = f"第 {number} 页 / 共 {total} 页"
            ops.append(self._centred(pages_text, centre, foot_y, meta_size, False))
            if h.print_date:
                printed = f"打印日期：{h.print_date}"
                printed_w = text_width(printed, meta_size) * PT
                ops.append(Op("text", right - printed_w, foot_y, text=printed, size=meta_size))
            page.ops[:0] = ops

    def _centred(self, text: str, centre: float, y: float, size: float, bold: bool) -> Op:
        width = text_width(text, size, bold) * PT
        return Op("text", centre - width / 2, y, text=text, bold=bold, size=size)


def _notes(row: GridRow) -> bool:
    """A row of printed text only (a note under the grid)."""
    return row.kind == "cells" and all(cell.role == "static" for cell in row.cells)


def rest(text: str, shown: list[str]) -> str:
    """What of ``text`` is left after the ``shown`` lines."""
    position = 0
    for line in shown:
        position = text.find(line, position) + len(line)
    return text[position:].strip()


def lay_out_form(
    rows: list[GridRow], columns: tuple[float, ...], paper: Paper, header: Header
) -> LaidOut:
    """Pages for one filled (or blank) form, 续页 pages included, and its value boxes."""
    layout = Layout(columns, paper, header)
    layout.place(rows)
    main_pages = len(layout.pages)
    layout.continuation()
    layout.frame(main_pages)
    return LaidOut(layout.pages, layout.slots, main_pages, layout.breaks)


def lay_out(
    rows: list[GridRow], columns: tuple[float, ...], paper: Paper, header: Header
) -> list[Page]:
    return lay_out_form(rows, columns, paper, header).pages
