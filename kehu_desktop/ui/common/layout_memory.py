"""What each PC remembers for itself, in ``ui-layout.ini`` beside the data: window geometry,
column widths, and the small per-PC settings (recent login names, the last paper chosen …).

Each per-PC setting is declared once, where it is used, as a ``PcSetting`` with its type (that
of its default) and default — the counterpart of the store's ``SettingSpec``. (QSettings reads
an INI list of one item back as a plain string, and booleans as "true"/"false"; reading through
the declaration gives the declared type back every time.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QWidget

T = TypeVar("T", str, int, bool, list, QByteArray)


@dataclass(frozen=True)
class PcSetting(Generic[T]):
    key: str
    default: T
    description: str = ""

    def convert(self, raw: object) -> T:
        """The stored value as the declared type; the default when it cannot be read."""
        default = self.default
        if raw is None:
            return default
        try:
            if isinstance(default, bool):
                value: object = raw if isinstance(raw, bool) else str(raw).lower() == "true"
            elif isinstance(default, int):
                value = int(raw)  # type: ignore[call-overload]
            elif isinstance(default, list):
                items = raw if isinstance(raw, list | tuple) else [raw]
                value = [str(item) for item in items if str(item)]
            elif isinstance(default, QByteArray):
                value = raw if isinstance(raw, QByteArray) else default
            else:
                value = str(raw)
        except (TypeError, ValueError):
            return default
        return value  # type: ignore[return-value]


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

    def get(self, setting: PcSetting[T]) -> T:
        return setting.convert(self._settings.value(setting.key))

    def put(self, setting: PcSetting[T], value: T) -> None:
        self._settings.setValue(setting.key, list(value) if isinstance(value, list) else value)

    def sync(self) -> None:
        self._settings.sync()
