"""Screenshots of both case desks' lists and the forms they share pieces with — the complaint
ledger, the revisit and hand-over steps of a complaint and of a service request, the feedback
list and the product catalogue — to compare before and after a change to the shared pieces.

    QT_QPA_PLATFORM=offscreen python scripts/case_desk_shots.py --out DIR
    python scripts/compare_screenshots.py BEFORE_DIR AFTER_DIR
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QDialog, QWidget  # noqa: E402
from screenshots import settle  # noqa: E402
from sqlalchemy import select  # noqa: E402

from kehu_desktop.app import create_main_window  # noqa: E402
from kehu_desktop.cli import main as admin  # noqa: E402
from kehu_desktop.models import ServiceRequest  # noqa: E402
from kehu_desktop.services.complaints.lifecycle import Action as ComplaintAction  # noqa: E402
from kehu_desktop.services.service_desk.lifecycle import Action as ServiceAction  # noqa: E402
from kehu_desktop.ui.common.edit_dialog import EditDialog  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="case-desk-shots")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="kehu-case-shots-"))
    admin(["--data-dir", str(data_dir), "demo", "--customers", "200"])
    window = create_main_window(data_dir)
    window.resize(1280, 800)
    window.show()
    settle()
    complaints, service = window.complaints_tab, window.service_tab
    window.tabs.setCurrentWidget(complaints)
    settle()
    complaints.table.selectRow(0)
    # The tab alone: the window's status bar shows the store's temporary path.
    complaints.grab().save(str(out / "complaints-tab.png"))
    with window._context.reader() as session:
        open_request = session.scalar(
            select(ServiceRequest.id)
            .where(ServiceRequest.status.in_(("dispatched", "processing")))
            .order_by(ServiceRequest.id)
        )
    assert open_request is not None, "the demo store has no open service request"

    def complaint_step(action: ComplaintAction) -> QDialog:
        detail = complaints.open_current()
        settle()
        return detail.start_action(action)

    def service_step(action: ServiceAction) -> QDialog:
        detail = service.open_request(open_request)
        settle()
        return detail.start_action(action)

    shots: dict[str, Callable[[], QWidget]] = {
        "complaint-revisit": lambda: complaint_step(ComplaintAction.REVISIT),
        "complaint-hand-over": lambda: complaint_step(ComplaintAction.HAND_OVER),
        "complaint-registration-edit": lambda: complaint_step(ComplaintAction.EDIT),
        "service-revisit": lambda: service_step(ServiceAction.REVISIT),
        "service-hand-over": lambda: service_step(ServiceAction.HAND_OVER),
        "service-feedback-step": lambda: service_step(ServiceAction.FEEDBACK),
        "service-registration-edit": lambda: service_step(ServiceAction.EDIT),
        "service-feedback-list": service.show_feedback,
        "service-products": service.show_products,
    }
    for name, open_widget in shots.items():
        widget = open_widget()
        widget.show()
        settle()
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")
        for dialog in reversed(window.findChildren(QDialog)):
            if isinstance(dialog, EditDialog):
                dialog.mark_clean()
            dialog.done(0)
        settle()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
