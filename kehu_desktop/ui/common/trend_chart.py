"""A small line chart of satisfaction scores (1–5) over time, painted directly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

LINE = QColor("#1a73e8")
GRID = QColor("#dddddd")
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 28, 12, 10, 22


class TrendChart(QWidget):
    def __init__(self, low: int = 1, high: int = 5, parent=None) -> None:
        super().__init__(parent)
        self._low, self._high = low, high
        self._points: list[tuple[date, Decimal]] = []
        self.setMinimumHeight(140)

    def set_points(self, points: list[tuple[date, Decimal]]) -> None:
        self._points = list(points)
        self.update()

    def points(self) -> list[tuple[date, Decimal]]:
        return list(self._points)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(MARGIN_LEFT, MARGIN_TOP, -MARGIN_RIGHT, -MARGIN_BOTTOM)
        span = self._high - self._low
        for value in range(self._low, self._high + 1):
            y = area.bottom() - (value - self._low) / span * area.height()
            painter.setPen(QPen(GRID))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(QPen(Qt.GlobalColor.darkGray))
            painter.drawText(QRectF(0, y - 8, MARGIN_LEFT - 6, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             str(value))  # fmt: skip
        if not self._points:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "尚无满意度调查")
            return
        first, last = self._points[0][0], self._points[-1][0]
        days = max((last - first).days, 1)
        positions = []
        for day, score in self._points:
            x = (
                area.left()
                + ((day - first).days / days if len(self._points) > 1 else 0.5) * area.width()
            )
            y = area.bottom() - (float(score) - self._low) / span * area.height()
            positions.append(QPointF(x, y))
        painter.setPen(QPen(LINE, 2))
        for start, end in zip(positions, positions[1:], strict=False):
            painter.drawLine(start, end)
        painter.setBrush(LINE)
        for point in positions:
            painter.drawEllipse(point, 3, 3)
        painter.setPen(QPen(Qt.GlobalColor.darkGray))
        bottom = QRectF(4, area.bottom() + 4, self.width() - 8, 16)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft, f"{first:%Y-%m}")
        if last != first:
            painter.drawText(bottom, Qt.AlignmentFlag.AlignRight, f"{last:%Y-%m}")
