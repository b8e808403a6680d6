"""The 客户档案 tab: search as you type, filters, the lazy list, and the file dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.customers.customer_fields import (
    ABC_CLASSES,
    MANAGEMENT_CLASSES,
    PROVINCES,
    TRADE_STAGES,
)
from kehu_desktop.services.customers.customer_files import (
    LIST_COLUMNS,
    CustomerFilter,
    CustomerList,
    CustomerRow,
    Removal,
)
from kehu_desktop.ui.common.desk_reload import ReloadWhenShown
from kehu_desktop.ui.common.filter_row import FilterRow
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import (
    fill_staff_filter,
    navigable_list,
    select_first_row,
)
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.xlsx_export import export_list
from kehu_desktop.ui.customers.customer_dialog import CustomerDialog
from kehu_desktop.ui.customers.customer_table_model import PAGE_SIZE, CustomerTableModel

SEARCH_DELAY_MS = 150


class CustomersTab(QWidget):
    """Signals: ``loaded(int)`` with the row count after each (re)load; ``rows_shown(int)`` each
    time rows appear (the first screenful comes before the whole list when browsing);
    ``demo_requested()`` from the empty-store hint.

    Reloads itself when a write anywhere touches customers (``ops.events.changed``)."""

    loaded = Signal(int)
    rows_shown = Signal(int)
    demo_requested = Signal()

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._layout_memory = layout
        self._generation = 0
        self._complete_generation = -1
        self._partial_generation = -1
        self._select_after_load: int | None = None

        filters = FilterRow(self._query)
        self.search = filters.search(
            "customerSearch", "搜索：编号、名称、简称、拼音首字母（如 bjhd）、联系人、电话",
            stretch=3, delay_ms=SEARCH_DELAY_MS,
        )  # fmt: skip
        self.abc_filter = filters.choice("abcFilter", "全部ABC分类", ABC_CLASSES)
        self.class_filter = filters.choice(
            "managementClassFilter", "全部管理分类", MANAGEMENT_CLASSES
        )
        self.province_filter = filters.choice("provinceFilter", "全部省份", PROVINCES)
        self.stage_filter = filters.choice("tradeStageFilter", "全部交易阶段", TRADE_STAGES)
        self.owner_filter = filters.choice("ownerFilter", "全部业务员")
        self.archived_check = filters.check("showArchived", "显示已归档")

        self.model = CustomerTableModel(self._fetch_rows, self)
        self.model.page_arrived.connect(self._update_buttons)
        self.table = QTableView(objectName="customerTable")
        self.table.setModel(self.model)
        navigable_list(self.table, self.search, self.edit_current)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        header = self.table.horizontalHeader()
        if not layout.restore_header("customer_table", header):
            for column, width in enumerate((90, 240, 90, 45, 70, 70, 60, 70, 80, 120, 80, 80)):
                self.table.setColumnWidth(column, width)
        # The remembered sort order applies to the first load; clicks ask for a new one.
        self._sort = (
            LIST_COLUMNS[header.sortIndicatorSection()].key,
            header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )
        self.model.sort_requested.connect(self._on_sort)

        self.new_button = QPushButton("新建客户(&N)", objectName="newCustomer")
        self.edit_button = QPushButton("打开档案(&O)", objectName="editCustomer")
        self.remove_button = QPushButton("删除/归档(&D)", objectName="removeCustomer")
        self.restore_button = QPushButton("取消归档(&U)", objectName="restoreCustomer")
        self.export_button = QPushButton("导出 Excel(&X)", objectName="exportCustomers")
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_current)
        self.remove_button.clicked.connect(self.remove_current)
        self.restore_button.clicked.connect(self.restore_current)
        self.export_button.clicked.connect(lambda: self.export_xlsx())

        self.empty_hint = QWidget(objectName="emptyHint")
        hint_layout = QHBoxLayout(self.empty_hint)
        hint_layout.addWidget(QLabel("还没有客户档案。可以新建客户，或者先载入演示数据看看效果。"))
        demo_button = QPushButton("载入演示数据(&L)", objectName="loadDemo")
        demo_button.clicked.connect(self.demo_requested)
        hint_layout.addWidget(demo_button)
        hint_layout.addStretch()
        self.empty_hint.hide()

        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.remove_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.count_label = QLabel(objectName="customerCount")
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.export_button)
        layout_box = QVBoxLayout(self)
        layout_box.addLayout(filters)
        layout_box.addWidget(self.empty_hint)
        layout_box.addWidget(self.table)
        layout_box.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()
        # A write reloads this desk at once while it is shown, else when it is next shown.
        self.reload_when_shown = ReloadWhenShown(self, self.reload)
        ops.events.changed.connect(self._store_changed)

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches("customers", "contacts", "sales", "staff", "key_accounts"):
            self.reload_when_shown.request()

    def _fill_owner_filter(self) -> None:
        """Everyone who may own customers, those who left included (their customers are the
        ones to hand over); refilled on each reload, as staff come and go."""
        fill_staff_filter(self._ops, self.owner_filter, "全部业务员", everyone=True)

    # --- loading -----------------------------------------------------------------------------

    def current_filter(self) -> CustomerFilter:
        return CustomerFilter(
            text=self.search.text(),
            abc_class=self.abc_filter.currentData() or "",
            management_class=self.class_filter.currentData() or "",
            province=self.province_filter.currentData() or "",
            trade_stage=self.stage_filter.currentData() or "",
            owner_id=self.owner_filter.currentData(),
            include_archived=self.archived_check.isChecked(),
        )

    def _fetch_rows(self, ids: list[int], deliver) -> None:
        self._ops.query(
            self.table,
            lambda session: customer_files.fetch_rows(session, ids),
            deliver,
            title="加载客户列表失败",
        )

    def reload(self) -> None:
        """Refresh everything: the staff in the owner filter, then the list."""
        self._fill_owner_filter()
        self._query()

    def _query(self) -> None:
        """Query the ids for the current filter and sort off the GUI thread, then show them."""
        self._generation += 1
        generation = self._generation
        flt, (key, descending) = self.current_filter(), self._sort
        searching = bool(flt.text.strip())

        def first(session) -> tuple[CustomerList, bool, list[CustomerRow]]:
            listing = customer_files.first_rows(session, flt, key, descending, PAGE_SIZE)
            return listing, True, customer_files.fetch_rows(session, listing.ids)

        def query(session) -> tuple[CustomerList, bool, list[CustomerRow] | None]:
            listing = customer_files.list_customers(session, flt, key, descending)
            # Matches come with their first rows; the whole list extends the screenful shown.
            rows = (
                customer_files.fetch_rows(session, listing.ids[:PAGE_SIZE]) if searching else None
            )
            return listing, customer_files.any_customer(session), rows

        def whole_list() -> None:
            self._ops.query(
                self,
                query,
                lambda result: self._show(generation, *result),
                title="加载客户列表失败",
            )

        def first_shown(result) -> None:
            self._show(generation, *result)
            whole_list()

        if searching:
            whole_list()
        else:
            # Browsing reads up to 100,000 ids: the first screenful (ids and rows) is shown
            # before that starts, so the two queries never compete for the interpreter.
            self._ops.query(self, first, first_shown, failure=lambda _error: whole_list())

    def _show(
        self,
        generation: int,
        listing: CustomerList,
        any_customer: bool,
        first_rows: list[CustomerRow] | None,
    ) -> None:
        if generation != self._generation:
            return  # a newer query is on its way
        if listing.partial and self._complete_generation == generation:
            return  # the whole list came first
        if not listing.partial:
            self._complete_generation = generation
        ids = listing.ids
        current = self.current_id()
        if listing.partial or generation != self._partial_generation or ids != self.model.ids():
            self.model.set_ids(ids, first_rows)
        if listing.partial:
            self._partial_generation = generation
        wanted = self._select_after_load or current
        row = self.model.row_of(wanted) if wanted is not None else -1
        if row >= 0 or not listing.partial:
            self._select_after_load = None  # else it may be further down the whole list
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            select_first_row(self.table)
        if listing.partial:
            self.count_label.setText("正在载入客户列表…")
        elif listing.truncated:
            self.count_label.setText(
                f"匹配超过 {len(ids):,} 位，仅显示前 {len(ids):,} 位；请多输入几个字缩小范围"
            )
        else:
            self.count_label.setText(f"共 {len(ids):,} 位客户")
        self.empty_hint.setVisible(not any_customer)
        self._update_buttons()
        self.rows_shown.emit(len(ids))
        if not listing.partial:
            self.loaded.emit(len(ids))

    def _on_sort(self, key: str, descending: bool) -> None:
        self._sort = (key, descending)
        self._query()

    # --- actions -------------------------------------------------------------------------

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.id_at(index.row())

    def _update_buttons(self) -> None:
        row = self.table.currentIndex().row()
        has = 0 <= row < self.model.rowCount()
        record = self.model.record(row) if has else None
        archived = record is not None and record.archived
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has and not archived)
        self.restore_button.setEnabled(archived)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def new_record(self) -> None:
        self.open_customer(None)

    def edit_current(self) -> None:
        customer_id = self.current_id()
        if customer_id is not None:
            self.open_customer(customer_id)

    def open_customer(self, customer_id: int | None) -> CustomerDialog:
        dialog = CustomerDialog(self._ops, self._layout_memory, customer_id, self)
        dialog.saved.connect(lambda _result: self._select_saved(dialog))
        dialog.open_requested.connect(self.open_customer)
        dialog.open()
        return dialog

    def _select_saved(self, dialog: CustomerDialog) -> None:
        """The list reloads itself after the save (the store changed); select the file saved."""
        self._select_after_load = dialog.saved_id

    def remove_current(self) -> None:
        """Delete a fresh customer, archive one with history; asks first."""
        customer_id = self.current_id()
        record = self.model.record(self.table.currentIndex().row())
        if customer_id is None or record is None:
            return
        self._ops.query(
            self,
            lambda session: customer_files.removal_for(session, customer_id),
            lambda removal: self._confirm_removal(customer_id, record.name, removal),
            title="操作失败",
        )

    def _confirm_removal(self, customer_id: int, name: str, removal: Removal) -> None:
        if removal == Removal.ARCHIVE:
            question = (f"“{name}”已有拜访、投诉或大客户记录，不能删除。\n"
                        "要将其归档吗？归档后默认不在列表中显示，可随时取消归档。")  # fmt: skip
            title = "归档客户"
        else:
            question = f"确定删除客户“{name}”及其联系人吗？此操作不能撤销。"
            title = "删除客户"
        answer = QMessageBox.question(self, title, question)
        if answer != QMessageBox.StandardButton.Yes:
            return

        def remove(session) -> None:
            if removal == Removal.ARCHIVE:
                customer_files.set_archived(session, customer_id, True)
            else:
                customer_files.delete_customer(session, customer_id)

        self._ops.write(self, remove, {"customers", "contacts"}, title="操作失败")

    def restore_current(self) -> None:
        customer_id = self.current_id()
        if customer_id is None:
            return
        self._select_after_load = customer_id
        self._ops.write(
            self,
            lambda session: customer_files.set_archived(session, customer_id, False),
            {"customers"},
            title="取消归档失败",
        )

    def export_xlsx(self, path: Path | None = None) -> None:
        """Export the list as filtered now; asks for a file name unless one is given."""
        ids = self.model.ids()
        export_list(
            self, self._ops, title="客户列表", headers=customer_files.EXPORT_HEADERS,
            rows=lambda session: customer_files.export_rows(session, ids),
            button=self.export_button, status=self.count_label, path=path,
        )  # fmt: skip

    def save_layout(self) -> None:
        self._layout_memory.save_header("customer_table", self.table.horizontalHeader())
