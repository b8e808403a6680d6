"""The after-sales list and the key-account list read back from their own Excel exports.

    python benchmarks/bench_desk_imports.py [--customers 3000]

Loads the demo data, exports the 售后服务单 list (the newest 5,000, as the window lists them)
and the 大客户一览 through the functions the window uses, empties those desks, then times the
preview and the import of each export and counts the rows the store lists differently
afterwards. Prints the figures; exits 1 when a row has an error or comes back different (the
key accounts' countermeasures are not in the list's import and are left out of the count).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import text

from kehu_desktop.demo import loader
from kehu_desktop.services.common import operators
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.common.excel_export import write_table
from kehu_desktop.services.imports import commit, preview
from kehu_desktop.services.imports.plan import ImportRequest
from kehu_desktop.services.key_accounts import key_account_cards
from kehu_desktop.services.service_desk import ledger

TODAY = date(2026, 11, 22)


def _service_rows(session) -> list[tuple]:
    return ledger.export_rows(session, ledger.list_requests(session, today=TODAY))


def _key_account_rows(session) -> list[tuple]:
    return key_account_cards.export_rows(key_account_cards.list_key_accounts(session, TODAY))


# (kind, title, headers, rows, tables emptied first, columns left out of the comparison)
LISTS = (
    ("service-requests", "售后服务单", ledger.EXPORT_HEADERS, _service_rows,
     ("repair_parts", "repair_orders", "factory_feedback", "service_events", "service_requests",
      "purchases"), ()),
    ("key-accounts", "大客户一览", key_account_cards.EXPORT_HEADERS, _key_account_rows,
     ("countermeasures", "key_accounts", "key_account_proposals"), ("未完成对策", "逾期对策")),
)  # fmt: skip


def _differing(headers, before: list[tuple], after: list[tuple], left_out) -> list[str]:
    """Each differing cell as "number 列：old → new"."""
    kept = [i for i, h in enumerate(headers) if h not in left_out]
    pairs = zip(before, after, strict=False)
    found = [f"{a[0]} {headers[i]}：{a[i]!r} → {b[i]!r}" for a, b in pairs for i in kept
             if a[i] != b[i]]  # fmt: skip
    if len(before) != len(after):
        found.append(f"行数 {len(before)} → {len(after)}")
    return found


def main(argv: list[str] | None = None) -> int:
    customers = int(argv[argv.index("--customers") + 1]) if argv and "--customers" in argv else 3000
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(Path(folder))
        with database.session() as session:
            admin = operators.create_first_admin(session, "admin", "系统管理员", "admin-pass")
        database.operator_id = admin.id
        print(f"生成 {customers:,} 位客户的演示数据…", flush=True)
        loader.load_demo(database, customers, today=TODAY)
        for kind, title, headers, rows_of, tables, left_out in LISTS:
            path = Path(folder) / f"{title}.xlsx"
            with database.reader() as session:
                before = rows_of(session)
            write_table(path, title, headers, before)
            with database.session() as session:
                for table in tables:
                    session.execute(text(f"DELETE FROM {table}"))
            request = ImportRequest(kind, path)
            start = time.perf_counter()
            with database.reader() as session:
                seen = preview.build(session, request)
            previewed = time.perf_counter() - start
            start = time.perf_counter()
            with database.session() as session:
                result = commit.run(session, request, seen=seen)
            written = time.perf_counter() - start
            with database.reader() as session:
                differing = _differing(headers, before, rows_of(session), left_out)
            ok &= not differing and not seen.errors
            print(f"{title}：{len(before):,} 行，预览 {previewed:.2f} s（{seen.summary()}），"
                  f"导入 {written:.2f} s（{result.describe()}），"
                  f"再导出不同的格 {len(differing)} 个", flush=True)  # fmt: skip
            for line in differing[:10]:
                print(f"  {line}")
        database.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
