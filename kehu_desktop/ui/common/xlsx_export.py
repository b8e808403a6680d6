"""Exporting a desk's list to .xlsx from a tab: ask for the file, write it off the GUI thread,
keep the button disabled meanwhile, and say where it went."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.common import excel_export
from kehu_desktop.services.common.context import DeskContext
from kehu_desktop.ui.common.background import run_in_background
from kehu_desktop.ui.common.errors import show_error


def export_list(
    parent: QWidget,
    context: DeskContext,
    *,
    title: str,
    headers: Sequence[str],
    rows: Callable[[Session], list],
    button: QPushButton,
    status: QLabel,
    path: Path | None = None,
) -> None:
    """Write ``rows(session)`` under ``headers`` to ``path`` (asked for when None)."""
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, f"导出{title}", f"{title}.xlsx", "Excel 文件 (*.xlsx)"
        )
        if not chosen:
            return
        path = Path(chosen)

    def work(_progress) -> int:
        with context.reader() as session:
            data = rows(session)
        return excel_export.write_table(path, title, headers, data)

    def done(count: int) -> None:
        button.setEnabled(True)
        status.setText(f"已导出 {count:,} 条到 {path}")

    def failed(error: Exception) -> None:
        button.setEnabled(True)
        status.setText("")
        show_error(parent, "导出失败", error)

    button.setEnabled(False)
    status.setText(f"正在导出到 {path} …")
    run_in_background(work, done, failed)
