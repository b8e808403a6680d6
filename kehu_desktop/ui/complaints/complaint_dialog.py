"""The complaint detail dialog: the record, its timeline, and buttons for the allowed steps."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from kehu_desktop.services.complaints import ledger
from kehu_desktop.services.complaints.ledger import ComplaintDetail
from kehu_desktop.services.complaints.lifecycle import Action
from kehu_desktop.services.service_desk import ledger as service_ledger
from kehu_desktop.services.service_desk.choices import SERVICE_COMPLAINT_RESULTS
from kehu_desktop.ui.common.attachments_panel import AttachmentsPanel
from kehu_desktop.ui.common.case_dialog import CaseDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.complaints.complaint_registration_dialog import ComplaintRegistrationDialog
from kehu_desktop.ui.complaints.complaint_step_dialog import ComplaintStepDialog

ACTION_NAMES = {
    Action.INVESTIGATE: "investigate", Action.HANDLE: "handle", Action.REPLY: "reply",
    Action.REVISIT: "revisit", Action.CLOSE: "close", Action.CANCEL: "cancel",
    Action.HAND_OVER: "handOver", Action.ACKNOWLEDGE: "acknowledge", Action.NOTE: "note",
    Action.EDIT: "edit",
}  # fmt: skip
# Alt+letter for each step's button (Alt+C is 关闭).
ACCELERATORS = {
    Action.INVESTIGATE: "I", Action.HANDLE: "H", Action.REPLY: "R", Action.REVISIT: "V",
    Action.CLOSE: "E", Action.CANCEL: "X", Action.HAND_OVER: "T", Action.ACKNOWLEDGE: "A",
    Action.NOTE: "N", Action.EDIT: "M",
}  # fmt: skip


SECTIONS = {
    "登记": (
        ("received_at", "受理时间"), ("channel", "受理渠道"), ("customer", "客户"),
        ("contact_name", "联系人"), ("contact_phone", "联系电话"), ("product", "产品"),
        ("batch_no", "批号"), ("order_no", "订单号"), ("category", "投诉类别"),
        ("severity", "严重程度"), ("description", "投诉内容"), ("demand", "客户要求"),
        ("first_responsible", "首问责任人"), ("handler", "当前处理人"), ("deadline", "答复期限"),
        ("escalation_deadline", "升级确认期限"),
    ),
    "处理": (
        ("department", "责任部门"), ("cause", "调查结果及原因"), ("measures", "处理措施"),
        ("department_opinion", "部门意见"), ("result", "处理结果"),
        ("return_quantity", "退货数量"), ("return_amount", "退货金额"),
        ("exchange_quantity", "换货数量"), ("exchange_amount", "换货金额"),
        ("claim_amount", "索赔金额"),
    ),
    "答复与回访": (
        ("reply", "答复内容"), ("replied_at", "答复时间"), ("satisfaction", "客户满意度"),
        ("revisited_at", "回访时间"), ("unreachable_reason", "未能联系原因"),
        ("closed_at", "结案时间"), ("cancel_reason", "撤销原因"),
    ),
}  # fmt: skip


def _banner_notes(d: ComplaintDetail) -> list[str]:
    notes = []
    if d.escalation_overdue:
        notes.append(
            f"{d.severity}投诉升级已超过确认期限（{d.escalation_deadline.isoformat()}），"
            "主管尚未确认。"
        )
    elif d.escalation_pending:
        notes.append(f"{d.severity}投诉已升级至主管，等待主管确认。")
    if d.overdue:
        notes.append(f"已超过答复期限（{d.deadline.isoformat()}）。")
    elif d.due_today:
        notes.append("今天是答复期限。")
    return notes


class ComplaintDialog(CaseDialog):
    """The record as read through the operations helper; it reads itself again whenever a
    write touches complaints (a step saved here or anywhere else).

    Signals: ``loaded()`` each time the record has been read and shown.
    """

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        complaint_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ops, layout, prefix="complaint", geometry_key="ComplaintDialog", size=(1000, 620),
            touches=("complaints", "service"), parent=parent,
        )  # fmt: skip
        self.setWindowTitle("投诉")
        self._complaint_id = complaint_id
        self.detail: ComplaintDetail | None = None
        for title, rows in SECTIONS.items():
            page = QWidget()
            form = QFormLayout(page)
            for name, label in rows:
                form.addRow(f"{label}：", self.value_label(name, 260))
            self.sections.addTab(page, title)
        # Photos and files, and the after-sales request a 维修/退货/换货 result may open.
        self.attachments = AttachmentsPanel(ops, "complaint", complaint_id)
        self.sections.addTab(self.attachments, "附件")
        self.service_link = QLabel(objectName="complaintServiceLink", wordWrap=True)
        self.service_button = QPushButton("转售后服务…", objectName="complaintToService")
        self.service_button.clicked.connect(lambda: self.open_service_request())
        timeline = QTableView(objectName="complaintTimeline")
        timeline.setModel(self.history_model)
        timeline.verticalHeader().hide()
        timeline.horizontalHeader().setStretchLastSection(True)
        timeline.setWordWrap(True)

        actions = self.step_buttons(
            Action,
            lambda a: f"{a}(&{ACCELERATORS[a]})",
            lambda a: f"action_{ACTION_NAMES[a]}",
        )
        close_button = QPushButton("关闭(&C)", objectName="complaintCloseButton")
        close_button.setShortcut(QKeySequence.StandardKey.Close)
        close_button.clicked.connect(self.reject)
        actions.addWidget(close_button)
        link_row = QHBoxLayout()
        link_row.addWidget(self.service_link, 1)
        link_row.addWidget(self.service_button)
        self.lay_out(timeline, (440, 520), (link_row, actions))
        for button in self.action_buttons.values():
            button.setEnabled(False)  # until the record is read
        self.reload()

    def reload(self) -> None:
        operator = self._ops.operator

        def read(session):
            return (
                ledger.load_detail(session, operator, self._complaint_id),
                service_ledger.requests_for_complaint(session, self._complaint_id),
            )

        self._ops.query(self, read, self._show)

    def _show(self, found: tuple[ComplaintDetail, list[tuple[int, str, str]]]) -> None:
        d, self.service_requests = found
        self.detail = d
        self._show_service_link(d)
        self.setWindowTitle(f"投诉 {d.number} — {d.customer}")
        self.header.setText(f"{d.number}　{d.customer}　【{d.status}】")
        self.show_values(d)
        if d.deadline_note:
            self.values["deadline"].setText(f"{d.deadline.isoformat()}（{d.deadline_note}）")
        self.show_notes(_banner_notes(d))
        self.show_history(d.events)
        self.show_allowed(d.allowed)
        self.loaded.emit()

    def _show_service_link(self, d: ComplaintDetail) -> None:
        """The service requests opened from this complaint; 转售后服务 while the result calls
        for one and none is open."""
        linked = [f"{number}（{status}）" for _id, number, status in self.service_requests]
        self.service_link.setText("售后服务单：" + "、".join(linked) if linked else "")
        live = [r for r in self.service_requests if r[2] != "撤销"]
        self.service_button.setVisible(d.result in SERVICE_COMPLAINT_RESULTS and not live)

    def open_service_request(self):
        """转售后服务: the registration form filled from this complaint."""
        from kehu_desktop.ui.service_desk.request_dialog import ServiceRequestDialog

        dialog = ServiceRequestDialog(
            self._ops, self._layout_memory, self, complaint_id=self._complaint_id
        )
        dialog.saved.connect(lambda _id: self.reload())
        dialog.open()
        return dialog

    def start_action(self, action: Action) -> ComplaintStepDialog | ComplaintRegistrationDialog:
        """Open the form for ``action``; once it is saved the record reads itself again."""
        step: ComplaintStepDialog | ComplaintRegistrationDialog
        if action == Action.EDIT:
            step = ComplaintRegistrationDialog(
                self._ops, self._layout_memory, parent=self, complaint_id=self._complaint_id
            )
        else:
            assert self.detail is not None
            step = ComplaintStepDialog(self._ops, self.detail, action, self)
        step.open()
        return step
