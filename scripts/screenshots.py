"""Regenerate the README's screenshots from a fresh demo store.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--out docs/screenshots]

Each ``shot_*`` function below drives the real window to one screen and returns the widget
to grab; add one per screen worth showing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def offscreen_platform(width: int, height: int) -> str:
    """The offscreen platform with one screen of ``width``×``height`` (its default screen is
    800×800, to which the window would shrink)."""
    screen = {"name": f"{width}x{height}", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
    config = Path(tempfile.mkdtemp(prefix="kehu-screen-")) / "screen.json"
    config.write_text(json.dumps({"screens": [screen]}))
    return f"offscreen:configfile={config}"


if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = offscreen_platform(1920, 1040)

from PySide6.QtCore import QDeadlineTimer, QThread, QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kehu_desktop.app import create_main_window  # noqa: E402
from kehu_desktop.cli import main as admin  # noqa: E402
from kehu_desktop.ui.main_window import STATUS_DELAY_MS, MainWindow  # noqa: E402


def settle() -> None:
    """Let background queries finish and their results reach the widgets: each finished load
    may start the next desk's, and the status bar's counts wait a moment for the last."""
    app = QApplication.instance()
    pool = QThreadPool.globalInstance()
    quiet = 0
    while quiet < 3:
        busy = pool.activeThreadCount() > 0
        pool.waitForDone(QDeadlineTimer(5000))
        app.processEvents()
        QThread.msleep(STATUS_DELAY_MS // 2)
        app.processEvents()
        quiet = 0 if busy else quiet + 1


def shot_customers(window: MainWindow) -> QWidget:
    window.tabs.setCurrentWidget(window.customers_tab)
    settle()
    return window


def shot_customer_search(window: MainWindow) -> QWidget:
    window.customers_tab.search.setText("华")
    window.customers_tab.reload()
    settle()
    return window


def shot_customer_dialog(window: MainWindow) -> QWidget:
    window.customers_tab.search.setText("")
    window.customers_tab.reload()
    settle()
    dialog = window.customers_tab.open_customer(window.customers_tab.current_id())
    settle()
    return dialog


def shot_customer_contacts(window: MainWindow) -> QWidget:
    dialog = window.findChild(QWidget, "CustomerDialog")
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    for index in range(dialog.tabs.count()):
        if dialog.tabs.tabText(index) == "联系人":
            dialog.tabs.setCurrentIndex(index)
    settle()
    shot = dialog.grab()
    dialog.done(0)
    return shot


def shot_visits(window: MainWindow) -> QWidget:
    window.tabs.setCurrentWidget(window.visits_tab)
    settle()
    return window


def shot_today(window: MainWindow) -> QWidget:
    window.tabs.setCurrentWidget(window.today_tab)
    window.today_tab.reload()
    settle()
    return window


def shot_visit_dialog(window: MainWindow) -> object:
    window.tabs.setCurrentWidget(window.visits_tab)
    settle()
    dialog = window.visits_tab.open_current()
    settle()
    shot = dialog.grab()
    dialog.done(0)
    return shot


def shot_visit_plans(window: MainWindow) -> QWidget:
    window.visits_tab.pages.setCurrentIndex(1)
    window.visits_tab.reload_plans()
    settle()
    shot = window.grab()
    window.visits_tab.pages.setCurrentIndex(0)
    return shot


def shot_complaints(window: MainWindow) -> QWidget:
    window.tabs.setCurrentWidget(window.complaints_tab)
    settle()
    return window


def shot_complaint_dialog(window: MainWindow) -> object:
    """A closed complaint that was handed over: the record beside its whole timeline."""
    tab = window.complaints_tab
    rows = tab.model.rows()
    closed = [r for r in rows if r.status == "结案" and r.handler != r.first_responsible]
    dialog = tab.open_complaint((closed or rows)[0].id)
    dialog.sections.setCurrentIndex(1)
    settle()
    shot = dialog.grab()
    dialog.done(0)
    return shot


def shot_complaint_report(window: MainWindow) -> object:
    report = window.complaints_tab.show_report()
    settle()
    shot = report.grab()
    report.done(0)
    return shot


def shot_key_accounts(window: MainWindow) -> QWidget:
    window.tabs.setCurrentWidget(window.key_accounts_tab)
    settle()
    return window


def shot_key_account_card(window: MainWindow) -> QWidget:
    """A key account's card on its first page."""
    tab = window.key_accounts_tab
    rows = tab.model.rows()

    # A long-standing account with a credit warning, and overdue countermeasures if any.
    def interest(i: int) -> tuple:
        row = rows[i]
        return (not row.credit.over_limit, not row.overdue_measures, row.designated_on)

    order = sorted(range(len(rows)), key=interest)
    tab.table.selectRow(order[0] if order else 0)
    card = tab.open_current()
    card.resize(920, 660)
    settle()
    return card


