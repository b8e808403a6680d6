"""Settings of the key-account desk: ABC cut-offs, credit items and bands, survey items."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.key_accounts import abc_classes, credit, satisfaction
from kehu_desktop.services.key_accounts.weighted_items import WeightedItem
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.editable_rows import EditableColumn, EditableRowsModel, row_buttons
from kehu_desktop.ui.common.operations import Operations

ITEM_COLUMNS = [EditableColumn("item", "项目"), EditableColumn("weight", "权重")]
BAND_COLUMNS = [
    EditableColumn("rating", "信用等级"),
    EditableColumn("min_score", "最低总分"),
    EditableColumn("limit", "信用额度（元）"),
    EditableColumn("days", "信用期限（天）"),
]


def _item_rows(items: list[WeightedItem]) -> list[dict[str, str]]:
    return [{"item": i.item, "weight": f"{i.weight:g}"} for i in items]


@dataclass(frozen=True)
class _Loaded:
    cutoffs: abc_classes.Cutoffs
    credit_items: list[WeightedItem]
    bands: list[credit.CreditBand]
    survey_items: list[WeightedItem]


class KeyAccountSettingsDialog(EditDialog):
    """Saves all three pages in one unit of work; the 主管 or administrator only."""

    record_label = "设置"
    changes = ("settings", "customers", "key_accounts")

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(ops, None, "ABC 分类与信用评分设置", parent, scrolling=False)
        self.tabs = QTabWidget(objectName="settingsTabs")
        self.add_widget(self.tabs, 1)

        abc_page = QWidget()
        abc_form = QFormLayout(abc_page)
        self.a_cutoff = self._percent("abcCutoffA")
        self.b_cutoff = self._percent("abcCutoffB")
        self.register_editor("a", self.a_cutoff)
        self.register_editor("b", self.b_cutoff)
        abc_form.addRow("A 类：累计销售额前", self.a_cutoff)
        abc_form.addRow("B 类：累计销售额至", self.b_cutoff)
        abc_form.addRow(QLabel("按近 12 个月（含本月）销售额排序；其余为 C 类；\n"
                               "近 12 个月没有销售的客户不参与分类（未分类）。"))  # fmt: skip
        self.tabs.addTab(abc_page, "ABC 分类")

        self.credit_items = EditableRowsModel(ITEM_COLUMNS, self)
        self.bands = EditableRowsModel(BAND_COLUMNS, self)
        credit_page = QWidget()
        credit_box = QVBoxLayout(credit_page)
        credit_box.addWidget(QLabel("评定项目（每项 0–100 分）"))
        credit_box.addWidget(self._rows_editor("creditItemsTable", self.credit_items, True))
        credit_box.addWidget(QLabel("等级分数线、建议额度与期限"))
        credit_box.addWidget(self._rows_editor("creditBandsTable", self.bands, False))
        self.tabs.addTab(credit_page, "信用评分")

        self.survey_items = EditableRowsModel(ITEM_COLUMNS, self)
        survey_page = QWidget()
        survey_box = QVBoxLayout(survey_page)
        survey_box.addWidget(QLabel("满意度调查项目（每项 1–5 分）"))
        survey_box.addWidget(self._rows_editor("surveyItemsTable", self.survey_items, True))
        self.tabs.addTab(survey_page, "满意度调查")
        self.resize(560, 520)
        self.load_settings(self._read, self._fill)

    def can_save(self) -> bool:
        return self.ops.operator.is_supervisor

    @staticmethod
    def _read(session: Session) -> _Loaded:
        return _Loaded(
            abc_classes.get_cutoffs(session),
            credit.items(session),
            credit.bands(session),
            satisfaction.items(session),
        )

    def _fill(self, loaded: _Loaded) -> None:
        self.a_cutoff.setValue(float(loaded.cutoffs.a))
        self.b_cutoff.setValue(float(loaded.cutoffs.b))
        self.credit_items.set_rows(_item_rows(loaded.credit_items))
        band_rows = [{"rating": b.rating, "min_score": f"{b.min_score:g}",
                      "limit": f"{b.limit:.2f}", "days": str(b.days)}
                     for b in loaded.bands]  # fmt: skip
        self.bands.set_rows(band_rows)
        self.survey_items.set_rows(_item_rows(loaded.survey_items))

    @staticmethod
    def _percent(name: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(objectName=name, minimum=0.1, maximum=100, decimals=1)
        spin.setSuffix(" %")
        return spin

    def _rows_editor(self, name: str, model: EditableRowsModel, growable: bool) -> QWidget:
        view = QTableView(objectName=name)
        view.setModel(model)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().hide()
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        if growable:
            layout.addLayout(row_buttons(view, model, "添加项目(&A)", "删除所选项目(&D)"))
        return box

    def current_input(self) -> tuple[str, str, list, list, list]:
        return (
            f"{self.a_cutoff.value():g}",
            f"{self.b_cutoff.value():g}",
            self.credit_items.rows(),
            self.bands.rows(),
            self.survey_items.rows(),
        )

    def submit(self, session: Session) -> None:
        a, b, credit_items, bands, survey_items = self.submitted_input
        operator = self.ops.operator
        seen = self.seen_settings
        abc_classes.put_cutoffs(session, operator, a, b, seen)
        credit.put_items(session, operator, credit_items, seen)
        credit.put_bands(session, operator, bands, seen)
        satisfaction.put_items(session, operator, survey_items, seen)
