"""文件 → 恢复备份…: choose a backup (date, size, schema version, record counts) and confirm.

The dialog only chooses; the main window closes its own connections and restores, so that
nothing of the window touches the store while it is replaced.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.common import backup
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.ui.common.errors import show_error

Index = QModelIndex | QPersistentModelIndex


def _counts(info: backup.BackupInfo, table: str) -> str:
    value = info.counts.get(table)
    return "" if value is None else f"{value:,}"


COLUMNS = (
    ("备份时间", lambda b: f"{b.created:%Y-%m-%d %H:%M}"),
    ("类型", lambda b: backup.KINDS.get(b.kind, b.kind)),
    ("大小", lambda b: f"{b.size / 1024 / 1024:.1f} MB"),
    ("结构版本", lambda b: b.schema or "?"),
    ("客户", lambda b: _counts(b, "customers")),
    ("投诉", lambda b: _counts(b, "complaints")),
    ("拜访", lambda b: _counts(b, "visits")),
    ("密码", lambda b: "有" if b.encrypted else ""),
    ("文件", lambda b: b.path.name),
)


class BackupTableModel(QAbstractTableModel):
    """The backups found, newest first; one immutable ``BackupInfo`` per row."""

    def __init__(self, backups: list[backup.BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backups = list(backups)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.backups)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return COLUMNS[index.column()][1](self.backups[index.row()])

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def add(self, info: backup.BackupInfo) -> int:
        self.beginResetModel()
        self.backups = [info, *(b for b in self.backups if b.path != info.path)]
        self.endResetModel()
        return 0


class RestoreDialog(QDialog):
    """After ``exec()`` returns Accepted: ``chosen`` (a ``BackupInfo``) and ``password``."""

    def __init__(
        self, folder: Path, backups: list[backup.BackupInfo], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RestoreDialog")
        self.setWindowTitle(self.tr("恢复备份"))
        self.chosen: backup.BackupInfo | None = None
        self.model = BackupTableModel(backups, self)
        self.table = QTableView(objectName="backupTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selected())
        self.table.doubleClicked.connect(lambda _i: self.accept())
        other = QPushButton(self.tr("选择其他备份文件…"), objectName="otherFile")
        other.clicked.connect(self._other_file)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("备份文件夹：{0}").format(folder), wordWrap=True), 1)
        top.addWidget(other)
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setEnabled(False)
        form = QFormLayout()
        form.addRow(self.tr("备份密码"), self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.restore_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.restore_button.setText(self.tr("恢复(&R)…"))
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(
            self.tr(
                "恢复会用所选备份替换当前的全部数据。替换前先检查备份是否完好，并把当前数据另存为"
                "“恢复前”备份。其他电脑上的客户管家必须先退出。"
            ),
            wordWrap=True,
        )
        body = QVBoxLayout(self)
        body.addLayout(top)
        body.addWidget(self.table, 1)
        body.addLayout(form)
        body.addWidget(note)
        body.addWidget(self.buttons)
        self.resize(860, 460)
        if backups:
            self.table.selectRow(0)

    def _selected(self) -> backup.BackupInfo | None:
        row = self.table.currentIndex().row()
        info = self.model.backups[row] if 0 <= row < len(self.model.backups) else None
        self.restore_button.setEnabled(info is not None)
        self.password.setEnabled(bool(info and info.encrypted))
        return info

    def _other_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("选择备份文件"), "", self.tr("客户管家备份 (*.zip *.sqlite3)")
        )
        if not path:
            return
        try:
            info = backup.read_info(Path(path))
        except (UserError, OSError) as error:
            show_error(self, self.tr("选择备份文件"), error)
            return
        self.table.selectRow(self.model.add(info))

    def accept(self) -> None:
        info = self._selected()
        if info is None:
            return
        if info.encrypted and not self.password.text():
            self.password.setFocus()
            QMessageBox.warning(
                self, self.windowTitle(), self.tr("这份备份有密码，请输入备份密码。")
            )
            return
        answer = QMessageBox.question(
            self,
            self.tr("确认恢复"),
            self.tr(
                "用 {0} 的备份替换当前的全部数据吗？\n\n{1}\n\n当前数据会先另存为“恢复前”备份。"
            ).format(f"{info.created:%Y-%m-%d %H:%M}", info.describe()),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.chosen = info
        super().accept()

    def reject(self) -> None:
        """A typed password is not dropped without asking."""
        if self.password.text():
            answer = QMessageBox.question(
                self, self.windowTitle(), self.tr("不恢复了吗？输入的密码将被清除。")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.password.text() and self.result() != QDialog.DialogCode.Accepted:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
