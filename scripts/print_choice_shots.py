"""Screenshots of printing a chosen survey: the key-account card's survey list with its
打印/预览 button, and the print dialog picking one of the account's surveys.

    QT_QPA_PLATFORM=offscreen python scripts/print_choice_shots.py [--out /tmp/print-choice]

Writes card-surveys.png and print-dialog-choice.png.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QApplication

from kehu_desktop.forms.specimen import add_specimens
from kehu_desktop.models import SatisfactionSurvey, SurveyItemScore
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.database import open_database
from kehu_desktop.ui.common.fonts import install_chinese_font
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.key_accounts.key_account_card import KeyAccountCardDialog
from kehu_desktop.ui.printing.print_dialog import PrintDialog


def _settle(app: QApplication, done: Callable[[], bool]) -> None:
    """Run the event loop until ``done`` (reads and renders finish on pool threads)."""
    deadline = time.monotonic() + 30
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "print-choice"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    install_chinese_font(app)
    folder = Path(tempfile.mkdtemp(prefix="kehu-print-choice-"))
    database = open_database(folder)
    with database.session() as session:
        admin = operators.create_first_admin(session, "admin", "张三", "admin-pass")
        ids = add_specimens(session, date(2026, 11, 20))
        later = SatisfactionSurvey(
            customer_id=ids.customer, surveyed_on=date(2026, 11, 19), respondent="陈志强",
            overall_score=Decimal("3.60"), notes="交期仍偏长。",
        )  # fmt: skip
        later.items = [SurveyItemScore(item="产品质量", weight=Decimal("1"), score=4)]
        session.add(later)
    ops = Operations(DeskContext(database, admin))
    card = KeyAccountCardDialog(ops, LayoutMemory(folder), ids.key_account)
    card.show()
    _settle(app, lambda: not card.loading)
    card.tabs.setCurrentIndex(3)
    card.surveys_view.selectRow(1)
    app.processEvents()
    card.grab().save(str(out / "card-surveys.png"))
    # Ctrl+P on the key-account desk opens the dialog on the account; the survey form then
    # lists the account's surveys
    chooser = PrintDialog(ops, LayoutMemory(folder), None, "key_account_survey",
                          ("key_account", ids.key_account))  # fmt: skip
    chooser.show()
    _settle(app, lambda: chooser.record_choice.count() == 2)
    chooser.record_choice.setCurrentIndex(1)
    _settle(app, lambda: "共" in chooser.status.text())
    time.sleep(0.3)
    app.processEvents()
    chooser.grab().save(str(out / "print-dialog-choice.png"))
    chooser.reject()
    card.reject()
    database.dispose()
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
