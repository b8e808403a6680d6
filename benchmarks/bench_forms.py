"""Printed forms: every form filled warm, one cold (font loading included), 100 in one batch.

    python benchmarks/bench_forms.py [--rounds 20] [--repeat 3]

Targets (issue 6): one filled form ≤ 30 ms warm (p95) and ≤ 300 ms including font loading;
100 forms in one batch ≤ 2 s. Each figure includes reading the record from the store. Every
figure is the median of ``--repeat`` runs; warm figures are given as wall-clock and CPU time
(the CPU time is what a busy machine inflates least) and per page for reports of several
pages. The load average is printed first: on a busy machine the wall-clock figures are not
the PC's.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from kehu_desktop.cli import main as admin
from kehu_desktop.forms import printing
from kehu_desktop.forms.definition import load_catalog
from kehu_desktop.forms.specimen import add_specimens, specimen_job
from kehu_desktop.models import Customer
from kehu_desktop.services.common.database import open_database

COLD = """
import sys, time
start = time.perf_counter()
from kehu_desktop.forms import printing
from kehu_desktop.forms.definition import load_catalog
from kehu_desktop.services.common.database import open_database
imported = time.perf_counter()
database = open_database(sys.argv[1])
catalog = load_catalog(database.data_dir)
job = printing.PrintJob("customer_card", (int(sys.argv[2]),))
from pypdf import PdfReader
from sqlalchemy import select
from kehu_desktop.models import Staff
with database.reader() as session:  # the running app has used the store already
    session.scalars(select(Staff)).first()
first = time.perf_counter()
with database.reader() as session:
    data = printing.render(session, catalog, job)
done = time.perf_counter()
print(f"{(imported - start) * 1000:.1f} {(done - first) * 1000:.1f} {len(data)}")
"""


def timed(fn, rounds: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each of ``rounds`` calls."""
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(len(times) * 0.95) - 1)]


def main() -> int:
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 20
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    print(f"负载（1/5/15 分钟平均）：{' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    data_dir = Path(tempfile.mkdtemp(prefix="kehu-bench-forms-"))
    admin(["--data-dir", str(data_dir), "demo", "--customers", "300"])
    database = open_database(data_dir)
    with database.session() as session:
        ids = add_specimens(session, date(2026, 11, 20))
    with database.reader() as session:
        hundred = tuple(session.scalars(select(Customer.id).order_by(Customer.id).limit(100)))

    colds = [
        subprocess.run(
            [sys.executable, "-c", COLD, str(data_dir), str(ids.customer)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()  # fmt: skip
        for _ in range(repeat)
    ]
    print(f"导入模块：{statistics.median(float(c[0]) for c in colds):.0f} ms（不计入）")
    first = statistics.median(float(c[1]) for c in colds)
    print(f"首张表单（含字体载入、读取记录；数据库已打开）：{first:.0f} ms（目标 ≤ 300 ms）")

    catalog = load_catalog(data_dir)
    over = []
    for key, definition in catalog.forms.items():
        job = specimen_job(key, definition.source, ids)

        def once(job=job) -> bytes:
            with database.reader() as session:
                return printing.render(session, catalog, job)

        pages = len(PdfReader(io.BytesIO(once())).pages)
        runs = [timed(once, rounds) for _ in range(repeat)]
        wall = statistics.median(p95(w) for w, _c in runs)
        cpu = statistics.median(p95(c) for _w, c in runs)
        fastest = min(min(w) for w, _c in runs)
        per_page = f"，每页 p95 {wall / pages:.1f} ms（{pages} 页）" if pages > 1 else ""
        print(
            f"{definition.title} 预热后 PDF：最快 {fastest:.1f} ms，p95 {wall:.1f} ms，"
            f"CPU p95 {cpu:.1f} ms{per_page}（目标 ≤ 30 ms）"
        )
        if wall > 30:
            over.append(definition.title)

    for fmt in ("pdf", "xlsx"):
        job = printing.PrintJob("customer_card", hundred)

        def batch(job=job, fmt=fmt) -> int:
            with database.reader() as session:
                return len(printing.render(session, catalog, job, fmt))

        wall, cpu = timed(batch, repeat)
        target = "（目标 ≤ 2 s）" if fmt == "pdf" else ""
        print(
            f"100 张客户资料卡一批 {fmt.upper()}：{statistics.median(wall) / 1000:.2f} s，"
            f"CPU {statistics.median(cpu) / 1000:.2f} s{target}"
        )
    print(f"p95 超过 30 ms 的表单：{'、'.join(over) or '无'}")
    database.dispose()
    shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
