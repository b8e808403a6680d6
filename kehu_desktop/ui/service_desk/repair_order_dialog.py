"""产品维修报告单: diagnosis and cause, parts used, labour, charges and the result, with the
request's photos beside it (pictures of the fault, the signed form scanned back)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.service_desk import repair_orders
from kehu_desktop.services.service_desk.choices import RESULTS
from kehu_desktop.services.service_desk.ledger import ServiceDetail
from kehu_desktop.services.service_desk.repair_orders import PartInput, RepairInput
from kehu_desktop.ui.common.attachments_panel import AttachmentsPanel
from kehu_desktop.ui.common.case_forms import context_label, text_box
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.editable_rows import EditableColumn, EditableRowsModel
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations

PART_COLUMNS = (
    EditableColumn("part", "配件名称", placeholder="如：电容 470uF"),
    EditableColumn("quantity", "数量"),
    EditableColumn("unit_cost", "单价（元）"),
)


def _plain(value: Decimal) -> str:
    """A Decimal as typed: 2, 3.5 — no thousands separators, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text


class RepairOrderDialog(EditDialog):
    """Records (or corrects, while 处理) the repair order of one request."""

    record_label = "产品维修报告单"
    changes = ("service",)
    ok_text = "保存维修报告(&S)"

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory | None,
        detail: ServiceDetail,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, layout, f"产品维修报告单 — {detail.number}", parent)
        self.detail = detail
        header = context_label(
            f"{detail.number}　{detail.customer}\n产品：{detail.product or '—'}　"
            f"序列号/批号：{detail.serial_no or '—'}　保修：{detail.warranty}\n"
            f"故障：{detail.fault}",
            "repairContext",
        )
        self.form.addRow(header)
        self.diagnosis = text_box(60)
        self.diagnosis.setObjectName("diagnosis")
        self.cause = text_box(50)
        self.cause.setObjectName("cause")
        self.result = QComboBox(objectName="result")
        for code, words in RESULTS.items():
            self.result.addItem(words, code)
        self.labour_hours = QLineEdit("0", objectName="labourHours")
        self.labour_cost = QLineEdit("0", objectName="labourCost")
        self.charged = QCheckBox("收费维修（保修期外或人为损坏）", objectName="charged")
        self.charge_amount = QLineEdit("0", objectName="chargeAmount")
        self.charge_amount.setEnabled(False)
        self.charged.toggled.connect(self.charge_amount.setEnabled)
        self.charged.toggled.connect(lambda on: on or self.charge_amount.setText("0"))
        self.add_field("故障诊断 *", self.diagnosis, "diagnosis")
        self.add_field("原因分析", self.cause, "cause")
        self.add_field("维修结果", self.result, "result")
        self.add_field("工时（小时）", self.labour_hours, "labour_hours")
        self.add_field("人工费（元）", self.labour_cost, "labour_cost")
        self.add_field("收费", self.charged, "charged")
        self.add_field("收费金额（元）", self.charge_amount, "charge_amount")

        self.parts_model = EditableRowsModel(PART_COLUMNS, self)
        self.parts_view = QTableView(objectName="partsTable")
        self.parts_view.setModel(self.parts_model)
        self.parts_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.parts_view.horizontalHeader().setStretchLastSection(True)
        self.parts_view.setMinimumHeight(120)
        add_part = QPushButton("添加配件", objectName="addPart")
        add_part.clicked.connect(lambda: self.parts_model.add_row({"quantity": "1"}))
        remove_part = QPushButton("删除所选配件", objectName="removePart")
        remove_part.clicked.connect(
            lambda: self.parts_model.remove_row(self.parts_view.currentIndex().row())
        )
        self.parts_total = QLabel(objectName="partsTotal")
        self.parts_model.dataChanged.connect(lambda *_a: self._update_total())
        self.parts_model.rowsInserted.connect(lambda *_a: self._update_total())
        self.parts_model.rowsRemoved.connect(lambda *_a: self._update_total())
        parts_box = QGroupBox("使用配件")
        parts_layout = QVBoxLayout(parts_box)
        parts_layout.addWidget(self.parts_view)
        row = QHBoxLayout()
        row.addWidget(add_part)
        row.addWidget(remove_part)
        row.addStretch(1)
        row.addWidget(self.parts_total)
        parts_layout.addLayout(row)
        self.add_widget(parts_box)
        self.register_editor("parts", self.parts_view)

        photos = QGroupBox("故障照片与附件（添加后立即保存）")
        photos_layout = QVBoxLayout(photos)
        self.photos = AttachmentsPanel(ops, "service_request", detail.id)
        self.photos.setMinimumHeight(190)
        photos_layout.addWidget(self.photos)
        self.add_widget(photos, 1)
        self._fill(detail)
        self.resize(760, 860)

    def _fill(self, detail: ServiceDetail) -> None:
        repair = detail.repair
        if repair is None:
            self._update_total()
            return
        self.diagnosis.setPlainText(repair.diagnosis)
        self.cause.setPlainText(repair.cause)
        self.result.setCurrentIndex(max(self.result.findData(repair.result), 0))
        self.labour_hours.setText(_plain(repair.labour_hours))
        self.labour_cost.setText(_plain(repair.labour_cost))
        self.charged.setChecked(repair.charged)
        self.charge_amount.setText(_plain(repair.charge_amount))
        self.parts_model.set_rows(
            [{"part": p.part, "quantity": _plain(p.quantity), "unit_cost": _plain(p.unit_cost)}
             for p in repair.parts]
        )  # fmt: skip
        self._update_total()

    def _update_total(self) -> None:
        total = Decimal("0")
        for row in self.parts_model.rows():
            try:
                total += Decimal(row.get("quantity") or "0") * Decimal(row.get("unit_cost") or "0")
            except ArithmeticError:
                self.parts_total.setText("配件金额：请检查数量和单价")
                return
        self.parts_total.setText(f"配件金额合计：{total.quantize(Decimal('0.01')):,} 元")

    def current_input(self) -> object:
        return [super().current_input(), self.parts_model.rows()]

    def repair_input(self) -> RepairInput:
        return RepairInput(
            diagnosis=self.diagnosis.toPlainText(),
            cause=self.cause.toPlainText(),
            parts=[
                PartInput(r.get("part", ""), r.get("quantity", ""), r.get("unit_cost", ""))
                for r in self.parts_model.rows()
            ],
            labour_hours=self.labour_hours.text(),
            labour_cost=self.labour_cost.text(),
            charged=self.charged.isChecked(),
            charge_amount=self.charge_amount.text(),
            result=self.result.currentData(),
        )

    def show_errors(self, messages: dict[str, str]) -> None:
        parts = {k: v for k, v in messages.items() if k.startswith("parts.")}
        others = {k: v for k, v in messages.items() if not k.startswith("parts.")}
        if parts:
            others["parts"] = "\n".join(parts.values())
        super().show_errors(others)

    def submit(self, session: Session) -> int:
        return repair_orders.record_repair(
            session, self.ops.operator, self.detail.id, self.repair_input()
        )
