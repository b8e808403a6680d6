"""The 大客户 tab: the key accounts and what needs attention, the KPIs, pending proposals for
the 主管, and A-class customers worth proposing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop.services.key_accounts import (
    abc_classes,
    designation,
    key_account_cards,
    key_account_kpis,
)
from kehu_desktop.ui.common.desk_reload import ReloadWhenShown
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory, PcSetting
from kehu_desktop.ui.common.list_view import (
    column_content_width,
    fit_columns,
    fit_columns_once,
    navigable_list,
    restore_columns,
    select_first_row,
    table_view,
)
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.xlsx_export import export_list
from kehu_desktop.ui.key_accounts.key_account_card import KeyAccountCardDialog, view_with_buttons
from kehu_desktop.ui.key_accounts.proposal_dialog import DecisionDialog, ProposalDialog


def _visit_tint(row: key_account_cards.KeyAccountRow) -> str:
    return "warning" if row.visit_overdue else ""


def _measure_tint(row: key_account_cards.KeyAccountRow) -> str:
    return "warning" if row.overdue_measures else "notice" if row.open_measures else ""


def _credit_tint(row: key_account_cards.KeyAccountRow) -> str:
    return "warning" if row.credit.over_limit else ""


def _score_tint(row: key_account_cards.KeyAccountRow) -> str:
    return "warning" if row.last_score is not None and row.last_score < 3 else ""


def _credit_detail(row: key_account_cards.KeyAccountRow) -> str:
    """The credit cell's full story, for its tooltip (the cell may be narrower than the text)."""
    credit = row.credit
    parts = [f"信用等级 {credit.rating or '未评定'}"]
    if credit.limit is not None:
        parts.append(f"信用额度 {credit.limit:,.2f} 元")
    parts.append(f"应收余额 {credit.outstanding:,.2f} 元")
    return "，".join(parts) + f"：{credit.describe()}"


SPLITTER_STATE = PcSetting("splitter/keyAccounts", QByteArray(), "大客户页上下两栏的比例")
COLUMNS = (
    Column("客户编号", lambda r: r.code),
    Column("客户名称", lambda r: r.customer),
    Column("级别", lambda r: r.level),
    Column("客户经理", lambda r: r.manager),
    Column("最近拜访", lambda r: r.last_visit),
    Column("下次应访", lambda r: r.next_visit_due, _visit_tint),
    Column("最近满意度", lambda r: r.last_score, _score_tint),
    Column("未完成对策", lambda r: r.measures_text, _measure_tint),
    Column("信用状态", lambda r: r.credit.describe(), _credit_tint),
)
CREDIT_COLUMN = next(i for i, column in enumerate(COLUMNS) if column.label == "信用状态")
PROPOSAL_COLUMNS = (
    Column("客户", lambda r: r.customer),
    Column("ABC", lambda r: r.abc_class),
    Column("近12个月销售额", lambda r: r.sales_12m),
    Column("申请人", lambda r: r.proposer),
    Column("申请时间", lambda r: r.proposed_at),
    Column("申请理由", lambda r: r.reasons),
)
SUGGESTION_COLUMNS = (
    Column("客户编号", lambda r: r.code),
    Column("客户名称", lambda r: r.name),
    Column("近12个月销售额", lambda r: r.sales_12m),
)


