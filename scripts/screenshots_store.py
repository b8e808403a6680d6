"""Screenshots of the store's care: notices, 恢复备份, 备份设置, the year-end calendar review.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_store.py [--out docs/screenshots]

Kept apart from scripts/screenshots.py: it needs backups of several kinds in place first.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kehu_desktop.app import create_main_window  # noqa: E402
from kehu_desktop.cli import main as admin  # noqa: E402
from kehu_desktop.services.common import backup  # noqa: E402
from kehu_desktop.ui.common.operations import wait_for_running  # noqa: E402


def settle() -> None:
    for _ in range(5):
        wait_for_running()
        QApplication.instance().processEvents()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kehu-shots-") as scratch:
        data = Path(scratch) / "data"
        admin(["--data-dir", str(data), "demo", "--customers", "300"])
        window = create_main_window(data)
        window.resize(1200, 760)
        window.show()
        database = window._context.database
        store, folder = database.file_path, data / "backups"
        for day in (20, 25, 27):
            backup.write_backup(store, folder, "auto", now=datetime(2026, 11, day, 18, 5))
        backup.write_backup(store, folder, "manual", "备份密码", now=datetime(2026, 11, 28, 9, 30))
        shots: dict[str, QWidget] = {}
        # Today is after 1 December and the last backup is days old: both notices show.
        window.check_store_health(today=date(2026, 12, 1))
        settle()
        shots["store-notices"] = window
        dialog = window.restore_backup()
        settle()
        shots["restore"] = dialog
        _save(shots, out)
        dialog.done(0)
        settings = window.backup_settings()
        settle()  # loaded off the GUI thread
        settings.folder.setText("E:/客户管家备份")
        _save({"backup-settings": settings}, out)
        settings.done(0)
        review = window.review_calendar()
        settle()
        review.resize(640, 760)
        settle()
        _save({"calendar-review": review}, out)
        review.done(0)
        window.close()
    return 0


def _save(shots: dict[str, QWidget], out: Path) -> None:
    for name, widget in shots.items():
        widget.grab().save(str(out / f"{name}.png"))
        print(out / f"{name}.png")


if __name__ == "__main__":
    sys.exit(main())
