"""Search-as-you-type on PostgreSQL: the customer list's query over 100,000 customers.

    python benchmarks/bench_search_postgres.py --server postgresql+psycopg://user@host:port/postgres
        [--customers 100000] [--keep] [--reuse]

Creates a database ``kehu_bench_search`` on that server (dropped first if it exists, unless
``--reuse`` finds it built by an earlier ``--keep`` run; dropped at the end unless ``--keep``),
points a temporary data folder at it as 设置 → 数据库… would, builds the demo store with
``kehu-admin demo`` and times the same queries as ``bench_customers.py``.
Target (issue 11): p95 ≤ 20 ms in every category.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench_customers import QUERIES, ROUNDS, bench_search, build_store, percentile
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from kehu_desktop.services.common import server_connection
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.customers import customer_files, search

DATABASE = "kehu_bench_search"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="URL of any database on the server")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database kept earlier")
    args = parser.parse_args()
    base = make_url(args.server)
    admin = create_engine(base, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": DATABASE}
        )
        build = not (args.reuse and exists)
        if build:
            connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {DATABASE}"))
    folder = Path(tempfile.mkdtemp(prefix="kehu-bench-pg-"))
    target = server_connection.ServerConnection.from_url(
        base.set(database=DATABASE).render_as_string(hide_password=False)
    )
    server_connection.save(folder, target, base.password or "")
    try:
        if build:
            build_store(folder, args.customers)
        describe(folder)
        bench_search(folder)
        bench_server_time(folder)
        print(f"查询：{', '.join(q for queries in QUERIES.values() for q in queries)}")
    finally:
        if not args.keep:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        admin.dispose()
    return 0


def describe(folder: Path) -> None:
    database = open_database(folder)
    with database.engine.connect() as connection:
        index = connection.scalar(text("SELECT to_regclass(:i)"), {"i": search.TRIGRAM_INDEX})
        started = time.perf_counter()
        count = connection.scalar(text("SELECT count(*) FROM customers"))
        elapsed = (time.perf_counter() - started) * 1000
    print(f"服务器：{database.server_version()}，客户 {count:,} 位（计数 {elapsed:.1f} ms）")
    print(f"三字母索引 {search.TRIGRAM_INDEX}：{'有' if index else '无（逐行查找）'}")
    database.dispose()


def bench_server_time(folder: Path) -> None:
    """The same searches timed without the client's waits on a busy machine.

    Server time: EXPLAIN ANALYZE of every statement the list query sends (planning plus
    execution; still wall time inside the server). CPU: what the server process and this
    process spent per search on average, read from /proc when the server runs on this
    machine; on a machine shared with other work it is what the search would take alone.
    """
    database = open_database(folder)
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    print(
        "\n服务器端耗时（EXPLAIN ANALYZE：计划 + 执行）"
        "与每次搜索的 CPU 时间（服务器 + 客户端，均值）"
    )
    print(f"{'类别':<10}{'p50 ms':>8}{'p95 ms':>8}{'CPU ms':>8}")
    for label, queries in QUERIES.items():
        timings = []
        with database.reader() as session:
            connection = session.connection()
            backend = Path(
                f"/proc/{connection.exec_driver_sql('SELECT pg_backend_pid()').scalar()}"
            )
            cpu_before = _cpu_ms(backend), time.process_time()
            for _ in range(ROUNDS):
                for query in queries:
                    customer_files.list_customers(
                        session, customer_files.CustomerFilter(text=query)
                    )
            cpu = (_cpu_ms(backend) - cpu_before[0]) + (time.process_time() - cpu_before[1]) * 1000
            cpu_per_search = cpu / (ROUNDS * len(queries))
            for _ in range(ROUNDS):
                for query in queries:
                    event.listen(database.engine, "before_cursor_execute", keep)
                    flt = customer_files.CustomerFilter(text=query)
                    customer_files.list_customers(session, flt)
                    event.remove(database.engine, "before_cursor_execute", keep)
                    total = 0.0
                    for statement, parameters in sent:
                        plan = connection.exec_driver_sql(
                            f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
                        ).scalar()
                        total += plan[0]["Planning Time"] + plan[0]["Execution Time"]
                    sent.clear()
                    timings.append(total)
        cpu_text = f"{cpu_per_search:>8.2f}" if cpu_per_search >= 0 else f"{'—':>8}"
        print(
            f"{label:<10}{percentile(timings, 0.5):>8.2f}{percentile(timings, 0.95):>8.2f}"
            f"{cpu_text}"
        )
    database.dispose()


def _cpu_ms(process: Path) -> float:
    """User + system CPU of a local process in ms (-inf when it is not on this machine)."""
    try:
        fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("-inf")
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    raise SystemExit(main())
