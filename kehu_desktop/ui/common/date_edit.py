"""Date and date-time editors that take typed dates (2026-11-22) and offer a calendar.

Typing starts over the year, so ``20261122`` or ``2026-11-22`` typed into the field is the date
(each part moves on to the next once complete). The services read dates as text, so these
editors hand back ``text_value()`` in the services' format; an optional date shows blank and
hands back "" until a date is typed or chosen, and Delete makes it blank again.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
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
        self._typing = _Typing()
        self.optional = optional
        if optional:
            self.setMinimumDate(BLANK)
            self.setSpecialValueText("（未填）")
            self.setToolTip("输入日期如 2026-11-22，或点右侧箭头选日期；Delete 清空")
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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.optional and event.key() == Qt.Key.Key_Delete:
            self.setDate(BLANK)
            return
        if self.is_blank() and event.text().isdigit():
            self.setDate(QDate.currentDate())  # the typed digits replace it from the year on
            self.setSelectedSection(QDateTimeEdit.Section.YearSection)
        self._typing.key(self, event, super().keyPressEvent)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        _select_year(self)


SEPARATORS = frozenset("-/.: ")


class _Typing:
    """Typed dates read naturally: a part typed in full moves on to the next part, so the
    separator typed after it (2026-11-22) must not move on a second time."""

    def __init__(self) -> None:
        self.moved_on = False

    def key(self, editor: QDateTimeEdit, event: QKeyEvent, press) -> None:
        text = event.text()
        if text and text in SEPARATORS and self.moved_on:
            self.moved_on = False
            return
        before = editor.currentSection()
        press(event)
        self.moved_on = bool(text) and text.isdigit() and editor.currentSection() != before


def _select_year(editor: QDateTimeEdit) -> None:
    """Typing starts over the year: select it (a blank date shows its special text instead)."""
    if not (isinstance(editor, DateEdit) and editor.is_blank()):
        editor.setSelectedSection(QDateTimeEdit.Section.YearSection)


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
        self._typing = _Typing()
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

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        _select_year(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._typing.key(self, event, super().keyPressEvent)
