"""The preview: what an import would do, worked out before anything is written.

Each data row is read through the mapping and checked; blank rows and the 合计 row are skipped
and counted. The kind's planner then lists the records to create and to update (with each
field's old → new value), the rows it cannot take (Excel's row number, the column, the reason
in Chinese) and the likely duplicates within the file and against the store.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.imports import cells, columns, history, plan, reader
from kehu_desktop.services.imports.customer_rows import plan_customers
from kehu_desktop.services.imports.key_account_rows import plan_key_accounts
from kehu_desktop.services.imports.plan import ImportPreview, ImportRequest
from kehu_desktop.services.imports.templates import EXAMPLE_MARK

TOTAL_WORDS = ("合计", "总计", "小计")
PLANNERS = {
    "customers": plan_customers,
    "visits": history.plan_visits,
    "complaints": history.plan_complaints,
    "service-requests": history.plan_service_requests,
    "key-accounts": plan_key_accounts,
}


def build(session: Session, request: ImportRequest) -> ImportPreview:
    """Read the file and work out what importing it would do; nothing is written."""
    before = plan.state(session, request.path)
    sheet = reader.read_sheet(request.path, request.sheet)
    rows = sheet.rows
    if not any(any(cells.text(c) for c in row) for row in rows):
        raise UserError("文件是空的。")
    header_index = columns.find_header(request.kind, rows)
    header = [cells.text(c) for c in rows[header_index]]
    mapping = list(request.mapping or columns.mapping_for(session, request.kind, header))
    mapping += [""] * (len(header) - len(mapping))
    preview = ImportPreview(
        request, sheet.sheet_names, header_index + 1, header, mapping,
        [[cells.text(c) for c in row] for row in rows[header_index + 1 : header_index + 6]],
    )  # fmt: skip
    missing = [
        f.label for f in columns.fields_for(request.kind) if f.required and f.key not in mapping
    ]
    if request.kind == "customers" and "name" not in mapping and "code" not in mapping:
        missing = ["客户名称"]
    elif request.kind != "customers":
        missing = [m for m in missing if not (m == "客户" and "customer_code" in mapping)]
    if missing:
        raise UserError(
            f"第 {header_index + 1} 行应为列名；没有找到“{'、'.join(missing)}”列，"
            "请在列对应中指定。"
        )
    data: list[tuple[int, dict[str, object]]] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        texts = [cells.text(c) for c in row]
        if not any(texts):
            preview.skipped += 1
            continue
        first = next(t for t in texts if t)
        if first.startswith(EXAMPLE_MARK) or any(
            t.replace(" ", "").startswith(TOTAL_WORDS) for t in texts[:3]
        ):
            preview.skipped += 1
            continue
        record = {
            key: row[index] for index, key in enumerate(mapping)
            if columns.imported(key) and index < len(texts) and texts[index] != ""
        }  # fmt: skip
        if not record:  # only columns not imported, e.g. a pre-numbered 序号 on an empty line
            preview.skipped += 1
            continue
        data.append((offset, record))
    PLANNERS[request.kind](session, preview, data)
    preview.state = before
    return preview
