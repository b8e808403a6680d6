"""文件 → 导入… for the after-sales service requests and the key-account list: the kind chosen
in the window, the mapping, the preview, the import, 撤销本次导入; an agent refused."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from kehu_desktop.models import KeyAccount, ServiceRequest
from kehu_desktop.ui.common.operations import wait_for_running
from tests.helpers.customers import make_customer
from tests.helpers.key_accounts import make_key_account
from tests.helpers.service_desk import make_product
from tests.helpers.spreadsheets import write_xlsx


def _count(context, model) -> int:
    with context.reader() as session:
        return session.scalar(select(func.count()).select_from(model))


def _open(qtbot, window, kind: str, path):
    """文件 → 导入…, then the kind and the file, as a user picks them."""
    window.findChild(QAction, "actionImport").trigger()
    dialog = window.import_dialog
    index = dialog.kind_box.findData(kind)
    dialog.kind_box.setCurrentIndex(index)
    dialog.kind_box.activated.emit(index)
    dialog.choose_file(path)
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.kind == kind, timeout=10000)
    return dialog


def _mapping(dialog) -> dict[str, str]:
    model = dialog.mapping_model
    return {model.index(r, 1).data(): model.index(r, 3).data() for r in range(model.rowCount())}


def _import_and_undo(qtbot, window, dialog, context, model, monkeypatch) -> None:
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=10000)
    assert _count(context, model) == dialog.result_value.created
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.undo_import()
    qtbot.waitUntil(lambda: _count(context, model) == 0, timeout=10000)
    wait_for_running()


def test_the_window_imports_a_service_ledger_and_undoes_it(
    qtbot, context, agent, data_dir, monkeypatch, tmp_path
):
    from kehu_desktop.app import create_main_window

    make_customer(context, "深圳市华达电子有限公司")
    make_product(context)
    path = write_xlsx(
        tmp_path / "维修台账.xlsx",
        [["单号", "报修日期", "客户名称", "产品", "故障现象", "受理人", "保修", "已超期"],
         ["SH-2025-0003", "2025-03-01", "深圳市华达电子有限公司", "控制器 K7", "不制冷", "张丽",
          "保修期内", ""],
         ["SH-2025-0004", "2025-03-02", "深圳市华达电子有限公司", "控制器", "漏水", "张丽",
          "", ""]],
    )  # fmt: skip
    window = create_main_window(data_dir)
    qtbot.addWidget(window)
    dialog = _open(qtbot, window, "service-requests", path)
    qtbot.addWidget(dialog)
    assert _mapping(dialog) == {
        "单号": "服务单号", "报修日期": "受理时间", "客户名称": "客户", "产品": "产品",
        "故障现象": "故障描述", "受理人": "首问责任人",
        "保修": "保修（计算得出，不导入）", "已超期": "已超期（计算得出，不导入）",
    }  # fmt: skip
    assert dialog.summary_label.text() == (
        "新增 2 单 / 更新 0 单 / 疑似重复 0 / 跳过 0 行 / 错误 0 行"
    )
    assert dialog.pages.tabText(1) == "新增 (2)"
    assert dialog.creates_model.index(0, 1).data() == "SH-2025-0003"
    # The preview speaks the desk's words, not the stored codes.
    shown = dialog.creates_model.index(0, 2).data()
    assert shown.startswith("2025-03-01 09:00，电话，不制冷，一般，登记，")
    # Not importing the product column: the preview is worked out again without it.
    model = dialog.mapping_model
    model.setData(model.index(3, 3), "")
    qtbot.waitUntil(lambda: dialog.plan.mapping[3] == "", timeout=10000)
    assert dialog.plan.creates[0].values["product_id"] is None
    _import_and_undo(qtbot, window, dialog, context, ServiceRequest, monkeypatch)
    dialog.reject()
    window.close()


def test_the_window_imports_the_key_account_list_and_undoes_it(
    qtbot, context, supervisor, data_dir, monkeypatch, tmp_path
):
    from kehu_desktop.app import create_main_window

    huada = make_customer(context, "深圳市华达电子有限公司")
    make_customer(context, "上海远大包装有限公司")
    make_key_account(context, supervisor, huada, today=date(2026, 3, 1))
    path = write_xlsx(
        tmp_path / "大客户一览.xlsx",
        [["客户编号", "客户名称", "级别", "客户经理", "最近拜访", "信用状态"],
         ["KH000001", "深圳市华达电子有限公司", "战略", "王强", "2026-10-01", "正常"],
         ["KH000002", "上海远大包装有限公司", "一般", "王强", None, None]],
    )  # fmt: skip
    window = create_main_window(data_dir)
    qtbot.addWidget(window)
    dialog = _open(qtbot, window, "key-accounts", path)
    qtbot.addWidget(dialog)
    mapping = _mapping(dialog)
    assert mapping["最近拜访"] == "最近拜访（计算得出，不导入）"
    assert mapping["级别"] == "级别" and mapping["客户经理"] == "客户经理"
    assert dialog.summary_label.text() == (
        "新增 1 位 / 更新 1 位 / 疑似重复 0 / 跳过 0 行 / 错误 0 行"
    )
    assert dialog.updates_model.index(0, 2).data() == "级别：重点 → 战略"
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=10000)
    assert _count(context, KeyAccount) == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.undo_import()

    def back() -> bool:
        with context.reader() as session:
            return [k.level for k in session.scalars(select(KeyAccount))] == ["重点"]

    qtbot.waitUntil(back, timeout=10000)
    wait_for_running()
    dialog.reject()
    window.close()


def test_an_agent_sees_why_the_key_account_list_cannot_be_imported(
    qtbot, context, agent, data_dir, tmp_path
):
    from kehu_desktop.app import create_main_window

    make_customer(context, "深圳市华达电子有限公司")
    path = write_xlsx(
        tmp_path / "大客户.xlsx",
        [["客户名称", "级别", "客户经理"], ["深圳市华达电子有限公司", "重点", "张丽"]],
    )
    window = create_main_window(data_dir, "zhangli")
    qtbot.addWidget(window)
    dialog = _open(qtbot, window, "key-accounts", path)
    qtbot.addWidget(dialog)
    assert "只有主管或管理员可以导入" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled() and not dialog.good_rows_button.isEnabled()
    dialog.reject()
    window.close()
