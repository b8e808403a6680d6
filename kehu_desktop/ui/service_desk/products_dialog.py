"""产品与保修: the firm's products and models with their warranty months."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.service_desk import products
from kehu_desktop.services.service_desk.products import ProductInput, ProductRow
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns, selected_row, table_view
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.view_dialog import ViewDialog

COLUMNS = (
    Column("产品编号", lambda p: p.code),
    Column("名称", lambda p: p.name),
    Column("型号", lambda p: p.model),
    Column("保修期（月）", lambda p: p.warranty_months),
    Column("在售", lambda p: p.active),
)


class ProductDialog(EditDialog):
    """Adds a product, or changes one; a changed warranty applies to later requests."""

    record_label = "产品"
    changes = ("service",)

    def __init__(
        self, ops: Operations, product: ProductRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ops, None, "新增产品" if product is None else "修改产品", parent)
        self.product_id = product.id if product else None
        self.code = QLineEdit(product.code if product else "", objectName="productCode")
        self.name = QLineEdit(product.name if product else "", objectName="productName")
        self.model = QLineEdit(product.model if product else "", objectName="productModel")
        self.months = QSpinBox(objectName="warrantyMonths", minimum=0, maximum=120)
        self.months.setValue(product.warranty_months if product else 12)
        self.active = QCheckBox("在售", objectName="productActive")
        self.active.setChecked(product.active if product else True)
        self.add_field("产品编号 *", self.code, "code")
        self.add_field("名称 *", self.name, "name")
        self.add_field("型号", self.model, "model")
        self.add_field("保修期（月）", self.months, "warranty_months")
        self.add_field("", self.active)

    def current_input(self) -> ProductInput:
        return ProductInput(
            self.code.text(), self.name.text(), self.model.text(), self.months.value(),
            self.active.isChecked(),
        )  # fmt: skip

    def submit(self, session: Session) -> int:
        return products.save_product(session, self.submitted_input, self.product_id)


class ProductsDialog(ViewDialog):
    """产品与保修: the catalogue, every product including those no longer sold.

    Signals:
        loaded: the list has been read and is shown (after opening and each refresh).
    """

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(
            ops, layout, geometry_key="products_dialog", size=(620, 420), touches=("service",),
            parent=parent,
        )  # fmt: skip
        self.setWindowTitle("产品与保修")
        self.model = RecordTableModel(COLUMNS, self)
        self.table = table_view("productTable", self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        add = QPushButton("新增产品", objectName="productAdd")
        add.clicked.connect(lambda: self.add_product())
        edit = QPushButton("修改", objectName="productEdit")
        edit.clicked.connect(lambda: self.edit_current())
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (add, edit):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        box.addLayout(buttons)
        self.restore_size()
        self.reload()

    def reload(self) -> None:
        """Read the products off the GUI thread; the list shows them when they arrive."""
        self._ops.query(
            self, lambda s: products.list_products(s, include_inactive=True), self._show
        )

    def _show(self, rows: list[ProductRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)
        self.loaded.emit()

    def add_product(self) -> ProductDialog:
        dialog = ProductDialog(self._ops, None, self)
        dialog.open()
        return dialog

    def edit_current(self) -> ProductDialog | None:
        row = selected_row(self.table, self.model)
        if row is None:
            return None
        dialog = ProductDialog(self._ops, row, self)
        dialog.open()
        return dialog
