"""The row of filters above a desk's list (status, month, person, customer, overdue …).

Every desk's row behaves the same: a choice or a tick reloads the list at once, a search box
on Enter (and, where the list is quick to read, a moment after typing stops).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QWidget

from kehu_desktop.services.common.periods import recent_months

# Months offered by a month filter, this month first.
MONTHS_OFFERED = 24
W = TypeVar("W", bound=QWidget)


def _tr(text: str) -> str:
    return QCoreApplication.translate("FilterRow", text)


class FilterRow(QHBoxLayout):
    """Filters laid out left to right in the order they are made; a change calls ``changed``.

    A choice's "everything" item carries None, so ``currentData()`` is None or the value chosen.
    """

    def __init__(self, changed: Callable[[], object]) -> None:
        super().__init__()
        self._changed = changed
        self._typing = QTimer(self, singleShot=True)
        self._typing.timeout.connect(self._apply)

    def _apply(self) -> None:
        self._typing.stop()
        self._changed()

    def choice(
        self, name: str, everything: str, items: Iterable[str | tuple[object, str]] = ()
    ) -> QComboBox:
        """A drop-down: ``everything`` then each item, a plain value or (value, text). One made
        with no items is filled later (people, products: ``list_view.refill_filter``)."""
        combo = QComboBox(objectName=name)
        combo.addItem(everything, None)
        for item in items:
            value, text = item if isinstance(item, tuple) else (item, item)
            combo.addItem(text, value)
        return self.add(combo)

    def months(self, name: str, today: date | None = None) -> QComboBox:
        """全部月份, then the last ``MONTHS_OFFERED`` months by their first day."""
        return self.choice(
            name, _tr("全部月份"), recent_months(today or date.today(), MONTHS_OFFERED)
        )

    def search(
        self, name: str, placeholder: str, *, stretch: int = 0, delay_ms: int | None = None
    ) -> QLineEdit:
        """A search box applied on Enter, and ``delay_ms`` after typing stops when given."""
        edit = QLineEdit(objectName=name, clearButtonEnabled=True)
        edit.setPlaceholderText(placeholder)
        edit.returnPressed.connect(self._apply)
        if delay_ms is not None:
            self._typing.setInterval(delay_ms)
            edit.textChanged.connect(self._typing.start)
        return self.add(edit, stretch)

    def check(self, name: str, text: str) -> QCheckBox:
        box = QCheckBox(text, objectName=name)
        return self.add(box)

    def overdue(self, name: str) -> QCheckBox:
        """The case desks' 只看超期及今日到期."""
        return self.check(name, _tr("只看超期及今日到期"))

    def add(self, widget: W, stretch: int = 0) -> W:
        """Lay out ``widget`` next; a drop-down, tick box or date edit reloads on a change."""
        self.addWidget(widget, stretch)
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._apply)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._apply)
        elif isinstance(widget, QDateEdit):
            widget.dateChanged.connect(self._apply)
        return widget
