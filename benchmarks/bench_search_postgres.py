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
import tempfile
import time
from pathlib import Path

from bench_customers import QUERIES, bench_search, build_store
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from kehu_desktop.services.common import server_connection
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.customers import search

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


if __name__ == "__main__":
    raise SystemExit(main())
