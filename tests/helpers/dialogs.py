"""Driving editing dialogs whose reads and saves run off the GUI thread."""

from __future__ import annotations

from kehu_desktop.ui.common.edit_dialog import EditDialog


def ready(qtbot, dialog: EditDialog) -> EditDialog:
    """Wait until the dialog has read what it shows."""
    qtbot.waitUntil(lambda: not dialog.loading, timeout=5000)
    return dialog


def save(qtbot, dialog: EditDialog) -> bool:
    """Press 保存 and wait for the outcome: True when the record was saved."""
    saved: list[object] = []
    dialog.saved.connect(saved.append)
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=5000)
    return bool(saved)


def choose(qtbot, combo, data) -> None:
    """Pick ``data`` in a choice box the store fills by its own query, once it is there."""
    qtbot.waitUntil(lambda: combo.findData(data) >= 0, timeout=10000)
    combo.setCurrentIndex(combo.findData(data))
