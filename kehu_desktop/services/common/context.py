"""What a signed-in window works with: the store and the operator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kehu_desktop.services.common.database import Database
from kehu_desktop.services.common.operators import Operator


@dataclass
class DeskContext:
    database: Database
    operator: Operator

    def __post_init__(self) -> None:
        # The default for work done on the store outside a context (demo data, imports).
        self.database.operator_id = self.operator.id

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work stamped with this context's operator; commits on success."""
        with self.database.session(self.operator.id) as session:
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        with self.database.reader() as session:
            yield session
