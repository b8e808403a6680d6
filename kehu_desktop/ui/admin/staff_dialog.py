"""Managing operators (administrators only): add staff, change role, deactivate, reset password."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)
from sqlalchemy.orm import Session

from kehu_desktop.models import Role
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.versions import StaleRecordError
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.stale_record import offer_reload

COLUMNS = (
    Column("登录名", lambda r: r.username),
    Column("姓名", lambda r: r.name),
    Column("角色", lambda r: r.role),
    Column("部门", lambda r: r.department),
    Column("电话", lambda r: r.phone),
    Column("在职", lambda r: "是" if r.active else "停用"),
)


class StaffEditor(QDialog):
    """One operator's details; a password is asked for only when creating."""

    def __init__(self, row: operators.StaffRow | None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("StaffEditor")
        self.setWindowTitle("新增操作员" if row is None else f"编辑操作员 — {row.name}")
        self.username = QLineEdit(objectName="staffUsername")
        self.username.setEnabled(row is None)
        self.name = QLineEdit(objectName="staffName")
        self.role = QComboBox(objectName="staffRole")
        self.role.addItems([r.value for r in Role])
        self.role.setCurrentText(Role.AGENT.value)
        self.department = QLineEdit("客服部")
        self.phone = QLineEdit()
        self.active = QCheckBox("在职")
        self.active.setChecked(True)
        self.row = row
        if row is not None:
            self.fill(row)
        self.password = QLineEdit(objectName="staffPassword", echoMode=QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(objectName="staffConfirm", echoMode=QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow("登录名", self.username)
        form.addRow("姓名", self.name)
        form.addRow("角色", self.role)
        form.addRow("部门", self.department)
        form.addRow("电话", self.phone)
        if row is None:
            form.addRow("密码", self.password)
            form.addRow("确认密码", self.confirm)
        else:
            form.addRow("", self.active)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def fill(self, row: operators.StaffRow) -> None:
        """Show ``row`` (as loaded, or reloaded after another desk changed it)."""
        self.row = row
        self.username.setText(row.username)
        self.name.setText(row.name)
        self.role.setCurrentText(row.role)
        self.department.setText(row.department)
        self.phone.setText(row.phone)
        self.active.setChecked(row.active)


class StaffDialog(QDialog):
    """The operators, read and changed through ``Operations`` (off the GUI thread).

    An editor that could not be saved (a rule broken, or the record changed by another desk
    meanwhile) opens again with what was typed, to correct or cancel.

    Signals: ``loaded(int)`` with the number of operators after each (re)load."""

    loaded = Signal(int)

    def __init__(self, ops: Operations, parent=None) -> None:
        super().__init__(parent)
        ops.operator.require_admin()
        self.setObjectName("StaffDialog")
        self.setWindowTitle("操作员管理")
        self._ops = ops
        self.model = RecordTableModel(COLUMNS, self)
        self.table = QTableView(objectName="staffTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        add = QPushButton("新增(&N)")
        edit = QPushButton("编辑(&E)")
        password = QPushButton("重设密码(&P)")
        close = QPushButton("关闭(&C)", objectName="closeStaff")
        add.clicked.connect(self.add)
        edit.clicked.connect(self.edit)
        password.clicked.connect(self.reset_password)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (add, edit, password):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(close)
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        box.addLayout(buttons)
        self.resize(640, 380)
        self.reload()

    def reload(self) -> None:
        self._ops.query(
            self,
            lambda session: operators.list_staff(session, include_inactive=True),
            self._show,
            title="无法读取操作员",
        )

    def _show(self, rows: list[operators.StaffRow]) -> None:
        self.model.set_rows(rows)
        self.loaded.emit(len(rows))

    def _selected(self) -> operators.StaffRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _save(
        self, editor: StaffEditor, action: Callable[[StaffEditor], Callable[[Session], object]]
    ) -> None:
        """Save what ``editor`` holds once it is accepted: ``action(editor)`` reads its fields
        (on the GUI thread) into the work to do. On a refusal, say why and open the editor
        again with everything typed."""

        def failed(error: Exception) -> None:
            if isinstance(error, StaleRecordError) and editor.row is not None:
                self._offer_reload(editor, error, editor.row.id)
            else:
                show_error(self, "无法保存", error)
            editor.open()

        editor.accepted.connect(
            lambda: self._ops.write(
                self, action(editor), {"staff"}, lambda _r: self.reload(), failure=failed
            )
        )
        editor.open()

    def _offer_reload(self, editor: StaffEditor, error: StaleRecordError, staff_id: int) -> None:
        """The record as saved now is read first, then the refusal offers to show it."""

        def fresh(rows: list[operators.StaffRow]) -> None:
            self._show(rows)
            row = next(r for r in rows if r.id == staff_id)
            offer_reload(editor, error, lambda: editor.fill(row))

        self._ops.query(
            self, lambda session: operators.list_staff(session, include_inactive=True), fresh
        )

    def add(self) -> StaffEditor:
        editor = StaffEditor(None, self)
        self._save(
            editor,
            lambda e: partial(
                operators.create_staff,
                username=e.username.text(),
                name=e.name.text(),
                role=Role(e.role.currentText()),
                password=e.password.text(),
                confirm=e.confirm.text(),
                department=e.department.text(),
                phone=e.phone.text(),
            ),
        )
        return editor

    def edit(self) -> StaffEditor | None:
        row = self._selected()
        if row is None:
            return None
        editor = StaffEditor(row, self)
        self._save(
            editor,
            lambda e: partial(
                operators.update_staff,
                acting=self._ops.operator,
                staff_id=row.id,
                name=e.name.text(),
                role=Role(e.role.currentText()),
                department=e.department.text(),
                phone=e.phone.text(),
                active=e.active.isChecked(),
                version=e.row.version if e.row else None,
            ),
        )
        return editor

    def reset_password(self, password: str | None = None) -> None:
        """Asks for the new password unless one is given."""
        row = self._selected()
        if row is None:
            return
        if password is None:
            password, ok = QInputDialog.getText(
                self, "重设密码", f"{row.name} 的新密码：", QLineEdit.EchoMode.Password
            )
            if not ok:
                return
        chosen = password
        self._ops.write(
            self,
            lambda s: operators.set_password(s, self._ops.operator, row.id, chosen),
            {"staff"},
            lambda _r: QMessageBox.information(self, "重设密码", "密码已更新。"),
            title="无法重设密码",
        )
