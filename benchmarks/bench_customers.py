"""Customer desk at scale: a 100,000-customer store, search latency, the first rows, memory,
and start-up time beside a bare PySide6 window.

    python benchmarks/bench_customers.py [--customers 100000] [--data-dir DIR]

With ``--data-dir`` pointing at a store built earlier, the build is skipped.
Targets (issue 2): search p95 ≤ 15 ms, first rows ≤ 150 ms, RSS ≤ 250 MiB,
start-up ≤ 2× the bare window.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

QUERIES = {
    "1 个汉字": ["华", "张", "泰", "王", "鑫"],
    "2 个汉字": ["华达", "宏泰", "张伟", "精密", "恒通"],
    "4 个汉字": ["华达电子", "宏泰包装", "北京华达", "精密机械", "五金制造"],
    "拼音首字母": ["bjhd", "shht", "szhx", "zs", "gzjm"],
    "电话片段": ["0755-8", "138", "6234-5", "0571 88", "139 12"],
}
ROUNDS = 20

BARE_WINDOW = """
import time, sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 760); w.show(); app.processEvents()
print(time.time())
"""

SIGN_IN_WINDOW = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from kehu_desktop import app

def shown():
    print(time.time(), flush=True)
    QApplication.activeModalWidget().reject()

QTimer.singleShot(0, shown)
app.main(["--data-dir", sys.argv[1]])
"""

APP_WINDOW = """
import time, sys
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from kehu_desktop.app import create_main_window
w = create_main_window(sys.argv[1]); w.show()
app = QApplication.instance()
while w.customers_tab.model.rowCount() == 0:
    QThreadPool.globalInstance().waitForDone(10); app.processEvents()
w.customers_tab.table.viewport().repaint()
print(time.time())
if len(sys.argv) > 2:  # then use it a while, as a desk would, and report the peak memory
    import psutil
    from PySide6.QtCore import QThreadPool
    tab = w.customers_tab
    tab.table.scrollToBottom(); app.processEvents()
    for text in ("华达", "bjhd", "138", ""):
        tab.search.setText(text); tab.reload()
        QThreadPool.globalInstance().waitForDone(); app.processEvents()
        tab.table.scrollToBottom(); app.processEvents()
    info = psutil.Process().memory_info()
    peak = getattr(info, "peak_wset", 0)
    if not peak:
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(peak / 2**20)
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def build_store(folder: Path, count: int) -> None:
    """Built by kehu-admin in its own process, which closes the store (and checkpoints its
    journal) when it ends, as it would before anyone opens the window."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kehu_desktop.cli", "--data-dir", str(folder), "demo",
         "--customers", str(count)],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"建库：{count:,} 位客户，{time.perf_counter() - started:.1f} s")


def bench_search(folder: Path) -> None:
    from kehu_desktop.services.common.database import open_database
    from kehu_desktop.services.customers import customer_files

    database = open_database(folder)
    print(
        "\n搜索延迟（窗口的客户列表查询：匹配 + 过滤 + 排序；"
        f"最多显示 {customer_files.SEARCH_LIMIT} 位）"
    )
    print(f"{'类别':<10}{'p50 ms':>8}{'p95 ms':>8}{'命中(均)':>10}")
    for label, queries in QUERIES.items():
        timings, hits = [], []
        with database.reader() as session:
            for query in queries:  # warm the page cache and the statement cache
                customer_files.list_customers(session, customer_files.CustomerFilter(text=query))
            for _ in range(ROUNDS):
                for query in queries:
                    started = time.perf_counter()
                    listing = customer_files.list_customers(
                        session, customer_files.CustomerFilter(text=query)
                    )
                    timings.append((time.perf_counter() - started) * 1000)
                    hits.append(len(listing.ids))
        print(
            f"{label:<10}{percentile(timings, 0.5):>8.2f}{percentile(timings, 0.95):>8.2f}"
            f"{statistics.mean(hits):>10.0f}"
        )
    database.dispose()


