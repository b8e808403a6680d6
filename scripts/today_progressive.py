"""Screenshots of 今日 filling in on a large store: as its first section shows, and once all
sections are read (issue 9: the first rows come before the slow sections).

    python scripts/today_progressive.py --data-dir /tmp/big100k [--out /tmp/today]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThreadPool  # noqa: E402

from kehu_desktop.app import StoreOpening, ensure_application  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", default=tempfile.gettempdir())
    parser.add_argument("--password", default="admin")
    args = parser.parse_args()
    app = ensure_application()
    opening = StoreOpening(Path(args.data_dir), None)
    operator = opening.sign_in("admin", args.password)
    from kehu_desktop.services.common.context import DeskContext
    from kehu_desktop.ui.common.layout_memory import LayoutMemory
    from kehu_desktop.ui.main_window import MainWindow

    layout = LayoutMemory(Path(tempfile.mkdtemp(prefix="kehu-shot-layout-")))
    window = MainWindow(DeskContext(opening.database(), operator), layout)
    window.resize(1366, 728)
    sections: list[int] = []
    loaded: list[int] = []
    window.today_tab.rows_shown.connect(sections.append)
    window.today_tab.loaded.connect(loaded.append)
    window.show()
    out = Path(args.out)
    while not sections:
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    window.grab().save(str(out / "today-first-rows.png"))
    while not loaded:
        app.processEvents()
        QThreadPool.globalInstance().waitForDone(2)
    app.processEvents()
    window.grab().save(str(out / "today-all.png"))
    print(f"{out / 'today-first-rows.png'} ({len(sections)} section(s) shown)")
    print(out / "today-all.png")
    window.close()


if __name__ == "__main__":
    main()
