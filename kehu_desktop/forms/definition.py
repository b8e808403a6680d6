"""Form definitions: one JSON file per form, declarative, checked before use.

A definition names its title, ISO form code and revision, default paper, data source, the grid's
relative column widths and its rows. A row is one of:

* ``{"cells": [cell, …]}`` – cells whose ``span`` values add up to the column count;
* ``{"section": "基础资料"}`` – a shaded heading across the form;
* ``{"table": "contacts", "columns": [cell, …], "min_rows": 4}`` – a header and one row per
  item of a table of the record (``min_rows`` empty rows to write on when printed blank).

A cell is ``{"label": "…"}`` (or ``{"label_for": "field"}`` to take the source's label),
``{"field": "name"}`` (optionally ``"format": "capital"`` for 大写金额, ``"ticks": true`` to print
its choices as ☐ boxes, ``"lines": n`` for a fixed box of n lines that continues on a 续页),
``{"text": "…"}`` static text, or ``{"sign": "经办人"}`` a signature and date box.

An optional ``"note"`` prints as a line of text under the grid. The built-in definitions live
beside this module; a firm may copy one into its data folder's
``forms/`` subfolder and change labels, codes and field order. A copy is validated on loading
and any error is reported with where it is and what is wrong.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kehu_desktop.forms.paper import PAPERS
from kehu_desktop.forms.sources import SOURCES, FieldInfo, Source
from kehu_desktop.services.common.errors import UserError

BUILTIN_DIR = Path(__file__).resolve().parent / "definitions"
USER_SUBFOLDER = "forms"
FORM_ORDER = (
    "customer_card",
    "contact_plan",
    "visit_record",
    "visit_daily",
    "complaint_register",
    "complaint_handling",
    "complaint_notice",
    "complaint_report",
    "complaint_stats",
    "key_account_card",
    "key_account_measures",
    "key_account_survey",
    "credit_survey",
)
FORMATS = ("", "text", "date", "datetime", "money", "number", "capital")
ALIGNS = ("", "left", "center", "right")
CELL_KEYS = {"span", "label", "label_for", "field", "text", "sign", "format", "ticks",
             "choices", "lines", "align"}  # fmt: skip
ROW_KEYS = {"cells", "section", "table", "columns", "min_rows", "preset"}
DEFINITION_KEYS = {"title", "code", "revision", "paper", "source", "columns", "rows", "note"}


class FormDefinitionError(UserError):
    """A definition that cannot be used; the message lists every problem found."""


@dataclass(frozen=True)
class Cell:
    span: int = 1
    label: str = ""
    field: str = ""
    text: str = ""
    sign: str = ""
    format: str = ""
    ticks: bool = False
    choices: tuple[str, ...] = ()
    lines: int = 0
    align: str = ""


@dataclass(frozen=True)
class Row:
    kind: str  # "cells", "section" or "table"
    cells: tuple[Cell, ...] = ()
    title: str = ""
    table: str = ""
    min_rows: int = 0
    preset: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class FormDefinition:
    key: str
    title: str
    code: str
    revision: str
    paper: str
    source: str
    columns: tuple[float, ...]
    rows: tuple[Row, ...]
    origin: str = ""
    note: str = ""
    user_copy: bool = field(default=False, compare=False)

    @property
    def data_source(self) -> Source:
        return SOURCES[self.source]


class _Checker:
    """Collects the problems of one definition, each with where it is."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}：{message}" if where else message)

    def raise_if_any(self) -> None:
        if self.problems:
            listing = "\n".join(f"· {p}" for p in self.problems)
            raise FormDefinitionError(f"表单定义 {self.origin} 有错误：\n{listing}")


def _names(catalog: dict[str, FieldInfo]) -> str:
    return "、".join(catalog)