def _card_page(window: MainWindow, index: int) -> object:
    card = window.findChild(QWidget, "KeyAccountCardDialog")
    card.tabs.setCurrentIndex(index)
    settle()
    return card.grab()


def shot_key_account_countermeasures(window: MainWindow) -> object:
    return _card_page(window, 1)


def shot_key_account_surveys(window: MainWindow) -> object:
    shot = _card_page(window, 3)
    window.findChild(QWidget, "KeyAccountCardDialog").done(0)
    settle()
    return shot


def shot_key_account_proposal(window: MainWindow) -> QWidget:
    tab = window.key_accounts_tab
    tab.proposals_table.selectRow(0)
    dialog = tab.decide(approve=True)
    settle()
    return dialog


def shot_print_preview(window: MainWindow) -> object:
    """Ctrl+P on the customers tab: the selected customer's 客户资料卡 in the print preview."""
    from kehu_desktop.services.common.settings import FIRM_NAME

    with window._context.session() as session:
        FIRM_NAME.put(session, FIRM_NAME.get(session) or "东莞市华达精密五金有限公司")
    window.tabs.setCurrentWidget(window.customers_tab)
    window.customers_tab.table.selectRow(0)
    dialog = window.print_current()
    dialog.resize(1180, 800)
    settle()
    shot = dialog.grab()
    dialog.reject()
    return shot


def shot_database_dialog(window: MainWindow) -> object:
    dialog = window.database_settings()
    dialog.server_choice.setChecked(True)
    dialog.host.setText("192.168.1.20")
    dialog.database.setText("kehu")
    dialog.username.setText("kefu")
    dialog.password.setText("secret")
    dialog.test_result.setText("连接成功：PostgreSQL 15.18")
    dialog.resize(560, dialog.sizeHint().height())
    settle()
    shot = dialog.grab()
    dialog.mark_clean()
    dialog.reject()
    return shot


SHOTS: list[tuple[str, Callable[[MainWindow], object]]] = [
    ("customers", shot_customers),
    ("customer-search", shot_customer_search),
    ("customer-dialog", shot_customer_dialog),
    ("customer-contacts", shot_customer_contacts),
    ("today", shot_today),
    ("visits", shot_visits),
    ("visit-dialog", shot_visit_dialog),
    ("visit-plans", shot_visit_plans),
    ("complaints", shot_complaints),
    ("complaint-dialog", shot_complaint_dialog),
    ("complaint-report", shot_complaint_report),
    ("key-accounts", shot_key_accounts),
    ("key-account-card", shot_key_account_card),
    ("key-account-countermeasures", shot_key_account_countermeasures),
    ("key-account-surveys", shot_key_account_surveys),
    ("key-account-proposal", shot_key_account_proposal),
    ("print-preview", shot_print_preview),
    ("database-dialog", shot_database_dialog),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--only", nargs="*", help="just these screens, e.g. database-dialog")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="kehu-shots-"))
    admin(["--data-dir", str(data_dir), "demo", "--customers", str(args.customers)])
    window = create_main_window(data_dir)
    window.resize(1280, 800)
    window.show()
    settle()
    for name, shot in SHOTS:
        if args.only and name not in args.only:
            continue
        target = shot(window)
        image = target if not isinstance(target, QWidget) else target.grab()
        image.save(str(out / f"{name}.png"))
        print(out / f"{name}.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
