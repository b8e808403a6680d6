"""Regenerate the README's screenshots from a fresh demo store.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--out docs/screenshots]

Each ``shot_*`` function below drives the real window to one screen and returns the widget
to grab; add one per screen worth showing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QDeadlineTimer, QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kehu_desktop.app import create_main_window  # noqa: E402
from kehu_desktop.cli import main as admin  # noqa: E402
from kehu_desktop.ui.main_window import MainWindow  # noqa: E402


def settle() -> None:
    """Let background queries finish and their results reach the widgets."""
    app = QApplication.instance()
    for _ in range(5):
        QThreadPool.globalInstance().waitForDone(QDeadlineTimer(5000))
        app.processEvents()


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
    dialog = window.findChild(QWidget, "customerDialog")
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


def shot_complaints(window: MainWindow) -> QWidget:
    window.tabs.setCurrentWidget(window.complaints_tab)
    settle()
    return window


def shot_key_accounts(window: MainWindow) -> QWidget:
    window.tabs.setCurrentWidget(window.key_accounts_tab)
    settle()
    return window


SHOTS: list[tuple[str, Callable[[MainWindow], object]]] = [
    ("customers", shot_customers),
    ("customer-search", shot_customer_search),
    ("customer-dialog", shot_customer_dialog),
    ("customer-contacts", shot_customer_contacts),
    ("visits", shot_visits),
    ("complaints", shot_complaints),
    ("key-accounts", shot_key_accounts),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--customers", type=int, default=300)
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
        target = shot(window)
        image = target if not isinstance(target, QWidget) else target.grab()
        image.save(str(out / f"{name}.png"))
        print(out / f"{name}.png")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
