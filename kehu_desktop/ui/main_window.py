"""The main window: the desk tabs, menus with the usual shortcuts, and the status bar.

The window owns the one ``Operations`` (and its ``StoreEvents``) every desk works through;
after any write the desks refresh themselves from ``ops.events.changed``, so nothing here
wires one desk to another.

It also looks after the store: the automatic backup on the first start of a day and at exit,
a notice when backups are stale or their folder unreachable, the year-end notice when next
year's 调休 days are unconfirmed, and 文件 → 恢复备份…, after which the app reopens the window
on the restored data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehu_desktop import __version__
from kehu_desktop.demo import removal
from kehu_desktop.forms import render_process
from kehu_desktop.services.common import backup, batches, record_counts, restore, working_days
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.customers import customer_files
from kehu_desktop.services.imports import commit
from kehu_desktop.ui.admin.audit_dialog import AuditDialog
from kehu_desktop.ui.admin.backup_settings_dialog import BackupSettingsDialog
from kehu_desktop.ui.admin.lock_dialog import LockDialog
from kehu_desktop.ui.admin.password_dialog import ChangePasswordDialog
from kehu_desktop.ui.admin.restore_dialog import RestoreDialog
from kehu_desktop.ui.admin.staff_dialog import StaffDialog
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.notice_bar import NoticeBar
from kehu_desktop.ui.common.operations import (
    Operations,
    Progress,
    StoreEvents,
    started_once_built,
    wait_for_running,
)
from kehu_desktop.ui.common.screen import after_first_paint, fit_when_shown, is_small_screen
from kehu_desktop.ui.complaints.complaint_settings_dialog import ComplaintSettingsDialog
from kehu_desktop.ui.complaints.complaints_tab import ComplaintsTab
from kehu_desktop.ui.customers.customers_tab import CustomersTab
from kehu_desktop.ui.key_accounts.key_account_settings_dialog import KeyAccountSettingsDialog
from kehu_desktop.ui.key_accounts.key_accounts_tab import KeyAccountsTab
from kehu_desktop.ui.service_desk.service_settings_dialog import ServiceSettingsDialog
from kehu_desktop.ui.service_desk.service_tab import ServiceTab
from kehu_desktop.ui.today_tab import TodayTab
from kehu_desktop.ui.visits.visit_frequency_dialog import VisitFrequencyDialog
from kehu_desktop.ui.visits.visits_tab import VisitsTab

if TYPE_CHECKING:
    from kehu_desktop.ui.admin.database_dialog import DatabaseDialog
    from kehu_desktop.ui.customers.duplicates_dialog import DuplicatesDialog
    from kehu_desktop.ui.imports.import_dialog import ImportDialog
    from kehu_desktop.ui.key_accounts.sales_import_dialog import SalesImportDialog
    from kehu_desktop.ui.printing.print_dialog import PrintDialog

log = logging.getLogger(__name__)


# The status bar's counts are read at most this often while the desks reload.
STATUS_DELAY_MS = 100
RENDER_PROCESS_DELAY_MS = 2000


@dataclass(frozen=True)
class DeskSpec:
    """A desk of the main window: the attribute that holds it, its class, its tab title, the
    objectName of its 查看 action, and what Ctrl+P prints there (the form, and the kind of
    record selected)."""

    name: str
    desk_class: type[QWidget]
    title: str
    action: str
    form: str
    record_kind: str | None


# In tab order; 今日 follows the record desks, and prints the visit form to take along to
# today's (or tomorrow's) planned visits.
DESKS = (
    DeskSpec("customers_tab", CustomersTab, "客户档案", "actionShowCustomers",
             "customer_card", "customer"),
    DeskSpec("visits_tab", VisitsTab, "拜访记录", "actionShowVisits", "visit_record", "visit"),
    DeskSpec("complaints_tab", ComplaintsTab, "客户投诉", "actionShowComplaints",
             "complaint_register", "complaint"),
    DeskSpec("key_accounts_tab", KeyAccountsTab, "大客户", "actionShowKeyAccounts",
             "key_account_card", "key_account"),
    DeskSpec("today_tab", TodayTab, "今日", "actionShowToday", "visit_record", None),
    DeskSpec("service_tab", ServiceTab, "售后服务", "actionShowService",
             "service_register", "service_request"),
)  # fmt: skip
DESK_TITLES = tuple(desk.title for desk in DESKS)


class _Desk:
    """A desk of the main window (``window.customers_tab``), built on first use."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, window: MainWindow | None, owner: type | None = None):
        if window is None:
            return self
        return window._desk(self.name)


