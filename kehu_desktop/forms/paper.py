"""The paper sizes forms print on, in millimetres, with the margins that keep content printable.

Continuous (241 mm) paper runs through a dot-matrix printer on two tractor-feed strips, each
about 12.7 mm wide with the sprocket holes; nothing may be printed there, so these papers keep a
side margin wider than the strip. Each paper's margins can be changed in the settings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kehu_desktop.services.common.errors import UserError

TRACTOR_STRIP = 12.7  # mm, the perforated strip on each side of continuous paper


@dataclass(frozen=True)
class Paper:
    key: str
    label: str
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    # openpyxl's paperSize code; 0 for the sizes Excel has no code for (the workbook then names
    # the size itself in millimetres)
    excel_size: int = 9
    continuous: bool = False

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def compact(self) -> bool:
        """Small enough that forms print in the compact style (small type, short header)."""
        return self.height < 150 or self.width < 160

    @property
    def strip(self) -> bool:
        """A slip of continuous paper (二等分/三等分): the short forms designed for one strip."""
        return self.continuous and self.height < 150

    @property
    def content_width(self) -> float:
        return self.width - self.left - self.right

    def margins(self) -> dict[str, float]:
        return {"left": self.left, "right": self.right, "top": self.top, "bottom": self.bottom}


PAPERS: dict[str, Paper] = {
    paper.key: paper
    for paper in (
        Paper("A4", "A4 纵向", 210, 297, 12, 12, 10, 10),
        Paper("A4L", "A4 横向", 297, 210, 12, 12, 10, 10),
        Paper("A5", "A5 纵向", 148, 210, 9, 9, 9, 9, 11),
        Paper("241x279", "241×279 mm 连续纸", 241, 279, 15, 15, 8, 8, 0, True),
        Paper("241x140", "241×140 mm 二等分", 241, 140, 15, 15, 6, 5, 0, True),
        Paper("241x93", "241×93 mm 三等分", 241, 93, 15, 15, 5, 4, 0, True),
    )
}
MARGIN_LIMITS = (0.0, 40.0)


def paper(key: str) -> Paper:
    """The paper for ``key``; raises UserError naming the known keys."""
    try:
        return PAPERS[key]
    except KeyError:
        raise UserError(f"未知纸张 “{key}”；可选：{'、'.join(PAPERS)}") from None


def with_margins(base: Paper, margins: dict[str, float]) -> Paper:
    """``base`` with the margins set for it (those not given keep their default)."""
    chosen = base.margins() | {k: float(v) for k, v in margins.items() if k in base.margins()}
    return replace(
        base,
        left=chosen["left"],
        right=chosen["right"],
        top=chosen["top"],
        bottom=chosen["bottom"],
    )


def check_margins(key: str, margins: dict[str, float]) -> None:
    """Refuses margins a form cannot be laid out in, naming the paper and the side."""
    base = paper(key)
    names = {"left": "左", "right": "右", "top": "上", "bottom": "下"}
    low, high = MARGIN_LIMITS
    for side, value in margins.items():
        if side not in names:
            raise UserError(
                f"纸张 {base.label} 的边距“{side}”无效（可用：left、right、top、bottom）。"
            )
        if not low <= float(value) <= high:
            raise UserError(
                f"纸张 {base.label} 的{names[side]}边距应在 {low:g}–{high:g} 毫米之间。"
            )
    if base.continuous and min(margins.get("left", base.left), margins.get("right", base.right)) < (
        TRACTOR_STRIP
    ):
        raise UserError(
            f"{base.label} 两侧各有约 {TRACTOR_STRIP} 毫米的导孔边，左右边距不能小于它。"
        )
