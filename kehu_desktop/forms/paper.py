"""The paper sizes forms print on, in millimetres."""

from __future__ import annotations

from dataclasses import dataclass

from kehu_desktop.services.common.errors import UserError


@dataclass(frozen=True)
class Paper:
    key: str
    label: str
    width: float
    height: float
    margin: float
    # openpyxl's paperSize code (Excel has no code for the continuous sizes: A4, fit to width)
    excel_size: int = 9

    @property
    def landscape(self) -> bool:
        return self.width > self.height


PAPERS: dict[str, Paper] = {
    paper.key: paper
    for paper in (
        Paper("A4", "A4 纵向", 210, 297, 12),
        Paper("A4L", "A4 横向", 297, 210, 12),
        Paper("A5", "A5 纵向", 148, 210, 9, 11),
        Paper("241x279", "241×279 mm 连续纸", 241, 279, 10),
        Paper("241x140", "241×140 mm 二等分", 241, 140, 7),
        Paper("241x93", "241×93 mm 三等分", 241, 93, 5),
    )
}


def paper(key: str) -> Paper:
    """The paper for ``key``; raises UserError naming the known keys."""
    try:
        return PAPERS[key]
    except KeyError:
        raise UserError(f"未知纸张 “{key}”；可选：{'、'.join(PAPERS)}") from None
