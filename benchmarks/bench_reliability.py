"""Reliability: kill -9 during mixed saves, and a backup taken under load.

Kill test: a writer process saves customers, complaint steps, visits and sales imports through
the services the window uses, and after each commit appends what it saved to an
acknowledgement file (fsync'ed). The parent kills it with SIGKILL at a random moment, then
checks the store (``integrity_check``, the audit and complaint hash chains) and that every
acknowledged save is there. Repeated ``--kills`` times on the same store.

Backup under load: while a writer saves, verified backups are taken; each is restored into a
scratch folder, checked, and its chains verified.

Prints "N kills: C corrupt, L lost acknowledged saves" and the backup figures.

    python benchmarks/bench_reliability.py [--kills 100] [--backups 5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def writer(data_dir: Path, acks: Path, seed: int) -> None:
    """Save forever (until killed): one acknowledged save per line in ``acks``."""
    from openpyxl import Workbook
    from sqlalchemy import func, select

    from kehu_desktop.models import ComplaintEvent, Customer
    from kehu_desktop.services.common import operators
    from kehu_desktop.services.common.context import DeskContext
    from kehu_desktop.services.common.database import open_database
    from kehu_desktop.services.complaints import lifecycle, registration
    from kehu_desktop.services.complaints.registration import RegistrationInput
    from kehu_desktop.services.customers import customer_files
    from kehu_desktop.services.key_accounts import sales_import
    from kehu_desktop.services.visits import visit_records

    rng = random.Random(seed)
    database = open_database(data_dir)
    with database.reader() as session:
        admin = operators.first_admin(session)
    context = DeskContext(database, admin)
    handle = acks.open("a", encoding="utf-8")

    def ack(**record: object) -> None:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())

    steps = (
        lambda s, c: lifecycle.investigate(s, admin, c),
        lambda s, c: lifecycle.handle(
            s, admin, c, lifecycle.HandlingInput(department="品质", cause="划伤", measures="复检",
                                                  result="换货", exchange_quantity="1",
                                                  exchange_amount="10.00")),
        lambda s, c: lifecycle.reply(s, admin, c, "已换货"),
    )  # fmt: skip
    open_complaints: dict[int, int] = {}  # complaint id -> steps taken
    counter = 0

    def first_id() -> int:
        with context.reader() as session:
            return session.scalar(select(Customer.id).order_by(Customer.id).limit(1))

    while True:
        counter += 1
        if counter == 6:  # warmed up (imports, pinyin tables): the parent starts its clock
            print("ready", flush=True)
        kind = rng.choice(("customer", "customer", "complaint", "visit", "import"))
        if kind == "customer":
            name = f"可靠性客户{seed}-{counter}"
            with context.session() as session:
                data = customer_files.new_input(session)
                data.values.update(name=name)
                customer_files.save(session, data)
            ack(kind="customer", name=name)
        elif kind == "complaint":
            if open_complaints and rng.random() < 0.6:
                complaint = next(iter(open_complaints))
                with context.session() as session:
                    steps[open_complaints[complaint]](session, complaint)
                open_complaints[complaint] += 1
                if open_complaints[complaint] == len(steps):
                    del open_complaints[complaint]
            else:
                with context.session() as session:
                    complaint = registration.register(
                        session, admin,
                        RegistrationInput(customer_id=first_id(), description="外观划伤"),
                    )  # fmt: skip
                open_complaints[complaint] = 0
            with context.reader() as session:
                events = session.scalar(
                    select(func.count()).where(ComplaintEvent.complaint_id == complaint)
                )
            ack(kind="step", complaint=complaint, events=events)
        elif kind == "visit":
            customer = first_id()
            with context.session() as session:
                data = visit_records.new_input(session, admin, customer)
                data.values.update(result=f"可靠性拜访{seed}-{counter}")
                visit = visit_records.save_visit(session, admin, data)
            ack(kind="visit", id=visit)
        else:
            with context.reader() as session:
                code = session.scalar(select(Customer.code).where(Customer.id == first_id()))
            month = date(2020 + counter % 5, counter % 12 + 1, 1)
            amount = f"{rng.randrange(1, 10**6)}.{rng.randrange(100):02d}"
            sheet = Workbook()
            sheet.active.append(["客户编号", "月份", "销售金额", "销售数量"])
            sheet.active.append([code, month.strftime("%Y-%m"), amount, 1])
            path = data_dir / f"import-{seed}.xlsx"
            sheet.save(path)
            with context.session() as session:
                plan = sales_import.read_sales_file(session, path)
                sales_import.apply_import(session, plan, as_of=date(2026, 11, 30))
            ack(kind="import", code=code, month=month.isoformat(), amount=amount)


def verify(data_dir: Path, acks: Path) -> tuple[bool, int, int]:
    """(corrupt, lost acknowledged saves, acknowledged saves) after a kill."""
    from sqlalchemy import func, select

    from kehu_desktop.models import Complaint, ComplaintEvent, Customer, SalesRecord, Visit
    from kehu_desktop.services.common import audit, store_files
    from kehu_desktop.services.common.database import open_database
    from kehu_desktop.services.complaints import event_chain

    store = data_dir / "kehu.sqlite3"
    # Opening replays the WAL the killed writer left, as the next start of the app would.
    with closing(sqlite3.connect(store)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if store_files.integrity_problems(store):
        return True, 0, 0
    database = open_database(data_dir)
    lost = total = 0
    try:
        with database.reader() as session:
            if audit.chain_breaks(session) or event_chain.chain_breaks(session):
                return True, 0, 0
            per_complaint = select(ComplaintEvent.complaint_id, func.count()).group_by(
                ComplaintEvent.complaint_id
            )
            events = {complaint: count for complaint, count in session.execute(per_complaint)}
            for line in acks.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                total += 1
                kind = record["kind"]
                if kind == "customer":
                    found = session.scalar(
                        select(func.count()).where(Customer.name == record["name"])
                    )
                elif kind == "step":
                    found = events.get(record["complaint"], 0) >= record["events"] and (
                        session.get(Complaint, record["complaint"]) is not None
                    )
                elif kind == "visit":
                    found = session.get(Visit, record["id"]) is not None
                else:
                    found = session.scalar(
                        select(func.count())
                        .select_from(SalesRecord)
                        .join(Customer, Customer.id == SalesRecord.customer_id)
                        .where(
                            Customer.code == record["code"],
                            SalesRecord.month == date.fromisoformat(record["month"]),
                        )
                    )
                lost += not found
    finally:
        database.dispose()
    return False, lost, total


def kill_test(kills: int, seed: int) -> tuple[int, int, int]:
    from kehu_desktop.cli import main as admin

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="kehu-kill-") as scratch:
        data_dir = Path(scratch) / "data"
        admin(["--data-dir", str(data_dir), "demo", "--customers", "50"])
        acks = Path(scratch) / "acks.jsonl"
        acks.touch()
        corrupt = lost = 0
        for kill in range(kills):
            child = subprocess.Popen(
                [sys.executable, __file__, "--writer", str(data_dir), str(acks), str(kill)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            child.stdout.readline()  # started and saved a few times
            time.sleep(rng.random() * 2.0)  # then killed anywhere in its saves
            child.send_signal(signal.SIGKILL)
            _out, err = child.communicate()
            if err.strip():
                print(err.decode(errors="replace")[-2000:], file=sys.stderr)
            is_corrupt, missing, total = verify(data_dir, acks)
            corrupt += is_corrupt
            lost = max(lost, missing)  # the same save is checked after every later kill too
            if (kill + 1) % 10 == 0:
                print(f"  {kill + 1} kills, {total} acknowledged saves so far", file=sys.stderr)
        return corrupt, lost, total


def backup_under_load(backups: int) -> tuple[int, int, float]:
    """(backups taken, backups that restored sound, seconds per backup)."""
    from kehu_desktop.cli import main as admin
    from kehu_desktop.services.common import audit, backup, restore
    from kehu_desktop.services.common.database import open_database
    from kehu_desktop.services.complaints import event_chain

    sound = 0
    seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="kehu-backup-") as scratch:
        data_dir = Path(scratch) / "data"
        admin(["--data-dir", str(data_dir), "demo", "--customers", "2000"])
        acks = Path(scratch) / "acks.jsonl"
        child = subprocess.Popen(
            [sys.executable, __file__, "--writer", str(data_dir), str(acks), "999"],
            stdout=subprocess.DEVNULL,
        )
        try:
            time.sleep(2)
            database = open_database(data_dir)
            taken = []
            for _ in range(backups):
                started = time.perf_counter()
                taken.append(backup.back_up(database, "manual", Path(scratch) / "bk"))
                seconds += time.perf_counter() - started
                time.sleep(0.5)
            database.dispose()
        finally:
            child.kill()
            child.wait()
        for number, info in enumerate(taken):
            target = Path(scratch) / f"restored-{number}"
            target.mkdir()
            result = restore.restore(target, info.path, safety_folder=target / "safety")
            with result.database.reader() as session:
                ok = not audit.chain_breaks(session) and not event_chain.chain_breaks(session)
            result.database.dispose()
            sound += ok
    return len(taken), sound, seconds / max(len(taken), 1)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        writer(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--backups", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    started = datetime.now()
    corrupt, lost, saves = kill_test(args.kills, args.seed)
    print(f"{args.kills} kills: {corrupt} corrupt, {lost} lost acknowledged saves "
          f"({saves} acknowledged saves: customers, complaint steps, visits, imports)")  # fmt: skip
    taken, sound, per_backup = backup_under_load(args.backups)
    print(f"backup under load: {taken} backups taken while saving, {sound} restored sound "
          f"(integrity, audit and complaint chains), {per_backup:.2f} s per backup")  # fmt: skip
    print(f"elapsed {datetime.now() - started}")
    return 0 if corrupt == 0 and lost == 0 and sound == taken else 1


if __name__ == "__main__":
    sys.exit(main())
