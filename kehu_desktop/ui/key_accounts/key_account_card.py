"""大客户管理卡: the card's fields, its countermeasures, interactions, surveys and credit."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.errors import UserError, ValidationError
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.key_accounts import credit, designation, key_account_cards, satisfaction
from kehu_desktop.services.key_accounts.key_account_cards import CountermeasureRow
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.list_view import table_view
from kehu_desktop.ui.common.record_table import Column, RecordTableModel
from kehu_desktop.ui.common.service_dialog import ERROR_STYLE, ServiceDialog
from kehu_desktop.ui.common.trend_chart import TrendChart
from kehu_desktop.ui.key_accounts.credit_dialog import CreditDialog
from kehu_desktop.ui.key_accounts.survey_dialog import SurveyDialog

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


class CountermeasureDialog(ServiceDialog):
    """Add or change one line of 大客户对策一览表."""

    def __init__(
        self,
        context: DeskContext,
        key_account_id: int,
        staff: list[tuple[int, str]],
        row: CountermeasureRow | None = None,
        parent=None,
    ) -> None:
        super().__init__(context, "大客户对策", "countermeasureDialog", parent=parent)
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
        self.deadline = QLineEdit(objectName="measureDeadline")
        self.deadline.setPlaceholderText("如 2026-12-31")
        self.status = QComboBox(objectName="measureStatus")
        self.status.addItems(key_account_cards.MEASURE_STATUSES)
        self.add_field("问题 *", self.issue, "issue")
        self.add_field("对策 *", self.measure, "measure")
        self.add_field("负责人", self.owner, "owner_id")
        self.add_field("期限", self.deadline, "deadline")
        self.add_field("状态", self.status, "status")
        if row is not None:
            self.issue.setPlainText(row.issue)
            self.measure.setPlainText(row.measure)
            self.owner.setCurrentIndex(max(self.owner.findData(row.owner_id), 0))
            self.deadline.setText(row.deadline.isoformat() if row.deadline else "")
            self.status.setCurrentText(row.status)
        self.resize(460, 380)

    def submit(self, session: Session) -> int:
        owner = self.owner.currentData()
        values = {
            "issue": self.issue.toPlainText(),
            "measure": self.measure.toPlainText(),
            "owner_id": "" if owner is None else str(owner),
            "deadline": self.deadline.text(),
            "status": self.status.currentText(),
        }
        return key_account_cards.save_countermeasure(
            session, self._key_account_id, values, self._row.id if self._row else None
        )


class KeyAccountCardDialog(QDialog):
    """The card of one key account; the other pages save as soon as their dialogs close."""

    def __init__(
        self, context: DeskContext, layout: LayoutMemory, key_account_id: int, parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("keyAccountCard")
        self._context = context
        self._layout_memory = layout
        self._id = key_account_id
        with context.reader() as session:
            self._card = key_account_cards.load_card(session, key_account_id)
            self._staff = customer_files.staff_choices(session)
        self.setWindowTitle(f"大客户管理卡 — {self._card.customer}")

        self.header = QLabel(objectName="cardHeader")
        self.header.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.credit_warning = QLabel(objectName="creditWarning", wordWrap=True)
        self.credit_warning.setStyleSheet(
            "background: #fde2e1; color: #a50e0e; padding: 6px; border-radius: 3px;"
        )
        self.tabs = QTabWidget(objectName="cardTabs")
        self.tabs.addTab(self._card_page(), "管理卡")
        self.measures_model = RecordTableModel(MEASURE_COLUMNS, self)
        self.tabs.addTab(self._measures_page(), "对策一览")
        self.interactions_model = RecordTableModel(INTERACTION_COLUMNS, self)
        self.tabs.addTab(table_view("interactionTable", self.interactions_model), "交往记录")
        self.surveys_model = RecordTableModel(SURVEY_COLUMNS, self)
        self.tabs.addTab(self._surveys_page(), "满意度调查")
        self.credit_model = RecordTableModel(CREDIT_COLUMNS, self)
        self.tabs.addTab(self._credit_page(), "信用")

        self.delist_button = QPushButton("取消大客户资格…", objectName="delistButton")
        self.delist_button.clicked.connect(self.delist)
        self.delist_button.setEnabled(context.operator.is_supervisor and self._card.active)
        self.save_button = QPushButton("保存管理卡(&S)", objectName="saveCard")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(self._card.active)
        close = QPushButton("关闭", objectName="closeCard")
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delist_button)
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        box = QVBoxLayout(self)
        box.addWidget(self.header)
        box.addWidget(self.credit_warning)
        box.addWidget(self.tabs)
        box.addLayout(buttons)
        self.changed = False
        self._fill_card()
        self.refresh()
        if not layout.restore_geometry("key_account_card", self):
            self.resize(900, 640)

    # --- pages -----------------------------------------------------------------------------

    def _card_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.level = QComboBox(objectName="cardLevel")
        self.level.addItems(designation.LEVELS)
        self.manager = QComboBox(objectName="cardManager")
        for staff_id, name in self._staff:
            self.manager.addItem(name, staff_id)
        self.interval = QSpinBox(objectName="cardInterval", minimum=1, maximum=366)
        self.interval.setSuffix(" 天")
        supervisor = self._context.operator.is_supervisor
        for editor in (self.level, self.manager, self.interval):
            editor.setEnabled(supervisor)
            editor.setToolTip("" if supervisor else "级别、客户经理和拜访周期由主管调整")
        form.addRow("大客户级别", self.level)
        form.addRow("客户经理", self.manager)
        form.addRow("拜访周期", self.interval)
        self.fields: dict[str, QWidget] = {}
        for name, label in CARD_LABELS.items():
            if name in LONG_FIELDS:
                editor = QPlainTextEdit()
                editor.setFixedHeight(60)
            else:
                editor = QLineEdit()
            editor.setObjectName(f"card_{name}")
            self.fields[name] = editor
            form.addRow(label, editor)
        self.abc_label = QLabel(objectName="cardAbc", wordWrap=True)
        form.addRow("ABC 分类", self.abc_label)
        self.designation_label = QLabel(objectName="cardDesignation", wordWrap=True)
        form.addRow("申请与设定", self.designation_label)
        return page

    def _measures_page(self) -> QWidget:
        self.measures_view = table_view("countermeasureTable", self.measures_model)
        self.measures_view.doubleClicked.connect(lambda _i: self.edit_measure())
        add = QPushButton("新增对策…", objectName="addMeasure")
        edit = QPushButton("修改…", objectName="editMeasure")
        add.clicked.connect(lambda: self.edit_measure(new=True))
        edit.clicked.connect(lambda: self.edit_measure())
        add.setEnabled(self._card.active)
        return view_with_buttons(QWidget(), self.measures_view, add, edit)

    def _surveys_page(self) -> QWidget:
        self.trend = TrendChart(parent=self)
        self.trend.setObjectName("surveyTrend")
        self.trend_label = QLabel(objectName="surveyTrendText")
        self.surveys_view = table_view("surveyTable", self.surveys_model)
        add = QPushButton("新建满意度调查…", objectName="addSurvey")
        add.clicked.connect(self.add_survey)
        page = view_with_buttons(QWidget(), self.surveys_view, add)
        page.layout().insertWidget(0, self.trend)
        page.layout().insertWidget(1, self.trend_label)
        return page

    def _credit_page(self) -> QWidget:
        self.credit_label = QLabel(objectName="creditState", wordWrap=True)
        self.credit_view = table_view("creditTable", self.credit_model)
        evaluate = QPushButton("信用评定…", objectName="evaluateCredit")
        evaluate.clicked.connect(self.evaluate_credit)
        evaluate.setEnabled(self._context.operator.is_supervisor)
        evaluate.setToolTip("" if evaluate.isEnabled() else "信用评定由主管进行")
        page = view_with_buttons(QWidget(), self.credit_view, evaluate)
        page.layout().insertWidget(0, self.credit_label)
        return page

    # --- values ----------------------------------------------------------------------------

    def _fill_card(self) -> None:
        card = self._card
        self.level.setCurrentText(card.level)
        self.manager.setCurrentIndex(max(self.manager.findData(card.manager_id), 0))
        self.interval.setValue(card.visit_interval_days)
        for name, editor in self.fields.items():
            text = card.values.get(name, "")
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(text)
            else:
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
        self._initial = self.card_values()

    def card_values(self) -> dict[str, str]:
        values = {
            name: editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()
            for name, editor in self.fields.items()
        }
        manager = self.manager.currentData()
        values["level"] = self.level.currentText()
        values["visit_interval_days"] = str(self.interval.value())
        values["manager_id"] = "" if manager is None else str(manager)
        return values

    def is_dirty(self) -> bool:
        return self.card_values() != self._initial

    def refresh(self) -> None:
        """Reload the lists and the header from the store."""
        with self._context.reader() as session:
            self._card = key_account_cards.load_card(session, self._id)
            measures = key_account_cards.countermeasures(session, self._id)
            contacts = key_account_cards.interactions(session, self._card.customer_id)
            surveys = satisfaction.surveys(session, self._card.customer_id)
            evaluations = credit.history(session, self._card.customer_id)
        card = self._card
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
        self.measures_model.set_rows(measures)
        self.interactions_model.set_rows(contacts)
        self.surveys_model.set_rows(surveys)
        trend = satisfaction.trend(surveys)
        self.trend.set_points(list(trend.points))
        self.trend_label.setText(trend.describe())
        self.credit_model.set_rows(evaluations)
        for view in (self.measures_view, self.surveys_view, self.credit_view):
            view.resizeColumnsToContents()

    # --- actions ---------------------------------------------------------------------------

    def save(self) -> bool:
        values = self.card_values()
        try:
            with self._context.session() as session:
                key_account_cards.save_card(session, self._context.operator, self._id, values)
        except ValidationError as error:
            for name, editor in self.fields.items():
                editor.setStyleSheet(ERROR_STYLE if name in error.errors else "")
            QMessageBox.warning(self, "无法保存", str(error))
            return False
        except UserError as error:
            QMessageBox.warning(self, "无法保存", str(error))
            return False
        for editor in self.fields.values():
            editor.setStyleSheet("")
        self._initial = values
        self.changed = True
        self.refresh()
        return True

    def edit_measure(self, new: bool = False) -> CountermeasureDialog | None:
        row = None
        if not new:
            index = self.measures_view.currentIndex()
            if not index.isValid():
                return None
            row = self.measures_model.row_at(index.row())
        dialog = CountermeasureDialog(self._context, self._id, self._staff, row, self)
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def add_survey(self) -> SurveyDialog:
        dialog = SurveyDialog(self._context, self._card.customer_id, self)
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def evaluate_credit(self) -> CreditDialog:
        dialog = CreditDialog(self._context, self._card.customer_id, self)
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def _after_change(self) -> None:
        self.changed = True
        self.refresh()

    def delist(self, reason: str | None = None) -> bool:
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, "取消大客户资格", f"取消“{self._card.customer}”的大客户资格，原因："
            )
            if not ok:
                return False
        try:
            with self._context.session() as session:
                designation.delist(session, self._context.operator, self._id, reason)
        except Exception as error:
            show_error(self, "无法取消大客户资格", error)
            return False
        self.changed = True
        self.delist_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.refresh()
        self._fill_card()
        return True

    def reject(self) -> None:
        if self.is_dirty() and self._card.active:
            answer = QMessageBox.question(
                self,
                "未保存的修改",
                "管理卡有未保存的修改。要保存吗？",
                QMessageBox.StandardButton.Save
                | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Save,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return
        self._layout_memory.save_geometry("key_account_card", self)
        super().reject()
