"""Date and date-time editors that take typed dates (2026-11-22) and offer a calendar.

The services read dates as text, so these editors hand back ``text()`` in the services' format;
an optional date shows blank and hands back "" until a date is chosen.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget

DATE_FORMAT = "yyyy-MM-dd"
DATE_TIME_FORMAT = "yyyy-MM-dd HH:mm"
# An optional date holds this while blank (shown as the special value text).
BLANK = QDate(1900, 1, 1)


class DateEdit(QDateEdit):
    """A date with a calendar popup; ``optional`` ones may be left blank."""

    def __init__(
        self,
        name: str = "",
        value: date | None = None,
        *,
        optional: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.setDisplayFormat(DATE_FORMAT)
        self.setCalendarPopup(True)
        self.optional = optional
        if optional:
            self.setMinimumDate(BLANK)
            self.setSpecialValueText("（未填）")
        self.set_value(value)

    def set_value(self, value: date | str | None) -> None:
        """A date, its ISO text, or None / "" for blank (today when the date is required)."""
        if isinstance(value, str):
            value = date.fromisoformat(value) if value else None
        if value is None:
            self.setDate(BLANK if self.optional else QDate.currentDate())
        else:
            self.setDate(QDate(value.year, value.month, value.day))

    def value(self) -> date | None:
        if self.is_blank():
            return None
        return self.date().toPython()

    def is_blank(self) -> bool:
        return self.optional and self.date() == BLANK

    def text_value(self) -> str:
        """What the services parse: ``2026-11-22``, or "" when left blank."""
        day = self.value()
        return "" if day is None else day.isoformat()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A blank date's calendar would open in 1900: start it on today instead.
        if self.is_blank():
            self.setDate(QDate.currentDate())
        super().mousePressEvent(event)


class DateTimeEdit(QDateTimeEdit):
    """A date and time to the minute with a calendar popup."""

    def __init__(
        self, name: str = "", value: datetime | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.setDisplayFormat(DATE_TIME_FORMAT)
        self.setCalendarPopup(True)
        self.set_value(value)

    def set_value(self, value: datetime | str | None) -> None:
        if isinstance(value, str):
            value = datetime.fromisoformat(value) if value else None
        if value is None:
            now = QDateTime.currentDateTime()
            self.setDateTime(QDateTime(now.date(), QTime(now.time().hour(), now.time().minute())))
        else:
            self.setDateTime(QDateTime(value.replace(second=0, microsecond=0)))

    def value(self) -> datetime:
        return self.dateTime().toPython().replace(second=0, microsecond=0)

    def text_value(self) -> str:
        return self.value().strftime("%Y-%m-%d %H:%M")
