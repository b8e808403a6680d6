"""Screenshots of the import window (mapping, preview), 客户查重 and the merge confirmation;
then the after-sales ledger and the key-account list read back from the desks' own exports.

    QT_QPA_PLATFORM=offscreen python scripts/screenshots_imports.py [--out docs/screenshots]

Builds a demo store and a hand-kept customer sheet with the usual quirks, then drives the real
dialogs to each screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from openpyxl import Workbook  # noqa: E402
from PySide6.QtCore import QDeadlineTimer, QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from kehu_desktop.app import create_main_window  # noqa: E402
from kehu_desktop.cli import main as admin  # noqa: E402

ROWS = [
    ["华南区客户资料表"],
    ["制表日期：2026.11.01", None, None, "更新日期：2026年11月"],
    ["序号", "客户名称", "联系人", "职务", "手机", "所在地区", "业务员", "统一社会信用代码",
     "成立日期", "电话", "备注"],
    [1, "深圳市华达电子有限公司", "张三", "采购经理", 13812345678, "广东省深圳市", "张丽",
     "91440300MA5FUKR756", "2019.3.5", "0755-88889999", "老客户"],
    [None, None, "李四", "财务", 13812345679.0, None, None, None, None, None, None],
    [2, "东莞宏泰五金有限公司", "王五", "总经理", "１３９ １２３４ ５６７８", "广东 东莞", "李娜",
     None, 43000, None, None],
    [None] * 11,
    [3, "广州白云新材料有限公司", "钱七", "技术", "12345", "广东 广州", "刘备",
     "91440300MA5FUKR757", "2018/07/01", None, None],
    [4, "佛山顺德照明电器有限公司", "孙八", "采购", "13600000000", "广东省佛山市", "张丽", None,
     "2020年5月", "0757-22334455", None],
    ["合计", None, None, None, None, None, None, None, None, None, None],
]  # fmt: skip


# The same desk's sheet a month later: a changed phone, a new contact, new customers, one of
# them typed differently from a file already in the store.
LATER = [
    ["客户名称", "联系人", "职务", "手机", "所在地区", "业务员", "电话", "信用额度（元）"],
    ["深圳市华达电子有限公司", "张三", "采购总监", 13812345678, "广东省深圳市", "张丽",
     "0755-86667777", 300000],
    ["深圳市华达电子有限公司", "赵六", "品质经理", 13711112222, None, None, None, None],
    ["宏泰五金（东莞）有限公司", "周九", "采购", 13522223333, "广东 东莞", "李娜", None, None],
    ["珠海海湾电子科技有限公司", "吴十", "总经理", 13633334444, "广东省珠海市", "张丽",
     "0756-3334444", 100000],
    ["中山明光灯饰有限公司", "郑一", "采购", "1380000", "广东 中山", "张丽", None, "十万"],
]  # fmt: skip


def settle() -> None:
    app = QApplication.instance()
    for _ in range(8):
        QThreadPool.globalInstance().waitForDone(QDeadlineTimer(10000))
        app.processEvents()


def _show(window, kind: str, path: Path, out: Path, name: str, pages: dict[str, int]) -> None:
    """The import window on ``path`` as ``kind``: its mapping and the preview ``pages``."""
    dialog = window.import_records()
    dialog.resize(1100, 560)
    index = dialog.kind_box.findData(kind)
    dialog.kind_box.setCurrentIndex(index)
    dialog.kind_box.activated.emit(index)
    dialog.choose_file(path)
    settle()
    dialog.pages.setCurrentIndex(0)
    settle()
    dialog.grab().save(str(out / f"import-{name}-mapping.png"))
    for shot, page in pages.items():
        dialog.pages.setCurrentIndex(page)
        settle()
        dialog.grab().save(str(out / f"import-{name}-{shot}.png"))
    dialog.reject()


def _exported(window, tab, path: Path):
    """The desk's list exported by its own button's function, opened."""
    from openpyxl import load_workbook

    window.tabs.setCurrentWidget(tab)
    settle()
    tab.export_xlsx(path)
    settle()
    return load_workbook(path)


def _desk_lists(window, folder: Path, out: Path) -> None:
    """The 售后服务单 list exported from its tab, then kept by hand (the firm's own numbers,
    one unknown product, one missing fault) and imported into a fresh year; the 大客户一览
    exported, two levels changed and one customer added."""
    book = _exported(window, window.service_tab, folder / "售后服务单.xlsx")
    rows = [[c.value for c in row] for row in book.active.iter_rows()][:9]
    for number, row in enumerate(rows[1:], start=1):
        row[0] = f"2024-W{number:02d}" if number % 2 else row[0].replace("SH-2026", "SH-2024")
        row[1] = row[1].replace(year=2024)
        if row[8]:  # 购买日期: before the request, as it was
            row[8] = row[8].replace(year=min(row[8].year, 2024) - 1)
    rows[3][6] = "无此型号 X1"
    rows[5][10] = ""
    ledger = Workbook()
    ledger.active.append(["2024 年售后维修台账"])
    for row in rows:
        ledger.active.append(row)
    hand_kept = folder / "2024售后维修台账.xlsx"
    ledger.save(hand_kept)
    _show(window, "service-requests", hand_kept, out, "service", {"preview": 1, "errors": 4})

    listed = folder / "大客户一览.xlsx"
    book = _exported(window, window.key_accounts_tab, listed)
    sheet = book.active
    sheet["C2"] = "战略" if sheet["C2"].value != "战略" else "重点"
    sheet["C3"] = "一般" if sheet["C3"].value != "一般" else "重点"
    sheet.append(["KH000300", "", "一般", sheet["D2"].value])
    book.save(listed)
    _show(window, "key-accounts", listed, out, "key-accounts", {"preview": 2})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp())
    admin(["--data-dir", str(folder), "demo", "--customers", "300"])
    sheet = folder / "华南客户.xlsx"
    workbook = Workbook()
    for row in ROWS:
        workbook.active.append(row)
    workbook.active.merge_cells("A1:K1")
    workbook.active.merge_cells("B4:B5")
    workbook.save(sheet)
    admin(["--data-dir", str(folder), "import", "customers", str(sheet), "--good-rows-only"])
    later = folder / "华南客户（11月）.xlsx"
    workbook = Workbook()
    for row in LATER:
        workbook.active.append(row)
    workbook.save(later)
    app = QApplication.instance() or QApplication(sys.argv)
    window = create_main_window(folder)
    window.resize(1200, 760)
    window.show()
    settle()

    dialog = window.import_records()
    dialog.resize(1100, 560)
    dialog.choose_file(later)
    settle()
    dialog.pages.setCurrentIndex(0)
    settle()
    dialog.grab().save(str(out / "import-mapping.png"))
    dialog.pages.setCurrentIndex(2)  # 更新: the customers imported before, now changed
    settle()
    dialog.grab().save(str(out / "import-preview.png"))
    dialog.pages.setCurrentIndex(4)
    settle()
    dialog.grab().save(str(out / "import-errors.png"))
    dialog.good_rows_button.click()
    settle()
    dialog.reject()

    duplicates = window.find_duplicates()
    duplicates.resize(1000, 620)
    settle()
    duplicates.grab().save(str(out / "duplicates.png"))
    QMessageBox.exec = lambda box: box.grab().save(str(out / "merge.png")) and 0
    duplicates.members_view.selectRow(0)
    duplicates.merge_selected()
    settle()
    _desk_lists(window, folder, out)
    print(f"已保存到 {out}")
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
