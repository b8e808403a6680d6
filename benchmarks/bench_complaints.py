"""Benchmark: the complaint KPI report over 50,000 complaints (target ≤ 500 ms).

    python benchmarks/bench_complaints.py [--complaints 50000]

Builds a fresh store in a temporary folder with the demo's complaint generator (every status,
handovers, revisits; the set-up is not timed), then times ``complaint_kpis.compute`` for one
month, for the whole span holding every complaint, and the ledger's first page.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import insert

from kehu_desktop.demo.complaints import ComplaintDemo
from kehu_desktop.demo.loader import STAFF
from kehu_desktop.models import Customer
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.common.periods import month_period
from kehu_desktop.services.complaints import complaint_kpis

CUSTOMERS = 5000
BATCH = 5000


def build(database, count: int) -> None:
    rng = random.Random(11)
    with database.session() as session:
        staff = [operators.create_staff(session, u, n, r, "bench-pass-1").id for u, n, r in STAFF]
        session.execute(
            insert(Customer.__table__),
            [{"id": i, "code": f"KH{i:06d}", "name": f"测试客户{i}", "owner_id": rng.choice(staff)}
             for i in range(1, CUSTOMERS + 1)],
        )  # fmt: skip
        maker = ComplaintDemo(session, rng, staff, date.today())
        stamp = {"created_at": datetime.now(), "updated_at": datetime.now()}
        for start in range(0, count, BATCH):
            rows = [
                maker.complaint(
                    {"id": rng.randrange(1, CUSTOMERS + 1), "owner_id": rng.choice(staff)}, stamp
                )
                for _ in range(min(BATCH, count - start))
            ]
            maker.insert(rows)


def timed(label: str, fn, repeat: int = 5) -> float:
    fn()  # warm the connection and statement caches
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    print(f"{label}: {best * 1000:.0f} ms")
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(Path(folder))
        began = time.perf_counter()
        build(database, args.complaints)
        print(f"built {args.complaints:,} complaints in {time.perf_counter() - began:.1f} s")
        today = date.today()
        month = month_period(today)
        with database.reader() as session:
            everything = complaint_kpis.compute(session, date(2000, 1, 1), today)
            in_month = complaint_kpis.compute(session, *month).total.received
        print(f"complaints in the report: {everything.total.received:,} (this month {in_month:,})")

        def report(start: date, end: date):
            with database.reader() as session:
                return complaint_kpis.compute(session, start, end)

        def ledger():
            with database.reader() as session:
                return ledger.list_complaints(session)

        whole = timed("KPI report, all complaints (+12-month trend)",
                      lambda: report(date(2000, 1, 1), today))  # fmt: skip
        timed("KPI report, this month (+12-month trend)", lambda: report(*month))
        timed("ledger list (first 5,000 rows)", ledger)
        database.dispose()
    print("target ≤ 500 ms:", "met" if whole <= 0.5 else "MISSED")
    return 0 if whole <= 0.5 else 1


if __name__ == "__main__":
    sys.exit(main())