def settle(app) -> None:
    """Wait until no desk is loading: each finished load may start the next desk's."""
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    quiet_rounds = 0
    while quiet_rounds < 3:
        busy = pool.activeThreadCount() > 0
        pool.waitForDone()
        app.processEvents()
        quiet_rounds = 0 if busy else quiet_rounds + 1


def bench_first_rows(folder: Path) -> None:
    """Opening the customer tab: the list query off the GUI thread, the first page fetched and
    painted, with the GUI thread waiting in an event loop as it does in the running app."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from kehu_desktop.app import create_main_window

    window = create_main_window(folder)
    window.show()
    app = QApplication.instance()
    window.tabs.setCurrentWidget(window.customers_tab)
    tab = window.customers_tab
    settle(app)  # the window's own start-up loads, desk after desk
    first_rows, whole_list = [], []
    for round_no in range(ROUNDS // 2 + 1):  # round 0 warms the caches and is not counted
        tab.model.set_ids([])
        loop = QEventLoop()
        shown: list[float] = []

        def rows_painted(_count: int, shown=shown) -> None:
            if not shown:
                tab.table.viewport().repaint()
                shown.append(time.perf_counter())

        tab.rows_shown.connect(rows_painted)
        tab.loaded.connect(loop.quit)
        started = time.perf_counter()
        tab.reload()
        loop.exec()
        if round_no:
            first_rows.append((shown[0] - started) * 1000)
            whole_list.append((time.perf_counter() - started) * 1000)
        tab.rows_shown.disconnect(rows_painted)
        tab.loaded.disconnect(loop.quit)
    print(
        f"\n打开客户档案（{tab.model.rowCount():,} 位客户，{len(first_rows)} 次）："
        f"首屏显示 p50 {percentile(first_rows, 0.5):.0f} ms，"
        f"p95 {percentile(first_rows, 0.95):.0f} ms；"
        f"全部 id 载入 p50 {percentile(whole_list, 0.5):.0f} ms"
    )
    window.close()


def time_startup(code: str, *args: str) -> float:
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return float(out.stdout.strip().splitlines()[0]) - started


def remember_a_sign_in(folder: Path) -> None:
    """As on any PC where the desk has worked before: the last login name is remembered."""
    from kehu_desktop.app import ensure_application, remember_username
    from kehu_desktop.ui.common.layout_memory import LayoutMemory

    ensure_application()
    memory = LayoutMemory(folder)
    remember_username(memory, "admin")
    memory.sync()


def bench_startup(folder: Path) -> None:
    remember_a_sign_in(folder)
    bare = statistics.median(time_startup(BARE_WINDOW) for _ in range(5))
    sign_in = statistics.median(time_startup(SIGN_IN_WINDOW, str(folder)) for _ in range(5))
    rows = statistics.median(time_startup(APP_WINDOW, str(folder)) for _ in range(5))
    print(
        f"\n启动时间（进程启动至窗口出现，中位数，5 次）：空白 PySide6 窗口 {bare * 1000:.0f} ms；"
        f"客户管家登录窗口 {sign_in * 1000:.0f} ms（{sign_in / bare:.2f}×）"
    )
    print(f"登录后主窗口连同 10 万客户首屏（不含输入密码）：{rows * 1000:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--data-dir", help="reuse a store built earlier")
    args = parser.parse_args()
    folder = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="kehu-bench-"))
    if not (folder / "kehu.sqlite3").exists():
        build_store(folder, args.customers)
    bench_search(folder)
    bench_first_rows(folder)
    bench_startup(folder)
    bench_memory(folder)
    return 0


def bench_memory(folder: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", APP_WINDOW, str(folder), "use"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    peak = float(out.stdout.strip().splitlines()[-1])
    print(f"\n峰值内存（窗口打开 10 万客户、滚动到底、搜索 4 次）：{peak:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
