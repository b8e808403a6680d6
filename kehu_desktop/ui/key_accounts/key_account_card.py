"""大客户管理卡: the card's fields, its countermeasures, interactions, surveys and credit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.key_accounts import credit, designation, key_account_cards, satisfaction
from kehu_desktop.services.key_accounts.key_account_cards import CardData, CountermeasureRow
from kehu_desktop.ui.common.date_edit import DateEdit
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import fit_columns, select_first_row, table_view
from kehu_desktop.ui.common.operations import Operations, StoreChange
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.trend_chart import TrendChart
from kehu_desktop.ui.key_accounts.credit_dialog import CreditDialog
from kehu_desktop.ui.key_accounts.survey_dialog import SurveyDialog

if TYPE_CHECKING:
    from kehu_desktop.ui.printing.print_dialog import PrintDialog

MEASURE_COLUMNS = (
    Column("问题", lambda r: r.issue),
    Column("对策", lambda r: r.measure),
    Column("负责人", lambda r: r.owner),
    Column("期限", lambda r: r.deadline, lambda r: "warning" if r.overdue else ""),
    Column("状态", lambda r: "逾期" if r.overdue else r.status,
           lambda r: "warning" if r.overdue else ""),
    Column("完成日期", lambda r: r.done_on),
)  # fmt: skip
INTERACTION_COLUMNS = (
    Column("时间", lambda r: r.at),
    Column("类型", lambda r: r.kind, lambda r: "notice" if r.kind == "投诉" else ""),
    Column("经办人", lambda r: r.staff),
    Column("内容", lambda r: r.summary),
    Column("状态", lambda r: r.state),
)


def _low_score(row) -> str:
    return "warning" if row.overall_score < 3 else ""


SURVEY_COLUMNS = (
    Column("编号", lambda r: satisfaction.survey_number(r.id)),
    Column("调查日期", lambda r: r.surveyed_on),
    Column(
        "综合得分", lambda r: r.overall_score, lambda r: "warning" if r.overall_score < 3 else ""
    ),
    Column("受访人", lambda r: r.respondent),
    Column("调查人", lambda r: r.surveyor),
    Column("各项得分", lambda r: "，".join(f"{i} {s}" for i, _w, s in r.items)),
    Column("意见和建议", lambda r: r.notes),
)
CREDIT_COLUMNS = (
    Column("编号", lambda r: credit.credit_number(r.id)),
    Column("评定日期", lambda r: r.evaluated_on),
    Column("总分", lambda r: r.total_score),
    Column("信用等级", lambda r: r.rating),
    Column("信用额度", lambda r: r.credit_limit),
    Column("信用期限（天）", lambda r: r.credit_days),
    Column("评定人", lambda r: r.evaluator),
    Column("备注", lambda r: r.notes),
)
LONG_FIELDS = ("decision_makers", "service_plan", "important_dates")
CARD_LABELS = {
    "decision_makers": "决策人",
    "annual_purchase_volume": "年采购量（元）",
    "our_share_percent": "我方份额（%）",
    "main_products": "主要产品",
    "competitors": "竞争对手",
    "credit_terms": "信用条件",
    "service_plan": "服务计划",
    "important_dates": "重要日期",
}


W = TypeVar("W", bound=QWidget)


def view_with_buttons(container: W, view: QTableView, *buttons: QWidget) -> W:
    """``view`` above a row of ``buttons`` (or hints; left-aligned), laid out in ``container``."""
    box = QVBoxLayout(container)
    box.addWidget(view)
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch()
    box.addLayout(row)
    return container


class CountermeasureDialog(EditDialog):
    """Add or change one line of 大客户对策一览表."""

    record_label = "对策"
    changes = ("key_accounts",)

    def __init__(
        self,
        ops: Operations,
        key_account_id: int,
        staff: list[tuple[int, str]],
        row: CountermeasureRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, None, "大客户对策", parent)
        self._key_account_id = key_account_id
        self._row = row
        self.issue = QPlainTextEdit(objectName="measureIssue")
        self.measure = QPlainTextEdit(objectName="measureText")
        for editor in (self.issue, self.measure):
            editor.setFixedHeight(70)
        self.owner = QComboBox(objectName="measureOwner")
        self.owner.addItem("（未指定）", None)
        for staff_id, name in staff:
            self.owner.addItem(name, staff_id)
        self.deadline = DateEdit("measureDeadline", optional=True)
        self.status = QComboBox(objectName="measureStatus")
        self.status.addItems(key_account_cards.MEASURE_STATUSES)
        self.add_field("问题 *", self.issue, "issue")
        self.add_field("对策 *", self.measure, "measure")
        self.add_field("负责人", self.owner, "owner_id")
        self.add_field("期限", self.deadline, "deadline")
        self.add_field("状态", self.status, "status")
        if row is not None:
            # Read as saved now (the list may be older), and again after a stale save.
            self.load(lambda session: self._read(session, row.id), self._fill)
        self.resize(460, 380)

    def _read(self, session: Session, countermeasure_id: int) -> CountermeasureRow:
        rows = key_account_cards.countermeasures(session, self._key_account_id)
        return next(r for r in rows if r.id == countermeasure_id)

    def _fill(self, row: CountermeasureRow) -> None:
        self._row = row
        self.issue.setPlainText(row.issue)
        self.measure.setPlainText(row.measure)
        self.owner.setCurrentIndex(max(self.owner.findData(row.owner_id), 0))
        self.deadline.set_value(row.deadline)
        self.status.setCurrentText(row.status)

    def current_input(self) -> dict[str, str]:
        owner = self.owner.currentData()
        return {
            "issue": self.issue.toPlainText(),
            "measure": self.measure.toPlainText(),
            "owner_id": "" if owner is None else str(owner),
            "deadline": self.deadline.text_value(),
            "status": self.status.currentText(),
        }

    def submit(self, session: Session) -> int:
        row = self._row
        return key_account_cards.save_countermeasure(
            session, self._key_account_id, self.submitted_input, row.id if row else None,
            version=row.version if row else None,
        )  # fmt: skip


@dataclass(frozen=True)
class _Pages:
    """Everything the card shows besides its own fields, read together."""

    card: CardData
    measures: list
    interactions: list
    surveys: list
    evaluations: list


class KeyAccountCardDialog(EditDialog):
    """The card of one key account. Its fields are saved with 保存管理卡 (the dialog stays
    open); the other pages save through their own dialogs, after which the card reads itself
    again.

    Signals: ``refreshed()`` after the pages were read again.
    """

    refreshed = Signal()
    record_label = "管理卡"
    changes = ("key_accounts", "customers")
    ok_text = "保存管理卡(&S)"
    close_on_save = False

    def __init__(
        self,
        ops: Operations,
        layout: LayoutMemory,
        key_account_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ops, layout, "大客户管理卡", parent, scrolling=False)
        self._id = key_account_id
        self._card: CardData | None = None
        self._card_version: int | None = None
        self.saved.connect(self._saved_version)
        self._staff: list[tuple[int, str]] = []
        self.ok_button.setObjectName("saveCard")
        self.cancel_button.setText("关闭(&C)")

        self.header = QLabel(objectName="cardHeader")
        self.header.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.credit_warning = QLabel(objectName="creditWarning", wordWrap=True)
        self.credit_warning.setStyleSheet(
            "background: #fde2e1; color: #a50e0e; padding: 6px; border-radius: 3px;"
        )
        self.credit_warning.hide()
        self.tabs = QTabWidget(objectName="cardTabs")
        self.card_page = self._card_page()
        self.tabs.addTab(self.card_page, "管理卡")
        self.measures_model = RecordTableModel(MEASURE_COLUMNS, self)
        self.tabs.addTab(self._measures_page(), "对策一览")
        self.interactions_model = RecordTableModel(INTERACTION_COLUMNS, self)
        self.tabs.addTab(table_view("interactionTable", self.interactions_model), "交往记录")
        self.surveys_model = RecordTableModel(SURVEY_COLUMNS, self)
        self.tabs.addTab(self._surveys_page(), "满意度调查")
        self.credit_model = RecordTableModel(CREDIT_COLUMNS, self)
        self.tabs.addTab(self._credit_page(), "信用")
        self.add_widget(self.header)
        self.add_widget(self.credit_warning)
        self.add_widget(self.tabs, 1)

        self.delist_button = QPushButton("取消大客户资格(&Q)…", objectName="delistButton")
        self.delist_button.clicked.connect(lambda: self.delist())
        self.delist_button.setEnabled(False)
        self.buttons.addButton(self.delist_button, QDialogButtonBox.ButtonRole.ResetRole)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.resize(900, 640)
        ops.events.changed.connect(self._store_changed)
        self.load(self._read, self._fill)

    # --- pages -----------------------------------------------------------------------------

    def _card_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.level = QComboBox(objectName="cardLevel")
        self.level.addItems(designation.LEVELS)
        self.manager = QComboBox(objectName="cardManager")
        self.interval = QSpinBox(objectName="cardInterval", minimum=1, maximum=366)
        self.interval.setSuffix(" 天")
        supervisor = self.ops.operator.is_supervisor
        for name, editor in (("level", self.level), ("manager_id", self.manager),
                             ("visit_interval_days", self.interval)):  # fmt: skip
            editor.setEnabled(supervisor)
            editor.setToolTip("" if supervisor else "级别、客户经理和拜访周期由主管调整")
            self.register_editor(name, editor)
        form.addRow("大客户级别", self.level)
        form.addRow("客户经理", self.manager)
        form.addRow("拜访周期", self.interval)
        self.fields: dict[str, QWidget] = {}
        for name, label in CARD_LABELS.items():
            editor: QWidget
            if name in LONG_FIELDS:
                editor = QPlainTextEdit()
                editor.setFixedHeight(60)
            else:
                editor = QLineEdit()
            editor.setObjectName(f"card_{name}")
            self.fields[name] = editor
            self.register_editor(name, editor)
            form.addRow(label, editor)
        self.abc_label = QLabel(objectName="cardAbc", wordWrap=True)
        form.addRow("ABC 分类", self.abc_label)
        self.designation_label = QLabel(objectName="cardDesignation", wordWrap=True)
        form.addRow("申请与设定", self.designation_label)
        scroll = QScrollArea(objectName="cardScroll", widgetResizable=True)
        scroll.setWidget(page)
        return scroll

    def _measures_page(self) -> QWidget:
        self.measures_view = table_view("countermeasureTable", self.measures_model)
        self.measures_view.doubleClicked.connect(lambda _i: self.edit_measure())
        self.add_measure_button = QPushButton("新增对策(&N)…", objectName="addMeasure")
        edit = QPushButton("修改(&E)…", objectName="editMeasure")
        self.add_measure_button.clicked.connect(lambda: self.edit_measure(new=True))
        edit.clicked.connect(lambda: self.edit_measure())
        return view_with_buttons(QWidget(), self.measures_view, self.add_measure_button, edit)

    def _surveys_page(self) -> QWidget:
        self.trend = TrendChart(parent=self)
        self.trend.setObjectName("surveyTrend")
        self.trend_label = QLabel(objectName="surveyTrendText")
        self.surveys_view = table_view("surveyTable", self.surveys_model)
        add = QPushButton("新建满意度调查(&V)…", objectName="addSurvey")
        add.clicked.connect(self.add_survey)
        self.print_survey_button = QPushButton("打印/预览(&P)…", objectName="printSurvey")
        self.print_survey_button.setToolTip("打印所选的这一份调查（大客户满意程度调查表）")
        self.print_survey_button.clicked.connect(lambda: self.print_survey())
        page = view_with_buttons(QWidget(), self.surveys_view, add, self.print_survey_button)
        page.layout().insertWidget(0, self.trend)
        page.layout().insertWidget(1, self.trend_label)
        return page

    def _credit_page(self) -> QWidget:
        self.credit_label = QLabel(objectName="creditState", wordWrap=True)
        self.credit_view = table_view("creditTable", self.credit_model)
        evaluate = QPushButton("信用评定(&R)…", objectName="evaluateCredit")
        evaluate.clicked.connect(self.evaluate_credit)
        evaluate.setEnabled(self.ops.operator.is_supervisor)
        evaluate.setToolTip("" if evaluate.isEnabled() else "信用评定由主管进行")
        self.print_credit_button = QPushButton("打印/预览(&P)…", objectName="printCredit")
        self.print_credit_button.setToolTip("打印所选的这一次评定（客户信用调查表）")
        self.print_credit_button.clicked.connect(lambda: self.print_credit())
        page = view_with_buttons(QWidget(), self.credit_view, evaluate, self.print_credit_button)
        page.layout().insertWidget(0, self.credit_label)
        return page

    # --- reading ---------------------------------------------------------------------------

    def _read_pages(self, session: Session) -> _Pages:
        card = key_account_cards.load_card(session, self._id)
        return _Pages(
            card,
            key_account_cards.countermeasures(session, self._id),
            key_account_cards.interactions(session, card.customer_id),
            satisfaction.surveys(session, card.customer_id),
            credit.history(session, card.customer_id),
        )

    def _read(self, session: Session) -> tuple[_Pages, list[tuple[int, str]]]:
        return self._read_pages(session), customer_files.staff_choices(session)

    def _fill(self, loaded: tuple[_Pages, list[tuple[int, str]]]) -> None:
        pages, self._staff = loaded
        self.manager.clear()
        for staff_id, name in self._staff:
            self.manager.addItem(name, staff_id)
        self._show_pages(pages)
        self._fill_card()

    def can_save(self) -> bool:
        return self._card is not None and self._card.active

    def set_read_only(self, read_only: bool) -> None:
        """A delisted card is kept to be read: its lists stay usable, its fields do not."""
        self.card_page.setEnabled(not read_only)
        self.add_measure_button.setEnabled(not read_only)
        self.delist_button.setEnabled(not read_only and self.ops.operator.is_supervisor)

    def _store_changed(self, change: StoreChange) -> None:
        if change.touches("key_accounts", "visits", "complaints") and not self.loading:
            self.refresh()

    def refresh(self) -> None:
        """Read the lists and the header again (the card's own fields keep what is typed)."""
        self.ops.query(self, self._read_pages, self._refreshed)

    def _refreshed(self, pages: _Pages) -> None:
        self._show_pages(pages)
        self.refreshed.emit()

    def _show_pages(self, pages: _Pages) -> None:
        card = self._card = pages.card
        self.setWindowTitle(f"大客户管理卡 — {card.customer}")
        status = "" if card.active else "（已取消大客户资格）"
        self.header.setText(f"{card.code}　{card.customer}　{card.level}客户{status}")
        state = card.credit
        self.credit_warning.setVisible(state.over_limit)
        if state.over_limit:
            self.credit_warning.setText(
                f"信用警告：应收余额 {state.outstanding:,.2f} 元，超出信用额度 "
                f"{state.limit:,.2f} 元（超出 {state.outstanding - state.limit:,.2f} 元）。"
            )
        limit = "未设" if state.limit is None else f"{state.limit:,.2f} 元"
        days = "未设" if state.days is None else f"{state.days} 天"
        self.credit_label.setText(
            f"信用等级：{state.rating or '未评定'}　信用额度：{limit}　信用期限：{days}　"
            f"应收余额：{state.outstanding:,.2f} 元　状态：{state.describe()}"
        )
        self.measures_model.set_rows(pages.measures)
        self.interactions_model.set_rows(pages.interactions)
        self.surveys_model.set_rows(pages.surveys)
        trend = satisfaction.trend(pages.surveys)
        self.trend.set_points(list(trend.points))
        self.trend_label.setText(trend.describe())
        self.credit_model.set_rows(pages.evaluations)
        for view in (self.measures_view, self.surveys_view, self.credit_view):
            select_first_row(view)
            fit_columns(view)
        self.print_survey_button.setEnabled(bool(pages.surveys))
        self.print_credit_button.setEnabled(bool(pages.evaluations))
        self.set_read_only(not self.can_save())
        self.ok_button.setEnabled(self.can_save() and not self.saving)

    def _fill_card(self) -> None:
        card = self._card
        assert card is not None
        # The version the fields show; refreshing the lists later does not change it.
        self._card_version = card.version
        self.level.setCurrentText(card.level)
        self.manager.setCurrentIndex(max(self.manager.findData(card.manager_id), 0))
        self.interval.setValue(card.visit_interval_days)
        for name, editor in self.fields.items():
            text = card.values.get(name, "")
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(text)
            elif isinstance(editor, QLineEdit):
                editor.setText(text)
        steps = [
            f"{p.proposed_at:%Y-%m-%d} {p.proposer}申请（{p.reasons}）— {p.status}"
            + (f"：{p.decided_by} {p.decision_note}" if p.decided_by else "")
            for p in reversed(card.proposals)
        ]
        steps.append(f"{card.designated_on:%Y-%m-%d} 设为大客户")
        if not card.active:
            steps.append(f"{card.delisted_on:%Y-%m-%d} 取消资格：{card.delist_reason}")
        self.designation_label.setText("\n".join(steps))
        history = "；".join(
            f"{day:%Y-%m-%d} {cls or '未分类'}" for day, cls, _s in card.abc_history[:6]
        )
        self.abc_label.setText(
            f"{card.abc_class or '未分类'}" + (f"（历次：{history}）" if history else "")
        )

    def card_values(self) -> dict[str, str]:
        values = {
            name: editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()
            for name, editor in self.fields.items()
            if isinstance(editor, QPlainTextEdit | QLineEdit)
        }
        manager = self.manager.currentData()
        values["level"] = self.level.currentText()
        values["visit_interval_days"] = str(self.interval.value())
        values["manager_id"] = "" if manager is None else str(manager)
        return values

    def current_input(self) -> dict[str, str]:
        return self.card_values()

    # --- actions ---------------------------------------------------------------------------

    def submit(self, session: Session) -> int:
        return key_account_cards.save_card(
            session, self.ops.operator, self._id, self.submitted_input, self._card_version
        )

    def _saved_version(self, version: object) -> None:
        if isinstance(version, int):
            self._card_version = version

    def edit_measure(self, new: bool = False) -> CountermeasureDialog | None:
        row = None
        if not new:
            index = self.measures_view.currentIndex()
            if not index.isValid():
                return None
            row = self.measures_model.row_at(index.row())
        dialog = CountermeasureDialog(self.ops, self._id, self._staff, row, self)
        dialog.open()
        return dialog

    def add_survey(self) -> SurveyDialog | None:
        if self._card is None:
            return None
        dialog = SurveyDialog(self.ops, self._card.customer_id, self)
        dialog.open()
        return dialog

    def evaluate_credit(self) -> CreditDialog | None:
        if self._card is None:
            return None
        dialog = CreditDialog(self.ops, self._card.customer_id, self)
        dialog.open()
        return dialog

    def print_survey(self) -> PrintDialog | None:
        """The print dialog on the selected survey (MY-…), not merely the latest."""
        return self._print_selected(self.surveys_view, self.surveys_model,
                                    "key_account_survey", "survey")  # fmt: skip

    def print_credit(self) -> PrintDialog | None:
        """The print dialog on the selected credit evaluation (XY-…)."""
        return self._print_selected(self.credit_view, self.credit_model, "credit_survey", "credit")

    def _print_selected(
        self, view: QTableView, model: RecordTableModel, form: str, kind: str
    ) -> PrintDialog | None:
        index = view.currentIndex()
        if not index.isValid() or self._layout_memory is None:
            return None
        # Loaded on first use: the forms bring ReportLab and openpyxl.
        from kehu_desktop.ui.printing.print_dialog import PrintDialog

        record = (kind, model.row_at(index.row()).id)
        dialog = PrintDialog(self.ops, self._layout_memory, self, form, record)
        dialog.open()
        return dialog

    def delist(self, reason: str | None = None) -> None:
        """Asks for the reason unless one is given; the card reads itself again after."""
        if self._card is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "取消大客户资格", f"取消“{self._card.customer}”的大客户资格，原因："
            )
            if not ok:
                return
        operator, key_account_id = self.ops.operator, self._id
        self.ops.write(
            self,
            lambda s: designation.delist(s, operator, key_account_id, reason),
            ("key_accounts", "customers"),
            lambda _r: self.load(self._read, self._fill),
            title="无法取消大客户资格",
        )
