"""Drawing laid-out pages to PDF with the ReportLab canvas; returns bytes.

``overlay=True`` is 套打: only the data is drawn, shifted by the printer's calibrated offsets,
for paper that already carries the printed form.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from io import BytesIO
from threading import Lock

import segno
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kehu_desktop.forms.pages import Op, Page
from kehu_desktop.forms.paper import Paper
from kehu_desktop.forms.typesetting import BOX_EMPTY, BOX_TICKED, fonts, text_width

QUIET_ZONE = 2  # modules of white around a QR code (the standard's 4 is left to the margin)


@cache
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of ``text`` as rows of dark (True) modules, quiet zone included.

    segno (pure Python, no dependencies, maintained, standard-conformant) picks the smallest
    version for the number; medium error correction survives a smudged or creased form."""
    code = segno.make_qr(text, error="m", boost_error=False)
    return tuple(tuple(bool(b) for b in row) for row in code.matrix_iter(border=QUIET_ZONE))


SHADE = Color(0.93, 0.93, 0.93)
# ReportLab's shared font objects keep per-document subsetting state; one render at a time.
_REPORTLAB = Lock()
RULE = Color(0.6, 0.6, 0.6)


BLACK = Color(0, 0, 0)


def draw_text(
    canvas: Canvas, x: float, y: float, text: str, size: float, bold: bool = False
) -> float:
    """Draw ``text`` in runs of the Chinese and the Latin font; returns the end x."""
    canvas.setFillColor(BLACK)
    for run, name in fonts().runs(text, bold):
        canvas.setFont(name, size)
        canvas.drawString(x, y, run)
        x += canvas.stringWidth(run, name, size)
    return x


class _Painter:
    """Draws one page's operations: lines and boxes straight onto the canvas, all the text
    into one text object written after them (far fewer PDF operators than a string each)."""

    def __init__(self, canvas: Canvas, paper: Paper, overlay: bool, offset: tuple[float, float]):
        self.canvas = canvas
        self.height = paper.height
        self.overlay = overlay
        self.dx, self.dy = offset if overlay else (0.0, 0.0)
        self.font = fonts()
        self.texts = canvas.beginText()
        self._font: tuple[str, float] = ("", 0.0)

    def x(self, value: float) -> float:
        return (value + self.dx) * mm

    def y(self, value: float) -> float:
        return (self.height - value - self.dy) * mm

    def page(self, page: Page) -> None:
        self.texts = self.canvas.beginText()
        self.texts.setFillColor(BLACK)
        self._font = ("", 0.0)
        whole = page.plain or not self.overlay
        for op in page.ops:
            if whole or op.data:
                self.draw(op, whole)
        self.canvas.drawText(self.texts)

    def draw(self, op: Op, whole: bool) -> None:
        c = self.canvas
        if op.kind == "rect":
            c.setFillColor(SHADE)
            c.rect(self.x(op.x), self.y(op.y + op.h), op.w * mm, op.h * mm, fill=int(op.fill))
        elif op.kind == "line":
            c.setStrokeColor(RULE)
            c.line(self.x(op.x), self.y(op.y), self.x(op.x + op.w), self.y(op.y))
            c.setStrokeColor(BLACK)
        elif op.kind == "ticks":
            self.ticks(op, whole)
        elif op.kind == "qr":
            self.qr(op)
        else:
            self.text(self.x(op.x), self.y(op.y), op.text, op.size, op.bold)

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False) -> float:
        texts = self.texts
        for run, name in self.font.runs(text, bold):
            if self._font != (name, size):
                texts.setFont(name, size)
                self._font = (name, size)
            texts.setTextOrigin(x, y)
            texts.textOut(run)
            x += self.canvas.stringWidth(run, name, size)
        return x

    def qr(self, op: Op) -> None:
        """The record number as a QR code, one filled path of its dark modules."""
        matrix = qr_matrix(op.text)
        module = op.w / len(matrix)
        path = self.canvas.beginPath()
        for row, bits in enumerate(matrix):
            column = 0
            while column < len(bits):
                if not bits[column]:
                    column += 1
                    continue
                run = column
                while run < len(bits) and bits[run]:
                    run += 1
                top = op.y + row * module
                path.rect(self.x(op.x + column * module), self.y(top + module),
                          (run - column) * module * mm, module * mm)  # fmt: skip
                column = run
        self.canvas.setFillColor(BLACK)
        self.canvas.drawPath(path, stroke=0, fill=1)

    def ticks(self, op: Op, whole: bool) -> None:
        """Text with ☐/☑ drawn as squares (no font has to carry those glyphs); 套打 draws only
        the tick, into the box the pre-printed form has."""
        c = self.canvas
        x = self.x(op.x)
        base = self.y(op.y)
        side = op.size * 0.78
        run = ""
        for char in op.text + "\0":
            if char not in (BOX_EMPTY, BOX_TICKED, "\0"):
                run += char
                continue
            if run:
                if not whole:
                    x += text_width(run, op.size)
                else:
                    x = self.text(x, base, run, op.size)
                run = ""
            if char == "\0":
                break
            left, bottom = x + op.size * 0.1, base - op.size * 0.08
            if whole:
                c.rect(left, bottom, side, side, fill=0)
            if char == BOX_TICKED:
                c.setLineWidth(1.1)
                c.lines(
                    [
                        (
                            left + side * 0.18,
                            bottom + side * 0.5,
                            left + side * 0.42,
                            bottom + side * 0.2,
                        ),
                        (
                            left + side * 0.42,
                            bottom + side * 0.2,
                            left + side * 0.88,
                            bottom + side * 0.86,
                        ),
                    ]
                )
                c.setLineWidth(1)
            x += op.size


