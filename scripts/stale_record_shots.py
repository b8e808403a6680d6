"""Screenshots of a refused save: the refusal box and the window keeping what was typed.

    QT_QPA_PLATFORM=offscreen python scripts/stale_record_shots.py [--out /tmp/stale-shots]

Two desks (two connections to one fresh store) edit the same customer file; the second save is
refused and reloaded. Writes stale-box.png, customer-reloaded.png and kept-input.png.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kehu_desktop.models import Role
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.services.common.database import Database, open_database
from kehu_desktop.services.customers import customer_files
from kehu_desktop.ui.common.fonts import install_chinese_font
from kehu_desktop.ui.common.layout_memory import LayoutMemory
from kehu_desktop.ui.common.operations import Operations
from kehu_desktop.ui.common.stale_record import KeptInputWindow
from kehu_desktop.ui.customers.customer_dialog import CustomerDialog


def _settle(app: QApplication, done: Callable[[], bool]) -> None:
    """Run the event loop until ``done`` (reads and saves finish on pool threads)."""
    deadline = time.monotonic() + 20
    while not done() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "stale-shots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    install_chinese_font(app)
    folder = Path(tempfile.mkdtemp(prefix="kehu-stale-"))
    database = open_database(folder)
    with database.session() as session:
        admin = operators.create_first_admin(session, "admin", "张三", "admin-pass")
        lisi = operators.create_staff(session, "lisi", "李四", Role.ADMIN, "lisi-pass-1")
    mine, theirs_desk = DeskContext(database, admin), DeskContext(Database(database.url), lisi)
    with mine.session() as session:
        data = customer_files.new_input(session, admin.id)
        data.values.update(name="北京华达电子有限公司", phone="010-62345678")
        data.contacts = [{"name": "王五", "mobile": "13800138000"}]
        customer_id = customer_files.save(session, data)

    dialog = CustomerDialog(Operations(mine), LayoutMemory(folder), customer_id)
    dialog.show()
    _settle(app, lambda: not dialog.loading)
    with theirs_desk.session() as session:
        theirs = customer_files.load_input(session, customer_id)
        theirs.contacts[0]["mobile"] = "13900139000"
        customer_files.save(session, theirs)
    dialog.editor("email").setText("wang@huada.example")
    dialog.editor("notes").setPlainText("下季度有新订单，月底前回访。")

    def answer() -> None:
        box = next(w for w in app.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        box.grab().save(str(out / "stale-box.png"))
        box.defaultButton().click()

    QTimer.singleShot(300, answer)
    dialog.save()
    _settle(app, lambda: bool(dialog.findChildren(KeptInputWindow)) and not dialog.loading)
    dialog.grab().save(str(out / "customer-reloaded.png"))
    kept = dialog.findChildren(KeptInputWindow)[0]
    kept.grab().save(str(out / "kept-input.png"))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
