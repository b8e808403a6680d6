"""Exporting a desk's list to .xlsx from a tab: ask for the file, write it off the GUI thread,
keep the button disabled meanwhile, and say where it went."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QWidget
from sqlalchemy.orm import Session

from kehu_desktop.services.common import excel_export
from kehu_desktop.ui.common.errors import show_error
from kehu_desktop.ui.common.operations import Operations


def export_list(
    parent: QWidget,
    ops: Operations,
    *,
    title: str,
    headers: Sequence[str],
    rows: Callable[[Session], list],
    button: QPushButton,
    status: QLabel,
    path: Path | None = None,
    exported: Callable[[int], None] | None = None,
) -> None:
    """Write ``rows(session)`` under ``headers`` to ``path`` (asked for when None); then
    ``exported(count)``."""
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(
            parent, f"导出{title}", f"{title}.xlsx", "Excel 文件 (*.xlsx)"
        )
        if not chosen:
            return
        path = Path(chosen)
    target = path

    def done(data: list) -> None:
        ops.run(
            parent,
            lambda _progress: excel_export.write_table(target, title, headers, data),
            written,
            failure=failed,
            progress_label=f"正在导出到 {target} …",
        )

    def written(count: int) -> None:
        button.setEnabled(True)
        status.setText(f"已导出 {count:,} 条到 {target}")
        if exported is not None:
            exported(count)

    def failed(error: Exception) -> None:
        button.setEnabled(True)
        status.setText("")
        show_error(parent, "导出失败", error)

    button.setEnabled(False)
    status.setText(f"正在导出到 {target} …")
    ops.query(parent, rows, done, failure=failed)
