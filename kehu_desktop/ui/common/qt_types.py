"""PySide6's classes made up front, off the GUI thread.

PySide6 makes the Python side of a Qt class (the type and its enums) only when it is first
used; a class's first use can make a hundred other classes' enums with it (the first ``QBrush``
made 100 enums, 20 ms). On the GUI thread those were stalls of 10–20 ms when a desk, a dialog
or a list's colours were first shown. Made here while the operator types the password, the
window later finds them made.
"""

from __future__ import annotations

import sys


def make_loaded_classes() -> int:
    """Make every class of the PySide6 modules imported so far; returns how many."""
    count = 0
    modules = [m for name, m in list(sys.modules.items()) if name.startswith("PySide6.Qt")]
    for module in modules:
        for name in dir(module):
            if name.startswith("Q"):
                getattr(module, name)
                count += 1
    return count
