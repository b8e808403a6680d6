"""When a save is refused because another desk changed the record after it was opened.

Every editing dialog handles the refusal the same way: it says who changed the record and when
(the service's message), and offers to reload it. Reloading shows the record as now saved, and
what the user had typed stays visible in a small window beside the dialog, to carry over what
still applies; nothing typed is lost, and nothing the other desk saved is overwritten.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.common.versions import StaleRecordError


def _tr(text: str) -> str:
    return QCoreApplication.translate("StaleRecord", text)


def _editor_text(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractButton) and widget.isCheckable():
        return _tr("是") if widget.isChecked() else _tr("否")
    # A composite field (a customer picker): the texts of its own editors.
    parts = [
        _editor_text(child)
        for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    ]
    return " ".join(p for p in parts if p)


def _form_lines(form: QFormLayout) -> list[str]:
    lines = []
    for row in range(form.rowCount()):
        label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        field = field_item.widget() if field_item else None
        if field is None:
            continue
        label = label_item.widget() if label_item else None
        name = label.text() if isinstance(label, QLabel) else ""
        value = _editor_text(field).strip()
        if value:
            name = name.replace("&", "").rstrip(" *：:")
            lines.append(f"{name}：{value}" if name else value)
    return lines


def _table_lines(view: QAbstractItemView, title: str) -> list[str]:
    model = view.model()
    if model is None or model.rowCount() == 0:
        return []
    columns = range(model.columnCount())
    header = " | ".join(str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns)
    rows = [
        " | ".join(str(model.index(r, c).data() or "") for c in columns)
        for r in range(model.rowCount())
    ]
    return [f"{title}：", f"  {header}", *(f"  {row}" for row in rows)]


def _page_title(dialog: QWidget, widget: QWidget) -> str:
    for tabs in dialog.findChildren(QTabWidget):
        for index in range(tabs.count()):
            if tabs.widget(index).isAncestorOf(widget):
                return tabs.tabText(index).replace("&", "")
    return _tr("表格")


def typed_entries(dialog: QWidget) -> list[str]:
    """What the dialog holds now: one ``名称：内容`` entry per filled-in field, one per table."""
    entries = []
    for form in dialog.findChildren(QFormLayout):
        entries += _form_lines(form)
    for view in dialog.findChildren(QAbstractItemView):
        if isinstance(view, QHeaderView) or view.window() is not dialog:  # pop-up lists too
            continue
        lines = _table_lines(view, _page_title(dialog, view))
        if lines:
            entries.append("\n".join(lines))
    return entries


class KeptInputWindow(QDialog):
    """A small window beside the dialog with what the user had typed before reloading."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.setWindowTitle(_tr("您刚才输入的内容"))
        self.setModal(False)
        note = QLabel(
            _tr("记录已按现在保存的内容重新载入。下面是您刚才填写、与之不同的内容，可对照补填。"),
            wordWrap=True,
        )
        self.text = QPlainTextEdit(objectName="keptInputText", readOnly=True)
        self.text.setPlainText(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_tr("关闭"))
        copy = buttons.addButton(_tr("复制全部"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(text))
        buttons.rejected.connect(self.close)
        box = QVBoxLayout(self)
        box.addWidget(note)
        box.addWidget(self.text)
        box.addWidget(buttons)
        self.resize(420, 360)


def ask_reload(parent: QWidget, error: StaleRecordError) -> bool:
    """Show the refusal (who changed the record, and when); whether the user chose 重新载入."""
    box = QMessageBox(QMessageBox.Icon.Warning, _tr("记录已被他人修改"), str(error), parent=parent)
    box.setObjectName("staleRecordBox")
    reload_button = box.addButton(_tr("重新载入(&R)"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_tr("继续编辑"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload_button)
    box.exec()
    return box.clickedButton() is reload_button


def show_kept(parent: QWidget, typed: list[str]) -> KeptInputWindow:
    """After reloading: what was typed (``typed_entries`` before) and differs from the form
    now, in a window beside it."""
    now = set(typed_entries(parent))
    window = KeptInputWindow("\n".join(e for e in typed if e not in now), parent)
    window.show()
    return window


def offer_reload(parent: QWidget, error: StaleRecordError, reload: Callable[[], None]) -> bool:
    """Show the refusal and offer 重新载入. On reloading, ``reload`` puts the record as now saved
    in the dialog and a ``KeptInputWindow`` keeps what was typed in view. Returns whether the
    record was reloaded (otherwise the dialog stays as it was, with everything typed)."""
    if not ask_reload(parent, error):
        return False
    typed = typed_entries(parent)
    reload()
    show_kept(parent, typed)
    return True
