"""The one customer picker every desk uses: type part of a code, a name, pinyin initials or a
phone number, choose from the matches. Nothing is chosen until the user chooses (or the typed
text matches exactly one customer)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QSizePolicy, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.operations import Operations

SEARCH_DELAY_MS = 200
NO_CHOICE = "（请选择客户）"


class CustomerPicker(QWidget):
    """Signals: ``customer_changed(object)`` with the chosen customer id (or None);
    ``matches_shown(int)`` with how many matches the list holds after a search."""

    customer_changed = Signal(object)
    matches_shown = Signal(int)

    def __init__(
        self, ops: Operations, name: str = "customerPicker", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._generation = 0
        self.search = QLineEdit(objectName=f"{name}Search", clearButtonEnabled=True)
        self.search.setPlaceholderText("输入编号、名称、拼音首字母或电话查找")
        self.choice = QComboBox(objectName=name)
        self.choice.setMinimumWidth(240)
        self.choice.addItem(NO_CHOICE, None)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._timer.start)
        self.search.installEventFilter(self)
        self.choice.currentIndexChanged.connect(lambda _i: self.customer_changed.emit(self.value()))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setFocusProxy(self.search)
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search, 1)
        box.addWidget(self.choice, 2)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search box opens the matches."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Down:
                self.choice.setFocus()
                self.choice.showPopup()
                return True
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        """Search for what is typed now (off the GUI thread; a later search wins)."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        text = self.search.text().strip()
        if not text:
            self._show([], generation)
            return

        def find(session: Session) -> list[tuple[int, str]]:
            return customer_files.customer_choices(session, text, limit=50)

        self._ops.query(self, find, lambda found: self._show(found, generation))

    def _show(self, found: list[tuple[int, str]], generation: int) -> None:
        if generation != self._generation:
            return  # an older search finished after a newer one
        current = self.value()
        current_label = self.choice.currentText()
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem(NO_CHOICE, None)
        if current is not None and current not in {i for i, _ in found}:
            self.choice.addItem(current_label, current)
        for customer_id, label in found:
            self.choice.addItem(label, customer_id)
        index = self.choice.findData(current) if current is not None else -1
        if index < 0 and len(found) == 1:
            index = self.choice.findData(found[0][0])
        self.choice.setCurrentIndex(max(index, 0))
        self.choice.blockSignals(False)
        if self.value() != current:
            self.customer_changed.emit(self.value())
        self.matches_shown.emit(len(found))

    def set_value(self, customer_id: int | None, label: str = "") -> None:
        """Choose a customer (``label``: its "code name"; read from the store when not given)."""
        if customer_id is None:
            self.choice.setCurrentIndex(0)
            return
        if self.choice.findData(customer_id) < 0:
            if not label:
                self._ops.query(
                    self,
                    lambda session: customer_files.customer_label(session, customer_id),
                    lambda text: self.set_value(customer_id, text or str(customer_id)),
                )
                return
            self.choice.addItem(label, customer_id)
        self.choice.setCurrentIndex(self.choice.findData(customer_id))

    def value(self) -> int | None:
        return self.choice.currentData()