def _parse_cell(
    raw: Any, where: str, catalog: dict[str, FieldInfo], check: _Checker
) -> Cell | None:
    if not isinstance(raw, dict):
        check.add(where, "每一格应是一个 {…} 对象")
        return None
    for key in raw:
        if key not in CELL_KEYS:
            check.add(where, f"未知属性 “{key}”（可用：{'、'.join(sorted(CELL_KEYS))}）")
    span = raw.get("span", 1)
    if not isinstance(span, int) or span < 1:
        check.add(where, f"span 应为正整数，现为 {span!r}")
        span = 1
    kinds = [k for k in ("label", "label_for", "field", "text", "sign") if k in raw]
    if len(kinds) != 1:
        check.add(where, "每格须有且只有 label、label_for、field、text、sign 之一")
    label = str(raw.get("label", ""))
    if "label_for" in raw:
        info = catalog.get(raw["label_for"])
        if info is None:
            check.add(
                where, f"label_for 字段 “{raw['label_for']}” 不存在；可用字段：{_names(catalog)}"
            )
        else:
            label = info.label
    name = raw.get("field", "")
    choices = tuple(str(c) for c in raw.get("choices", ()))
    if name:
        info = catalog.get(name)
        if info is None:
            check.add(where, f"字段 “{name}” 不存在；可用字段：{_names(catalog)}")
        elif raw.get("ticks") and not choices:
            choices = info.choices
            if not choices:
                check.add(where, f"字段 “{name}” 没有可勾选的选项，请用 choices 列出")
    fmt = raw.get("format", "")
    if fmt not in FORMATS:
        check.add(where, f"format “{fmt}” 无效（可用：{'、'.join(f for f in FORMATS if f)}）")
    align = raw.get("align", "")
    if align not in ALIGNS:
        check.add(where, f"align “{align}” 无效（可用：left、center、right）")
    lines = raw.get("lines", 0)
    if not isinstance(lines, int) or lines < 0 or lines > 60:
        check.add(where, f"lines 应为 0–60 的整数，现为 {lines!r}")
        lines = 0
    return Cell(
        span=span,
        label=label,
        field=name,
        text=str(raw.get("text", "")),
        sign=str(raw.get("sign", "")),
        format=fmt,
        ticks=bool(raw.get("ticks", False)),
        choices=choices,
        lines=lines,
        align=align,
    )


def _parse_row(raw: Any, where: str, source: Source, width: int, check: _Checker) -> Row | None:
    if not isinstance(raw, dict):
        check.add(where, "每一行应是一个 {…} 对象")
        return None
    for key in raw:
        if key not in ROW_KEYS:
            check.add(where, f"未知属性 “{key}”（可用：{'、'.join(sorted(ROW_KEYS))}）")
    if "section" in raw:
        return Row("section", title=str(raw["section"]))
    if "table" in raw:
        name = raw["table"]
        catalog = source.tables.get(name)
        if catalog is None:
            check.add(where, f"表格 “{name}” 不存在；可用表格：{'、'.join(source.tables) or '无'}")
            return None
        cells = _parse_cells(raw.get("columns"), where, catalog, width, check)
        min_rows = raw.get("min_rows", 3)
        if not isinstance(min_rows, int) or min_rows < 0:
            check.add(where, f"min_rows 应为非负整数，现为 {min_rows!r}")
            min_rows = 3
        preset = raw.get("preset", [])
        if not isinstance(preset, list) or not all(isinstance(p, dict) for p in preset):
            check.add(where, "preset 应为对象列表")
            preset = []
        for item in preset:
            for key in item:
                if key not in catalog:
                    check.add(where, f"preset 中的字段 “{key}” 不存在；可用字段：{_names(catalog)}")
        return Row("table", cells, table=name, min_rows=min_rows, preset=tuple(preset))
    if "cells" in raw:
        cells = _parse_cells(raw["cells"], where, source.fields, width, check)
        return Row("cells", cells)
    check.add(where, "行须含 cells、section 或 table 之一")
    return None


def _parse_cells(
    raw: Any, where: str, catalog: dict[str, FieldInfo], width: int, check: _Checker
) -> tuple[Cell, ...]:
    if not isinstance(raw, list) or not raw:
        check.add(where, "cells/columns 应为非空列表")
        return ()
    cells = [
        _parse_cell(item, f"{where}第 {index} 格", catalog, check)
        for index, item in enumerate(raw, start=1)
    ]
    parsed = tuple(c for c in cells if c is not None)
    total = sum(c.span for c in parsed)
    if len(parsed) == len(cells) and total != width:
        check.add(where, f"各格 span 之和为 {total}，应等于列数 {width}")
    return parsed


