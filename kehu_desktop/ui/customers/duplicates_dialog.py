"""客户查重与合并: the groups of likely duplicates with their reasons, and merging a group.

The scan and the merge run through ``Operations``; the merge asks first, saying which file is
kept and how many records of each kind move to it. 撤销上次合并 undoes the newest merge.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.customers import duplicates, merge
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.screen import fit_to_screen

MERGE_CHANGES = ("customers", "contacts", "sales", "visits", "plans", "complaints",
                 "key_accounts")  # fmt: skip


class DuplicatesDialog(QDialog):
    """Signals: ``open_requested(int)`` to open a customer's file from the list."""

    open_requested = Signal(int)

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        self.setWindowTitle("客户查重与合并")
        self.ops = ops
        self._layout = layout
        self.groups_model = RecordTableModel(
            [
                Column("原因", lambda g: "；".join(g.reasons)),
                Column("客户数", lambda g: len(g.members)),
                Column("客户", lambda g: "、".join(m.name for m in g.members)),
            ]  # fmt: skip
        )
        self.members_model = RecordTableModel(
            [
                Column("客户编号", lambda m: m.code),
                Column("客户名称", lambda m: m.name),
                Column("电话", lambda m: m.phone),
                Column("已归档", lambda m: m.archived),
            ]  # fmt: skip
        )
        self.groups_view = self._view("groupsView", self.groups_model)
        self.members_view = self._view("membersView", self.members_model)
        self.members_view.doubleClicked.connect(
            lambda index: self.open_requested.emit(self.members_model.row_at(index.row()).id)
        )
        self.groups_view.selectionModel().currentRowChanged.connect(
            lambda current, _p: self._show_group(current.row())
        )
        self.summary = QLabel(objectName="duplicatesSummary")
        hint = QLabel(
            "选中要保留的客户，再点“合并到所选客户”；其余客户的联系人、拜访、投诉、销售等记录都将转到它名下。"
        )
        hint.setWordWrap(True)
        self.merge_button = QPushButton("合并到所选客户(&M)…", objectName="mergeButton")
        self.merge_button.clicked.connect(lambda: self.merge_selected())
        self.undo_button = QPushButton("撤销上次合并", objectName="undoMergeButton")
        self.undo_button.clicked.connect(lambda: self.undo_last())
        rescan = QPushButton("重新查重", objectName="rescanButton")
        rescan.clicked.connect(lambda: self.scan())
        close = QPushButton("关闭", objectName="closeButton")
        close.clicked.connect(self.reject)

        right = QVBoxLayout()
        right.addWidget(self.members_view)
        right.addWidget(hint)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.groups_view)
        members = QWidget()
        members.setLayout(right)
        splitter.addWidget(members)
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (rescan, self.undo_button, self.merge_button, close):
            buttons.addWidget(button)
        box = QVBoxLayout(self)
        box.addWidget(splitter, 1)
        box.addLayout(buttons)
        self.merge_button.setEnabled(False)
        if not layout.restore_geometry("duplicates_dialog", self):
            self.resize(900, 620)
        self.scan()

    def _view(self, name: str, model: RecordTableModel) -> QTableView:
        view = QTableView(objectName=name)
        view.setModel(model)
        view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def scan(self) -> None:
        self.summary.setText("正在查重…")
        self.ops.query(self, duplicates.scan, self.show_groups, progress_label="正在查重…")

    def show_groups(self, groups: list[duplicates.DuplicateGroup]) -> None:
        self.groups_model.set_rows(groups)
        fit_columns(self.groups_view)
        self.summary.setText(f"共 {len(groups):,} 组疑似重复客户" if groups else "没有发现重复客户")
        self.members_model.set_rows([])
        if groups:
            self.groups_view.selectRow(0)
            self._show_group(0)

    def _show_group(self, row: int) -> None:
        if row < 0 or row >= self.groups_model.rowCount():
            return
        self.members_model.set_rows(self.groups_model.row_at(row).members)
        fit_columns(self.members_view)
        self.members_view.selectRow(0)
        self.merge_button.setEnabled(True)

    def _keep_and_others(self) -> tuple[duplicates.Member, list[duplicates.Member]] | None:
        members = self.members_model.rows()
        current = self.members_view.currentIndex()
        if not members or not current.isValid():
            return None
        keep = members[current.row()]
        return keep, [m for m in members if m.id != keep.id]

    def merge_selected(self) -> None:
        chosen = self._keep_and_others()
        if chosen is None:
            return
        keep, others = chosen
        ids = [m.id for m in others]
        self.ops.query(
            self,
            lambda session: merge.records_to_move(session, ids),
            lambda counts: self._confirm_merge(keep, others, counts),
        )

    def _confirm_merge(self, keep, others, counts: dict[str, int]) -> None:
        moving = "、".join(f"{label} {n}" for label, n in counts.items()) or "无其他记录"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "合并客户",
            f"保留：{keep.code} {keep.name}\n"
            f"并入并删除：{'、'.join(f'{m.code} {m.name}' for m in others)}\n"
            f"将转到保留客户名下：{moving}\n\n合并后可用“撤销上次合并”恢复。",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("mergeConfirm")
        box.button(QMessageBox.StandardButton.Ok).setText("合并")
        box.button(QMessageBox.StandardButton.Cancel).setText("取消")
        self.confirm_box = box
        if box.exec() != QMessageBox.StandardButton.Ok:
            return
        ids = [m.id for m in others]
        self.ops.write(
            self,
            lambda session: merge.merge(session, keep.id, ids),
            MERGE_CHANGES,
            self._merged,
            title="无法合并",
        )

    def _merged(self, result: merge.MergeResult) -> None:
        self.last_message = result.describe()
        self.scan()
        self.summary.setText(result.describe())

    def undo_last(self) -> None:
        self.ops.write(
            self, merge.undo_last_merge, MERGE_CHANGES, self._undone, title="无法撤销合并"
        )

    def _undone(self, message: str) -> None:
        self.last_message = message
        self.scan()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        fit_to_screen(self)

    def reject(self) -> None:
        self._layout.save_geometry("duplicates_dialog", self)
        super().reject()
