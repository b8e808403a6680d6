"""设置 → 数据库…: this PC's own SQLite file, or the office's PostgreSQL server.

The choice belongs to the PC (``server.json`` in its data folder, the password in the OS
credential store) and takes effect at the next start: the window keeps working on the store it
opened. A server is saved only after a connection to it succeeded. Typing into the server's
fields chooses the server.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from kehu_desktop.services.common import server_connection
from kehu_desktop.services.common.data_location import DB_FILE_NAME
from kehu_desktop.services.common.server_connection import DEFAULT_PORT, ServerConnection
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations


class DatabaseDialog(EditDialog):
    """Points this PC at a server (test first) or back at its own file.

    Signals: ``saved(object)`` (from ``EditDialog``) with the server saved, or None for the
    PC's own file (``saved_message`` says it in words).
    """

    record_label = "数据库设置"

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory | None,
        data_dir: Path,
        current_location: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, layout, "数据库设置", parent, scrolling=False)
        self._data_dir = data_dir
        self.ok_button.setText("测试并保存(&S)")
        # Above the server's fields: where this run's data is, and the choice.
        self.content_layout.insertWidget(
            0, QLabel(f"本次使用：{current_location}", objectName="currentStore", wordWrap=True)
        )

        self.local_choice = QRadioButton(
            f"本机数据文件（单台电脑使用）：{data_dir / DB_FILE_NAME}", objectName="localChoice"
        )
        self.server_choice = QRadioButton(
            "PostgreSQL 服务器（多台电脑共用）", objectName="serverChoice"
        )
        choices = QButtonGroup(self)
        for position, button in enumerate((self.local_choice, self.server_choice), start=1):
            choices.addButton(button)
            self.content_layout.insertWidget(position, button)

        self.host = self.add_field("服务器地址", QLineEdit(objectName="host"), "host")
        self.host.setPlaceholderText("计算机名或 IP 地址，如 192.168.1.20")
        self.port = self.add_field(
            "端口", QSpinBox(objectName="port", minimum=1, maximum=65535), "port"
        )
        self.database = self.add_field("数据库", QLineEdit(objectName="database"), "database")
        self.username = self.add_field("登录名", QLineEdit(objectName="username"), "username")
        self.password = self.add_field("密码", QLineEdit(objectName="password"), "password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        test_row = QHBoxLayout()
        self.test_button = QPushButton("测试连接(&T)", objectName="testButton")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel(objectName="testResult", wordWrap=True)
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        self.form.addRow("", test_row)
        self.add_widget(
            QLabel(
                "密码保存在 Windows 凭据管理器（系统凭据库）中，不写入任何文件；"
                "也可以不填密码，改用 PostgreSQL 的 pgpass 文件。\n更改在下次启动客户管家时生效。",
                objectName="note",
                wordWrap=True,
            )
        )
        for field in (self.host, self.database, self.username, self.password):
            field.textEdited.connect(lambda _text: self.server_choice.setChecked(True))
        self.port.valueChanged.connect(lambda _value: self.server_choice.setChecked(True))
        self._load()

    def _load(self) -> None:
        saved = server_connection.load(self._data_dir)
        shown = saved or ServerConnection(host="")
        self.host.setText(shown.host)
        self.port.setValue(shown.port or DEFAULT_PORT)
        self.database.setText(shown.database)
        self.username.setText(shown.username)
        if saved is not None and server_connection.stored_password(saved):
            self.password.setPlaceholderText("已保存（不修改请留空）")
        (self.server_choice if saved else self.local_choice).setChecked(True)

    def can_save(self) -> bool:
        return self.ops.operator.is_admin

    def connection(self) -> ServerConnection:
        return ServerConnection(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            username=self.username.text().strip(),
        )

    def _password(self, connection: ServerConnection) -> str:
        """What was typed, else the password already kept for this very server."""
        return self.password.text() or server_connection.stored_password(connection) or ""

    def test_connection(self) -> None:
        connection = self.connection()
        password = self._password(connection)
        self.test_button.setEnabled(False)
        self.test_result.setText("正在连接…")

        def done(version: str) -> None:
            self.test_button.setEnabled(True)
            self.test_result.setText(f"连接成功：PostgreSQL {version}")
            self.show_errors({})

        def failed(error: Exception) -> None:
            self.test_button.setEnabled(True)
            self.test_result.setText("")
            self._failed(error)

        self.ops.run(
            self, lambda _progress: server_connection.check(connection, password), done,
            failure=failed, title=self.windowTitle(),
        )  # fmt: skip

    def save(self) -> None:
        """Server: connect first, then save. Own file: forget the server. Not the open store:
        nothing here writes to it, and the new choice counts from the next start."""
        if self.saving or not self.can_save():
            return
        self.saving = True
        self.ok_button.setEnabled(False)
        if self.local_choice.isChecked():
            work = self._use_own_file
        else:
            connection = self.connection()
            password = self._password(connection)

            def work(_progress) -> ServerConnection:
                server_connection.check(connection, password)
                server_connection.save(self._data_dir, connection, password)
                return connection

        self.ops.run(self, work, self._saved, failure=self._failed, title=self.windowTitle())

    def _use_own_file(self, _progress) -> None:
        server_connection.forget(self._data_dir)


def saved_message(result: ServerConnection | None) -> str:
    """What the window says once the choice is saved."""
    where = f"服务器 {result.key}" if result else "本机数据文件"
    return f"数据库设置已保存：下次启动客户管家时使用{where}。"
