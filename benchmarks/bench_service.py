"""Benchmark: the after-sales KPI report over 50,000 service requests (target ≤ 500 ms) and the
售后服务 tab's first rows on screen (target ≤ 150 ms).

    python benchmarks/bench_service.py [--requests 50000]

Builds a fresh store in a temporary folder (not timed): 5,000 customers (some key accounts),
eight products, requests over the past two years in every status, a repair order with parts for
each one repaired, some of them 返修 of the same unit, and feedback to the factory. Then times
``service_kpis.compute`` for the whole span and for one month, and the tab from ``reload()``
until its rows are in the model, in an offscreen window.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import insert  # noqa: E402

from kehu_desktop.demo.loader import STAFF  # noqa: E402
from kehu_desktop.models import (  # noqa: E402
    Customer,
    FactoryFeedback,
    KeyAccount,
    Product,
    RepairOrder,
    RepairPart,
    ServiceRequest,
)
from kehu_desktop.services.common import operators  # noqa: E402
from kehu_desktop.services.common.database import open_database  # noqa: E402
from kehu_desktop.services.common.periods import month_period  # noqa: E402
from kehu_desktop.services.common.working_days import load_calendar  # noqa: E402
from kehu_desktop.services.service_desk import service_kpis  # noqa: E402

CUSTOMERS = 5000
PRODUCTS = 8
DAYS = 730
SATISFACTION = ("非常满意", "满意", "满意", "一般", "不满意")


def build(database, count: int) -> None:
    rng = random.Random(14)
    now = datetime.now()
    stamp = {"created_at": now, "updated_at": now}
    with database.session() as session:
        staff = [operators.create_staff(session, u, n, r, "bench-pass").id for u, n, r in STAFF]
        session.execute(insert(Customer.__table__), [
            {"id": i, "code": f"KH{i:06d}", "name": f"测试客户{i}", **stamp}
            for i in range(1, CUSTOMERS + 1)
        ])  # fmt: skip
        session.execute(insert(KeyAccount.__table__), [
            {"customer_id": i, "level": "重点", "designated_on": date(2024, 1, 1), **stamp}
            for i in range(1, CUSTOMERS + 1, 20)
        ])  # fmt: skip
        session.execute(insert(Product.__table__), [
            {"id": i, "code": f"P{i}", "name": f"产品{i}", "model": "M", "warranty_months": 12,
             **stamp} for i in range(1, PRODUCTS + 1)
        ])  # fmt: skip
        calendar = load_calendar(session)
        requests, orders, parts, feedback = [], [], [], []
        units: list[tuple[int, str, datetime]] = []
        for n in range(1, count + 1):
            received = now - timedelta(days=rng.randrange(DAYS), hours=rng.randrange(10))
            day = received.date()
            product = rng.randrange(1, PRODUCTS + 1)
            serial = f"S{rng.randrange(30000):05d}"
            if units and rng.random() < 0.05:
                product, serial, _when = rng.choice(units)
            status = rng.choices(
                ("registered", "dispatched", "processing", "revisited", "closed", "cancelled"),
                (3, 4, 6, 4, 80, 3),
            )[0]
            row = {
                "id": n, "number": f"SH-{received.year}-{n:06d}", "year": received.year,
                "seq": n, "received_at": received, "channel": "电话",
                "customer_id": rng.randrange(1, CUSTOMERS + 1), "contact_name": "",
                "contact_phone": "", "product_id": product, "purchase_id": None,
                "serial_no": serial, "fault": "故障", "demand": "", "urgency": "normal",
                "warranty": "in", "complaint_id": None, "first_responsible_id": rng.choice(staff),
                "handler_id": None, "response_deadline": calendar.add_working_days(day, 1),
                "deadline": calendar.add_working_days(day, 5), "status": status, "mode": "",
                "engineer_id": None, "planned_date": None, "dispatched_at": None,
                "resolved_at": None, "satisfaction": "", "revisited_at": None,
                "unreachable_reason": "", "closed_at": None, "cancel_reason": "", **stamp,
            }  # fmt: skip
            at = received
            if status not in ("registered", "cancelled"):
                at += timedelta(hours=rng.choice((1, 5, 30)))
                row.update(mode="on_site", engineer_id=rng.choice(staff),
                           planned_date=at.date(), dispatched_at=at)  # fmt: skip
            if status in ("processing", "revisited", "closed"):
                at += timedelta(days=rng.choice((1, 2, 4, 8)))
                row["resolved_at"] = at
                order_id = len(orders) + 1
                orders.append({
                    "id": order_id, "request_id": n, "engineer_id": row["engineer_id"],
                    "repaired_at": at, "diagnosis": "诊断", "cause": "",
                    "labour_hours": Decimal("1.5"), "labour_cost": Decimal("80"),
                    "charged": False, "charge_amount": Decimal("0"),
                    "result": rng.choice(("repaired", "repaired", "replaced", "returned")),
                    "repeat_of_id": None, "repeated": False, "parts_cost": Decimal("0"),
                    **stamp,
                })  # fmt: skip
                count_parts = rng.choice((0, 1, 2))
                orders[-1]["parts_cost"] = Decimal("12.50") * count_parts
                parts.extend(
                    {"order_id": order_id, "part": "配件", "quantity": Decimal("1"),
                     "unit_cost": Decimal("12.50")}
                    for _ in range(count_parts)
                )  # fmt: skip
                units.append((product, serial, at))
                if rng.random() < 0.04:
                    raised = at + timedelta(hours=1)
                    feedback.append({
                        "number": f"FK-{raised.year}-{len(feedback) + 1:06d}",
                        "year": raised.year, "seq": len(feedback) + 1, "request_id": n,
                        "product_id": product, "raised_at": raised,
                        "raised_by_id": row["first_responsible_id"], "department": "品质",
                        "problem": "问题",
                        "reply_deadline": calendar.add_working_days(raised.date(), 5),
                        "reply": "", "replied_at": None, **stamp,
                    })  # fmt: skip
            if status in ("revisited", "closed"):
                at += timedelta(days=rng.choice((1, 3, 5)))
                row.update(revisited_at=at, satisfaction=rng.choice(SATISFACTION))
            if status == "closed":
                row["closed_at"] = min(at + timedelta(hours=2), now)
            if status == "cancelled":
                row["cancel_reason"] = "撤销"
            requests.append(row)
        # Orders are numbered in repair order, so an order on a unit repaired before can name
        # the previous one as the repair it repeats (a 返修).
        orders.sort(key=lambda o: o["repaired_at"])
        renumbered = {o["id"]: new for new, o in enumerate(orders, start=1)}
        for part in parts:
            part["order_id"] = renumbered[part["order_id"]]
        last_order: dict[tuple[int, str], dict] = {}
        by_request = {r["id"]: r for r in requests}
        for order in orders:
            order["id"] = renumbered[order["id"]]
            request = by_request[order["request_id"]]
            key = (request["product_id"], request["serial_no"])
            if key in last_order:
                order["repeat_of_id"] = last_order[key]["id"]
                last_order[key]["repeated"] = True
            last_order[key] = order
        for table, rows in ((ServiceRequest, requests), (RepairOrder, orders),
                            (RepairPart, parts), (FactoryFeedback, feedback)):  # fmt: skip
            for start in range(0, len(rows), 5000):
                session.execute(insert(table.__table__), rows[start : start + 5000])
    database.optimize()


def timed(label: str, fn, repeat: int = 5) -> float:
    """Best wall time of ``repeat`` runs; the CPU time beside it is what the work costs when
    other processes share the cores (the build machine often runs several test suites)."""
    fn()  # warm the connection and statement caches
    best = cpu = float("inf")
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - began)
        cpu = min(cpu, time.process_time() - began_cpu)
    print(f"{label}: {best * 1000:.0f} ms (CPU {cpu * 1000:.0f} ms)")
    return best


def first_rows(folder: Path, runs: int = 7) -> tuple[float, float, float]:
    """The tab in an offscreen window, on a store opened as the app opens it: time from
    ``reload()`` until the first rows are in the model (p50, worst), and until the whole list
    of the 5,000 newest is (p50)."""
    from PySide6.QtWidgets import QApplication

    from kehu_desktop.services.common.context import DeskContext
    from kehu_desktop.ui.common.layout_memory import LayoutMemory
    from kehu_desktop.ui.common.operations import Operations, wait_for_running
    from kehu_desktop.ui.service_desk.service_tab import ServiceTab

    app = QApplication.instance() or QApplication([])
    database = open_database(folder)
    with database.reader() as session:
        operator = operators.first_admin(session) or operators.operator_by_id(session, 1)
    ops = Operations(DeskContext(database, operator))
    tab = ServiceTab(ops, LayoutMemory(folder))
    tab.resize(1200, 700)
    tab.show()
    times, complete = [], []
    loaded: list[int] = []
    tab.loaded.connect(loaded.append)
    for _ in range(runs + 1):
        tab.model.set_rows([])
        loaded.clear()
        began = time.perf_counter()
        tab.reload()
        while tab.model.rowCount() == 0:
            app.processEvents()
            time.sleep(0.0005)
        times.append(time.perf_counter() - began)
        while not loaded:
            app.processEvents()
            time.sleep(0.0005)
        complete.append(time.perf_counter() - began)
    wait_for_running()
    tab.close()
    database.dispose()
    # The first run warms the caches.
    return statistics.median(times[1:]), max(times[1:]), statistics.median(complete[1:])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database = open_database(folder)
        began = time.perf_counter()
        build(database, args.requests)
        print(f"built {args.requests:,} service requests in {time.perf_counter() - began:.1f} s")
        today = date.today()
        month = month_period(today)
        with database.reader() as session:
            everything = service_kpis.compute(session, date(2000, 1, 1), today)
        t = everything.total
        print(f"requests in the report: {t.received:,}; repair orders {t.repaired:,}, "
              f"返修 {t.repeats:,}, closed {t.closed:,}")  # fmt: skip

        def report(start: date, end: date):
            with database.reader() as session:
                return service_kpis.compute(session, start, end)

        whole = timed("KPI report, all 50,000 requests", lambda: report(date(2000, 1, 1), today))
        timed("KPI report, this month", lambda: report(*month))
        database.dispose()
        p50, worst, whole_list = first_rows(folder)
        print(f"售后服务 tab, first rows on screen: p50 {p50 * 1000:.0f} ms, "
              f"worst {worst * 1000:.0f} ms; whole list of the 5,000 newest: p50 "
              f"{whole_list * 1000:.0f} ms")  # fmt: skip
    met = whole <= 0.5 and p50 <= 0.15
    print("targets (KPI ≤ 500 ms, first rows ≤ 150 ms):", "met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
