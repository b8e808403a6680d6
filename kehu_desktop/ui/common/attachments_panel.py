"""Photos and files of one record, shown as thumbnails: add, open with the system viewer.

Used by the service request and repair order, the complaint and the customer's file. The files
are kept by ``services/common/attachments`` in the data folder; nothing here removes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common import attachments
from kehu_desktop.services.common.attachments import AttachmentRow
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.ui.common.operations import Operations, StoreChange

THUMBNAIL = QSize(120, 90)
FILE_FILTER = "照片和文件 (*.jpg *.jpeg *.png *.gif *.bmp *.webp *.pdf *.doc *.docx *.xls *.xlsx *.txt);;所有文件 (*)"  # noqa: E501


def thumbnail(row: AttachmentRow) -> QPixmap | None:
    """A small picture of an image attachment, or None when it cannot be read."""
    if not row.is_image or not row.present:
        return None
    reader = QImageReader(str(row.path))
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else QPixmap.fromImage(image)


class AttachmentListModel(QAbstractListModel):
    """The attachments of one record; thumbnails are made once per row."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[AttachmentRow] = []
        self._icons: dict[int, QIcon] = {}

    def set_rows(self, rows: Sequence[AttachmentRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._icons = {}
        self.endResetModel()

    def row_at(self, row: int) -> AttachmentRow:
        return self._rows[row]

    def rows(self) -> list[AttachmentRow]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def _icon(self, row: AttachmentRow) -> QIcon:
        if row.id not in self._icons:
            picture = thumbnail(row)
            if picture is not None:
                self._icons[row.id] = QIcon(picture)
            else:
                kind = QStyle.StandardPixmap.SP_FileIcon
                if not row.present:
                    kind = QStyle.StandardPixmap.SP_MessageBoxWarning
                self._icons[row.id] = QApplication.style().standardIcon(kind)
        return self._icons[row.id]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            missing = "" if row.present else "\n（文件缺失）"
            return f"{row.file_name}\n{row.size_text}{missing}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.file_name}\n{row.added_at:%Y-%m-%d %H:%M} {row.added_by} 添加"
        return None


class AttachmentsPanel(QWidget):
    """The thumbnails of one record's photos and files, with 添加 and 打开.

    Signals: ``changed(int)`` with the number of attachments after each load.
    """

    changed = Signal(int)

    def __init__(
        self, ops: Operations, owner_kind: str, owner_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentsPanel")
        self._ops = ops
        self._owner = (owner_kind, owner_id)
        self._problems: list[str] = []
        self.model = AttachmentListModel(self)
        self.view = QListView(objectName="attachmentList")
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(THUMBNAIL)
        self.view.setGridSize(QSize(THUMBNAIL.width() + 40, THUMBNAIL.height() + 56))
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setWordWrap(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.view.activated.connect(lambda index: self.open_row(index.row()))
        self.add_button = QPushButton("添加照片/文件…", objectName="attachmentAdd")
        self.add_button.clicked.connect(lambda: self.choose_files())
        self.open_button = QPushButton("打开", objectName="attachmentOpen")
        self.open_button.clicked.connect(self.open_current)
        self.status = QLabel(objectName="attachmentStatus", wordWrap=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.status, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.view, 1)
        box.addLayout(buttons)
        ops.events.changed.connect(self._store_changed)
        self.reload()

    def _store_changed(self, change: StoreChange) -> None:
        """Another panel on the same record (the repair order's, say) added a file."""
        if change.touches("attachments") and change.initiator is not self:
            self.reload()

    def _data_dir(self) -> Path:
        return Path(self._ops.context.database.data_dir or ".")

    def reload(self) -> None:
        kind, owner_id = self._owner
        data_dir = self._data_dir()

        def read(session: Session) -> list[AttachmentRow]:
            return attachments.list_for(session, data_dir, kind, owner_id)

        self._ops.query(self, read, self._show, title="读取附件")

    def _show(self, rows: list[AttachmentRow]) -> None:
        self.model.set_rows(rows)
        missing = sum(not r.present for r in rows)
        text = f"共 {len(rows)} 个附件" if rows else "尚无附件，可添加故障照片、签字回执扫描件等"
        text += f"，其中 {missing} 个文件缺失" if missing else ""
        # Files that could not be added are named until the next load.
        problems, self._problems = self._problems, []
        self.status.setText("\n".join([*problems, text]))
        self.status.setStyleSheet("color: #d93025;" if problems or missing else "")
        self.changed.emit(len(rows))

    def choose_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "添加照片或文件", "", FILE_FILTER)
        if chosen:
            self.add_files([Path(p) for p in chosen])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Keep copies of ``paths`` with the record; an unreadable file is reported by name and
        the others are still added."""
        kind, owner_id = self._owner
        data_dir, operator = self._data_dir(), self._ops.operator

        def add(session: Session) -> tuple[int, list[str]]:
            added, problems = 0, []
            for path in paths:
                try:
                    with session.begin_nested():
                        attachments.add(session, data_dir, operator, kind, owner_id, path)
                    added += 1
                except UserError as error:
                    problems.append(str(error))
            return added, problems

        def done(result: tuple[int, list[str]]) -> None:
            self._problems = result[1]
            self.reload()

        self._ops.write(self, add, ("attachments",), done, title="添加附件")

    def open_row(self, row: int) -> bool:
        """Open the file with the system's viewer; says so when the file is missing."""
        item = self.model.row_at(row)
        if not item.present:
            self.status.setText(f"找不到“{item.file_name}”的文件（{item.path}），请从备份恢复。")
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.path)))

    def open_current(self) -> bool:
        index = self.view.currentIndex()
        return self.open_row(index.row()) if index.isValid() else False
