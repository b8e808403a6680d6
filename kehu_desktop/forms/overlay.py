"""True 套打: a record's values put into the fixed boxes of the blank form of the same paper.

The blank is laid out first; each value then goes into its own box there, so a long value never
moves another. A value too wide for its box shrinks, then wraps within the box, and what still
does not fit continues on a 续页 (printed whole, on plain paper) while the box says 见续页. Dates
and times print only their digits, into the blank's 年 月 日 时 分 slots; tick boxes get only
their tick; labels, lines and the header the blank already carries are never printed.
"""

from __future__ import annotations

from kehu_desktop.forms.grid import GridCell, GridRow
from kehu_desktop.forms.pages import (
    CONTINUED_MARK,
    PT,
    Header,
    LaidOut,
    Layout,
    Op,
    Overflow,
    Page,
    Slot,
    rest,
)
from kehu_desktop.forms.paper import Paper
from kehu_desktop.forms.typesetting import BOX_EMPTY, BOX_TICKED, fit_whole, text_width, wrap

SLOT_UNITS = "年月日时分亿仟佰拾万元角分"  # the units a blank prints after an empty slot
SMALLEST = 0.75  # a value shrinks to three quarters of the form's type before it wraps


def _stamp_ops(cell: GridCell, slot: Slot) -> list[Op]:
    """Each digit group right before its unit character in the blank (2026 年 11 月 24 日,
    捌 拾 零 万 …)."""
    ops = []
    units = [i for i, ch in enumerate(slot.text) if ch in SLOT_UNITS]
    for index, digits in zip(units, cell.stamp, strict=False):
        if not digits:
            continue
        unit_x = slot.tx + text_width(slot.text[:index], slot.size) * PT
        x = unit_x - text_width(digits, slot.size) * PT - 0.4
        ops.append(Op("text", x, slot.baseline, text=digits, size=slot.size, data=True))
    return ops


def _boxed(cell: GridCell, slot: Slot, layout: Layout, caption: str) -> list[Op]:
    """The value's lines inside its box: whole size, shrunk, wrapped, then cut to a 续页."""
    m = layout.m
    room = (slot.w - 2 * m.pad) / PT
    size = slot.size
    one_line = "\n" not in cell.text
    width = text_width(cell.text, size)
    if one_line and width > room:
        size = max(size * SMALLEST, size * room / width)
    if one_line and text_width(cell.text, size) <= room:
        lines = [cell.text]
    else:
        size = min(size, slot.size * SMALLEST) if not one_line else size
        lines = fit_whole(cell.text, size, room)[0] if cell.whole else wrap(cell.text, size, room)
    leading = m.leading_for(size)
    capacity = max(1, int((slot.h - 2 * m.pad) / leading))
    if len(lines) > capacity:
        shown = lines[: capacity - 1]
        layout.overflows.append(Overflow(caption, slot.page + 1, rest(cell.text, shown)))
        lines = [*shown, CONTINUED_MARK]
    block = len(lines) * leading
    top = slot.y + m.pad if slot.lines or len(lines) > 1 else slot.y + (slot.h - block) / 2
    ops = []
    for n, line in enumerate(lines):
        line_w = text_width(line, size) * PT
        if cell.align == "center":
            x = slot.x + (slot.w - line_w) / 2
        elif cell.align == "right":
            x = slot.x + slot.w - m.pad - line_w
        else:
            x = slot.x + m.pad
        baseline = top + n * leading + size * 1.05 * PT
        ops.append(Op("text", x, baseline, text=line, size=size, data=True))
    return ops


def _value_ops(cell: GridCell, slot: Slot, layout: Layout) -> list[Op]:
    if cell.ticks:  # the same boxes as the blank's: the painter draws only the tick
        return [Op("ticks", slot.tx, slot.baseline, text=cell.text, size=slot.size, data=True)]
    units = sum(1 for ch in slot.text if ch in SLOT_UNITS)
    if cell.stamp and units == len(cell.stamp):
        return _stamp_ops(cell, slot)
    return _boxed(cell, slot, layout, cell.caption or "续")


def _plain(cell: GridCell) -> str:
    """A cell's value as words: tick boxes as the choice ticked."""
    if not cell.ticks:
        return cell.text.strip()
    return "、".join(part.strip()[1:] for part in cell.text.split("  ") if BOX_TICKED in part)


def _row_text(row: GridRow, headers: dict[int, str]) -> str:
    return "；".join(
        f"{headers.get(cell.col, '')}：{_plain(cell)}" for cell in row.cells if _plain(cell)
    )


def _filled(row: GridRow) -> list[GridCell]:
    return [cell for cell in row.cells if cell.role == "value" and cell.text.strip()]


