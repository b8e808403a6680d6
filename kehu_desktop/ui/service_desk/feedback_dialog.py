"""售后服务信息反馈: every problem sent to the factory, overdue ones in red, and the answers."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from kehu_desktop.services.service_desk import feedback
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns, selected_row, table_view
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.view_dialog import ViewDialog


def _tint(row: feedback.FeedbackRow) -> str:
    return "warning" if row.overdue else ""


COLUMNS = (
    Column("反馈编号", lambda f: f.number, _tint),
    Column("反馈时间", lambda f: f.raised_at, _tint),
    Column("服务单", lambda f: f.request_number, _tint),
    Column("产品", lambda f: f.product, _tint),
    Column("部门", lambda f: f.department, _tint),
    Column("质量问题", lambda f: f.problem, _tint),
    Column("答复期限", lambda f: f.reply_deadline, _tint),
    Column("状态", lambda f: f.state, _tint),
    Column("答复", lambda f: f.reply, _tint),
)


class FeedbackListDialog(ViewDialog):
    """售后服务信息反馈: every problem sent to the factory, or only those overdue.

    Signals:
        loaded: the list has been read and is shown (after opening and each refresh).
    """

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(
            ops, layout, geometry_key="feedback_dialog", size=(980, 480), touches=("service",),
            parent=parent,
        )  # fmt: skip
        self.setWindowTitle("售后服务信息反馈")
        self.overdue_only = QCheckBox("只看超期未答复", objectName="feedbackOverdueOnly")
        self.overdue_only.toggled.connect(lambda _on: self.reload())
        self.summary = QLabel(objectName="feedbackSummary")
        self.model = RecordTableModel(COLUMNS, self)
        self.table = table_view("feedbackTable", self.model)
        self.reply_button = QPushButton("登记答复…", objectName="feedbackReplyButton")
        self.reply_button.clicked.connect(lambda: self.reply_current())
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(self.overdue_only)
        top.addStretch(1)
        top.addWidget(self.summary)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reply_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.table)
        box.addLayout(bottom)
        self.restore_size()
        self.reload()

    def reload(self) -> None:
        """Read the feedback off the GUI thread; the list shows it when it arrives."""
        overdue_only = self.overdue_only.isChecked()
        self._ops.query(
            self, lambda s: feedback.list_feedback(s, overdue_only=overdue_only), self._show
        )

    def _show(self, rows: list[feedback.FeedbackRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)
        overdue = sum(r.overdue for r in rows)
        self.summary.setText(f"共 {len(rows)} 条 · 超期未答复 {overdue} 条")
        self.loaded.emit()

    def reply_current(self):
        from kehu_desktop.ui.service_desk.step_dialog import FeedbackReplyDialog

        row = selected_row(self.table, self.model)
        if row is None or row.replied_at is not None:
            return None
        dialog = FeedbackReplyDialog(self._ops, row, self)
        dialog.open()
        return dialog