class DeskTabs(QTabWidget):
    """The desks' tabs, with a fixed size hint. Qt's tab widget asks every desk for its size
    hint (their tables, headers and fields) each time the window lays itself out again, as it
    does whenever a list shows new rows: a quarter of the work of showing 今日's sections after
    signing in went there. The window is sized to the screen, not to its desks. (The minimum
    size still comes from the desks, so none is squeezed.)"""

    HINT = QSize(1200, 620)

    def sizeHint(self) -> QSize:
        return self.HINT


class MainWindow(QMainWindow):
    """The signed-in window. ``ops`` is the store access every desk and dialog shares.

    Signals: ``switch_user_requested()`` — 切换用户 was chosen; the app signs someone in
    and replaces this window with theirs. ``restored(RestoreResult)`` — a backup was restored;
    the app opens a window on the restored data in place of this one. ``ready()`` — once, when
    the desk the window opens on shows its first rows: the time for work that should not delay
    them (the day's backup, a password rehash).

    ``auto_backup``: back the store up on the first start of a day (``start_store_duties``)
    and at exit; the real app sets it, tests and scripts leave it off.

    ``desks_later``: build only 今日 with the window, and each other desk in a turn of its own
    once 今日 shows its first rows (or as soon as it is used): signing in then does not hold
    the window still for the whole build. The real app sets it; without it (tests, scripts
    with no event loop) every desk is there when the constructor returns.
    """

    customers_tab = _Desk()
    visits_tab = _Desk()
    complaints_tab = _Desk()
    key_accounts_tab = _Desk()
    today_tab = _Desk()
    service_tab = _Desk()

    switch_user_requested = Signal()
    restored = Signal(object)
    ready = Signal()

    def __init__(
        self,
        context: DeskContext,
        layout: LayoutMemory,
        *,
        auto_backup: bool = False,
        desks_later: bool = False,
    ) -> None:
        super().__init__()
        with started_once_built():
            self._build(context, layout, auto_backup, desks_later)

    def _build(
        self, context: DeskContext, layout: LayoutMemory, auto_backup: bool, desks_later: bool
    ) -> None:
        self.setObjectName("mainWindow")
        self._context = context
        self._layout_memory = layout
        self.auto_backup = auto_backup
        self.locked = False  # 锁定: the desks hidden until a password is given
        self._closed = False
        self.ops = Operations(context, StoreEvents(self))
        operator = context.operator
        self.setWindowTitle(f"客户管家 — {operator.name}（{operator.role}）")

        self._built: dict[str, QWidget] = {}  # the desks built so far, by attribute
        self._status_timer = QTimer(self, singleShot=True, interval=STATUS_DELAY_MS)
        self._status_timer.timeout.connect(self._update_status)
        self._ready = False
        self.tabs = DeskTabs(objectName="mainTabs")
        for spec in DESKS:
            self.tabs.addTab(QWidget(), spec.title)  # in place of the desk until it is built
        # 今日 is what the window opens on (on a store with customers). Its rows are read once
        # the window is built, and in the app once it has been painted: a worker reading them
        # meanwhile would hold Python's lock each time building, showing or painting the
        # window calls into Python (headers, models, filters), and the sign-in would stall.
        self.tabs.setCurrentWidget(self.today_tab)
        # A desk not built yet is built as it comes on screen (before the others hear of it).
        self.tabs.currentChanged.connect(lambda index: self._desk(DESKS[index].name))
        if desks_later:
            after_first_paint(self.today_tab, self._first_load)
        else:
            QTimer.singleShot(0, self, self._first_load)
            self._build_desks()
        self.backup_notice = NoticeBar("backupNotice")
        self.calendar_notice = NoticeBar("calendarNotice")
        central = QWidget(objectName="centralArea")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.backup_notice)
        column.addWidget(self.calendar_notice)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._counts_label = QLabel(objectName="statusCounts")
        self._operator_label = QLabel(f"操作员：{operator.name}（{operator.role}）")
        self._location_label = QLabel(
            f"数据：{context.database.location}", objectName="statusLocation"
        )
        for label in (self._counts_label, self._operator_label, self._location_label):
            self.statusBar().addPermanentWidget(label)
        if not layout.restore_geometry("main_window", self):
            self.resize(1200, 760)
            if is_small_screen(self):
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        fit_when_shown(self)
        self._open_first_desk()

    def _open_first_desk(self) -> None:
        """今日 on a store with customers; on a new store the customer list (which offers demo
        data)."""

        def chosen(any_customer: bool) -> None:
            # Only while 今日 is still the desk on screen: never take the user off a desk
            # they went to while the question was out.
            if (
                not any_customer
                and self.tabs.currentWidget() is self.today_tab
                and not self._closed
            ):
                self.tabs.setCurrentWidget(self.customers_tab)

        self.ops.query(self, customer_files.any_customer, chosen, title="无法读取数据")

    def _desk(self, name: str) -> QWidget:
        """The desk ``name`` (an attribute in DESKS), built now if it was not yet."""
        desk = self._built.get(name)
        if desk is not None:
            return desk
        index = next(i for i, spec in enumerate(DESKS) if spec.name == name)
        desk = self._built[name] = DESKS[index].desk_class(self.ops, self._layout_memory)
        desk.loaded.connect(lambda _n: self._status_timer.start())
        getattr(desk, "rows_shown", desk.loaded).connect(lambda _n: self._first_rows_shown())
        if name == "today_tab":
            desk.service_request_opened.connect(self.open_service_request)
            desk.loaded.connect(self._show_today_count)
        if name == "customers_tab":
            # a number typed, or scanned from a printed form's QR code, opens what it names
            desk.search.returnPressed.connect(lambda: self.open_printed_number(desk.search.text()))
            desk.demo_requested.connect(self.load_demo)
        # In the stand-in's place. Put in before the stand-in is taken out, so that no other
        # desk comes on screen meanwhile (it would load its rows for nothing).
        stand_in = self.tabs.widget(index)
        was_current = self.tabs.currentIndex() == index
        blocked = self.tabs.blockSignals(True)
        self.tabs.insertTab(index, desk, DESKS[index].title)
        if was_current:
            self.tabs.setCurrentIndex(index)
        self.tabs.removeTab(index + 1)
        self.tabs.blockSignals(blocked)
        stand_in.deleteLater()
        if name != "today_tab":  # read once the window is built (_first_load)
            desk.reload_when_shown.request()  # now if on screen, else when first shown
        return desk

    def _build_desks(self) -> None:
        for spec in DESKS:
            self._desk(spec.name)

    def _build_next_desk(self) -> None:
        """Build one desk not built yet, then come back in the next turn for the next."""
        waiting = [spec.name for spec in DESKS if spec.name not in self._built]
        if waiting and not self._closed:
            self._desk(waiting[0])
            QTimer.singleShot(0, self, self._build_next_desk)

    def _first_rows_shown(self) -> None:
        if not self._ready:
            self._ready = True
            # after the rows are painted: the other desks, a turn each
            QTimer.singleShot(0, self, self._build_next_desk)
            self.ready.emit()
            # The form-rendering process starts while the user looks at the first rows, so
            # that it is up before the first preview of many forms is asked for.
            QTimer.singleShot(RENDER_PROCESS_DELAY_MS, self, render_process.warm)

    def _tabs(self) -> list:
        """The desks built so far (the others have nothing to reload or save yet)."""
        return list(self._built.values())

    def _action(self, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        file_menu.setObjectName("menuFile")
        self.new_action = self._action(
            file_menu, "新建(&N)", self.new_record, QKeySequence.StandardKey.New, "actionNew"
        )
        self.print_action = self._action(
            file_menu,
            "打印表单(&P)…",
            self.print_current,
            QKeySequence.StandardKey.Print,
            "actionPrint",
        )
        self._action(file_menu, "导出 Excel(&E)…", self.export_current, "Ctrl+E", "actionExport")
        self._action(file_menu, "导入 Excel（客户/拜访/投诉/售后/大客户）(&M)…",
                     self.import_records, None, "actionImport")  # fmt: skip
        self._action(file_menu, "导入销售数据(&I)…", self.import_sales, None, "actionImportSales")
        self._action(
            file_menu, "重新计算 ABC 分类(&C)", lambda: self.key_accounts_tab.recompute_abc(), None,
            "actionRecomputeAbc",
        )  # fmt: skip
        file_menu.addSeparator()
        self._action(file_menu, "备份数据库(&B)", self.backup, None, "actionBackup")
        self._action(file_menu, "恢复备份(&R)…", self.restore_backup, None, "actionRestore")
        file_menu.addSeparator()
        self._action(file_menu, "修改密码(&W)…", self.change_password, None, "actionChangePassword")
        self._action(file_menu, "锁定(&L)", self.lock, "Ctrl+L", "actionLock")
        self._action(
            file_menu, "切换用户(&U)…", self.switch_user_requested.emit, None, "actionSwitchUser"
        )
        file_menu.addSeparator()
        self._action(file_menu, "退出(&X)", self.close, QKeySequence.StandardKey.Quit, "actionQuit")
        edit_menu = bar.addMenu("编辑(&E)")
        edit_menu.setObjectName("menuEdit")
        self._action(
            edit_menu,
            "查找客户(&F)",
            self.focus_search,
            QKeySequence.StandardKey.Find,
            "actionFind",
        )
        view_menu = bar.addMenu("查看(&V)")
        view_menu.setObjectName("menuView")
        self._action(
            view_menu, "刷新(&R)", self.refresh, QKeySequence.StandardKey.Refresh, "actionRefresh"
        )
        for index, spec in enumerate(DESKS):
            self._action(
                view_menu,
                f"{spec.title}(&{index + 1})",
                lambda _c=False, i=index: self.tabs.setCurrentIndex(i),
                f"Ctrl+{index + 1}",
                spec.action,
            )
        self._action(
            view_menu, "客户投诉统计报表(&T)…", lambda: self.complaints_tab.show_report(), None,
            "actionComplaintReport",
        )  # fmt: skip
        self._action(
            view_menu, "售后服务报告(&W)…", lambda: self.service_tab.show_report(), None,
            "actionServiceReport",
        )  # fmt: skip
        # Each desk adds the dialog for its own business settings here.
        self.settings_menu = bar.addMenu("设置(&S)")
        self.settings_menu.setObjectName("menuSettings")
        self._action(
            self.settings_menu, "ABC 分类与信用评分(&A)…", self.key_account_settings, None,
            "actionKeyAccountSettings",
        )  # fmt: skip
        self._action(
            self.settings_menu, "投诉期限与节假日(&H)…",
            lambda: ComplaintSettingsDialog(self.ops, self).exec(), None,
            "actionComplaintSettings",
        )  # fmt: skip
        self._action(
            self.settings_menu, "售后服务期限(&W)…", self.service_settings, None,
            "actionServiceSettings",
        )  # fmt: skip
        self._action(
            self.settings_menu, "公司与表单设置(&F)…",
            self.form_settings, None, "actionFormSettings",
        )  # fmt: skip
        self._action(
            self.settings_menu, "拜访频率(&V)…", self.edit_visit_frequencies, None,
            "actionVisitFrequency",
        )  # fmt: skip
        backup_settings = self._action(
            self.settings_menu, "备份设置(&B)…", self.backup_settings, None,
            "actionBackupSettings",
        )  # fmt: skip
        backup_settings.setEnabled(self._context.operator.is_admin)
        self.settings_menu.addSeparator()
        database_action = self._action(
            self.settings_menu, "数据库…", self.database_settings, None, "actionDatabase"
        )
        database_action.setEnabled(self._context.operator.is_admin)
        admin_menu = bar.addMenu("管理(&A)")
        admin_menu.setObjectName("menuAdmin")
        for text, slot, name in (
            ("操作员管理(&O)…", self.manage_staff, "actionStaff"),
            ("审计日志(&L)…", self.show_audit, "actionAudit"),
            ("载入演示数据(&D)", self.load_demo, "actionDemo"),
            ("删除演示数据(&R)", self.remove_demo, "actionRemoveDemo"),
            ("撤销本次导入(&U)", self.undo_import, "actionUndoImport"),
        ):
            action = self._action(admin_menu, text, slot, None, name)
            # Offered to administrators only (the services refuse anyone else as well).
            action.setEnabled(self._context.operator.is_admin)
        self._action(
            admin_menu, "客户查重与合并(&M)…", self.find_duplicates, None, "actionDuplicates"
        )
        help_menu = bar.addMenu("帮助(&H)")
        help_menu.setObjectName("menuHelp")
        self._action(help_menu, "关于客户管家(&A)", self.about, None, "actionAbout")
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        self._update_actions()

    def _update_actions(self) -> None:
        tab = self.tabs.currentWidget()
        self.new_action.setEnabled(hasattr(tab, "new_record"))

    # --- actions -------------------------------------------------------------------------

    def new_record(self) -> None:
        tab = self.tabs.currentWidget()
        if hasattr(tab, "new_record"):
            tab.new_record()

    def form_settings(self) -> None:
        from kehu_desktop.ui.printing.form_settings_dialog import FormSettingsDialog

        FormSettingsDialog(self.ops, self).exec()

    def open_printed_number(self, text: str) -> None:
        """Open the record a printed form's number names (TS-2026-0027, FW-000123, MY-000012,
        DK-KH000123 …); other text is left to the customer search."""
        if "-" not in text.strip():
            return
        from kehu_desktop.forms.sources.records import record_to_open

        def opened(found: tuple[str, int] | None) -> None:
            if found is None:
                return
            kind, record_id = found
            if kind == "complaint":
                self.tabs.setCurrentWidget(self.complaints_tab)
                self.complaints_tab.open_complaint(record_id)
            elif kind == "visit":
                self.tabs.setCurrentWidget(self.visits_tab)
                self.visits_tab.open_visit(visit_id=record_id)
            elif kind == "key_account":
                self.tabs.setCurrentWidget(self.key_accounts_tab)
                self.key_accounts_tab.open_card(record_id)
            elif kind == "service_request":
                self.open_service_request(record_id)
            else:
                self.customers_tab.open_customer(record_id)

        self.ops.query(self, lambda session: record_to_open(session, text), opened)

    def print_current(self) -> PrintDialog:
        """Ctrl+P: the print dialog, with this desk's form and selected record preselected."""
        spec = DESKS[self.tabs.currentIndex()]
        tab = self._desk(spec.name)  # the desk on screen (built, as it is shown)
        form, kind = spec.form, spec.record_kind
        record_id = tab.current_id() if kind and hasattr(tab, "current_id") else None
        record = (kind, record_id) if record_id is not None else None
        # Loaded on first use: the forms bring ReportLab and openpyxl, not needed at start-up.
        from kehu_desktop.ui.printing.print_dialog import PrintDialog

        self.print_dialog = PrintDialog(self.ops, self._layout_memory, self, form, record)
        self.print_dialog.open()
        return self.print_dialog

    def export_current(self) -> None:
        tab = self.tabs.currentWidget()
        if hasattr(tab, "export_xlsx"):
            tab.export_xlsx()
        else:
            self.tabs.setCurrentWidget(self.customers_tab)
            self.customers_tab.export_xlsx()

    def _show_today_count(self, count: int) -> None:
        self.tabs.setTabText(self.tabs.indexOf(self.today_tab), f"今日 ({count:,})")

    def open_service_request(self, request_id: int):
        self.tabs.setCurrentWidget(self.service_tab)
        return self.service_tab.open_request(request_id)

    def service_settings(self) -> ServiceSettingsDialog:
        dialog = ServiceSettingsDialog(self.ops, self)
        dialog.open()
        return dialog

    def edit_visit_frequencies(self) -> VisitFrequencyDialog:
        dialog = VisitFrequencyDialog(self.ops, self)
        dialog.open()
        return dialog

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.customers_tab)
        self.customers_tab.focus_search()

    def refresh(self) -> None:
        """Reload the desk on screen now, and each of the others when it is next shown: no
        queries (nor GUI time to show them) for lists nobody is looking at."""
        for tab in self._tabs():
            tab.reload_when_shown.request()

    def _first_load(self) -> None:
        if not self._closed:
            self.today_tab.reload()

    def _update_status(self) -> None:
        if self._closed:
            return
        self.ops.query(
            self,
            record_counts.count_records,
            lambda counts: self._counts_label.setText(counts.describe()),
            title="无法读取数据",
        )

    # --- the store: backups, restore, notices ---------------------------------------------

    @property
    def schema_revision(self) -> str | None:
        """For bug reports."""
        return self._context.database.current_revision()

    def backup(self) -> None:
        """文件 → 备份数据库: a verified backup to the chosen folder, off the GUI thread."""
        database = self._context.database

        def done(info: backup.BackupInfo) -> None:
            QMessageBox.information(self, "备份完成", f"{info.headline()}\n\n{info.describe()}")
            self.check_store_health()

        def work(_progress: Progress) -> backup.BackupInfo:
            return backup.back_up(database, "manual")

        self.ops.run(
            self, work, done, title="备份数据库", progress_label="正在备份并验证…",
        )  # fmt: skip

    def backup_settings(self) -> BackupSettingsDialog | None:
        if not self._context.operator.is_admin:
            QMessageBox.warning(self, "权限不足", "只有管理员可以修改备份设置。")
            return None
        default = backup.default_folder(self._context.database)
        dialog = BackupSettingsDialog(self.ops, self._layout_memory, str(default), self)
        dialog.saved.connect(lambda _r: self.check_store_health())
        dialog.open()
        return dialog

    def start_store_duties(self) -> None:
        """After the window is shown: today's first automatic backup, then the notices."""
        database = self._context.database
        if not self.auto_backup or database.file_path is None:
            self.check_store_health()
            return

        def work(_progress: Progress) -> None:
            settings = backup.settings_of(database)
            if not backup.made_today(settings.folder):
                backup.back_up(database, "auto")

        def failed(error: Exception) -> None:
            log.warning("automatic backup failed: %s", error)
            self.check_store_health()

        self.ops.run(self, work, lambda _r: self.check_store_health(), failure=failed)

    def check_store_health(self, today: date | None = None) -> None:
        """Show the backup notice (stale, or folder unreachable) and the year-end calendar
        notice; the folder is looked at off the GUI thread (a network share may be slow)."""
        database = self._context.database
        today = today or date.today()

        def work(_progress: Progress) -> tuple[str | None, int | None]:
            warning = None
            if database.file_path is not None:
                settings = backup.settings_of(database)
                warning = backup.status(settings.folder, settings.stale_days).warning
            with database.reader() as session:
                review = working_days.load_calendar(session).review_due(today)
            return warning, review

        self.ops.run(self, work, self._show_health)

    def _show_health(self, health: tuple[str | None, int | None]) -> None:
        warning, review_year = health
        if warning:
            self.backup_notice.show_notice(warning, "立即备份", self.backup)
        else:
            self.backup_notice.hide()
        if review_year is None:
            self.calendar_notice.hide()
            return
        text = (
            f"{review_year} 年的调休安排尚未确认：{review_year} 年到期的投诉期限按推算计算，"
            "显示为“暂定”。国务院办公厅通知发布后请核对。"
        )
        if self._context.operator.is_supervisor:
            self.calendar_notice.show_notice(text, "核对节假日…", self.review_calendar)
        else:
            self.calendar_notice.show_notice(text + "（请主管核对）")

    def review_calendar(self) -> ComplaintSettingsDialog:
        dialog = ComplaintSettingsDialog(self.ops, self)
        dialog.saved.connect(lambda _r: self.check_store_health())
        dialog.saved.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    def restore_backup(self) -> RestoreDialog | None:
        """文件 → 恢复备份…: choose, confirm, restore, and reopen on the restored data."""
        if not self._context.operator.is_admin:
            QMessageBox.warning(self, "权限不足", "只有管理员可以恢复备份。")
            return None
        database = self._context.database
        if database.file_path is None:
            QMessageBox.information(
                self, "恢复备份", "PostgreSQL 数据库请用数据库服务器的工具（pg_restore）恢复。"
            )
            return None
        settings = backup.settings_of(database)
        try:
            found = backup.list_backups(settings.folder) if settings.folder.is_dir() else []
        except OSError:
            found = []
        dialog = RestoreDialog(settings.folder, found, self)
        dialog.accepted.connect(
            lambda: self._restore(dialog.chosen, dialog.password.text(), settings)
        )
        dialog.open()
        return dialog

    def _restore(
        self, chosen: backup.BackupInfo, password: str, settings: backup.BackupSettings
    ) -> None:
        # Nothing of this window may hold the store while it is replaced.
        wait_for_running()
        database = self._context.database
        database.dispose()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = restore.restore(
                database.data_dir or database.file_path.parent,
                chosen.path,
                password,
                safety_folder=settings.folder,
                safety_password=settings.password,
                username=self._context.operator.username,
            )
        except Exception as error:
            QApplication.restoreOverrideCursor()
            show_error(self, "恢复备份", error)
            return
        QApplication.restoreOverrideCursor()
        self._reopen(result)

    def _reopen(self, result: restore.RestoreResult) -> None:
        if result.operator is not None:
            self.restored.emit(result)
            return
        result.database.dispose()
        QMessageBox.information(
            self,
            "恢复完成",
            f"{result.describe()}\n恢复的数据中没有您的账号"
            f"（{self._context.operator.username}），请重新启动客户管家并登录。",
        )
        self.auto_backup = False  # the old store is gone: nothing of this window to back up
        self.close()

    def _replaced(self) -> bool:
        """Whether another main window has taken this one's place (切换用户, 恢复备份)."""
        return any(
            isinstance(w, MainWindow) and w is not self and w.isVisible()
            for w in QApplication.topLevelWidgets()
        )

    def _back_up_at_exit(self) -> None:
        self.statusBar().showMessage("正在备份…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            backup.back_up(self._context.database, "auto")
        except Exception as error:
            log.warning("backup at exit failed: %s", error)
            QApplication.restoreOverrideCursor()
            show_error(self, "退出前的自动备份没有完成", error)
            return
        QApplication.restoreOverrideCursor()

    def database_settings(self) -> DatabaseDialog | None:
        """设置 → 数据库…: this PC's own file or the office server, from the next start."""
        if not self._context.operator.is_admin:
            QMessageBox.warning(self, "权限不足", "只有管理员可以更改本机使用的数据库。")
            return None
        from kehu_desktop.ui.admin.database_dialog import DatabaseDialog, saved_message

        database = self._context.database
        dialog = DatabaseDialog(
            self.ops, self._layout_memory, database.data_dir,
            database.location, self,
        )  # fmt: skip
        dialog.saved.connect(lambda result: self.statusBar().showMessage(saved_message(result)))
        dialog.open()
        return dialog

    def manage_staff(self) -> None:
        if not self._context.operator.is_admin:
            QMessageBox.warning(self, "权限不足", "只有管理员可以管理操作员。")
            return
        StaffDialog(self.ops, self).exec()

    def show_audit(self) -> None:
        if not self._context.operator.is_admin:
            QMessageBox.warning(self, "权限不足", "只有管理员可以查看审计日志。")
            return
        AuditDialog(self.ops, self._layout_memory, self).exec()

    def import_records(self, kind: str = "customers") -> ImportDialog:
        """导入 Excel: customers, visit history, the complaint ledger, the service requests or
        the key-account list."""
        from kehu_desktop.ui.imports.import_dialog import ImportDialog

        self.import_dialog = ImportDialog(self.ops, self._layout_memory, kind, self)
        self.import_dialog.open()
        return self.import_dialog

    def find_duplicates(self) -> DuplicatesDialog:
        from kehu_desktop.ui.customers.duplicates_dialog import DuplicatesDialog

        self.duplicates_dialog = DuplicatesDialog(self.ops, self._layout_memory, self)
        self.duplicates_dialog.open_requested.connect(self.customers_tab.open_customer)
        self.duplicates_dialog.open()
        return self.duplicates_dialog

    def undo_import(self) -> None:
        """撤销本次导入: the newest import, after saying what it was."""

        def confirm(last: batches.BatchRow | None) -> None:
            if last is None:
                QMessageBox.information(self, "撤销本次导入", "没有可以撤销的导入。")
                return
            answer = QMessageBox.question(
                self, "撤销本次导入", f"撤销这次导入吗？\n{last.describe()}"
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.ops.write(
                    self,
                    lambda session: batches.undo(session, last.id),
                    ("store",),
                    self._show_done,
                    title="无法撤销导入",
                )

        self.ops.query(
            self, lambda session: batches.last_batch(session, commit.BATCH_KINDS), confirm
        )

    def _show_done(self, message: str) -> None:
        """After a bulk change (the desks reload themselves on the change signal)."""
        self.statusBar().showMessage(message, 10000)

    def remove_demo(self) -> None:
        if not self._context.operator.is_admin:
            QMessageBox.warning(self, "权限不足", "只有管理员可以删除演示数据。")
            return
        answer = QMessageBox.question(
            self, "删除演示数据",
            "将删除载入的演示客户及其联系人、拜访、投诉、销售和大客户记录，并停用演示操作员。"
            "您自己录入的数据不受影响。要继续吗？",
        )  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.ops.write(
            self,
            removal.remove_demo,
            ("store",),
            lambda result: self._show_done(result.describe()),
            title="无法删除演示数据",
            progress_label="正在删除演示数据…",
        )

    def load_demo(self) -> None:
        # Loaded on first use: generating demo data is rare, and its modules are not small.
        from kehu_desktop.demo import loader

        if not self._context.operator.is_admin:
            QMessageBox.warning(self, "权限不足", "只有管理员可以载入演示数据。")
            return
        answer = QMessageBox.question(
            self,
            "载入演示数据",
            f"将新增 {loader.DEFAULT_CUSTOMERS} 位演示客户及其拜访、投诉和大客户记录，"
            f"并新建 {len(loader.STAFF)} 个演示操作员"
            f"（初始密码均为 {loader.DEMO_PASSWORD}，首次登录时须修改）。\n"
            "演示数据用于试用，请不要载入正式使用的数据库。要继续吗？",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database = self._context.database

        def done(summary: loader.DemoSummary) -> None:
            self.statusBar().showMessage(f"已载入演示数据：{summary.describe()}", 10000)

        self.ops.run(
            self,
            lambda progress: loader.load_demo(database, loader.DEFAULT_CUSTOMERS, progress),
            done,
            title="载入演示数据失败",
            progress_label="正在生成演示数据…",
            changes={"store"},
        )

    def import_sales(self) -> SalesImportDialog:
        from kehu_desktop.ui.key_accounts.sales_import_dialog import SalesImportDialog

        dialog = SalesImportDialog(self.ops, self)
        dialog.open()
        return dialog

    def key_account_settings(self) -> KeyAccountSettingsDialog | None:
        if not self._context.operator.is_supervisor:
            QMessageBox.warning(self, "权限不足", "只有主管或管理员可以修改这些设置。")
            return None
        dialog = KeyAccountSettingsDialog(self.ops, self)
        dialog.open()
        return dialog

    def about(self) -> None:
        QMessageBox.about(
            self,
            "关于客户管家",
            f"客户管家 {__version__}\n小型企业客服部的客户档案、拜访、投诉与大客户管理。\n"
            f"数据：{self._context.database.location}",
        )

    def change_password(self) -> ChangePasswordDialog:
        dialog = ChangePasswordDialog(self.ops, parent=self)
        dialog.open()
        return dialog

    def lock(self) -> LockDialog:
        """锁定: the desks are hidden until the operator's password is typed again, or someone
        else signs in (切换用户) over the window."""
        self.centralWidget().hide()
        self.locked = True
        dialog = LockDialog(self.ops, self)

        def unlocked() -> None:
            if dialog.switch_requested:
                # The desks stay hidden while someone else signs in; a switch given up locks
                # the window again (``switch_abandoned``).
                self.switch_user_requested.emit()
                return
            self.locked = False
            self.centralWidget().show()

        dialog.accepted.connect(unlocked)
        dialog.open()
        return dialog

    def switch_abandoned(self) -> None:
        """切换用户 was cancelled: a window that was locked is locked again."""
        if self.locked:
            self.lock()

    def closeEvent(self, event) -> None:
        self._closed = True  # reads nothing more: its store may be gone (a restore, a switch)
        self._status_timer.stop()
        self._layout_memory.save_geometry("main_window", self)
        for tab in self._tabs():
            tab.save_layout()
        self._layout_memory.sync()
        # Let queries still running finish, and hand their results over, while the widgets
        # waiting for them still exist.
        wait_for_running()
        replaced = self._replaced()
        if self.auto_backup and self._context.database.file_path and not replaced:
            self._back_up_at_exit()
        if not replaced:
            self._context.database.dispose()  # the last window: every save into the file
        super().closeEvent(event)
