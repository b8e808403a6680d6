"""The 售后服务 tab in the real window: the list and its filters, registering a request, the
request dialog with its steps and history, the repair order with photos, the report, 今日,
and the complaint ↔ service link."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTableView

from kehu_desktop.services.complaints.lifecycle import Status as ComplaintStatus
from kehu_desktop.services.service_desk.lifecycle import Action, Status
from kehu_desktop.ui.common import attachments_panel, edit_dialog
from kehu_desktop.ui.common.operations import Operations, wait_for_running
from kehu_desktop.ui.service_desk.request_detail_dialog import ServiceRequestDetailDialog
from kehu_desktop.ui.service_desk.service_report import ServiceReportDialog
from kehu_desktop.ui.service_desk.service_tab import COLUMNS, ServiceTab
from tests.helpers.complaints import advance as advance_complaint
from tests.helpers.complaints import register as register_complaint
from tests.helpers.customers import make_customer
from tests.helpers.dialogs import choose
from tests.helpers.service_desk import advance, make_product, register

PNG = b"\x89PNG\r\n\x1a\n"


def _png(path: Path) -> Path:
    from PySide6.QtGui import QColor, QImage

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#c0392b"))
    image.save(str(path))
    return path


@pytest.fixture
def ops(context):
    return Operations(context)


@pytest.fixture
def layout(tmp_path):
    from kehu_desktop.ui.common.layout_memory import LayoutMemory

    return LayoutMemory(tmp_path)


def _tab(qtbot, ops, layout, rows: int) -> ServiceTab:
    tab = ServiceTab(ops, layout)
    qtbot.addWidget(tab)
    tab.show()
    tab.reload()
    qtbot.waitUntil(lambda: tab.model.rowCount() == rows, timeout=5000)
    return tab


def test_the_tab_is_in_the_window_with_its_list(qtbot, main_window):
    tabs = main_window.tabs
    assert tabs.tabText(5) == "售后服务"
    assert main_window.findChild(QTableView, "serviceTable") is not None
    qtbot.keyClick(main_window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is main_window.service_tab


def test_list_filters_and_overdue_tint(qtbot, qtmodeltester, context, ops, layout):
    customer = make_customer(context, "华达电子")
    other = make_customer(context, "宏泰五金")
    product = make_product(context)
    old = register(context, customer, product_id=product, serial_no="S1",
                   received_at=datetime.now() - timedelta(days=30))  # fmt: skip
    recent = register(context, other, received_at=datetime.now() - timedelta(minutes=5))
    advance(context, recent, Status.DISPATCHED)
    tab = _tab(qtbot, ops, layout, 2)
    qtmodeltester.check(tab.model)
    rows = {r.id: r for r in tab.model.rows()}
    assert rows[old].overdue and not rows[recent].overdue
    # The deadline column names the one running now: 派工 until dispatched, then 解决.
    deadline_column = [c.label for c in COLUMNS].index("期限")
    texts = {tab.model.row_at(i).id: tab.model.index(i, deadline_column).data() for i in (0, 1)}
    assert texts[old].startswith("派工 ") and texts[old].endswith("已超期")
    assert texts[recent].startswith("解决 ")
    color = tab.model.data(tab.model.index(1, 0), Qt.ItemDataRole.BackgroundRole)
    assert color is not None  # the old one, listed second, is tinted
    tab.overdue_filter.setChecked(True)
    qtbot.waitUntil(lambda: [r.id for r in tab.model.rows()] == [old], timeout=5000)
    tab.overdue_filter.setChecked(False)
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("dispatched"))
    qtbot.waitUntil(lambda: [r.id for r in tab.model.rows()] == [recent], timeout=5000)
    tab.status_filter.setCurrentIndex(0)
    choose(qtbot, tab.product_filter, product)
    qtbot.waitUntil(lambda: [r.id for r in tab.model.rows()] == [old], timeout=5000)
    tab.product_filter.setCurrentIndex(0)
    choose(qtbot, tab.engineer_filter, context.operator.id)
    qtbot.waitUntil(lambda: [r.id for r in tab.model.rows()] == [recent], timeout=5000)
    tab.engineer_filter.setCurrentIndex(0)
    tab.customer_filter.setText("宏泰")
    tab.customer_filter.returnPressed.emit()
    qtbot.waitUntil(lambda: [r.id for r in tab.model.rows()] == [recent], timeout=5000)


def test_register_a_request_through_the_dialog(qtbot, context, ops, layout, monkeypatch):
    customer = make_customer(
        context, "华达电子", contacts=[{"name": "王工", "mobile": "13800138000"}]
    )
    product = make_product(context, months=12)
    tab = _tab(qtbot, ops, layout, 0)
    monkeypatch.setattr(tab, "open_request", lambda request_id: request_id)
    dialog = tab.new_record(customer_id=customer)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading, timeout=5000)
    qtbot.waitUntil(lambda: dialog.customer.value() == customer, timeout=5000)
    qtbot.waitUntil(lambda: dialog.contact_phone.text() == "13800138000", timeout=5000)
    choose(qtbot, dialog.product, product)
    dialog.serial_no.setText("SN-77")
    dialog.purchase_known.setChecked(True)
    dialog.purchased_on.setDate(date.today() - timedelta(days=400))
    assert dialog.warranty_label.text().startswith("已过保修期")
    dialog.purchased_on.setDate(date.today() - timedelta(days=30))
    assert dialog.warranty_label.text().startswith("保修期内")
    # Nothing typed into the fault yet: the service refuses and marks the field.
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=5000)
    assert "请填写故障描述" in dialog.error_label.text()
    assert dialog.editor("fault").styleSheet() == edit_dialog.ERROR_STYLE
    dialog.fault.setPlainText("开机无显示")
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.save()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    row = tab.model.row_at(0)
    assert (row.id, row.number, row.warranty, row.serial_no) == (
        saved.args[0], f"SH-{date.today().year}-0001", "保修期内", "SN-77")  # fmt: skip


def test_esc_keeps_typed_text_unless_discarded(qtbot, context, ops, layout, monkeypatch):
    asked = []

    def question(*args, **_kwargs):
        asked.append(args)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(edit_dialog.QMessageBox, "question", question)
    tab = _tab(qtbot, ops, layout, 0)
    dialog = tab.new_record()
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.loading, timeout=5000)
    dialog.fault.setPlainText("漏水")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and asked and dialog.fault.toPlainText() == "漏水"


def test_request_dialog_steps_history_and_repair_order_with_photos(
    qtbot, context, ops, layout, tmp_path
):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer, received_at=datetime.now() - timedelta(hours=3))
    dialog = ServiceRequestDetailDialog(ops, layout, request_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not any(b.isVisible() for b in dialog.action_buttons.values())  # until it is read
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=5000)
    visible = {a for a, b in dialog.action_buttons.items() if not b.isHidden()}
    assert visible == {Action.DISPATCH, Action.CANCEL, Action.HAND_OVER, Action.FEEDBACK,
                       Action.NOTE, Action.EDIT}  # fmt: skip
    step = dialog.start_action(Action.DISPATCH)
    qtbot.addWidget(step)
    qtbot.waitUntil(lambda: not step.loading, timeout=5000)
    choose(qtbot, step.engineer, context.operator.id)
    step.planned.setDate(date.today())
    step.save()
    qtbot.waitUntil(lambda: dialog.detail.status == "dispatched", timeout=5000)
    assert dialog.values["engineer"].text() == context.operator.name
    order = dialog.start_action(Action.REPAIR)
    qtbot.addWidget(order)
    qtbot.waitUntil(lambda: bool(order.photos.status.text()), timeout=5000)
    order.photos.add_files([_png(tmp_path / "故障照片.png")])
    qtbot.waitUntil(lambda: order.photos.model.rowCount() == 1, timeout=5000)
    icon = order.photos.model.data(order.photos.model.index(0), Qt.ItemDataRole.DecorationRole)
    assert not icon.isNull()
    order.diagnosis.setPlainText("电源板烧毁")
    order.parts_model.add_row({"part": "电源板", "quantity": "1", "unit_cost": "180"})
    order.labour_cost.setText("60")
    order.save()
    qtbot.waitUntil(lambda: dialog.detail.status == "processing", timeout=5000)
    assert "电源板烧毁" in dialog.repair_summary.text()
    assert dialog.parts_model.rowCount() == 1
    qtbot.waitUntil(lambda: dialog.photos.model.rowCount() == 1, timeout=5000)
    assert dialog.sections.tabText(dialog.sections.indexOf(dialog.photos)) == "照片与附件 (1)"
    revisit = dialog.start_action(Action.REVISIT)
    qtbot.addWidget(revisit)
    revisit.save()  # untouched: no rating is recorded that nobody gave
    qtbot.waitUntil(lambda: revisit.error_label.isVisible(), timeout=5000)
    assert "请选择客户满意度" in revisit.error_label.text()
    revisit.satisfaction.setCurrentText("满意")
    revisit.save()
    qtbot.waitUntil(lambda: dialog.detail.status == "revisited", timeout=5000)
    close = dialog.start_action(Action.CLOSE)
    qtbot.addWidget(close)
    close.save()
    qtbot.waitUntil(lambda: dialog.detail.status == "closed", timeout=5000)
    kinds = [e.kind for e in dialog.history_model.rows()]
    assert kinds == ["登记", "派工", "维修报告", "回访", "结案"]
    assert not dialog.action_buttons[Action.CLOSE].isVisible()


def test_an_unreadable_photo_is_reported_and_the_rest_added(qtbot, context, ops, tmp_path):
    customer = make_customer(context, "华达电子")
    request_id = register(context, customer)
    panel = attachments_panel.AttachmentsPanel(ops, "service_request", request_id)
    qtbot.addWidget(panel)
    broken = tmp_path / "坏照片.jpg"
    broken.write_text("garbage")
    panel.add_files([broken, _png(tmp_path / "好.png")])
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: "坏照片.jpg" in panel.status.text(), timeout=5000)
    opened = []
    monkey = attachments_panel.QDesktopServices
    original = monkey.openUrl
    monkey.openUrl = staticmethod(lambda url: opened.append(url.toLocalFile()) or True)
    try:
        assert panel.open_row(0)
    finally:
        monkey.openUrl = original
    assert opened and opened[0].endswith(".png") and "attachments" in opened[0]


def test_report_view_with_charts_and_export(qtbot, context, ops, layout, tmp_path):
    customer = make_customer(context, "华达电子")
    first = date.today().replace(day=1)
    request_id = register(
        context,
        customer,
        received_at=datetime.combine(first, datetime.min.time()) + timedelta(hours=9),
    )  # noqa: E501
    advance(context, request_id, Status.CLOSED)
    report = ServiceReportDialog(ops, layout)
    qtbot.addWidget(report)
    qtbot.waitUntil(lambda: report.kpis is not None, timeout=5000)
    assert report.figure_labels["受理"].text() == "1"
    assert report.figure_labels["回访率"].text() == "100.0%"
    assert report.engineer_chart.chart().series()
    assert report.breakdown_models["by_engineer"].rowCount() == 1
    out = tmp_path / "报告.xlsx"
    report.export_xlsx(out)
    qtbot.waitUntil(out.exists, timeout=5000)
    wait_for_running()


def test_today_lists_service_visits_and_due_requests(qtbot, main_window):
    context = main_window._context
    customer = make_customer(context, "华达电子")
    visit = register(context, customer, received_at=datetime.now() - timedelta(minutes=30))
    advance(context, visit, Status.DISPATCHED, planned=date.today())
    late = register(context, customer, received_at=datetime.now() - timedelta(days=20))
    main_window.today_tab.reload()
    today = main_window.today_tab
    # Sections show as they are read; the titles and counts once all are.
    qtbot.waitUntil(lambda: "超期 1" in today.service_due_box.title(), timeout=10000)
    assert today.service_due_model.rowCount() == 1
    assert [r.id for r in today.service_visit_model.rows()] == [visit]
    assert today.service_due_model.row_at(0).id == late
    assert "超期 1" in today.service_due_box.title()
    today.service_due_table.selectRow(0)
    with qtbot.waitSignal(today.service_request_opened) as opened:
        today.open_service_request(today.service_due_table, today.service_due_model)
    assert opened.args == [late]
    wait_for_running()
    for dialog in main_window.service_tab.findChildren(ServiceRequestDetailDialog):
        dialog.close()


def test_complaint_settled_with_exchange_opens_a_linked_request(qtbot, context, ops, layout):
    from kehu_desktop.ui.complaints.complaint_dialog import ComplaintDialog

    customer = make_customer(context, "华达电子")
    complaint = register_complaint(context, customer)
    advance_complaint(context, complaint, ComplaintStatus.HANDLING)
    dialog = ComplaintDialog(ops, layout, complaint)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.service_button.isVisible(), timeout=5000)
    form = dialog.open_service_request()
    qtbot.addWidget(form)
    qtbot.waitUntil(lambda: not form.loading, timeout=5000)
    qtbot.waitUntil(lambda: form.customer.value() == customer, timeout=5000)
    assert "外观划伤" in form.fault.toPlainText()
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save()
    qtbot.waitUntil(lambda: not dialog.service_button.isVisible(), timeout=5000)
    assert "SH-" in dialog.service_link.text()
    qtbot.waitUntil(lambda: dialog.attachments.status.text() != "", timeout=5000)


def test_step_product_and_reply_forms_are_read_on_the_gui_thread_only(
    qtbot, context, ops, layout, monkeypatch
):
    """保存 takes what was typed on the GUI thread; the save itself runs on a worker and must
    not touch a widget (Qt's widgets belong to the GUI thread)."""
    import threading

    from PySide6.QtWidgets import (
        QCheckBox,
        QComboBox,
        QDateEdit,
        QLineEdit,
        QPlainTextEdit,
        QSpinBox,
    )

    from kehu_desktop.services.service_desk import feedback
    from kehu_desktop.ui.service_desk.products_dialog import ProductDialog
    from kehu_desktop.ui.service_desk.step_dialog import FeedbackReplyDialog, ServiceStepDialog

    off_thread: list[str] = []
    readers = (
        (QLineEdit, "text"), (QPlainTextEdit, "toPlainText"), (QComboBox, "currentData"),
        (QComboBox, "currentText"), (QDateEdit, "date"), (QSpinBox, "value"),
        (QCheckBox, "isChecked"),
    )  # fmt: skip
    for cls, name in readers:
        original = getattr(cls, name)

        def watched(self, *args, _original=original, _name=name):
            if threading.current_thread() is not threading.main_thread():
                off_thread.append(_name)
            return _original(self, *args)

        monkeypatch.setattr(cls, name, watched)

    request_id = register(context, make_customer(context, "华达电子"))
    detail = ServiceRequestDetailDialog(ops, layout, request_id)
    qtbot.addWidget(detail)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=5000)
    for action in (Action.DISPATCH, Action.FEEDBACK):
        step = ServiceStepDialog(ops, detail.detail, action)
        qtbot.addWidget(step)
        qtbot.waitUntil(lambda step=step: not step.loading, timeout=5000)
        if action == Action.DISPATCH:
            choose(qtbot, step.engineer, context.operator.id)
        step.note.setPlainText("外壳开裂" if action == Action.FEEDBACK else "")
        saved: list[object] = []
        step.saved.connect(saved.append)
        step.save()
        qtbot.waitUntil(lambda saved=saved: bool(saved), timeout=5000)
    with context.reader() as session:
        (row,) = feedback.list_feedback(session, request_id=request_id)
    reply = FeedbackReplyDialog(ops, row)
    product = ProductDialog(ops)
    product.code.setText("P-9")
    product.name.setText("恒温箱")
    for form in (reply, product):
        qtbot.addWidget(form)
        if form is reply:
            reply.reply.setPlainText("已改模具")
        saved = []
        form.saved.connect(saved.append)
        form.save()
        qtbot.waitUntil(lambda saved=saved: bool(saved), timeout=5000)
    assert off_thread == []
