"""Chinese typesetting for printed forms: the embedded fonts, line breaking and dates.

The fonts are TrueType outlines embedded (subset) in every PDF: Windows' SimSun and SimHei when
the PC has them, else the bundled Droid Sans Fallback. They are registered once per process.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

BUNDLED_FONT = (
    Path(__file__).resolve().parent.parent / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
)
WINDOWS_FONTS = Path("C:/Windows/Fonts")

# Characters that must not begin a line (行首禁则) and must not end one (行尾禁则).
NO_LINE_START = set("，。、；：？！）》」』”’】〕〉…—·,.;:?!)]}%％")
NO_LINE_END = set("（《「『“‘【〔〈([{")
# Inside a Latin word, a number, an amount or a code (1,234.56 / 16:00 / B20261015-03) a line
# never breaks.
WORD_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,:-/%_@#+")
# Tick boxes are drawn as squares by the PDF renderer (the bundled font has no such glyphs).
BOX_EMPTY = "☐"
BOX_TICKED = "☑"


@dataclass(frozen=True)
class FontSet:
    """The registered ReportLab font names. ``latin``/``latin_bold`` (Bitstream Vera, shipped
    with ReportLab) draw the characters the Chinese font lacks, such as Latin letters and digits
    in the bundled Droid Sans Fallback; SimSun has its own."""

    regular: str
    bold: str
    latin: str
    latin_bold: str
    covered: frozenset[int]

    def runs(self, text: str, bold: bool = False) -> list[tuple[str, str]]:
        """Split ``text`` into (segment, font name) runs."""
        main, other = (self.bold, self.latin_bold) if bold else (self.regular, self.latin)
        runs: list[tuple[str, str]] = []
        for char in text:
            name = main if ord(char) in self.covered else other
            if runs and runs[-1][1] == name:
                runs[-1] = (runs[-1][0] + char, name)
            else:
                runs.append((char, name))
        return runs


@cache
def fonts() -> FontSet:
    """Register the form fonts with ReportLab (once per process) and return their names."""
    import reportlab

    vera = Path(reportlab.__file__).resolve().parent / "fonts"
    pdfmetrics.registerFont(TTFont("KehuLatin", str(vera / "Vera.ttf")))
    simsun, simhei = WINDOWS_FONTS / "simsun.ttc", WINDOWS_FONTS / "simhei.ttf"
    if sys.platform == "win32" and simsun.exists():
        song = TTFont("KehuSong", str(simsun), subfontIndex=0)
        pdfmetrics.registerFont(song)
        bold = "KehuSong"
        if simhei.exists():
            pdfmetrics.registerFont(TTFont("KehuHei", str(simhei)))
            bold = "KehuHei"
        return FontSet("KehuSong", bold, "KehuLatin", "KehuLatin", _coverage(song))
    sans = TTFont("KehuSans", str(BUNDLED_FONT))
    pdfmetrics.registerFont(sans)
    # Droid has one weight: headings stay regular, and so does their Latin text.
    return FontSet("KehuSans", "KehuSans", "KehuLatin", "KehuLatin", _coverage(sans))


def _coverage(font: TTFont) -> frozenset[int]:
    return frozenset(code for code, glyph in font.face.charToGlyph.items() if glyph)


@cache
def _char_width(char: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(char, font, size)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points in the form fonts; tick boxes count one em."""
    face = fonts()
    main, other = (face.bold, face.latin_bold) if bold else (face.regular, face.latin)
    total = 0.0
    for char in text:
        if char in (BOX_EMPTY, BOX_TICKED):
            total += size
        else:
            total += _char_width(char, main if ord(char) in face.covered else other, size)
    return total


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points.

    Chinese breaks between any two characters; a Latin word or number stays whole when the
    line has another place to break; closing punctuation never begins a line and opening
    punctuation never ends one (the character before moves down with it). Newlines are kept.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, size, width, bold))
    return lines


def _wrap_paragraph(text: str, size: float, width: float, bold: bool) -> list[str]:
    if not text:
        return [""]
    if text_width(text, size, bold) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    used = 0.0
    for char in text:
        char_w = text_width(char, size, bold)
        if used + char_w <= width or not line:
            line += char
            used += char_w
            continue
        line, carried = _break(line, char)
        lines.append(line)
        line = carried
        used = text_width(line, size, bold)
    lines.append(line)
    lines = [item.rstrip() if item.strip() else item for item in lines]
    # no line of a single character under a longer one (首问负责 / 人): take one more down
    if len(lines) > 1 and len(lines[-1]) == 1 and len(lines[-2]) > 2:
        last = lines[-2]
        cut = len(last) - 1
        while cut > 1 and (
            (last[cut - 1] in WORD_CHARS and last[cut] in WORD_CHARS)
            or last[cut] in NO_LINE_START
            or last[cut - 1] in NO_LINE_END
        ):
            cut -= 1
        if cut > 1 and text_width(last[cut:] + lines[-1], size, bold) <= width:
            lines[-2:] = [last[:cut], last[cut:] + lines[-1]]
    return lines


def _break(line: str, char: str) -> tuple[str, str]:
    """Split before ``char``; returns (finished line, start of the next line)."""
    cut = len(line)
    # keep a Latin word, number or code together when the line has somewhere else to break
    if char in WORD_CHARS:
        start = cut
        while start > 0 and line[start - 1] in WORD_CHARS:
            start -= 1
        if start > 0:
            cut = start
    # no closing punctuation at the start of the next line, no opening one at the end
    while cut > 1 and (((line[cut:] + char)[0] in NO_LINE_START) or line[cut - 1] in NO_LINE_END):
        cut -= 1
    if char == " " and cut == len(line):
        return line, ""
    return line[:cut], line[cut:] + char


def fit_whole(
    text: str, size: float, width: float, bold: bool = False, smallest: float = 0.7
) -> tuple[list[str], float]:
    """Lines and font size for text that must not break inside a number, date or code: breaks
    only at spaces and newlines, and shrinks (to ``smallest`` of ``size``) for a part that is
    too wide; ordinary wrapping only when even that does not fit."""
    if "\n" not in text and text_width(text, size, bold) <= width:
        return [text], size
    parts = [p for line in text.split("\n") for p in line.split(" ")]
    widest = max(text_width(p, size, bold) for p in parts) if parts else 0.0
    if widest > width:
        size = max(size * smallest, size * width / widest)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for part in paragraph.split(" "):
            joined = f"{line} {part}" if line else part
            if line and text_width(joined, size, bold) > width:
                lines.append(line)
                line = part
            else:
                line = joined
        lines.append(line)
    if any(text_width(line, size, bold) > width for line in lines):
        return wrap(text, size, width, bold), size
    return lines, size


def chinese_date(value: date | datetime | None) -> str:
    """``date(2026, 11, 22)`` → ``'2026年11月22日'``; None → ''."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{chinese_date(value)} {value:%H:%M}"
