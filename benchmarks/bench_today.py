"""Benchmark: the today view (今日) over 100,000 customers and 1,000,000 visits (target ≤ 200 ms).

    python benchmarks/bench_today.py [--customers 100000] [--visits 1000000]

Builds a fresh store in a temporary folder with bulk inserts (the set-up is not timed):
customers of every class with owners, two contacts each (birthdays, some important dates),
key accounts, visits spread over two years, follow-up actions and plans. Then times the today
view for everyone and for one staff member, a few runs each, and prints the best and median
(and the CPU time, which other programs on the machine do not inflate).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from kehu_desktop.models import Base
from kehu_desktop.services import today as today_view
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.visits import visit_plans

TODAY = date(2026, 11, 22)
STAFF = 5
RUNS = 5
VISIT_INSERT = ("INSERT INTO visits (id, customer_id, staff_id, visited_at, method, purpose, "
                "contacts_met, discussion, requests, result, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")  # fmt: skip


def _insert(connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Core insert, so the columns' Python-side defaults fill what the rows leave out."""
    if rows:
        connection.execute(
            insert(Base.metadata.tables[table]), [dict(zip(columns, r, strict=True)) for r in rows]
        )


def build(database, customers: int, visits: int) -> None:
    rng = random.Random(11)
    stamp = datetime(2024, 1, 1)
    with database.engine.begin() as connection:
        _insert(connection, "staff", ("id", "username", "name", "role", "department", "phone",
                                      "password_hash", "active", "created_at", "updated_at"),
                [(i, f"s{i}", f"业务员{i}", "客服", "客服部", "", "", True, stamp, stamp)
                 for i in range(1, STAFF + 1)])  # fmt: skip
        rows = []
        for i in range(1, customers + 1):
            abc = rng.choices(("A", "B", "C", ""), (1, 2, 5, 2))[0]
            management = rng.choices(("关键", "潜力", "常规", "临时"), (1, 2, 6, 1))[0]
            stage = rng.choices(("曾经", "正在", "潜在"), (1, 7, 2))[0]
            override = rng.choice((None,) * 19 + (45,))
            rows.append((i, f"KH{i:06d}", f"客户{i}", rng.randrange(1, STAFF + 1), abc,
                         management, stage, override, False, stamp, stamp))  # fmt: skip
        _insert(connection, "customers", ("id", "code", "name", "owner_id", "abc_class",
                                          "management_class", "trade_stage",
                                          "visit_interval_days", "archived", "created_at",
                                          "updated_at"), rows)  # fmt: skip
        contacts, dates = [], []
        for i in range(1, customers + 1):
            for n in range(2):
                contact_id = 2 * i - 1 + n
                born = date(rng.randrange(1960, 2000), rng.randrange(1, 13), rng.randrange(1, 29))
                contacts.append((contact_id, i, f"联系人{contact_id}", born, stamp,
                                 stamp))  # fmt: skip
                if rng.random() < 0.1:
                    day = date(
                        rng.randrange(2000, 2024), rng.randrange(1, 13), rng.randrange(1, 29)
                    )
                    dates.append((contact_id, "结婚纪念日", day, stamp, stamp))
        _insert(connection, "contacts", ("id", "customer_id", "name", "birthday", "created_at",
                                         "updated_at"), contacts)  # fmt: skip
        _insert(connection, "important_dates", ("contact_id", "label", "day", "created_at",
                                                "updated_at"), dates)  # fmt: skip
        _insert(connection, "key_accounts", ("customer_id", "level", "visit_interval_days",
                                             "active", "designated_on", "created_at",
                                             "updated_at"),
                [(i, "重点", 30, True, date(2025, 1, 1), stamp, stamp)
                 for i in range(1, customers + 1, 50)])  # fmt: skip
        batch, actions, visit_id, text_stamp = [], [], 0, stamp.isoformat(" ")
        for _ in range(visits):
            visit_id += 1
            customer = rng.randrange(1, customers + 1)
            when = datetime.combine(TODAY, datetime.min.time()) - timedelta(
                days=rng.randrange(1, 730), hours=rng.randrange(0, 9)
            )
            staff = rng.randrange(1, STAFF + 1)
            batch.append((visit_id, customer, staff, when.isoformat(" "), "上门", "例行", "", "",
                          "", "保持联系", text_stamp, text_stamp))  # fmt: skip
            if rng.random() < 0.02:
                due = when.date() + timedelta(days=rng.randrange(1, 30))
                done = None if rng.random() < 0.1 else due
                actions.append((visit_id, "寄送样品", None, due, done, stamp, stamp))
            if len(batch) >= 200_000:
                _insert_visits(connection, batch)
                batch = []
        if batch:
            _insert_visits(connection, batch)
        with Session(connection) as session:
            visit_plans.refresh_last_visits(session)
        _insert(connection, "follow_up_actions", ("visit_id", "description", "owner_id",
                                                  "due_date", "done_on", "created_at",
                                                  "updated_at"), actions)  # fmt: skip
        plans = []
        for _ in range(customers // 5):
            day = TODAY + timedelta(days=rng.randrange(-30, 30))
            status = "计划" if day >= TODAY or rng.random() < 0.2 else "已完成"
            plans.append((rng.randrange(1, customers + 1), rng.randrange(1, STAFF + 1),
                          day, "例行", "上门", status, "", stamp, stamp))  # fmt: skip
        _insert(connection, "visit_plans", ("customer_id", "staff_id", "planned_date", "purpose",
                                            "method", "status", "missed_reason", "created_at",
                                            "updated_at"), plans)  # fmt: skip
        connection.exec_driver_sql("ANALYZE")


def _insert_visits(connection, rows: list[tuple]) -> None:
    """Plain executemany of tuples with every column given: the million rows go fast."""
    connection.exec_driver_sql(VISIT_INSERT, rows)


def timed(database, staff_id: int | None) -> tuple[list[float], list[float], object]:
    """Wall-clock and CPU milliseconds per run (CPU summed over the view's reader threads, so
    it shows the work done even when other programs share the machine)."""
    wall, cpu, view = [], [], None
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        view = today_view.compute(database.reader, TODAY, staff_id)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu, view


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="kehu-bench-today-")
    database = open_database(folder)
    started = time.perf_counter()
    build(database, args.customers, args.visits)
    print(f"set-up: {args.customers:,} customers, {args.visits:,} visits in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    for label, staff_id in (("everyone", None), ("one staff member", 1)):
        times, cpu, view = timed(database, staff_id)
        print(f"today view ({label}): best {min(times):.0f} ms, median "
              f"{statistics.median(times):.0f} ms over {RUNS} runs (CPU best {min(cpu):.0f} ms) — "
              f"{len(view.plans)} plans, {view.due_customer_total:,} customers due, "
              f"{len(view.actions)} actions, {len(view.reminders)} birthdays/dates")  # fmt: skip
    database.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