def render_pdf(
    documents: Iterable[list[Page]],
    paper: Paper,
    title: str,
    overlay: bool = False,
    offset: tuple[float, float] = (0.0, 0.0),
) -> bytes:
    """One PDF holding every document's pages in turn."""
    with _REPORTLAB:
        return _render(documents, paper, title, overlay, offset)


def _render(
    documents: Iterable[list[Page]],
    paper: Paper,
    title: str,
    overlay: bool,
    offset: tuple[float, float],
) -> bytes:
    buffer = BytesIO()
    # invariant: the same forms give the same bytes (no time stamp or random id in the file)
    canvas = Canvas(
        buffer, pagesize=(paper.width * mm, paper.height * mm), pageCompression=1, invariant=1
    )
    canvas.setTitle(title)
    canvas.setCreator("客户管家")
    canvas.setLineWidth(0.6)
    painter = _Painter(canvas, paper, overlay, offset)
    for pages in documents:
        for page in pages:
            canvas.setLineWidth(0.6)
            painter.page(page)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def calibration_page(paper: Paper, offset: tuple[float, float], printer: str = "") -> bytes:
    """A test page for 套打: crosses every 50 mm and a ruler, printed with the current offsets.

    The user measures where the cross marked 20/20 lands and corrects the offsets by the
    difference.
    """
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(paper.width * mm, paper.height * mm), invariant=1)
    canvas.setTitle("套打校准页")
    dx, dy = offset

    def cross(x: float, y: float, label: str) -> None:
        px, py = (x + dx) * mm, (paper.height - y - dy) * mm
        canvas.line(px - 4 * mm, py, px + 4 * mm, py)
        canvas.line(px, py - 4 * mm, px, py + 4 * mm)
        canvas.circle(px, py, 1.5 * mm)
        draw_text(canvas, px + 2 * mm, py + 1.5 * mm, label, 7)

    for x in range(20, int(paper.width) - 9, 50):
        for y in range(20, int(paper.height) - 9, 50):
            cross(x, y, f"X{x} Y{y}")
    for x in range(0, int(paper.width), 10):  # ruler along the top edge
        length = 4 if x % 50 == 0 else 2
        px = (x + dx) * mm
        canvas.line(px, (paper.height - dy) * mm, px, (paper.height - dy - length) * mm)
    lines = [
        "套打校准页：十字中心应位于所标注的位置（毫米，自纸张左上角量起）。",
        f"打印机：{printer or '默认打印机'}　纸张：{paper.label}",
        f"当前偏移：X {dx:+.1f} mm，Y {dy:+.1f} mm。",
        "若十字偏右 2 mm，请把 X 偏移减 2；若偏下 2 mm，请把 Y 偏移减 2。",
    ]
    for n, text in enumerate(lines):
        draw_text(canvas, (32 + dx) * mm, (paper.height - 32 - dy - n * 5) * mm, text, 9)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
