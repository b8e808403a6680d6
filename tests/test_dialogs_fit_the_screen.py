"""Every dialog of the window fits a small screen and can be closed; every editing dialog asks
before Esc or the close box drops what was typed.

The screens: a 1366×768 office laptop and a 1920×1080 laptop at 150 % (1280×720 logical), each
minus a 40-pixel task bar. ``screen.available_geometry`` is what the window asks, so the test
stands it in for the screen.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect, QSize, Qt, QThread
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
)

import kehu_desktop.ui
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.complaints import ledger
from kehu_desktop.services.complaints.lifecycle import Action
from kehu_desktop.services.key_accounts import designation
from kehu_desktop.services.service_desk import feedback as service_feedback
from kehu_desktop.services.service_desk import ledger as service_ledger
from kehu_desktop.services.service_desk.lifecycle import Action as ServiceAction
from kehu_desktop.services.service_desk.lifecycle import Status as ServiceStatus
from kehu_desktop.ui.admin.audit_dialog import AuditDialog
from kehu_desktop.ui.admin.backup_settings_dialog import BackupSettingsDialog
from kehu_desktop.ui.admin.database_dialog import DatabaseDialog
from kehu_desktop.ui.admin.lock_dialog import LockDialog
from kehu_desktop.ui.admin.password_dialog import ChangePasswordDialog
from kehu_desktop.ui.admin.restore_dialog import RestoreDialog
from kehu_desktop.ui.admin.sign_in_dialog import FirstAdminDialog, SignInDialog
from kehu_desktop.ui.admin.staff_dialog import StaffDialog, StaffEditor
from kehu_desktop.ui.common import edit_dialog, screen
from kehu_desktop.ui.common.customer_picker import CustomerPicker
from kehu_desktop.ui.common.edit_dialog import EditDialog
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations, wait_for_running
from kehu_desktop.ui.common.stale_record import KeptInputWindow
from kehu_desktop.ui.complaints.complaint_dialog import ComplaintDialog
from kehu_desktop.ui.complaints.complaint_registration_dialog import ComplaintRegistrationDialog
from kehu_desktop.ui.complaints.complaint_report import ComplaintReportDialog
from kehu_desktop.ui.complaints.complaint_settings_dialog import ComplaintSettingsDialog
from kehu_desktop.ui.complaints.complaint_step_dialog import ComplaintStepDialog
from kehu_desktop.ui.customers.customer_dialog import CustomerDialog
from kehu_desktop.ui.customers.duplicates_dialog import DuplicatesDialog
from kehu_desktop.ui.imports.import_dialog import ImportDialog
from kehu_desktop.ui.key_accounts.credit_dialog import CreditDialog
from kehu_desktop.ui.key_accounts.key_account_card import (
    CountermeasureDialog,
    KeyAccountCardDialog,
)
from kehu_desktop.ui.key_accounts.key_account_settings_dialog import KeyAccountSettingsDialog
from kehu_desktop.ui.key_accounts.proposal_dialog import DecisionDialog, ProposalDialog
from kehu_desktop.ui.key_accounts.sales_import_dialog import SalesImportDialog
from kehu_desktop.ui.key_accounts.survey_dialog import SurveyDialog
from kehu_desktop.ui.printing.form_settings_dialog import FormSettingsDialog
from kehu_desktop.ui.printing.print_dialog import PrintDialog
from kehu_desktop.ui.service_desk.feedback_dialog import FeedbackListDialog
from kehu_desktop.ui.service_desk.products_dialog import ProductDialog, ProductsDialog
from kehu_desktop.ui.service_desk.repair_order_dialog import RepairOrderDialog
from kehu_desktop.ui.service_desk.request_detail_dialog import ServiceRequestDetailDialog
from kehu_desktop.ui.service_desk.request_dialog import ServiceRequestDialog
from kehu_desktop.ui.service_desk.service_report import ServiceReportDialog
from kehu_desktop.ui.service_desk.service_settings_dialog import ServiceSettingsDialog
from kehu_desktop.ui.service_desk.step_dialog import FeedbackReplyDialog, ServiceStepDialog
from kehu_desktop.ui.visits.visit_dialog import VisitDialog
from kehu_desktop.ui.visits.visit_frequency_dialog import VisitFrequencyDialog
from kehu_desktop.ui.visits.visit_plan_dialog import PlanDueVisitsDialog, VisitPlanDialog
from tests.helpers.complaints import register
from tests.helpers.customers import make_customer
from tests.helpers.key_accounts import make_key_account
from tests.helpers.service_desk import advance as advance_request
from tests.helpers.service_desk import make_product
from tests.helpers.service_desk import register as register_request
from tests.helpers.visits import make_visit

TASK_BAR = 40
SCREENS = {
    "1366x768": QRect(0, 0, 1366, 768 - TASK_BAR),
    "1920x1080@150%": QRect(0, 0, 1280, 720 - TASK_BAR),
}
# What a Windows 10/11 frame adds around a dialog (title bar and borders); the offscreen
# platform draws almost none, so the room for it is counted here.
WINDOWS_FRAME = QSize(16, 39)
# Bases, not dialogs of their own.
BASES = {"EditDialog", "KpiReportDialog", "CaseDialog", "ViewDialog", "_OperatorDialog"}


@dataclass
class Store:
    """One store holding a record of every kind, and the objects the dialogs are opened with."""

    ops: Operations
    layout: LayoutMemory
    customer: int
    visit: int
    complaint: int
    card: int
    proposal: designation.ProposalRow
    detail: ledger.ComplaintDetail
    staff_row: operators.StaffRow
    service: service_ledger.ServiceDetail | None = None
    feedback: service_feedback.FeedbackRow | None = None


@pytest.fixture
def store(context, supervisor, data_dir) -> Store:
    customer = make_customer(context, "北京华达电子有限公司", contacts=[{"name": "李明"}])
    visit = make_visit(context, customer, "2026-11-02 10:00")
    complaint = register(context, customer)
    card = make_key_account(context, supervisor, customer)
    other = make_customer(context, "上海宏泰机械有限公司")
    with context.session() as session:
        designation.propose(session, context.operator, other, "年采购额居前")
    product = make_product(context)
    request = register_request(context, customer, product_id=product, serial_no="SN-1")
    advance_request(context, request, ServiceStatus.DISPATCHED)
    with context.session() as session:
        service_feedback.raise_feedback(
            session, context.operator, department="品质", problem="外壳开裂", request_id=request
        )
    with context.reader() as session:
        service = service_ledger.load_detail(session, context.operator, request)
        feedback_row = service_feedback.list_feedback(session)[0]
        proposal = designation.list_proposals(session)[0]
        detail = ledger.load_detail(session, context.operator, complaint)
        staff_row = operators.list_staff(session)[0]
    return Store(
        Operations(context), LayoutMemory(data_dir), customer, visit, complaint, card, proposal,
        detail, staff_row, service, feedback_row,
    )  # fmt: skip


FACTORIES: dict[type[QDialog], Callable[[Store], QDialog]] = {
    CustomerDialog: lambda s: CustomerDialog(s.ops, s.layout, s.customer),
    VisitDialog: lambda s: VisitDialog(s.ops, s.layout, visit_id=s.visit),
    VisitPlanDialog: lambda s: VisitPlanDialog(s.ops, s.customer),
    PlanDueVisitsDialog: lambda s: PlanDueVisitsDialog(s.ops),
    VisitFrequencyDialog: lambda s: VisitFrequencyDialog(s.ops),
    ComplaintRegistrationDialog: lambda s: ComplaintRegistrationDialog(s.ops, s.layout),
    ComplaintDialog: lambda s: ComplaintDialog(s.ops, s.layout, s.complaint),
    ComplaintStepDialog: lambda s: ComplaintStepDialog(s.ops, s.detail, Action.HANDLE),
    ComplaintSettingsDialog: lambda s: ComplaintSettingsDialog(s.ops),
    ComplaintReportDialog: lambda s: ComplaintReportDialog(s.ops, s.layout),
    KeyAccountCardDialog: lambda s: KeyAccountCardDialog(s.ops, s.layout, s.card),
    CountermeasureDialog: lambda s: CountermeasureDialog(s.ops, s.card, [(1, "系统管理员")]),
    CreditDialog: lambda s: CreditDialog(s.ops, s.customer),
    SurveyDialog: lambda s: SurveyDialog(s.ops, s.customer),
    ProposalDialog: lambda s: ProposalDialog(s.ops),
    DecisionDialog: lambda s: DecisionDialog(s.ops, s.proposal, True),
    KeyAccountSettingsDialog: lambda s: KeyAccountSettingsDialog(s.ops),
    SalesImportDialog: lambda s: SalesImportDialog(s.ops),
    ImportDialog: lambda s: ImportDialog(s.ops, s.layout),
    DuplicatesDialog: lambda s: DuplicatesDialog(s.ops, s.layout),
    FormSettingsDialog: lambda s: FormSettingsDialog(s.ops),
    PrintDialog: lambda s: PrintDialog(
        s.ops, s.layout, None, "customer_card", ("customer", s.customer)
    ),  # fmt: skip
    StaffDialog: lambda s: StaffDialog(s.ops),
    StaffEditor: lambda s: StaffEditor(s.staff_row),
    AuditDialog: lambda s: AuditDialog(s.ops, s.layout),
    DatabaseDialog: lambda s: DatabaseDialog(
        s.ops, s.layout, s.ops.context.database.data_dir, s.ops.context.database.location
    ),
    LockDialog: lambda s: LockDialog(s.ops),
    ChangePasswordDialog: lambda s: ChangePasswordDialog(s.ops),
    SignInDialog: lambda _s: SignInDialog(["admin"], lambda _u, _p: None),
    ServiceRequestDialog: lambda s: ServiceRequestDialog(s.ops, s.layout, customer_id=s.customer),
    ServiceRequestDetailDialog: lambda s: ServiceRequestDetailDialog(s.ops, s.layout, s.service.id),
    ServiceStepDialog: lambda s: ServiceStepDialog(s.ops, s.service, ServiceAction.NOTE),
    RepairOrderDialog: lambda s: RepairOrderDialog(s.ops, s.layout, s.service),
    FeedbackReplyDialog: lambda s: FeedbackReplyDialog(s.ops, s.feedback),
    FeedbackListDialog: lambda s: FeedbackListDialog(s.ops, s.layout),
    ProductsDialog: lambda s: ProductsDialog(s.ops, s.layout),
    ProductDialog: lambda s: ProductDialog(s.ops),
    ServiceReportDialog: lambda s: ServiceReportDialog(s.ops, s.layout),
    ServiceSettingsDialog: lambda s: ServiceSettingsDialog(s.ops),
    FirstAdminDialog: lambda _s: FirstAdminDialog(lambda *_a: None),
    KeptInputWindow: lambda _s: KeptInputWindow("电子邮箱：wang@huada.example\n备注：月底前回访"),
    BackupSettingsDialog: lambda s: BackupSettingsDialog(s.ops, s.layout, "D:/客户管家/backups"),
    RestoreDialog: lambda _s: RestoreDialog(Path("D:/客户管家/backups"), []),
}


def _all_dialogs() -> set[str]:
    for module in pkgutil.walk_packages(kehu_desktop.ui.__path__, "kehu_desktop.ui."):
        importlib.import_module(module.name)
    found: set[str] = set()
    todo = [QDialog]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("kehu_desktop.ui."):
                found.add(sub.__name__)
    return found - BASES


def test_every_dialog_of_the_window_is_checked():
    assert _all_dialogs() == {cls.__name__ for cls in FACTORIES}


def _open(qtbot, factory: Callable[[Store], QDialog], store: Store) -> QDialog:
    dialog = factory(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if isinstance(dialog, EditDialog):
        qtbot.waitUntil(lambda: not dialog.loading, timeout=5000)
    wait_for_running()
    qtbot.wait(20)  # fields added once the record was read are shown on the next turn
    return dialog


def _closes(dialog: QDialog, button: QAbstractButton) -> bool:
    words = ("解锁", "切换用户") if isinstance(dialog, LockDialog) else ("取消", "关闭")
    if any(word in button.text() for word in words):
        return True
    box = button.parentWidget()
    return (
        isinstance(box, QDialogButtonBox)
        and box.buttonRole(button) == QDialogButtonBox.ButtonRole.RejectRole
    )


def _closers(dialog: QDialog) -> list[QAbstractButton]:
    return [
        b
        for b in dialog.findChildren(QAbstractButton)
        if b.isVisibleTo(dialog) and b.isEnabled() and _closes(dialog, b)
    ]


@pytest.mark.parametrize("size", SCREENS)
@pytest.mark.parametrize("cls", FACTORIES, ids=lambda cls: cls.__name__)
def test_dialog_fits_the_screen_and_closes(qtbot, monkeypatch, store, cls, size):
    area = SCREENS[size]
    monkeypatch.setattr(screen, "available_geometry", lambda _widget: QRect(area))
    dialog = _open(qtbot, FACTORIES[cls], store)
    assert dialog.objectName() == cls.__name__
    smallest = dialog.minimumSizeHint().expandedTo(dialog.minimumSize()) + WINDOWS_FRAME
    assert smallest.width() <= area.width() and smallest.height() <= area.height(), smallest
    assert area.contains(dialog.frameGeometry()), dialog.frameGeometry()
    for button in _closers(dialog) or [None]:
        assert button is not None, "no 取消 or 关闭 button"
        assert area.contains(QRect(button.mapToGlobal(QPoint(0, 0)), button.size())), button.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    if cls is LockDialog:  # closed only by unlocking or by another operator signing in
        assert dialog.isVisible()
        dialog.done(0)
        return
    assert not dialog.isVisible(), "Esc does not close an untouched dialog"


EDITING = [cls for cls in FACTORIES if issubclass(cls, EditDialog)]


def _reachable(dialog: EditDialog, editor) -> bool:
    return (
        editor.isEnabled()
        and editor.isVisibleTo(dialog)
        and not isinstance(editor.parentWidget(), QAbstractSpinBox | QComboBox | CustomerPicker)
    )


def _type_into(dialog: EditDialog) -> None:
    """Type into the first free-text field the user can reach, else change a number, a date
    or a choice."""
    children = dialog.content.findChildren
    for editor in children(QPlainTextEdit):
        if _reachable(dialog, editor) and not editor.isReadOnly():
            editor.setPlainText(editor.toPlainText() + "客户说包装破损")
            return
    for editor in children(QLineEdit):
        if _reachable(dialog, editor) and not editor.isReadOnly():
            editor.setText(editor.text() + "包装破损")
            return
    for spin in children(QAbstractSpinBox):
        if _reachable(dialog, spin):
            before = spin.text()
            spin.stepUp()
            if spin.text() == before:  # at its maximum
                spin.stepDown()
            return
    raise AssertionError(f"nothing to type into in {type(dialog).__name__}")


@pytest.mark.parametrize("how", ["esc", "close", "cancel"])
@pytest.mark.parametrize("cls", EDITING, ids=lambda cls: cls.__name__)
def test_typed_text_is_not_dropped_without_asking(qtbot, monkeypatch, store, cls, how):
    asked: list[str] = []

    def question(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(edit_dialog.QMessageBox, "question", question)
    dialog = _open(qtbot, FACTORIES[cls], store)
    assert isinstance(dialog, EditDialog)
    if not dialog.can_save():
        pytest.skip("nothing can be typed by someone who may not save")
    _type_into(dialog)
    typed = dialog.current_input()
    if how == "esc":
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    elif how == "close":
        dialog.close()
    else:
        dialog.cancel_button.click()
    assert len(asked) == 1 and "未保存的修改" in asked[0]
    assert dialog.isVisible() and dialog.current_input() == typed
    dialog.mark_clean()  # let the teardown close it


# The dialogs of this area: they read and save only through the operations helper.
THROUGH_OPERATIONS = [
    cls for cls in FACTORIES if issubclass(cls, EditDialog) or cls.__name__ in (
        "ComplaintDialog", "SalesImportDialog", "ImportDialog", "DuplicatesDialog",
        "ServiceRequestDetailDialog", "ProductsDialog", "FeedbackListDialog")
]  # fmt: skip


@pytest.mark.parametrize("cls", THROUGH_OPERATIONS, ids=lambda cls: cls.__name__)
def test_no_store_work_on_the_gui_thread(qtbot, monkeypatch, store, cls):
    """Opening the dialog, and saving it where it can be saved, reads and writes the store
    on pool threads only."""
    on_gui_thread: list[str] = []
    gui = QCoreApplication.instance().thread()
    for name in ("reader", "session"):
        original = getattr(DeskContext, name)

        def guarded(self, *args, _original=original, _name=name, **kwargs):
            if QThread.currentThread() is gui:
                on_gui_thread.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(DeskContext, name, guarded)
    dialog = _open(qtbot, FACTORIES[cls], store)
    if isinstance(dialog, EditDialog) and dialog.can_save():
        dialog.save()
        qtbot.waitUntil(lambda: not dialog.saving, timeout=5000)
        wait_for_running()
    assert on_gui_thread == []
    if isinstance(dialog, EditDialog):
        dialog.mark_clean()
