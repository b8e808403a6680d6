"""The one base of every dialog that edits a record.

* Esc, 取消 and the close box ask 保存 / 放弃 / 取消 when something was typed; nothing typed is
  ever dropped without that question.
* The save runs through ``Operations.write`` (off the GUI thread); a refusal
  (``ValidationError``) marks the fields it names with a red border and lists the messages;
  a field's mark clears as soon as it is edited. ``UserError`` is shown in the dialog, which
  stays open with everything typed. A save refused because another desk changed the record
  meanwhile (``StaleRecordError``) offers to read it again with the dialog's ``load``, and
  keeps what was typed in view beside it (``ui/common/stale_record.py``).
* ``load(op, fill)`` reads what the form shows through ``Operations.query`` while the dialog
  opens; the form is disabled until ``fill`` has run, and what it filled counts as unchanged.
* The form sits in a scroll area, so a long form fits any screen; the dialog is kept within the
  available screen, remembers its size, and starts with the focus in the first field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common import settings
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.common.versions import StaleRecordError
from kehu_desktop.ui.common.customer_picker import CustomerPicker
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.screen import fit_to_screen
from kehu_desktop.ui.common.stale_record import ask_reload, show_kept, typed_entries

# A field the service refused: red border on a light red ground.
ERROR_STYLE = "border: 1px solid #d93025; background: #fdecea;"

Standard = QDialogButtonBox.StandardButton
T = TypeVar("T")


def error_label(name: str = "errorLabel") -> QLabel:
    """Hidden until there is something to say; wraps long lists of problems."""
    label = QLabel(objectName=name, wordWrap=True)
    label.setStyleSheet("color: #d93025;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def editor_value(editor: QWidget) -> object:
    """What an editor holds now, to tell whether anything was typed."""
    if isinstance(editor, QLineEdit):
        return editor.text()
    if isinstance(editor, QPlainTextEdit | QTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QComboBox):
        return (editor.currentIndex(), editor.currentText() if editor.isEditable() else None)
    if isinstance(editor, QDateTimeEdit):  # QDateEdit too
        return editor.dateTime()
    if isinstance(editor, QAbstractSpinBox):
        return editor.text()
    if isinstance(editor, QAbstractButton) and editor.isCheckable():
        return editor.isChecked()
    value = getattr(editor, "value", None)
    return value() if callable(value) else None


def changed_signal(editor: QWidget) -> Any:
    """The signal an editor sends when the user changes it, or None."""
    for name in (
        "textChanged",
        "currentIndexChanged",
        "dateTimeChanged",
        "valueChanged",
        "toggled",
        "changed",
        "customer_changed",
    ):
        signal = getattr(editor, name, None)
        if signal is not None and hasattr(signal, "connect"):
            return signal
    return None


class EditDialog(QDialog):
    """Subclasses build the form with ``add_field`` (and ``add_widget`` for anything else),
    and implement ``submit(session)``: one service call whose result becomes ``result_value``.

    ``changes``: the kinds of record a save changes (see ``operations.CHANGE_KINDS``).
    Override ``current_input()`` to return what was typed as the service takes it (a dataclass,
    a tuple): it tells whether closing would lose anything, and is taken on the GUI thread as
    ``submitted_input`` when 保存 is pressed, for ``submit`` to use on the pool thread.
    ``load(op, fill)`` reads what the form shows; ``can_save()`` False shows it read-only.

    Signals: ``saved(object)`` with what ``submit`` returned, before the dialog closes;
    ``loaded()`` once ``load`` has filled the form.
    """

    saved = Signal(object)
    loaded = Signal()

    record_label = "记录"
    changes: tuple[str, ...] = ()
    ok_text = "保存(&S)"
    # Whether the dialog closes after a successful save.
    close_on_save = True

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory | None,
        title: str,
        parent: QWidget | None = None,
        *,
        scrolling: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.setWindowTitle(title)
        self.ops = ops
        self._layout_memory = layout
        self.result_value: object = None
        self.submitted_input: Any = None
        self.seen_settings: dict[str, int] = {}
        # The read that filled the form, to read the record again after a stale save.
        self._reader: tuple[Callable[[Session], Any], Callable[[Any], None]] | None = None
        self.saving = False
        self.loading = False
        self._shown = False
        self._restored = False
        self._close_after_save = False
        self._editors: dict[str, QWidget] = {}
        self._initial: object = None
        self._errors: dict[str, str] = {}

        self.content = QWidget(objectName="formContent")
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.addLayout(self.form)
        # Room left over goes below the form, not between its rows.
        self.content_layout.addStretch(1)
        self.error_label = error_label()
        self.buttons = QDialogButtonBox(Standard.Save | Standard.Cancel)
        self.ok_button = self.buttons.button(Standard.Save)
        self.ok_button.setText(self.ok_text)
        self.ok_button.setObjectName("okButton")
        self.cancel_button = self.buttons.button(Standard.Cancel)
        self.cancel_button.setText("取消(&C)")
        self.cancel_button.setObjectName("cancelButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self.body = QVBoxLayout(self)
        if scrolling:
            scroll = QScrollArea(objectName="formScroll", widgetResizable=True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(self.content)
            self.body.addWidget(scroll, 1)
        else:
            self.body.addWidget(self.content, 1)
        # A long list of problems scrolls instead of pushing the buttons off a small screen.
        self.error_area = QScrollArea(objectName="errorArea", widgetResizable=True)
        self.error_area.setFrameShape(QFrame.Shape.NoFrame)
        self.error_area.setWidget(self.error_label)
        self.error_area.setMaximumHeight(96)
        self.error_area.hide()
        self.body.addWidget(self.error_area)
        self.body.addWidget(self.buttons)

    # --- building -------------------------------------------------------------------------

    def add_field(self, label: str, editor: QWidget, key: str = "") -> QWidget:
        """Add a row; ``key`` is the service's field name, so its error can mark the editor."""
        self.form.addRow(label, editor)
        if key:
            self.register_editor(key, editor)
        return editor

    def add_widget(self, widget: QWidget, stretch: int = 0) -> QWidget:
        """Add ``widget`` below the form; one with ``stretch`` takes the room left over."""
        last = self.content_layout.count() - 1
        self.content_layout.insertWidget(last, widget, stretch)
        if stretch:
            self.content_layout.setStretch(last + 1, 0)
        return widget

    def add_layout(self, layout: QLayout) -> None:
        """Add a row of widgets (e.g. buttons) below the form."""
        self.content_layout.insertLayout(self.content_layout.count() - 1, layout)

    def register_editor(self, key: str, editor: QWidget) -> None:
        """Name an editor placed elsewhere so errors for ``key`` mark it."""
        self._editors[key] = editor
        if isinstance(editor, QComboBox):
            # Choices filled after the dialog shows (staff, products) must not be cut short.
            editor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        signal = changed_signal(editor)
        if signal is not None:
            signal.connect(lambda *_a, key=key: self.clear_error(key))

    def editor(self, name: str) -> QWidget:
        """The editor of one field, by its name (for tests and for focusing an error)."""
        return self._editors[name]

    # --- loading --------------------------------------------------------------------------

    def load(self, op: Callable[[Session], T], fill: Callable[[T], None]) -> None:
        """Read with ``op`` off the GUI thread, then ``fill(result)`` the form; until then the
        form and 保存 are disabled. When the read fails the error is shown and the dialog
        closes (nothing was typed yet)."""
        self._reader = (op, fill)
        self.loading = True
        self.content.setEnabled(False)
        self.ok_button.setEnabled(False)

        def done(result: T) -> None:
            fill(result)
            self.loading = False
            self.content.setEnabled(True)
            self.set_read_only(not self.can_save())
            self.ok_button.setEnabled(self.can_save())
            self.mark_clean()
            if self.isVisible():
                # Fields added by ``fill`` are shown on the next turn of the event loop.
                QTimer.singleShot(0, self.grow_to_form)
                self.focus_first_field()
            self.loaded.emit()

        def failed(error: Exception) -> None:
            self.loading = False
            show_error(self, self.windowTitle(), error)
            QDialog.reject(self)

        self.ops.query(self, op, done, failure=failed, title=self.windowTitle())

    def load_settings(self, op: Callable[[Session], T], fill: Callable[[T], None]) -> None:
        """``load`` for a settings dialog: also reads the versions of the stored settings, kept
        in ``seen_settings`` for ``submit`` to hand back, so a setting another PC changed
        meanwhile is not overwritten."""

        def read(session: Session) -> tuple[dict[str, int], T]:
            return settings.versions(session), op(session)

        def filled(loaded: tuple[dict[str, int], T]) -> None:
            self.seen_settings, value = loaded
            fill(value)

        self.load(read, filled)

    def can_save(self) -> bool:
        """Whether 保存 is offered (e.g. settings only a 主管 may change)."""
        return True

    def set_read_only(self, read_only: bool) -> None:
        """Someone who may not save sees the values greyed, with nothing to lose."""
        self.content.setEnabled(not read_only)

    # --- what was typed -------------------------------------------------------------------

    def current_input(self) -> object:
        """Everything typed or chosen; compared with what was loaded to tell whether closing
        would lose anything."""
        editors = self.content.findChildren(QWidget)
        return [
            editor_value(e)
            for e in editors
            if isinstance(
                e,
                QLineEdit | QPlainTextEdit | QTextEdit | QComboBox | QAbstractSpinBox | QCheckBox,
            )
            and not isinstance(e.parentWidget(), QComboBox | QAbstractSpinBox)
        ]

    def _picker_searches(self) -> list[str]:
        """What is typed in the customer pickers' search boxes: not part of the record, but
        typed, so closing would lose it."""
        return [picker.search.text() for picker in self.content.findChildren(CustomerPicker)]

    def mark_clean(self) -> None:
        """What is in the editors now counts as saved (after loading or saving)."""
        self._initial = (self.current_input(), self._picker_searches())

    def is_dirty(self) -> bool:
        return (
            not self.loading
            and self._initial is not None
            and (self.current_input(), self._picker_searches()) != self._initial
        )

    # --- errors ---------------------------------------------------------------------------

    def show_errors(self, messages: dict[str, str]) -> None:
        self._errors = dict(messages)
        for key, editor in self._editors.items():
            editor.setStyleSheet(ERROR_STYLE if key in messages else "")
        self._show_error_text()
        for key in messages:
            editor = self._editors.get(key)
            if editor is not None and editor.isEnabled():
                editor.setFocus()
                break

    def clear_error(self, key: str) -> None:
        if key in self._errors:
            del self._errors[key]
            self._editors[key].setStyleSheet("")
            self._show_error_text()

    def _show_error_text(self) -> None:
        self.error_label.setText("\n".join(self._errors.values()))
        self.error_label.setVisible(bool(self._errors))
        self.error_area.setVisible(bool(self._errors))

    # --- saving ---------------------------------------------------------------------------

    def submit(self, session: Session) -> object:
        """Runs on a pool thread: read what was typed from ``submitted_input`` (taken on the
        GUI thread when 保存 was pressed), never from the editors."""
        raise NotImplementedError

    def validate_here(self) -> dict[str, str]:
        """Checks that need no store (e.g. a required choice); empty when all is well."""
        return {}

    def save(self) -> None:
        """Save through the operations helper; the dialog stays open until it is done."""
        if self.saving or self.loading or not self.can_save():
            return
        problems = self.validate_here()
        if problems:
            self.show_errors(problems)
            return
        self.saving = True
        self.submitted_input = self.current_input()
        self.ok_button.setEnabled(False)
        self.ops.write(
            self, self.submit, self.changes, self._saved, failure=self._failed,
            title=self.windowTitle(),
        )  # fmt: skip

    def _saved(self, result: object) -> None:
        self.saving = False
        self.ok_button.setEnabled(self.can_save())
        self.result_value = result
        self.show_errors({})
        self.mark_clean()
        self.saved.emit(result)
        if self.close_on_save or self._close_after_save:
            self.remember_geometry()
            super().accept()

    def _failed(self, error: Exception) -> None:
        self.saving = False
        self._close_after_save = False
        self.ok_button.setEnabled(self.can_save())
        if isinstance(error, ValidationError):
            self.show_errors(error.errors)
        elif isinstance(error, StaleRecordError) and self._reader is not None:
            self._offer_reload(error)
        elif isinstance(error, UserError):
            self.show_errors({"": str(error)})
        else:  # a bug or the store failing: say so, keep the dialog and what was typed
            show_error(self, self.windowTitle(), error)

    def _offer_reload(self, error: StaleRecordError) -> None:
        """Read the record again as ``load`` did, and show what was typed beside it."""
        if not ask_reload(self, error):
            self.show_errors({"": str(error)})
            return
        typed = typed_entries(self)
        op, fill = self._reader

        def refill(result: object) -> None:
            fill(result)
            show_kept(self, typed)

        self.show_errors({})
        self.load(op, refill)
        self._reader = (op, fill)

    def accept(self) -> None:
        self.save()

    # --- closing --------------------------------------------------------------------------

    def reject(self) -> None:
        if self.saving:
            return
        if self.is_dirty():
            box = QMessageBox.StandardButton
            answer = QMessageBox.question(
                self,
                "未保存的修改",
                f"{self.record_label}有未保存的修改。要保存吗？",
                box.Save | box.Discard | box.Cancel,
                box.Save,
            )
            if answer == box.Save:
                self._close_after_save = True
                self.save()
                return
            if answer != box.Discard:  # 取消, or the question closed: keep editing
                return
        self.remember_geometry()
        super().reject()

    def closeEvent(self, event) -> None:
        if self.isVisible() and (self.saving or self.is_dirty()):
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)

    def remember_geometry(self) -> None:
        if self._layout_memory is not None:
            self._layout_memory.save_geometry(self.objectName(), self)

    def showEvent(self, event) -> None:
        first_show = not self._shown
        if first_show:
            self._shown = True
            self.ok_button.setEnabled(not self.loading and self.can_save())
            self._restored = self._layout_memory is not None and (
                self._layout_memory.restore_geometry(self.objectName(), self)
            )
            if self._initial is None:
                self.mark_clean()
        super().showEvent(event)
        if first_show:
            self.grow_to_form()
            self.focus_first_field()

    def grow_to_form(self) -> None:
        """Unless a size was remembered, grow to show the whole form where the screen has room
        (a long form scrolls on a small screen); keep within the screen either way."""
        if not self._restored:
            form = self.content.sizeHint()
            margins = self.body.contentsMargins()
            # Room for the margins, the scroll bar, the buttons and the spacing between.
            width = form.width() + margins.left() + margins.right() + 24
            height = form.height() + self.buttons.sizeHint().height() + margins.top()
            height += margins.bottom() + 2 * self.body.spacing() + 8
            centre = self.frameGeometry().center()
            self.resize(max(self.width(), width), max(self.height(), height))
            frame = self.frameGeometry()
            frame.moveCenter(centre)
            self.move(frame.topLeft())
        fit_to_screen(self)

    def focus_first_field(self) -> None:
        for widget in self.content.findChildren(QWidget):
            if (
                isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QComboBox)
                and widget.isEnabled()
                and widget.isVisibleTo(self)
                and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
                and not (isinstance(widget, QLineEdit) and widget.isReadOnly())
                and not isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox)
            ):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return
