"""Compare two folders of screenshots taken before and after a change, image by image.

    python scripts/compare_screenshots.py BEFORE_DIR AFTER_DIR

For each PNG in both folders it prints how many pixel rows differ and where (top–bottom), so a
change that should look the same can be checked, and one that should not is found quickly;
open the images themselves to see what changed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QImage


def differing_rows(before: QImage, after: QImage) -> list[int]:
    """The rows in which any pixel differs (images of one size)."""
    return [
        y
        for y in range(before.height())
        if any(before.pixel(x, y) != after.pixel(x, y) for x in range(before.width()))
    ]


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    before_dir, after_dir = Path(sys.argv[1]), Path(sys.argv[2])
    for before_path in sorted(before_dir.glob("*.png")):
        after_path = after_dir / before_path.name
        if not after_path.exists():
            print(f"{before_path.name}: not in {after_dir}")
            continue
        before, after = QImage(str(before_path)), QImage(str(after_path))
        if before.size() != after.size():
            print(f"{before_path.name}: size {before.width()}×{before.height()} → "
                  f"{after.width()}×{after.height()}")  # fmt: skip
            continue
        rows = differing_rows(before, after)
        if rows:
            print(f"{before_path.name}: {len(rows)} rows differ (rows {rows[0]}–{rows[-1]})")
        else:
            print(f"{before_path.name}: identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
