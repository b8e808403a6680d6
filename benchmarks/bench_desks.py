"""Benchmark: several desks (processes) doing a mixed day's work on one store at once.

    python benchmarks/bench_desks.py [--processes 2 4 8] [--seconds 10] [--customers 300]
                                     [--pg URL | --start-pg]

Each desk is a process with its own connection, signed in as its own operator, repeating for
``--seconds``: search customers, open a customer file and save it (its own fields or only a
contact), create a customer (code left to the store), register a complaint, take a complaint
one step on (as the ledger showed it), record a visit. Run against a fresh SQLite store in a
temporary folder, and against PostgreSQL when a URL to an empty database is given (``--pg``,
or ``KEHU_BENCH_PG_URL``; its tables are dropped and rebuilt for every run) or ``--start-pg``
starts a throwaway cluster on 127.0.0.1 for the run.

Printed per store and desk count: operations per second, p95 latency per kind of operation,
refused operations (a stale save or a step another desk took first is refused by design and
counted apart from refused registrations and creations, which must be 0), lost updates (a
saved change that a later save overwrote without having seen it), duplicate or missing
complaint numbers and customer codes, and broken complaint event chains. Targets: 0 lost
updates, 0 duplicates or gaps, 0 refused registrations or creations, 0 broken chains.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, text

from kehu_desktop.models import Complaint, ComplaintEvent, Customer, Role
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.database import Database, open_database
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.complaints import lifecycle, registration
from kehu_desktop.services.complaints.lifecycle import HandlingInput, Status
from kehu_desktop.services.complaints.registration import RegistrationInput
from kehu_desktop.services.customers import customer_files, pinyin_initials
from kehu_desktop.services.customers.customer_files import CustomerFilter
from kehu_desktop.services.visits import visit_records

# Operation kind → weight in the day's mix.
MIX = {"search": 30, "save_customer": 20, "create_customer": 5, "register": 15, "step": 15,
       "visit": 15}  # fmt: skip
HOT_FILES = 2
PASSWORD = "desk-pass-1"
# The user typing between opening and saving a file (not counted in the latency).
TYPING = (0.1, 0.4)
SEARCHES = ("华达", "电子", "bj", "KH0001", "科技", "138", "张", "五金")
HANDLING = HandlingInput(department="品质", cause="批次划伤", measures="加强检验", result="换货")


def _step(session, operator, complaint_id: int, seen: str, rng: random.Random) -> None:
    """The next step from ``seen`` (sometimes 撤销 instead), as a desk would take it."""
    if seen != Status.CLOSED and seen != Status.REVISITED and rng.random() < 0.1:
        lifecycle.cancel(session, operator, complaint_id, "客户撤回", seen_status=seen)
    elif seen == Status.REGISTERED:
        lifecycle.investigate(session, operator, complaint_id, seen_status=seen)
    elif seen in (Status.INVESTIGATING, Status.HANDLING):
        if seen == Status.HANDLING and rng.random() < 0.5:
            lifecycle.reply(session, operator, complaint_id, "已换货", seen_status=seen)
        else:
            lifecycle.handle(session, operator, complaint_id, HANDLING, seen_status=seen)
    elif seen == Status.REPLIED:
        lifecycle.record_revisit(
            session, operator, complaint_id, satisfaction="满意", seen_status=seen
        )
    else:
        lifecycle.close(session, operator, complaint_id, seen_status=seen)


@dataclass
class DeskReport:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    refused: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    paused: float = 0.0  # the user's typing pause in the operation under way
    # (customer id, field written, marker, version after): every successful file save.
    saves: list[tuple[int, str, str, int]] = field(default_factory=list)


def _desk_process(results, *args) -> None:
    results.put(desk(*args))


def desk(url: str, operator_id: int, customer_ids: list[int], seconds: float, ready, go) -> dict:
    """One desk's day; returns its ``DeskReport`` as a dict (picklable)."""
    database = Database(url)
    rng = random.Random(operator_id)
    report = DeskReport()
    with database.reader() as session:
        operator = operators.operator_by_id(session, operator_id)
        # Warm up before the clock starts: the pinyin tables load on first use.
        pinyin_initials.sort_key("北京华达")
        customer_files.load_input(session, customer_ids[0])
    kinds, weights = zip(*MIX.items(), strict=True)
    ready.release()
    go.wait()
    end = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < end:
        kind = rng.choices(kinds, weights)[0]
        count += 1
        started = time.perf_counter()
        report.paused = 0.0
        try:
            _operate(kind, database, operator, customer_ids, rng, report, count)
        except UserError as error:
            report.refused[kind].append(str(error))
        except Exception as error:  # noqa: BLE001 - a bug or a store failure: reported
            report.errors.append(f"{kind}: {type(error).__name__}: {error}")
        report.latencies[kind].append(time.perf_counter() - started - report.paused)
    database.dispose()
    return {"latencies": dict(report.latencies), "refused": dict(report.refused),
            "errors": report.errors, "saves": report.saves}  # fmt: skip


