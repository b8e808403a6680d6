"""Benchmark: ABC recomputation for 100,000 customers × 24 months of sales (target ≤ 2 s).

    python benchmarks/bench_abc.py [--customers 100000]

Builds a fresh store in a temporary folder (bulk inserts; the set-up is not timed), then times
the first recomputation (every customer changes class) and a second one (nothing changes).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime

from sqlalchemy import insert

from kehu_desktop.models import Customer
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.key_accounts import abc_classes

MONTHS = 24
AS_OF = date(2026, 11, 22)
SALES_INSERT = ("INSERT INTO sales_records (customer_id, month, amount, quantity, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)")  # fmt: skip


def build(database, customers: int) -> None:
    """Plain executemany of tuples: the set-up is not what is measured, so it skips the ORM."""
    rng = random.Random(7)
    now = datetime.now().isoformat(" ")
    months = []
    for back in range(MONTHS):
        index = AS_OF.year * 12 + AS_OF.month - 1 - back
        months.append(date(index // 12, index % 12 + 1, 1).isoformat())
    with database.engine.begin() as connection:
        connection.execute(
            insert(Customer.__table__),
            [{"id": i, "code": f"KH{i:06d}", "name": f"客户{i}"} for i in range(1, customers + 1)],
        )
        rows = []
        for customer_id in range(1, customers + 1):
            base = rng.paretovariate(1.2) * 20000
            for month in months:
                rows.append(
                    (customer_id, month, round(base * rng.uniform(0.6, 1.4), 2), 0, now, now)
                )
            if len(rows) >= 200_000:
                connection.exec_driver_sql(SALES_INSERT, rows)
                rows = []
        if rows:
            connection.exec_driver_sql(SALES_INSERT, rows)


def timed(database) -> tuple[float, abc_classes.AbcResult]:
    started = time.perf_counter()
    with database.session() as session:
        result = abc_classes.recompute(session, AS_OF)
    return time.perf_counter() - started, result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="kehu-bench-abc-")
    database = open_database(folder)
    started = time.perf_counter()
    build(database, args.customers)
    elapsed = time.perf_counter() - started
    print(f"set-up: {args.customers:,} customers × {MONTHS} months "
          f"({args.customers * MONTHS:,} sales rows) in {elapsed:.1f} s")  # fmt: skip
    first, result = timed(database)
    print(f"ABC recompute (first, every class written): {first:.2f} s — {result.describe()}")
    second, result = timed(database)
    print(f"ABC recompute (again, nothing changes):     {second:.2f} s — {result.changed} changed")
    print(f"target ≤ 2.00 s: {'met' if max(first, second) <= 2 else 'MISSED'}")
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
