"""Screenshots of every editing dialog on a small screen, to look at how they fit.

    python scripts/dialog_screenshots.py [--screen 1366x768 | --screen 1280x720@1.5] [--out DIR]

The offscreen platform is given a screen of that size (a 1366×768 laptop, or 1920×1080 at
150 %, which is 1280×720 logical pixels), the dialogs are opened over a demo store, and each is
saved as ``DIR/<ClassName>.png``; its frame and the screen are printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from kehu_desktop.cli import main as admin


def _use_screen(spec: str, folder: Path) -> None:
    """Point the offscreen platform at a screen of ``spec``: ``WxH`` logical pixels, or
    ``WxH@scale`` for a screen scaled by Windows (1280x720@1.5 is 1920×1080 at 150 %)."""
    size, _, scale = spec.partition("@")
    width, height = (int(n) for n in size.split("x"))
    factor = float(scale or 1)
    config = folder / "screen.json"
    screen = {
        "name": "Screen", "x": 0, "y": 0, "width": round(width * factor),
        "height": round(height * factor), "logicalDpi": 96, "logicalBaseDpi": 96,
    }  # fmt: skip
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_SCALE_FACTOR"] = str(factor)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="dialog-shots")
    parser.add_argument("--screen", default="1366x768")
    parser.add_argument("--customers", type=int, default=200)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="kehu-dialogs-"))
    _use_screen(args.screen, data_dir)
    admin(["--data-dir", str(data_dir), "demo", "--customers", str(args.customers)])

    from PySide6.QtWidgets import QDialog

    from kehu_desktop.app import create_main_window
    from kehu_desktop.services.complaints.lifecycle import Action
    from kehu_desktop.ui.common.edit_dialog import EditDialog
    from kehu_desktop.ui.common.operations import Operations
    from kehu_desktop.ui.complaints.complaint_settings_dialog import ComplaintSettingsDialog
    from kehu_desktop.ui.key_accounts.key_account_settings_dialog import KeyAccountSettingsDialog
    from kehu_desktop.ui.key_accounts.sales_import_dialog import SalesImportDialog
    from kehu_desktop.ui.printing.form_settings_dialog import FormSettingsDialog
    from kehu_desktop.ui.visits.visit_frequency_dialog import VisitFrequencyDialog
    from kehu_desktop.ui.visits.visit_plan_dialog import VisitPlanDialog

    sys.path.insert(0, str(Path(__file__).parent))
    from screenshots import settle

    window = create_main_window(data_dir)
    window.show()
    settle()
    ops = Operations(window._context)
    customers, visits = window.customers_tab, window.visits_tab
    complaints, key_accounts = window.complaints_tab, window.key_accounts_tab
    for tab in (customers, visits, complaints, key_accounts):
        window.tabs.setCurrentWidget(tab)
        settle()
        tab.table.selectRow(0)
    screen = window.screen().availableGeometry()

    def card() -> QDialog:
        dialog = key_accounts.open_current()
        settle()
        return dialog

    def detail() -> QDialog:
        dialog = complaints.open_current()
        settle()
        return dialog

    opened: list[Callable[[], QDialog]] = [
        lambda: customers.open_customer(customers.current_id()),
        lambda: customers.open_customer(None),
        lambda: visits.open_current(),
        lambda: VisitPlanDialog(ops, customers.current_id(), window),
        lambda: VisitFrequencyDialog(ops, window),
        lambda: complaints.new_record(),
        detail,
        lambda: detail().start_action(Action.HANDLE),
        lambda: ComplaintSettingsDialog(ops, window),
        card,
        lambda: card().edit_measure(new=True),
        lambda: card().add_survey(),
        lambda: card().evaluate_credit(),
        lambda: key_accounts.propose(),
        lambda: KeyAccountSettingsDialog(ops, window),
        lambda: SalesImportDialog(ops, window),
        lambda: FormSettingsDialog(ops, window),
    ]
    for number, open_dialog in enumerate(opened):
        dialog = open_dialog()
        dialog.show()
        settle()
        name = f"{number:02d}-{type(dialog).__name__}"
        dialog.grab().save(str(out / f"{name}.png"))
        fits = screen.contains(dialog.frameGeometry())
        print(f"{name}: frame {dialog.frameGeometry().getRect()} on {screen.getRect()}"
              f"{'' if fits else '  DOES NOT FIT'}")  # fmt: skip
        for widget in reversed(window.findChildren(QDialog)):
            if isinstance(widget, EditDialog):
                widget.mark_clean()
            widget.done(0)
        settle()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
