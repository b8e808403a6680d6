"""Screenshots of the main window and its large dialogs on small screens, to look at.

    python scripts/small_screens.py [--out shots]

A 1366×768 laptop, and 1920×1080 at 150 % (1280×720 logical pixels), each with a 40 px task
bar: the offscreen platform is given such a screen (one process per screen), the window
starts as it would there, and the main window, 客户投诉统计报表 and 打印表单 are grabbed
with the part of the screen they cover, so what falls off the screen shows.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SCREENS = {"1366x768": (1366, 768), "1280x720": (1280, 720)}
TASK_BAR = 40


def shoot(out: Path, name: str, customers: int) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QWidget
    from screenshots import settle  # beside this script

    from kehu_desktop.app import create_main_window
    from kehu_desktop.cli import main as admin

    def on_screen(widget: QWidget, file_name: str) -> None:
        """The screen with ``widget`` where it is; red where it would run off the screen."""
        area = widget.screen().availableGeometry()
        frame = widget.frameGeometry()
        canvas = QPixmap(
            max(area.width(), frame.right() + 1), max(area.height(), frame.bottom() + 1)
        )
        canvas.fill(QColor("#c0392b"))
        painter = QPainter(canvas)
        painter.fillRect(QRect(0, 0, area.width(), area.height()), QColor("#2d4f6c"))
        painter.drawPixmap(widget.geometry().topLeft(), widget.grab())
        painter.end()
        canvas.save(str(out / file_name))
        print(out / file_name, f"屏幕 {area.width()}×{area.height()}", f"窗口 {frame}")

    data_dir = Path(tempfile.mkdtemp(prefix="kehu-small-"))
    admin(["--data-dir", str(data_dir), "demo", "--customers", str(customers)])
    window = create_main_window(data_dir)
    window.show()
    settle()
    on_screen(window, f"main-{name}.png")
    report = window.complaints_tab.show_report()
    settle()
    on_screen(report, f"complaint-report-{name}.png")
    report.done(0)
    window.tabs.setCurrentWidget(window.visits_tab)
    settle()
    dialog = window.print_current()
    settle()
    on_screen(dialog, f"print-dialog-{name}.png")
    dialog.reject()
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="shots")
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--screen", choices=SCREENS, help="(internal) shoot on this screen")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.screen:
        shoot(out, args.screen, args.customers)
        return 0
    from screenshots import offscreen_platform  # beside this script

    for name, (width, height) in SCREENS.items():
        env = {**os.environ, "QT_QPA_PLATFORM": offscreen_platform(width, height - TASK_BAR)}
        command = [sys.executable, __file__, "--out", str(out), "--screen", name]
        subprocess.run([*command, "--customers", str(args.customers)], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
