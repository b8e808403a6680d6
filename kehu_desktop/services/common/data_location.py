"""Where the store lives. Kept free of heavy imports: the app asks this before anything else."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "KEHU_DATA_DIR"
DB_FILE_NAME = "kehu.sqlite3"


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``KEHU_DATA_DIR``, else the user's data folder."""
    chosen = explicit or os.environ.get(DATA_DIR_ENV)
    path = Path(chosen) if chosen else Path(platformdirs.user_data_dir("KehuDesktop", "Kehu"))
    path.mkdir(parents=True, exist_ok=True)
    return path
