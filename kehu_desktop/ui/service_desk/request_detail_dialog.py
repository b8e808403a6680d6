"""One service request: the registration, 派工 and repair order, revisit, photos and files,
feedback to the factory, the append-only history, and buttons for the steps allowed now."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.service_desk import ledger
from kehu_desktop.services.service_desk.ledger import ServiceDetail
from kehu_desktop.services.service_desk.lifecycle import ACTION_LABELS, Action
from kehu_desktop.ui.common.attachments_panel import AttachmentsPanel
from kehu_desktop.ui.common.case_dialog import CaseDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns, selected_row, table_view
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel

PART_COLUMNS = (
    Column("配件", lambda p: p.part),
    Column("数量", lambda p: p.quantity.normalize()),
    Column("单价", lambda p: p.unit_cost),
    Column("金额", lambda p: p.amount),
)
FEEDBACK_COLUMNS = (
    Column("编号", lambda f: f.number, lambda f: "warning" if f.overdue else ""),
    Column("部门", lambda f: f.department),
    Column("问题", lambda f: f.problem),
    Column("答复期限", lambda f: f.reply_deadline, lambda f: "warning" if f.overdue else ""),
    Column("状态", lambda f: f.state, lambda f: "warning" if f.overdue else ""),
    Column("答复", lambda f: f.reply),
)
SECTIONS = {
    "登记": (
        ("received_at", "受理时间"), ("channel", "受理渠道"), ("customer", "客户"),
        ("contact_name", "联系人"), ("contact_phone", "联系电话"), ("product", "产品/型号"),
        ("serial_no", "序列号/批号"), ("purchased_on", "购买日期"), ("warranty", "保修状态"),
        ("warranty_end", "保修截止"), ("fault", "故障描述"), ("demand", "客户要求"),
        ("urgency", "紧急程度"), ("first_responsible", "首问责任人"), ("handler", "当前处理人"),
        ("deadline", "期限"), ("complaint_number", "关联投诉"),
    ),
    "派工与维修": (
        ("mode", "服务方式"), ("engineer", "服务工程师"), ("planned_date", "计划服务日期"),
        ("dispatched_at", "派工时间"), ("resolved_at", "维修完成时间"),
    ),
    "回访与结案": (
        ("satisfaction", "客户满意度"), ("revisited_at", "回访时间"),
        ("unreachable_reason", "未能联系原因"), ("closed_at", "结案时间"),
        ("cancel_reason", "撤销原因"),
    ),
}  # fmt: skip
ACTION_NAMES = {a: f"action_{a.value}" for a in Action}


def _form_page(dialog: CaseDialog, rows) -> tuple[QWidget, QFormLayout]:
    """A page of label: value rows, kept at the top (the rest of the page stays empty)."""
    page = QWidget()
    box = QVBoxLayout(page)
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    for name, label in rows:
        form.addRow(f"{label}：", dialog.value_label(name, 200))
    box.addLayout(form)
    box.addStretch(1)
    return page, form


def _banner_notes(d: ServiceDetail) -> list[str]:
    notes = []
    if d.overdue:
        notes.append(f"已超期：{d.deadline_note}")
    elif d.due_today:
        notes.append("今天到期。")
    if d.repair is not None and d.repair.repeat_of:
        notes.append(f"返修：同一设备在 {d.repair.repeat_of} 已维修过。")
    late = [f.number for f in d.feedback if f.overdue]
    if late:
        notes.append(f"工厂反馈 {'、'.join(late)} 已超过答复期限。")
    return notes


class ServiceRequestDetailDialog(CaseDialog):
    """The request dialog; it refreshes itself after any change to the desk's records.

    Signals:
        loaded: the request has been read and is shown (after opening and each refresh).
    """

    def __init__(self, ops: Operations, layout: LayoutMemory, request_id: int, parent=None) -> None:
        super().__init__(
            ops, layout, prefix="service", geometry_key="service_request_dialog",
            size=(1080, 660), touches=("service",), parent=parent,
        )  # fmt: skip
        self.request_id = request_id
        self.detail: ServiceDetail | None = None
        for title, rows in SECTIONS.items():
            page, form = _form_page(self, rows)
            if title == "派工与维修":
                self._repair_part(form)
            self.sections.addTab(page, title)
        self.photos = AttachmentsPanel(ops, "service_request", request_id)
        self.photos.changed.connect(self._count_photos)
        self.sections.addTab(self.photos, "照片与附件")
        feedback_page = QWidget()
        feedback_box = QVBoxLayout(feedback_page)
        self.feedback_model = RecordTableModel(FEEDBACK_COLUMNS, self)
        self.feedback_table = table_view("serviceFeedbackTable", self.feedback_model)
        feedback_box.addWidget(self.feedback_table)
        self.reply_button = QPushButton("登记工厂答复…", objectName="feedbackReply")
        self.reply_button.setEnabled(False)
        self.reply_button.clicked.connect(lambda: self.reply_feedback())
        feedback_box.addWidget(self.reply_button)
        self.sections.addTab(feedback_page, "工厂反馈")
        history = table_view("serviceHistory", self.history_model)
        history.setWordWrap(True)

        actions = self.step_buttons(Action, ACTION_LABELS.__getitem__, ACTION_NAMES.__getitem__)
        self.print_button = QPushButton("打印…", objectName="servicePrint")
        self.print_button.clicked.connect(self.print_forms)
        actions.addWidget(self.print_button)
        close_button = QPushButton("关闭", objectName="serviceCloseButton")
        close_button.clicked.connect(self.reject)
        actions.addWidget(close_button)
        self.lay_out(history, (480, 520), (actions,))
        for button in self.action_buttons.values():
            button.setVisible(False)  # until the request is read: which steps it allows
        self.reload()

    def _repair_part(self, form: QFormLayout) -> None:
        self.repair_summary = QLabel(objectName="repairSummary", wordWrap=True)
        form.addRow("维修报告：", self.repair_summary)
        self.parts_model = RecordTableModel(PART_COLUMNS, self)
        self.parts_table = table_view("serviceParts", self.parts_model)
        self.parts_table.setMaximumHeight(130)
        form.addRow("使用配件：", self.parts_table)

    def reload(self) -> None:
        """Read the request off the GUI thread; the dialog shows it when it arrives."""
        operator, request_id = self._ops.operator, self.request_id
        self._ops.query(self, lambda s: ledger.load_detail(s, operator, request_id), self._show)

    def _show(self, d: ServiceDetail) -> None:
        self.detail = d
        self.setWindowTitle(f"售后服务单 {d.number} — {d.customer}")
        key = "（大客户）" if d.is_key_account else ""
        self.header.setText(f"{d.number}　{d.customer}{key}　【{d.status_label}】")
        self.show_values(d)
        self.values["deadline"].setText(
            f"派工 {d.response_deadline.isoformat()}，解决 {d.deadline.isoformat()}"
            + (f"（{d.deadline_note}）" if d.deadline_note else "")
        )
        self._show_repair(d)
        self.show_notes(_banner_notes(d))
        self.show_history(d.events)
        self.feedback_model.set_rows(d.feedback)
        fit_columns(self.feedback_table)
        self.reply_button.setEnabled(any(f.replied_at is None for f in d.feedback))
        self.show_allowed(d.allowed)
        self.loaded.emit()

    def _show_repair(self, d: ServiceDetail) -> None:
        r = d.repair
        if r is None:
            self.repair_summary.setText("尚未填写")
            self.parts_model.set_rows([])
            return
        charge = f"收费 {r.charge_amount:,.2f} 元" if r.charged else "免费（保修）"
        repeat = f"；返修（上次维修：{r.repeat_of}）" if r.repeat_of else ""
        self.repair_summary.setText(
            f"{r.result_label}，{r.repaired_at:%Y-%m-%d %H:%M} {r.engineer}\n"
            f"诊断：{r.diagnosis}\n原因：{r.cause or '—'}\n"
            f"工时 {r.labour_hours} 小时，人工费 {r.labour_cost:,.2f} 元，配件 "
            f"{r.parts_cost:,.2f} 元，{charge}{repeat}"
        )
        self.parts_model.set_rows(r.parts)

    def _count_photos(self, count: int) -> None:
        index = self.sections.indexOf(self.photos)
        self.sections.setTabText(index, f"照片与附件 ({count})" if count else "照片与附件")

    # --- steps -------------------------------------------------------------------------------

    def start_action(self, action: Action):
        """Open the form for ``action``; the dialog refreshes once it is saved."""
        assert self.detail is not None  # the step buttons show once the request is read
        if action == Action.EDIT:
            from kehu_desktop.ui.service_desk.request_dialog import ServiceRequestDialog

            step = ServiceRequestDialog(
                self._ops, self._layout_memory, self, request_id=self.request_id
            )
        elif action == Action.REPAIR:
            from kehu_desktop.ui.service_desk.repair_order_dialog import RepairOrderDialog

            step = RepairOrderDialog(self._ops, self._layout_memory, self.detail, self)
        else:
            from kehu_desktop.ui.service_desk.step_dialog import ServiceStepDialog

            step = ServiceStepDialog(self._ops, self.detail, action, self)
        step.open()
        return step

    def reply_feedback(self):
        from kehu_desktop.ui.service_desk.step_dialog import FeedbackReplyDialog

        row = selected_row(self.feedback_table, self.feedback_model)
        if row is None or row.replied_at is not None:
            row = next((f for f in self.feedback_model.rows() if f.replied_at is None), None)
        if row is None:
            return None
        dialog = FeedbackReplyDialog(self._ops, row, self)
        dialog.open()
        return dialog

    def print_forms(self):
        from kehu_desktop.ui.printing.print_dialog import PrintDialog

        dialog = PrintDialog(
            self._ops, self._layout_memory, self, "service_register",
            ("service_request", self.request_id),
        )  # fmt: skip
        dialog.open()
        return dialog