def _table_captions(rows: list[GridRow]) -> dict[int, str]:
    """Each table's name on its 续页: the heading of its section, else its column titles."""
    captions: dict[int, str] = {}
    section = ""
    for row in rows:
        if row.kind == "section":
            section = row.cells[0].text
        elif row.kind == "header":
            titles = "、".join(cell.text for cell in row.cells if cell.text)
            captions[row.key] = f"续表：{section or titles}"
    return captions


def _mark_row(blank: LaidOut, key: int, item: int, layout: Layout) -> tuple[int, list[Op]]:
    """见续页 across the boxes of pre-printed row ``item`` of table ``key``: its page and ops."""
    boxes = sorted(
        (col, slot) for (k, i, col), slot in blank.slots.items() if (k, i) == (key, item)
    )
    first, last = boxes[0][1], boxes[-1][1]
    across = Slot(first.page, first.x, first.y, last.x + last.w - first.x, first.h, first.size,
                  "", first.tx, first.baseline)  # fmt: skip
    mark = GridCell(0, 1, "value", CONTINUED_MARK, "center")
    return first.page, _boxed(mark, across, layout, "")


def _preset_rows(blank: LaidOut) -> dict[int, dict[str, int]]:
    """The tables whose rows the blank pre-prints by name (the scored items set in the app):
    table row key → {item name: its row}."""
    first: dict[int, tuple[int, dict[str, int]]] = {}  # key → (first column, names)
    for (key, item, col), slot in sorted(blank.slots.items()):
        if item < 0:
            continue
        column, names = first.setdefault(key, (col, {}))
        # a name, not the slots (年 月 日, 亿…分) or tick boxes every row of a blank has
        if col == column and slot.text.strip("　 " + SLOT_UNITS) and BOX_EMPTY not in slot.text:
            names[slot.text] = item
    rows = {key: 1 + max(i for k, i, _c in blank.slots if k == key) for key in first}
    return {key: names for key, (_col, names) in first.items() if len(names) == rows[key]}


def overlay_pages(
    blank: LaidOut,
    rows: list[GridRow],
    columns: tuple[float, ...],
    paper: Paper,
    header: Header,
) -> list[Page]:
    """The record's values on the blank's pages, then the 续页 pages (printed whole).

    A table with more rows than the blank has pre-printed continues on a 续页: the blank's
    last row says 见续页, and that row's values and the ones after it are listed on the 续页
    under the table's name. In a table whose rows the blank names (the scored items), each
    item goes to the row of its name; an item the blank does not name goes to the 续页."""
    layout = Layout(columns, paper, header)
    layout.pages = [Page() for _ in range(blank.main_pages)]
    presets = _preset_rows(blank)
    printed_rows: dict[int, int] = {}  # table row key → the rows the blank has pre-printed
    for key, item, _col in blank.slots:
        if item >= 0:
            printed_rows[key] = max(printed_rows.get(key, 0), item + 1)
    used_rows: dict[int, int] = {}  # table row key → the rows the record fills
    for row in rows:
        if row.kind == "item" and row.key not in presets and _filled(row):
            used_rows[row.key] = max(used_rows.get(row.key, 0), row.item + 1)
    # the first item of each overflowing table that goes to the 续页 (its row says 见续页)
    cut = {
        key: max(printed_rows.get(key, 0) - 1, 0)
        for key, used in used_rows.items()
        if used > printed_rows.get(key, 0)
    }
    headers: dict[int, dict[int, str]] = {}
    extra: dict[int, list[str]] = {}
    for row in rows:
        if row.kind == "header":
            headers[row.key] = {cell.col: cell.text for cell in row.cells}
            continue
        values = _filled(row)
        if not values:
            continue
        item = row.item
        if row.kind == "item" and row.key in presets:
            item = presets[row.key].get(row.cells[0].text, -1)
        if row.kind == "item" and (item < 0 or row.key in cut and item >= cut[row.key]):
            extra.setdefault(row.key, []).append(_row_text(row, headers.get(row.key, {})))
            continue
        for cell in values:
            slot = blank.slots.get((row.key, item, cell.col))
            # what the blank prints already (an item's name and weight) is not printed again
            if slot is not None and cell.text != slot.text:
                layout.pages[slot.page].ops.extend(_value_ops(cell, slot, layout))
    captions = _table_captions(rows)
    for key, lines in extra.items():
        marked = blank.main_pages - 1  # the page whose table says 见续页
        if key in cut and key in printed_rows:
            marked, ops = _mark_row(blank, key, cut[key], layout)
            layout.pages[marked].ops.extend(ops)
        caption = captions.get(key, "续表")
        layout.overflows.append(Overflow(caption, marked + 1, "\n".join(lines)))
    # the boxes marked 见续页 say so; the blank's own header gets only the number and QR code
    layout.continuation()
    layout.frame(blank.main_pages)
    for page in layout.pages[: blank.main_pages]:
        page.ops = [op for op in page.ops if op.data]
    return layout.pages