class KeyAccountModel(RecordTableModel):
    """The key-account list; the 信用状态 cell's tooltip spells out rating, limit and
    outstanding amount, so nothing is lost when the column is narrow."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and index.isValid()
            and index.column() == CREDIT_COLUMN
        ):
            return _credit_detail(self.row_at(index.row()))
        return super().data(index, role)


@dataclass(frozen=True)
class _Loaded:
    rows: list[key_account_cards.KeyAccountRow]
    proposals: list[designation.ProposalRow]
    suggestions: list[abc_classes.Suggestion]
    kpis: key_account_kpis.KeyAccountKpis


class KeyAccountsTab(QWidget):
    """Reloads itself when a write touches key accounts, customers, visits or sales.

    Signals: ``loaded(int)`` with the number of key accounts after each reload;
    ``exported(int)`` with the row count once an export is written."""

    loaded = Signal(int)
    exported = Signal(int)

    def __init__(self, ops: Operations, layout: LayoutMemory, parent=None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._layout_memory = layout
        self._generation = 0

        self.kpi_label = QLabel(objectName="keyAccountKpis")
        self.kpi_label.setStyleSheet("font-weight: bold;")
        self.kpi_label.setToolTip(
            "回访率：所选期间内，拜访间隔从未超过其拜访周期的大客户所占比例。"
        )
        self.period = QComboBox(objectName="kpiPeriod")
        self.period.addItems(key_account_kpis.PERIODS)
        self.period.currentIndexChanged.connect(self.reload)

        self.model = KeyAccountModel(COLUMNS, self)
        self.table = table_view("keyAccountTable", self.model)
        navigable_list(self.table, self.period, self.open_current)
        restore_columns(layout, "keyAccountTable", self.table)

        self.open_button = QPushButton("打开管理卡(&O)", objectName="openCard")
        self.propose_button = QPushButton("申请设为大客户(&P)…", objectName="proposeKeyAccount")
        self.abc_button = QPushButton("重新计算 ABC 分类(&B)", objectName="recomputeAbc")
        self.export_button = QPushButton("导出 Excel(&X)", objectName="exportKeyAccounts")
        self.open_button.clicked.connect(self.open_current)
        self.propose_button.clicked.connect(lambda: self.propose())
        self.abc_button.clicked.connect(self.recompute_abc)
        self.export_button.clicked.connect(lambda: self.export_xlsx())

        self.proposals_model = RecordTableModel(PROPOSAL_COLUMNS, self)
        self.proposals_table = table_view("pendingProposalTable", self.proposals_model)
        self.approve_button = QPushButton("批准…", objectName="approveProposal")
        self.reject_button = QPushButton("驳回…", objectName="rejectProposal")
        self.approve_button.clicked.connect(lambda: self.decide(approve=True))
        self.reject_button.clicked.connect(lambda: self.decide(approve=False))
        # Only a 主管/管理员 decides: others never get a dialog to fill in only to be refused
        # (the service refuses them too).
        self.approval_hint = QLabel("大客户申请由主管或管理员审批。", objectName="approvalHint")
        supervisor = ops.operator.is_supervisor
        hidden = (self.approval_hint,) if supervisor else (self.approve_button, self.reject_button)
        for widget in hidden:
            widget.hide()
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(supervisor)

        self.suggestions_model = RecordTableModel(SUGGESTION_COLUMNS, self)
        self.suggestions_table = table_view("abcSuggestionTable", self.suggestions_model)
        navigable_list(self.suggestions_table, None, self.propose_suggestion)
        self.suggest_button = QPushButton("为所选客户提出申请…", objectName="proposeSuggestion")
        self.suggest_button.clicked.connect(self.propose_suggestion)

        top = QHBoxLayout()
        top.addWidget(self.kpi_label, 1)
        top.addWidget(QLabel("统计期间"))
        top.addWidget(self.period)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.propose_button, self.abc_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.count_label = QLabel(objectName="keyAccountCount")
        self.count_label.setToolTip(
            "按今天计算：下次应访日期已过、仍未拜访的大客户（列表中标红）；"
            "与上方所选期间的回访率不是同一口径。"
        )
        buttons.addWidget(self.count_label)
        buttons.addWidget(self.export_button)
        upper = QWidget()
        upper_box = QVBoxLayout(upper)
        upper_box.setContentsMargins(0, 0, 0, 0)
        upper_box.addWidget(self.table)
        upper_box.addLayout(buttons)
        self.proposals_box = view_with_buttons(
            QGroupBox("待审批的大客户申请"),
            self.proposals_table,
            self.approval_hint,
            self.approve_button,
            self.reject_button,
        )
        self.suggestions_box = view_with_buttons(
            QGroupBox("ABC 建议：A 类客户尚未设为大客户"),
            self.suggestions_table,
            self.suggest_button,
        )
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.proposals_box)
        lower.addWidget(self.suggestions_box)
        self.splitter = QSplitter(Qt.Orientation.Vertical, objectName="keyAccountSplitter")
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        splitter_state = layout.get(SPLITTER_STATE)
        if not splitter_state.isEmpty():
            self.splitter.restoreState(splitter_state)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.splitter)
        self.status_label = QLabel(objectName="keyAccountStatus")
        box.addWidget(self.status_label)
        # A write reloads this desk at once while it is shown, else when it is next shown.
        self.reload_when_shown = ReloadWhenShown(self, self.reload)
        ops.events.changed.connect(self._store_changed)

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches("key_accounts", "customers", "visits", "sales", "staff", "settings"):
            self.reload_when_shown.request()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        start, end = key_account_kpis.period(self.period.currentText())

        def query(session) -> _Loaded:
            return _Loaded(
                key_account_cards.list_key_accounts(session),
                designation.list_proposals(session),
                abc_classes.suggestions(session),
                key_account_kpis.compute(session, start, end),
            )

        self._ops.query(
            self, query, lambda loaded: self._show(generation, loaded), title="加载大客户失败"
        )

    def _show(self, generation: int, loaded: _Loaded) -> None:
        if generation != self._generation:
            return
        current = self.current_id()
        self.model.set_rows(loaded.rows)
        self.proposals_model.set_rows(loaded.proposals)
        self.suggestions_model.set_rows(loaded.suggestions)
        self.kpi_label.setText(loaded.kpis.describe())
        self.proposals_box.setTitle(f"待审批的大客户申请（{len(loaded.proposals)}）")
        self.suggestions_box.setTitle(
            f"ABC 建议：A 类客户尚未设为大客户（{len(loaded.suggestions)}）"
        )
        for index, row in enumerate(loaded.rows):
            if row.id == current:
                self.table.selectRow(index)
        for view in (self.table, self.proposals_table, self.suggestions_table):
            select_first_row(view)
        overdue = sum(1 for r in loaded.rows if r.visit_overdue)
        self.count_label.setText(f"大客户 {len(loaded.rows)} 家，截至今天拜访逾期 {overdue} 家")
        fit_columns_once(self.table)
        self._widen_credit_column()
        for view in (self.proposals_table, self.suggestions_table):
            fit_columns(view)
        self.loaded.emit(len(loaded.rows))

    def _widen_credit_column(self) -> None:
        """A remembered or fitted width may be too narrow for a new 超出额度 text: widen."""
        header = self.table.horizontalHeader()
        needed = column_content_width(self.table, CREDIT_COLUMN)
        if header.sectionSize(CREDIT_COLUMN) < needed:
            header.resizeSection(CREDIT_COLUMN, needed)

    # --- selection -------------------------------------------------------------------------

    def current_id(self) -> int | None:
        """The selected key account's (card's) id."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()).id if index.isValid() else None

    def _selected(self, view: QTableView, model: RecordTableModel):
        index = view.currentIndex()
        return model.row_at(index.row()) if index.isValid() else None

    # --- actions ---------------------------------------------------------------------------

    def new_record(self) -> None:
        self.propose()

    def open_current(self) -> KeyAccountCardDialog | None:
        key_account_id = self.current_id()
        return None if key_account_id is None else self.open_card(key_account_id)

    def open_card(self, key_account_id: int) -> KeyAccountCardDialog:
        dialog = KeyAccountCardDialog(self._ops, self._layout_memory, key_account_id, self)
        dialog.open()
        return dialog

    def propose(self, customer_id: int | None = None) -> ProposalDialog:
        dialog = ProposalDialog(self._ops, customer_id, self)
        dialog.open()
        return dialog

    def propose_suggestion(self) -> ProposalDialog | None:
        suggestion = self._selected(self.suggestions_table, self.suggestions_model)
        return None if suggestion is None else self.propose(suggestion.id)

    def decide(self, approve: bool) -> DecisionDialog | None:
        proposal = self._selected(self.proposals_table, self.proposals_model)
        if proposal is None or not self._ops.operator.is_supervisor:
            return None
        dialog = DecisionDialog(self._ops, proposal, approve, self)
        dialog.open()
        return dialog

    def recompute_abc(self) -> None:
        """Recompute the ABC classes off the GUI thread, then show what changed."""
        self.abc_button.setEnabled(False)

        def done(result: abc_classes.AbcResult) -> None:
            self.abc_button.setEnabled(True)
            self.status_label.setText(f"ABC 分类已重新计算：{result.describe()}")

        def failed(error: Exception) -> None:
            self.abc_button.setEnabled(True)
            show_error(self, "ABC 分类计算失败", error)

        self._ops.write(
            self,
            lambda session: abc_classes.recompute(session),
            {"customers", "key_accounts"},
            done,
            failure=failed,
            progress_label="正在重新计算 ABC 分类…",
        )

    def export_xlsx(self, path: Path | None = None) -> None:
        """Export the key accounts as listed; asks for a file name unless one is given."""
        rows = key_account_cards.export_rows(self.model.rows())
        export_list(
            self, self._ops, title="大客户一览", headers=key_account_cards.EXPORT_HEADERS,
            rows=lambda _session: rows, button=self.export_button, status=self.status_label,
            path=path, exported=self.exported.emit,
        )  # fmt: skip

    def save_layout(self) -> None:
        self._layout_memory.save_header("keyAccountTable", self.table.horizontalHeader())
        self._layout_memory.put(SPLITTER_STATE, self.splitter.saveState())