def parse_definition(key: str, raw: Any, origin: str) -> FormDefinition:
    """Build a definition from decoded JSON; raises FormDefinitionError listing every problem."""
    check = _Checker(origin)
    if not isinstance(raw, dict):
        check.add("", "文件内容应是一个 {…} 对象")
        check.raise_if_any()
    for name in raw:
        if name not in DEFINITION_KEYS:
            check.add("", f"未知属性 “{name}”（可用：{'、'.join(sorted(DEFINITION_KEYS))}）")
    for name in ("title", "code", "revision", "source", "columns", "rows"):
        if name not in raw:
            check.add("", f"缺少 “{name}”")
    check.raise_if_any()
    source = SOURCES.get(raw["source"])
    if source is None:
        check.add("source", f"数据来源 “{raw['source']}” 不存在；可用：{'、'.join(SOURCES)}")
    paper = raw.get("paper", "A4")
    if paper not in PAPERS:
        check.add("paper", f"纸张 “{paper}” 不存在；可用：{'、'.join(PAPERS)}")
    columns = raw["columns"]
    if (
        not isinstance(columns, list)
        or not columns
        or not all(isinstance(c, int | float) and c > 0 for c in columns)
    ):
        check.add("columns", "应为正数列表（各列的相对宽度）")
        columns = [1]
    if not isinstance(raw["rows"], list) or not raw["rows"]:
        check.add("rows", "应为非空列表")
    check.raise_if_any()
    rows = [
        _parse_row(item, f"第 {index} 行", source, len(columns), check)
        for index, item in enumerate(raw["rows"], start=1)
    ]
    check.raise_if_any()
    return FormDefinition(
        key=key,
        title=str(raw["title"]),
        code=str(raw["code"]),
        revision=str(raw["revision"]),
        paper=paper,
        source=source.name,
        columns=tuple(float(c) for c in columns),
        rows=tuple(r for r in rows if r is not None),
        origin=origin,
        note=str(raw.get("note", "")),
    )


def load_definition(path: Path, user_copy: bool = False) -> FormDefinition:
    """Read and check one definition file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise FormDefinitionError(
            f"表单定义 {path} 有错误：\n· JSON 格式错误，第 {error.lineno} 行第 {error.colno} 列："
            f"{error.msg}"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise FormDefinitionError(f"无法读取表单定义 {path}：{error}") from None
    definition = parse_definition(path.stem, raw, str(path))
    return replace(definition, user_copy=True) if user_copy else definition


_builtin_cache: dict[str, FormDefinition] = {}


def builtin_definitions() -> dict[str, FormDefinition]:
    """The definitions shipped with the app, in the books' order (parsed once per process)."""
    if not _builtin_cache:
        for key in FORM_ORDER:
            _builtin_cache[key] = load_definition(BUILTIN_DIR / f"{key}.json")
    return dict(_builtin_cache)


@dataclass
class Catalog:
    """The forms in use: built-ins overridden by valid user copies, and the copies refused."""

    forms: dict[str, FormDefinition]
    problems: list[str]

    def get(self, key: str) -> FormDefinition:
        try:
            return self.forms[key]
        except KeyError:
            known = "、".join(f"{k}（{d.title}）" for k, d in self.forms.items())
            raise UserError(f"没有表单 “{key}”；可用表单：{known}") from None

    def find(self, name: str) -> FormDefinition:
        """By key or by title (客户资料卡)."""
        for definition in self.forms.values():
            if name in (definition.key, definition.title):
                return definition
        return self.get(name)


def user_folder(data_dir: Path | None) -> Path | None:
    return data_dir / USER_SUBFOLDER if data_dir is not None else None


def load_catalog(data_dir: Path | None) -> Catalog:
    """Built-in forms, each replaced by the user's copy in ``data_dir/forms`` when that is valid."""
    forms = builtin_definitions()
    problems: list[str] = []
    folder = user_folder(data_dir)
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            if path.stem not in forms:
                problems.append(f"{path.name}：文件名应为内置表单之一（{'、'.join(FORM_ORDER)}）")
                continue
            try:
                forms[path.stem] = load_definition(path, user_copy=True)
            except FormDefinitionError as error:
                problems.append(f"{error}\n（已改用内置的“{forms[path.stem].title}”）")
    return Catalog(forms, problems)


def copy_to_user_folder(key: str, data_dir: Path) -> Path:
    """Copy a built-in definition into the data folder for the firm to edit; returns its path."""
    if key not in FORM_ORDER:
        raise UserError(f"没有表单 “{key}”。")
    folder = user_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}.json"
    if not target.exists():
        shutil.copyfile(BUILTIN_DIR / f"{key}.json", target)
    return target