def _operate(kind, database, operator, customer_ids, rng, report, count) -> None:
    if kind == "search":
        with database.reader() as session:
            customer_files.list_customers(session, CustomerFilter(text=rng.choice(SEARCHES)))
    elif kind == "save_customer":
        # A few files everybody is working on today, so that desks do collide.
        customer_id = rng.choice(customer_ids[:HOT_FILES])
        with database.reader() as session:
            data = customer_files.load_input(session, customer_id)
        pause = rng.uniform(*TYPING)
        time.sleep(pause)
        report.paused += pause
        marker = f"{operator.id}-{count}"
        where = rng.choice(("notes", "contact"))
        if where == "notes":
            data.values["notes"] = marker
        else:
            data.contacts[0]["notes"] = marker
        with database.session(operator.id) as session:
            customer_files.save(session, data)
            version = session.get(Customer, customer_id).version
        report.saves.append((customer_id, where, marker, version))
    elif kind == "create_customer":
        with database.session(operator.id) as session:
            data = customer_files.new_input(session, operator.id)
            data.values["name"] = f"新客户{operator.id}-{count}"
            customer_files.save(session, data)
    elif kind == "register":
        with database.session(operator.id) as session:
            data = RegistrationInput(customer_id=rng.choice(customer_ids), description="划伤")
            registration.register(session, operator, data)
    elif kind == "step":
        with database.reader() as session:
            open_ids = session.execute(
                select(Complaint.id, Complaint.status)
                .where(Complaint.status.not_in(lifecycle.FINAL_STATUSES))
                .order_by(Complaint.id.desc())
                .limit(20)
            ).all()
        if open_ids:
            complaint_id, seen = rng.choice(open_ids)
            time.sleep(rng.uniform(0, 0.01))  # the user fills in the step form
            with database.session(operator.id) as session:
                _step(session, operator, complaint_id, seen, rng)
    else:
        with database.session(operator.id) as session:
            data = visit_records.new_input(session, operator, rng.choice(customer_ids))
            data.values["result"] = "例行拜访，谈了下季度订单"
            visit_records.save_visit(session, operator, data)


# --- setting up and checking a store -----------------------------------------------------------


def build(url: str | None, folder: Path, desks: int, customers: int) -> tuple[str, list, list]:
    """A fresh store with ``desks`` operators and ``customers`` files (through the services)."""
    if url is not None:
        reset = Database(url)
        with reset.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        reset.dispose()
    database = open_database(folder, url)
    with database.session() as session:
        admin = operators.create_first_admin(session, "admin", "管理员", "admin-pass")
        staff = [
            operators.create_staff(session, f"desk{i}", f"客服{i}", Role.SUPERVISOR, PASSWORD).id
            for i in range(desks)
        ]
    rng = random.Random(7)
    ids = []
    for index in range(customers):
        with database.session(admin.id) as session:
            data = customer_files.new_input(session, rng.choice(staff))
            data.values.update(name=f"{rng.choice(('北京', '深圳', '上海'))}华达电子{index}公司",
                               phone=f"138{rng.randrange(10**8):08d}")  # fmt: skip
            data.contacts = [{"name": f"联系人{index}", "mobile": f"139{index:08d}"}]
            ids.append(customer_files.save(session, data))
    url = database.url
    database.dispose()
    return url, staff, ids


@dataclass
class Checks:
    lost_updates: int
    duplicate_numbers: int
    missing_numbers: int
    duplicate_codes: int
    broken_chains: int


def check(url: str, saves: list[tuple[int, str, str, int]]) -> Checks:
    """Lost updates: for every customer and field, the store must hold what the last
    successful save of that field wrote (versions order the saves); a later save of the
    other field that carried an old copy of it would have erased it."""
    database = Database(url)
    last: dict[tuple[int, str], tuple[int, str]] = {}
    for customer_id, where, marker, version in saves:
        if version > last.get((customer_id, where), (-1, ""))[0]:
            last[customer_id, where] = (version, marker)
    lost = 0
    with database.reader() as session:
        for (customer_id, where), (_version, marker) in last.items():
            data = customer_files.load_input(session, customer_id)
            stored = data.values["notes"] if where == "notes" else data.contacts[0]["notes"]
            lost += stored != marker
        versions_seen: dict[tuple[int, int], int] = defaultdict(int)
        for customer_id, _where, _marker, version in saves:
            versions_seen[customer_id, version] += 1
        lost += sum(n - 1 for n in versions_seen.values())  # two saves made the same version
        duplicates = missing = 0
        for _year, count, distinct, highest in session.execute(
            select(Complaint.year, func.count(), func.count(Complaint.seq.distinct()),
                   func.max(Complaint.seq)).group_by(Complaint.year)
        ):  # fmt: skip
            duplicates += count - distinct
            missing += highest - distinct
        codes = list(session.scalars(select(Customer.code)))
        broken = 0
        for complaint in session.scalars(select(Complaint)):
            events = session.scalars(
                select(ComplaintEvent)
                .where(ComplaintEvent.complaint_id == complaint.id)
                .order_by(ComplaintEvent.id)
            ).all()
            status = Status.REGISTERED
            for event in events:
                broken += event.from_status != status
                status = event.to_status
            broken += complaint.status != status
    database.dispose()
    return Checks(lost, duplicates, missing, len(codes) - len(set(codes)), broken)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000 if ordered else 0.0


