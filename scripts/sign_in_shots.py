"""The app started as a user starts it (``kehu_desktop.app.main``), signed in by a timer, with
screenshots: the window as 今日 shows its first rows (the other desks not built yet), and
客户档案 chosen at that moment (built as it comes on screen).

    QT_QPA_PLATFORM=offscreen python scripts/sign_in_shots.py --data-dir DIR [--out DIR]
        [--password PW]

A demo store's administrator is ``admin`` / ``admin``; a default password is changed to
``newpass123`` when the app asks for it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from kehu_desktop import app  # noqa: E402
from kehu_desktop.ui.admin.password_dialog import ChangePasswordDialog  # noqa: E402
from kehu_desktop.ui.admin.sign_in_dialog import SignInDialog  # noqa: E402

NEW_PASSWORD = "newpass123"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    application = app.ensure_application()
    seen: list[str] = []

    def answer_dialogs() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SignInDialog) and "sign-in" not in seen:
            seen.append("sign-in")
            dialog.username.setEditText("admin")
            dialog.password.setText(args.password)
            dialog.accept()
        elif isinstance(dialog, ChangePasswordDialog) and "password" not in seen:
            seen.append("password")
            dialog.current.setText(args.password)
            dialog.password.setText(NEW_PASSWORD)
            dialog.confirm.setText(NEW_PASSWORD)
            dialog.accept()
        window = next(
            (w for w in application.topLevelWidgets() if w.objectName() == "mainWindow"), None
        )
        if window is not None and window.isVisible() and "window" not in seen:
            seen.append("window")
            if window._ready:  # its first rows came before this timer looked
                first_rows(window)
            else:
                window.ready.connect(lambda: first_rows(window))

    def first_rows(window) -> None:
        built = [n for n in ("customerTable", "visitTable") if window.findChild(QTableView, n)]
        window.grab().save(str(out / "sign-in-first-rows.png"))
        print(f"今日首屏：{window.tabs.tabText(window.tabs.currentIndex())}；已建的其他台：{built}")
        window.tabs.setCurrentIndex(0)  # 客户档案, chosen before it was built
        QTimer.singleShot(1500, lambda: customers(window))

    def customers(window) -> None:
        window.grab().save(str(out / "sign-in-customers-desk.png"))
        print(f"客户档案：{window.customers_tab.model.rowCount():,} 行")
        window.close()

    timer = QTimer(interval=100)
    timer.timeout.connect(answer_dialogs)
    timer.start()
    return app.main(["--data-dir", args.data_dir])


if __name__ == "__main__":
    sys.exit(main())
