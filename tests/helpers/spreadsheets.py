"""Building the messy spreadsheets real desks keep, in code, for the import tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    merged: Sequence[str] = (),
    sheet: str = "Sheet1",
    extra_sheets: dict[str, Sequence[Sequence[object]]] | None = None,
) -> Path:
    workbook = Workbook()
    first = workbook.active
    first.title = sheet
    for row in rows:
        first.append(list(row))
    for cells in merged:
        first.merge_cells(cells)
    for name, sheet_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in sheet_rows:
            other.append(list(row))
    workbook.save(path)
    return path


def write_xls(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("客户")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    workbook.save(str(path))
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str) -> Path:
    text = "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


# A hand-kept customer sheet: a title row and a 制表日期 row above the header, a customer name
# merged down over its two contacts' rows, a mobile stored as a number (and as 13812345679.0),
# full-width digits and spaces, dates as serial numbers and as text, regions in one cell, a
# blank row, a row continuing the customer above, a row with errors and a 合计 row.
MESSY_CUSTOMERS: list[list[object]] = [
    ["东莞客户资料表"],
    ["制表日期：2026.11.01", None, "更新日期：2026年11月"],
    ["序号", "客户名称", "联系人", "手机", "所在地区", "业务员", "统一社会信用代码", "成立日期",
     "电话", "信用额度（元）"],
    [1, "深圳市华达电子有限公司", "张三", 13812345678, "广东省深圳市", "张丽",
     "91440300MA5FUKR756", "2019.3.5", "0755-88889999", 200000],
    [None, None, "李四", 13812345679.0, None, None, None, None, None, None],
    [2, "东莞宏泰五金有限公司", "王五", "１３９　１２３４　５６７８", "广东 东莞", "张丽", None,
     43000, None, "５００００"],
    [3, None, "赵六", "13700000000", None, None, None, None, None, None],
    [None] * 10,
    [4, "坏客户有限公司", "钱七", "12345", "广东 东莞", "不存在的人", "91440300MA5FUKR757",
     "2018/07/01", None, None],
    [5, "上海远大包装有限公司", "孙八", "13600000000", "上海", "张丽", None, "2020年5月",
     "021-62345678", None],
    ["合计", None, None, None, None, None, None, None, None, 250000],
]  # fmt: skip
MESSY_MERGES = ("A1:J1", "B4:B5")
