"""The print dialog in the real window: Ctrl+P previews the selected record's form."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDeadlineTimer, Qt, QThreadPool
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from kehu_desktop.forms import printing
from kehu_desktop.forms.specimen import add_specimens
from kehu_desktop.ui.printing.print_preview import paint_document


@pytest.fixture
def window_with_records(qtbot, main_window):
    database = main_window._context.database
    with database.session() as session:
        ids = add_specimens(session, date(2026, 11, 20))
    main_window.refresh()
    QThreadPool.globalInstance().waitForDone(QDeadlineTimer(5000))
    qtbot.waitUntil(lambda: main_window.customers_tab.current_id() is not None or True)
    return main_window, ids


def wait_preview(qtbot, dialog) -> None:
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        pass


def test_ctrl_p_on_the_customers_tab_previews_the_selected_customer_card(
    qtbot, window_with_records
):
    window, ids = window_with_records
    window.tabs.setCurrentWidget(window.customers_tab)
    qtbot.waitUntil(lambda: window.customers_tab.current_id() is not None, timeout=5000)
    selected = window.customers_tab.current_id()
    with qtbot.waitSignal(window.print_action.triggered):
        qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window.print_dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert dialog.form_box.currentText() == "客户资料卡"
    assert dialog.record_radio.isChecked()
    qtbot.waitUntil(lambda: dialog.preview.document.status() == QPdfDocument.Status.Ready,
                    timeout=10000)  # fmt: skip
    assert dialog.preview.page_count() >= 1
    text = "".join(PdfReader(io.BytesIO(dialog.preview.data)).pages[0].extract_text().split())
    with window._context.reader() as session:
        from kehu_desktop.models import Customer

        customer = session.get(Customer, selected)
    assert customer.name in text and customer.code in text
    assert customer.code in dialog.record_radio.text()
    assert dialog.firm_hint.isVisibleTo(dialog)  # no firm name set in this store yet
    assert "共" in dialog.status.text()
    dialog.reject()


def test_switching_to_a_monthly_batch_and_saving_pdf_and_xlsx(qtbot, window_with_records, tmp_path):
    window, ids = window_with_records
    window.tabs.setCurrentWidget(window.complaints_tab)
    dialog = window.print_current()
    qtbot.addWidget(dialog)
    assert dialog.form_box.currentData() == "complaint_register"
    dialog.month_edit.setDate(date(2026, 11, 1))
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        dialog.month_radio.setChecked(True)
    reader = PdfReader(io.BytesIO(dialog.preview.data))
    assert "TS-2026-9001" in "".join(p.extract_text() for p in reader.pages)
    dialog.save_pdf(tmp_path / "month.pdf")
    assert (tmp_path / "month.pdf").read_bytes() == dialog.preview.data
    dialog.save_xlsx(tmp_path / "month.xlsx")
    qtbot.waitUntil(lambda: "已保存" in dialog.status.text(), timeout=10000)
    book = load_workbook(io.BytesIO((tmp_path / "month.xlsx").read_bytes()))
    assert "TS-2026-9001" in book.sheetnames
    dialog.reject()


def test_a_period_form_prints_by_month_and_says_when_there_is_nothing(qtbot, window_with_records):
    window, _ids = window_with_records
    window.tabs.setCurrentWidget(window.customers_tab)  # the window opens on 今日
    qtbot.waitUntil(lambda: window.customers_tab.current_id() is not None)
    dialog = window.print_current()
    qtbot.addWidget(dialog)
    wait_preview(qtbot, dialog)
    dialog.month_edit.setDate(date(2026, 11, 1))
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        dialog.form_box.setCurrentIndex(dialog.form_box.findData("visit_daily"))
    assert dialog.month_radio.isChecked() and not dialog.record_radio.isEnabled()
    assert "客户访问日报表" in PdfReader(io.BytesIO(dialog.preview.data)).pages[0].extract_text()
    with qtbot.waitSignal(dialog.failed, timeout=10000) as failed:
        dialog.month_edit.setDate(date(2001, 1, 1))
    assert "没有可打印的记录" in failed.args[0]
    assert "没有可打印的记录" in dialog.status.text()
    dialog.reject()


def test_printing_sends_every_page_to_the_printer(qtbot, window_with_records, tmp_path):
    window, _ids = window_with_records
    dialog = window.print_current()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview.document.status() == QPdfDocument.Status.Ready,
                    timeout=10000)  # fmt: skip
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert paint_document(dialog.preview.document, printer) == dialog.preview.page_count()
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == dialog.preview.page_count()
    dialog.reject()


def test_form_settings_dialog_saves_firm_codes_and_offsets(qtbot, qtmodeltester, main_window):
    from kehu_desktop.forms import printing
    from kehu_desktop.services.common.settings import FIRM_NAME
    from kehu_desktop.ui.common.operations import Operations
    from kehu_desktop.ui.printing.form_settings_dialog import FormSettingsDialog
    from tests.helpers.dialogs import ready, save

    context = main_window._context
    dialog = ready(qtbot, FormSettingsDialog(Operations(context), main_window))
    qtbot.addWidget(dialog)
    dialog.firm.setText("东莞华达")
    model = dialog.model
    assert model.setData(model.index(0, 1), "QR-KF-101")
    assert not model.setData(model.index(0, 3), "B5")  # unknown paper refused
    assert model.setData(model.index(0, 3), "A5")
    assert model.index(0, 3).data() == "A5 纵向"
    qtmodeltester.check(model)
    dialog.offset_x.setValue(1.5)
    dialog.offset_y.setValue(-2)
    assert save(qtbot, dialog)
    with context.reader() as session:
        assert FIRM_NAME.get(session) == "东莞华达"
        override = printing.FORM_OVERRIDES.get(session)["customer_card"]
        assert override == {"code": "QR-KF-101", "revision": "A/0", "paper": "A5"}
        assert printing.PRINT_OFFSETS.get(session)[dialog.printer.currentText()] == [1.5, -2.0]


def test_agents_cannot_change_form_settings(context, agent):
    from kehu_desktop.forms import printing
    from kehu_desktop.services.common.errors import PermissionDenied

    with context.session() as session, pytest.raises(PermissionDenied):
        printing.save_settings(session, agent, "x", {}, {})


def test_the_visit_forms_for_a_days_plan_in_one_batch(qtbot, window_with_records):
    window, ids = window_with_records
    window.tabs.setCurrentWidget(window.visits_tab)
    dialog = window.print_current()
    qtbot.addWidget(dialog)
    assert dialog.form_box.currentData() == "visit_record"
    wait_preview(qtbot, dialog)
    dialog.day_edit.setDate(ids.day)
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        dialog.plans_radio.setChecked(True)
    text = "".join(PdfReader(io.BytesIO(dialog.preview.data)).pages[0].extract_text().split())
    assert "东莞市华达精密五金制品有限公司" in text and "2026年11月20日" in text
    with qtbot.waitSignal(dialog.failed, timeout=10000) as failed:
        dialog.day_edit.setDate(date(2001, 1, 2))
    assert "没有待执行的拜访计划" in failed.args[0]
    dialog.reject()


def test_the_dialog_remembers_paper_and_overlay(qtbot, window_with_records):
    window, _ids = window_with_records
    dialog = window.print_current()
    qtbot.addWidget(dialog)
    wait_preview(qtbot, dialog)
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        dialog.paper_box.setCurrentIndex(dialog.paper_box.findData("A5"))
    page = PdfReader(io.BytesIO(dialog.preview.data)).pages[0]
    assert round(float(page.mediabox[2]) * 25.4 / 72) == 148
    dialog.overlay_box.setChecked(True)
    dialog.reject()
    again = window.print_current()
    qtbot.addWidget(again)
    assert again.paper_box.currentData() == "A5" and again.overlay_box.isChecked()
    wait_preview(qtbot, again)
    again.reject()


def test_ctrl_p_on_the_today_view_offers_the_visit_form(qtbot, window_with_records):
    window, _ids = window_with_records
    window.tabs.setCurrentWidget(window.today_tab)
    dialog = window.print_current()
    qtbot.addWidget(dialog)
    assert dialog.form_box.currentText() == "客户访问记录表"
    dialog.reject()


def test_form_settings_keep_paper_margins_and_save_the_calibration_page(
    qtbot, qtmodeltester, main_window, tmp_path
):
    from kehu_desktop.forms import printing
    from kehu_desktop.forms.paper import PAPERS
    from kehu_desktop.ui.common.operations import Operations
    from kehu_desktop.ui.printing.form_settings_dialog import FormSettingsDialog
    from tests.helpers.dialogs import ready, save

    context = main_window._context
    ops = Operations(context)
    dialog = ready(qtbot, FormSettingsDialog(ops, main_window))
    qtbot.addWidget(dialog)
    margins = dialog.margins
    qtmodeltester.check(margins)
    row = list(PAPERS).index("241x93")
    assert margins.index(row, 0).data() == "241×93 mm 三等分"
    assert margins.setData(margins.index(row, 1), 18.0)
    assert margins.index(row, 1).data() == "18 mm"
    dialog.offset_x.setValue(2.5)
    dialog.calibration_paper.setCurrentIndex(dialog.calibration_paper.findData("241x93"))
    path = dialog.save_calibration(tmp_path / "calibration.pdf")
    page = PdfReader(path).pages[0]
    assert round(float(page.mediabox[3]) * 25.4 / 72) == 93
    assert "X+2.5mm" in "".join(page.extract_text().split())
    assert save(qtbot, dialog)
    with context.reader() as session:
        assert printing.PAPER_MARGINS.get(session)["241x93"]["left"] == 18.0
    # a margin over the tractor strip is refused with the reason in the dialog, nothing saved
    again = ready(qtbot, FormSettingsDialog(ops, main_window))
    qtbot.addWidget(again)
    again.show()
    again.margins.setData(again.margins.index(row, 1), 5.0)
    assert not save(qtbot, again)
    assert again.isVisible() and "导孔" in again.error_label.text()
    with context.reader() as session:
        assert printing.PAPER_MARGINS.get(session)["241x93"]["left"] == 18.0
    again.mark_clean()
    again.reject()


def test_a_survey_prints_from_the_key_account_it_was_opened_on(qtbot, window_with_records):
    window, ids = window_with_records
    from kehu_desktop.ui.printing.print_dialog import PrintDialog

    dialog = PrintDialog(
        window.ops, window._layout_memory, window, "key_account_survey",
        ("key_account", ids.key_account),
    )  # fmt: skip
    qtbot.addWidget(dialog)
    assert dialog.record_radio.isEnabled()
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        dialog.record_radio.setChecked(True)
    text = "".join(PdfReader(io.BytesIO(dialog.preview.data)).pages[0].extract_text().split())
    assert f"MY-{ids.survey:06d}" in text
    dialog.reject()


def test_a_printed_number_typed_into_the_search_box_opens_its_record(qtbot, window_with_records):
    window, ids = window_with_records
    window.tabs.setCurrentWidget(window.customers_tab)
    opened = []
    window.complaints_tab.open_complaint = lambda complaint_id: opened.append(complaint_id)
    window.key_accounts_tab.open_card = lambda account_id: opened.append(("card", account_id))
    window.customers_tab.search.setText("TS-2026-9001")
    window.customers_tab.search.returnPressed.emit()
    qtbot.waitUntil(lambda: opened == [ids.complaint], timeout=5000)
    assert window.tabs.currentWidget() is window.complaints_tab
    window.customers_tab.search.setText(f"MY-{ids.survey:06d}")
    window.customers_tab.search.returnPressed.emit()
    qtbot.waitUntil(lambda: opened[-1] == ("card", ids.key_account), timeout=5000)


def test_a_batch_shows_its_first_form_first_and_can_be_stopped(qtbot, window_with_records):
    window, ids = window_with_records
    window.tabs.setCurrentWidget(window.visits_tab)
    dialog = window.print_current()
    qtbot.addWidget(dialog)
    wait_preview(qtbot, dialog)
    dialog.current_job = lambda: printing.PrintJob("visit_record", (ids.visit,) * 6)
    shown: list[int] = []
    show_pdf = dialog.preview.show_pdf

    def counting(data: bytes) -> None:
        shown.append(len(PdfReader(io.BytesIO(data)).pages))
        show_pdf(data)

    dialog.preview.show_pdf = counting
    with qtbot.waitSignal(dialog.rendered, timeout=20000) as rendered:
        dialog.refresh()
    assert len(shown) == 2 and shown[0] < shown[1] == rendered.args[0]
    assert shown[1] == 6 * shown[0]
    shown.clear()
    dialog.refresh()
    qtbot.waitUntil(lambda: dialog.stop_button.isVisible(), timeout=10000)
    dialog.stop_button.click()
    assert dialog.status.text() == "已停止生成预览。"
    rendered_again = []
    dialog.rendered.connect(rendered_again.append)
    from kehu_desktop.ui.common.operations import wait_for_running

    wait_for_running()
    assert rendered_again == [] and len(shown) <= 1  # at most the first form, never the batch
    dialog.reject()


def _add_later_survey_and_evaluation(window, ids) -> tuple[int, int]:
    """A newer survey and credit evaluation of the specimen customer: the latest, which a
    chosen older one must not be confused with."""
    from decimal import Decimal

    from kehu_desktop.models import (
        CreditEvaluation,
        CreditItemScore,
        SatisfactionSurvey,
        SurveyItemScore,
    )

    with window._context.database.session() as session:
        survey = SatisfactionSurvey(
            customer_id=ids.customer, surveyed_on=date(2026, 11, 19), respondent="王后来",
            overall_score=Decimal("2.00"), notes="后一次调查",
        )  # fmt: skip
        survey.items = [SurveyItemScore(item="产品质量", weight=Decimal("1"), score=2)]
        evaluation = CreditEvaluation(
            customer_id=ids.customer, evaluated_on=date(2026, 11, 19), total_score=Decimal("50"),
            rating="C", credit_limit=Decimal("1000"), credit_days=7, notes="后一次评定",
        )  # fmt: skip
        evaluation.items = [CreditItemScore(item="付款记录", weight=Decimal("1"), score=50)]
        session.add_all([survey, evaluation])
        session.flush()
        return survey.id, evaluation.id


@pytest.mark.parametrize(
    ("page", "view", "button", "kind", "prefix"),
    [
        ("满意度调查", "surveys_view", "print_survey_button", "survey", "MY"),
        ("信用", "credit_view", "print_credit_button", "credit", "XY"),
    ],
)
def test_a_chosen_survey_or_credit_evaluation_prints_from_the_card_not_the_latest(
    qtbot, window_with_records, page, view, button, kind, prefix
):
    from kehu_desktop.ui.key_accounts.key_account_card import KeyAccountCardDialog
    from kehu_desktop.ui.printing.print_dialog import PrintDialog
    from tests.helpers.dialogs import ready

    window, ids = window_with_records
    survey, evaluation = _add_later_survey_and_evaluation(window, ids)
    newer = {"survey": survey, "credit": evaluation}
    chosen = getattr(ids, kind)
    tab = window.key_accounts_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.current_id() == ids.key_account, timeout=5000)
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    card = ready(qtbot, tab.findChild(KeyAccountCardDialog))
    qtbot.addWidget(card)
    card.tabs.setCurrentIndex(next(i for i in range(card.tabs.count())
                                   if card.tabs.tabText(i) == page))  # fmt: skip
    table = getattr(card, view)
    numbers = [table.model().index(r, 0).data() for r in range(table.model().rowCount())]
    # newest first, each under its own number; the older one is chosen
    assert numbers == [f"{prefix}-{newer[kind]:06d}", f"{prefix}-{chosen:06d}"]
    table.selectRow(1)
    qtbot.mouseClick(getattr(card, button), Qt.MouseButton.LeftButton)
    dialog = card.findChild(PrintDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: "共" in dialog.status.text(), timeout=10000)
    assert dialog.record_radio.isChecked()
    assert f"{prefix}-{chosen:06d}" in dialog.record_radio.text()
    text = "".join(
        "".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(dialog.preview.data)).pages
    )
    assert f"{prefix}-{chosen:06d}" in text and f"{prefix}-{newer[kind]:06d}" not in text
    assert "后一次" not in text  # the newer record's notes are not on the chosen one's form
    assert ("李晓敏" if kind == "survey" else "维持AA级") in text
    dialog.reject()
    card.reject()


def test_the_service_request_dialog_prints_its_request(qtbot, window_with_records):
    from kehu_desktop.ui.printing.print_dialog import PrintDialog

    window, ids = window_with_records
    detail = window.open_service_request(ids.service_request)
    qtbot.addWidget(detail)
    qtbot.mouseClick(detail.print_button, Qt.MouseButton.LeftButton)
    dialog = detail.findChild(PrintDialog)
    assert dialog is not None and dialog.form_key == "service_register"
    qtbot.waitUntil(lambda: "共" in dialog.status.text(), timeout=10000)
    assert dialog.record_radio.isChecked()
    text = "".join(PdfReader(io.BytesIO(dialog.preview.data)).pages[0].extract_text().split())
    assert "售后服务登记表" in text and "SH-" in text
    dialog.reject()
    detail.reject()


def test_ctrl_p_on_a_key_account_lists_its_surveys_to_pick_the_one_printed(
    qtbot, window_with_records
):
    window, ids = window_with_records
    newer, newer_credit = _add_later_survey_and_evaluation(window, ids)
    tab = window.key_accounts_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.current_id() == ids.key_account, timeout=5000)
    with qtbot.waitSignal(window.print_action.triggered):
        qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = window.print_dialog
    qtbot.addWidget(dialog)
    wait_preview(qtbot, dialog)
    assert not dialog.record_choice.isVisible()  # the card itself: nothing to pick
    with qtbot.waitSignal(dialog.choices_listed, timeout=10000) as listed:
        dialog.form_box.setCurrentIndex(dialog.form_box.findData("key_account_survey"))
    assert listed.args == [2] and dialog.record_choice.isVisible()
    choices = [dialog.record_choice.itemText(i) for i in range(2)]
    assert choices[0].startswith(f"MY-{newer:06d}　2026-11-19")  # the latest, preselected
    assert choices[1].startswith(f"MY-{ids.survey:06d}　2026-11-18")
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        dialog.record_choice.setCurrentIndex(1)
    text = "".join(PdfReader(io.BytesIO(dialog.preview.data)).pages[0].extract_text().split())
    assert f"MY-{ids.survey:06d}" in text and "李晓敏" in text and "后一次" not in text
    # the credit form lists the evaluations the same way; the latest is the default
    with qtbot.waitSignal(dialog.choices_listed, timeout=10000):
        dialog.form_box.setCurrentIndex(dialog.form_box.findData("credit_survey"))
    assert dialog.record_choice.currentText().startswith(f"XY-{newer_credit:06d}")
    with qtbot.waitSignal(dialog.rendered, timeout=10000):
        dialog.record_choice.setCurrentIndex(1)
    text = "".join(PdfReader(io.BytesIO(dialog.preview.data)).pages[0].extract_text().split())
    assert f"XY-{ids.credit:06d}" in text and "后一次评定" not in text
    dialog.reject()
