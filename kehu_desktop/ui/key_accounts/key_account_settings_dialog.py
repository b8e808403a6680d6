"""Settings of the key-account desk: ABC cut-offs, credit items and bands, survey items."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.key_accounts import abc_classes, credit, satisfaction
from kehu_desktop.services.key_accounts.weighted_items import WeightedItem
from kehu_desktop.ui.common.editable_rows import EditableColumn, EditableRowsModel
from kehu_desktop.ui.common.service_dialog import ServiceDialog

ITEM_COLUMNS = [EditableColumn("item", "项目"), EditableColumn("weight", "权重")]
BAND_COLUMNS = [
    EditableColumn("rating", "信用等级"),
    EditableColumn("min_score", "最低总分"),
    EditableColumn("limit", "信用额度（元）"),
    EditableColumn("days", "信用期限（天）"),
]


def _item_rows(items: list[WeightedItem]) -> list[dict[str, str]]:
    return [{"item": i.item, "weight": f"{i.weight:g}"} for i in items]


class KeyAccountSettingsDialog(ServiceDialog):
    """Saves all three pages in one unit of work; the 主管 or administrator only."""

    def __init__(self, context: DeskContext, parent=None) -> None:
        super().__init__(context, "ABC 分类与信用评分设置", "keyAccountSettings", parent=parent)
        with context.reader() as session:
            cutoffs = abc_classes.get_cutoffs(session)
            credit_items = credit.items(session)
            bands = credit.bands(session)
            survey_items = satisfaction.items(session)
        self.tabs = QTabWidget(objectName="settingsTabs")
        self.body.insertWidget(0, self.tabs)

        abc_page = QWidget()
        abc_form = QFormLayout(abc_page)
        self.a_cutoff = self._percent("abcCutoffA", cutoffs.a)
        self.b_cutoff = self._percent("abcCutoffB", cutoffs.b)
        abc_form.addRow("A 类：累计销售额前", self.a_cutoff)
        abc_form.addRow("B 类：累计销售额至", self.b_cutoff)
        abc_form.addRow(QLabel("按近 12 个月（含本月）销售额排序；其余为 C 类；\n"
                               "近 12 个月没有销售的客户不参与分类（未分类）。"))  # fmt: skip
        self.tabs.addTab(abc_page, "ABC 分类")

        self.credit_items = EditableRowsModel(ITEM_COLUMNS, self)
        self.credit_items.set_rows(_item_rows(credit_items))
        self.bands = EditableRowsModel(BAND_COLUMNS, self)
        band_rows = [{"rating": b.rating, "min_score": f"{b.min_score:g}",
                      "limit": f"{b.limit:.2f}", "days": str(b.days)} for b in bands]  # fmt: skip
        self.bands.set_rows(band_rows)
        credit_page = QWidget()
        credit_box = QVBoxLayout(credit_page)
        credit_box.addWidget(QLabel("评定项目（每项 0–100 分）"))
        credit_box.addWidget(self._rows_editor("creditItemsTable", self.credit_items, True))
        credit_box.addWidget(QLabel("等级分数线、建议额度与期限"))
        credit_box.addWidget(self._rows_editor("creditBandsTable", self.bands, False))
        self.tabs.addTab(credit_page, "信用评分")

        self.survey_items = EditableRowsModel(ITEM_COLUMNS, self)
        self.survey_items.set_rows(_item_rows(survey_items))
        survey_page = QWidget()
        survey_box = QVBoxLayout(survey_page)
        survey_box.addWidget(QLabel("满意度调查项目（每项 1–5 分）"))
        survey_box.addWidget(self._rows_editor("surveyItemsTable", self.survey_items, True))
        self.tabs.addTab(survey_page, "满意度调查")
        self.resize(560, 520)

    @staticmethod
    def _percent(name: str, value) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(objectName=name, minimum=0.1, maximum=100, decimals=1)
        spin.setSuffix(" %")
        spin.setValue(float(value))
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
            add = QPushButton("添加项目")
            remove = QPushButton("删除所选项目")
            add.clicked.connect(lambda: view.edit(model.index(model.add_row(), 0)))
            remove.clicked.connect(lambda: model.remove_row(view.currentIndex().row()))
            buttons = QHBoxLayout()
            buttons.addWidget(add)
            buttons.addWidget(remove)
            buttons.addStretch()
            layout.addLayout(buttons)
        return box

    def submit(self, session: Session) -> None:
        operator = self._context.operator
        a, b = f"{self.a_cutoff.value():g}", f"{self.b_cutoff.value():g}"
        abc_classes.put_cutoffs(session, operator, a, b)
        credit.put_items(session, operator, self.credit_items.rows())
        credit.put_bands(session, operator, self.bands.rows())
        satisfaction.put_items(session, operator, self.survey_items.rows())
