"""Making Chinese render on any machine.

Windows ships CJK fonts (微软雅黑, 宋体), which Qt finds itself. Elsewhere, if no font covering
Simplified Chinese is installed, the bundled Droid Sans Fallback (Apache 2.0) is registered.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

BUNDLED_FONT = (
    Path(__file__).resolve().parents[2] / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
)
WINDOWS_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "SimSun")


def _system_chinese_families() -> list[str]:
    return QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)


def install_chinese_font(app: QApplication) -> str:
    """Make sure the application font can show Chinese; returns the family in use."""
    families = _system_chinese_families()
    if sys.platform == "win32":
        for family in WINDOWS_FAMILIES:
            if family in families:
                app.setFont(QFont(family, 9))
                return family
    if families:
        return families[0]
    font_id = QFontDatabase.addApplicationFont(str(BUNDLED_FONT))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family)
    font.setPointSize(app.font().pointSize())
    app.setFont(font)
    return family
