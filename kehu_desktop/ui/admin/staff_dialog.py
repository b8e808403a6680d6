"""Managing operators (administrators only): add staff, change role, deactivate, reset password."""

from __future__ import annotations

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

from kehu_desktop.models import Role
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.versions import StaleRecordError
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
    def __init__(self, context: DeskContext, parent=None) -> None:
        super().__init__(parent)
        context.operator.require_admin()
        self.setObjectName("StaffDialog")
        self.setWindowTitle("操作员管理")
        self._context = context
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
        self._load()

    def _load(self) -> None:
        with self._context.reader() as session:
            self.model.set_rows(operators.list_staff(session, include_inactive=True))

    def _fresh(self, staff_id: int) -> operators.StaffRow:
        self._load()
        return next(r for r in self.model.rows() if r.id == staff_id)

    def _selected(self) -> operators.StaffRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _run(self, action, editor: StaffEditor | None = None) -> bool:
        try:
            with self._context.session() as session:
                action(session)
        except StaleRecordError as error:
            if editor is not None and editor.row is not None:
                staff_id = editor.row.id
                offer_reload(editor, error, lambda: editor.fill(self._fresh(staff_id)))
            return False
        except UserError as error:
            QMessageBox.warning(self, "无法保存", str(error))
            return False
        self._load()
        return True

    def add(self) -> None:
        editor = StaffEditor(None, self)
        while editor.exec() == QDialog.DialogCode.Accepted:
            if self._run(
                lambda s: operators.create_staff(
                    s,
                    editor.username.text(),
                    editor.name.text(),
                    Role(editor.role.currentText()),
                    editor.password.text(),
                    confirm=editor.confirm.text(),
                    department=editor.department.text(),
                    phone=editor.phone.text(),
                )  # fmt: skip
            ):
                return

    def edit(self) -> None:
        row = self._selected()
        if row is None:
            return
        editor = StaffEditor(row, self)
        while editor.exec() == QDialog.DialogCode.Accepted:
            if self._run(
                lambda s: operators.update_staff(
                    s,
                    self._context.operator,
                    row.id,
                    name=editor.name.text(),
                    role=Role(editor.role.currentText()),
                    department=editor.department.text(),
                    phone=editor.phone.text(),
                    active=editor.active.isChecked(),
                    version=editor.row.version,
                ),  # fmt: skip
                editor,
            ):
                return

    def reset_password(self) -> None:
        row = self._selected()
        if row is None:
            return
        password, ok = QInputDialog.getText(
            self, "重设密码", f"{row.name} 的新密码：", QLineEdit.EchoMode.Password
        )
        if ok:
            if self._run(
                lambda s: operators.set_password(s, self._context.operator, row.id, password)
            ):
                QMessageBox.information(self, "重设密码", "密码已更新。")