def run(label: str, url: str | None, processes: int, seconds: float, customers: int) -> bool:
    folder = Path(tempfile.mkdtemp(prefix="kehu-desks-"))
    try:
        store_url, staff, ids = build(url, folder, processes, customers)
        spawn = multiprocessing.get_context("spawn")
        ready, go, results = spawn.Semaphore(0), spawn.Event(), spawn.Queue()
        desks = [
            spawn.Process(target=_desk_process,
                          args=(results, store_url, staff[i], ids, seconds, ready, go))
            for i in range(processes)
        ]  # fmt: skip
        for process in desks:
            process.start()
        for _ in range(processes):
            ready.acquire()
        started = time.perf_counter()
        go.set()
        reports = [results.get(timeout=seconds * 20 + 120) for _ in desks]
        elapsed = time.perf_counter() - started
        for process in desks:
            process.join()
        return _print(label, processes, elapsed, reports, check(store_url, _saves(reports)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _saves(reports: list[dict]) -> list:
    return [s for r in reports for s in r["saves"]]


def _print(label, processes, elapsed, reports, checks: Checks) -> bool:
    latencies: dict[str, list[float]] = defaultdict(list)
    refused: dict[str, list[str]] = defaultdict(list)
    errors = [e for r in reports for e in r["errors"]]
    for report in reports:
        for kind, values in report["latencies"].items():
            latencies[kind] += values
        for kind, messages in report["refused"].items():
            refused[kind] += messages
    total = sum(len(v) for v in latencies.values())
    every = [x for v in latencies.values() for x in v]
    print(f"\n{label}, {processes} desks: {total} operations in {elapsed:.1f} s = "
          f"{total / elapsed:.1f} ops/s, p95 {p95(every):.1f} ms")  # fmt: skip
    for kind in MIX:
        values = latencies.get(kind, [])
        print(f"  {kind:<16} {len(values):>6} ops  p95 {p95(values):>7.1f} ms  "
              f"refused {len(refused.get(kind, [])):>4}")  # fmt: skip
    stale = sum("本次未保存" in m for m in refused.get("save_customer", []))
    print(f"  refused by design: {stale} stale file saves, "
          f"{len(refused.get('step', []))} steps another desk took first")  # fmt: skip
    must_not = len(refused.get("register", [])) + len(refused.get("create_customer", []))
    must_not += len(refused.get("visit", [])) + len(refused.get("search", []))
    print(f"  refused registrations/creations/visits: {must_not}   errors: {len(errors)}")
    print(f"  lost updates: {checks.lost_updates}   duplicate numbers: "
          f"{checks.duplicate_numbers}   missing numbers: {checks.missing_numbers}   "
          f"duplicate codes: {checks.duplicate_codes}   broken event chains: "
          f"{checks.broken_chains}")  # fmt: skip
    for message in sorted(set(errors))[:5]:
        print(f"    error: {message}")
    for kind in ("register", "create_customer", "visit"):
        for message in sorted(set(refused.get(kind, [])))[:3]:
            print(f"    refused {kind}: {message}")
    return not (
        must_not
        or errors
        or checks.lost_updates
        or checks.duplicate_numbers
        or checks.missing_numbers
        or checks.duplicate_codes
        or checks.broken_chains
    )


# --- a throwaway PostgreSQL cluster ------------------------------------------------------------


class ThrowawayCluster:
    """initdb + pg_ctl in a temporary folder, listening on 127.0.0.1 only; stopped on exit."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kehu-pg-"))
        with socket.socket() as probe:  # a port nobody uses now
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/kehu"

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True)

    def __enter__(self) -> ThrowawayCluster:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        data = str(self.folder / "data")
        self._run("initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=on"
        self._run("pg_ctl", "-D", data, "-o", options, "-l", str(self.folder / "log"), "-w",
                  "start")  # fmt: skip
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "kehu")
        return self

    def __exit__(self, *_exc: object) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, nargs="+", default=[2, 4, 8])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--pg", default=os.environ.get("KEHU_BENCH_PG_URL"))
    parser.add_argument("--start-pg", action="store_true", help="start a throwaway cluster")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    print(f"{datetime.now():%Y-%m-%d %H:%M}  {os.cpu_count()} CPUs, {args.seconds:g} s per run, "
          f"{args.customers} customers")  # fmt: skip
    ok = True
    if not args.no_sqlite:
        for count in args.processes:
            ok &= run("SQLite", None, count, args.seconds, args.customers)
    if args.start_pg:
        with ThrowawayCluster() as cluster:
            for count in args.processes:
                ok &= run("PostgreSQL", cluster.url, count, args.seconds, args.customers)
    elif args.pg:
        for count in args.processes:
            ok &= run("PostgreSQL", args.pg, count, args.seconds, args.customers)
    print("\nall targets met" if ok else "\nTARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
