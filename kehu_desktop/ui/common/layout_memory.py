"""Remembered window layout: geometry and column widths per key, kept per PC."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QWidget


class LayoutMemory:
    """Geometry and header state stored in ``ui-layout.ini`` beside the data."""

    def __init__(self, folder: Path) -> None:
        self._settings = QSettings(str(folder / "ui-layout.ini"), QSettings.Format.IniFormat)

    def save_geometry(self, key: str, widget: QWidget) -> None:
        self._settings.setValue(f"geometry/{key}", widget.saveGeometry())

    def restore_geometry(self, key: str, widget: QWidget) -> bool:
        value = self._settings.value(f"geometry/{key}")
        return isinstance(value, QByteArray) and widget.restoreGeometry(value)

    def save_header(self, key: str, header: QHeaderView) -> None:
        self._settings.setValue(f"header/{key}", header.saveState())

    def restore_header(self, key: str, header: QHeaderView) -> bool:
        value = self._settings.value(f"header/{key}")
        return isinstance(value, QByteArray) and header.restoreState(value)

    def value(self, key: str, default: object = None) -> object:
        return self._settings.value(key, default)

    def set_value(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)

    def sync(self) -> None:
        self._settings.sync()
