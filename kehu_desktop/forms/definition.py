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
beside this module; ``<form>@<paper>.json`` is the form's layout designed for one paper (the
strips of continuous paper). A firm may copy one into its data folder's ``forms/`` subfolder
and change labels, codes and field order. A copy is checked against the schema below (types,
limits such as rows per table and cells per row, text lengths, nesting) and every problem is
reported in Chinese with the file, the place and what is wrong; that form then prints from its
built-in definition, and a broken copy never stops the other forms.
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
    "customer_grades",
    "contact_results",
    "reception_record",
    "complaint_ledger",
    "complaint_daily",
    "complaint_returns",
    "complaint_claims",
    "key_account_application",
    "key_account_designation",
    "key_account_dealings",
    "satisfaction_survey",
    "service_register",
    "repair_report",
    "service_followup",
    "service_feedback",
    "service_month",
)
FORMATS = ("", "text", "date", "datetime", "money", "number", "capital", "percent", "code")
ALIGNS = ("", "left", "center", "right")
MAX_FILE_BYTES = 256 * 1024
MAX_COLUMNS, MAX_ROWS, MAX_TABLE_ROWS, MAX_PRESET = 20, 120, 200, 60


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
    # the layouts designed for particular papers (visit_record@241x93.json), by paper key
    variants: dict[str, FormDefinition] = field(default_factory=dict, compare=False)

    @property
    def data_source(self) -> Source:
        return SOURCES[self.source]

    def for_paper(self, paper_key: str) -> FormDefinition:
        """The layout to print on ``paper_key``: its own design for that paper when it has one
        (under this form's title, code and revision), else this one."""
        variant = self.variants.get(paper_key)
        if variant is None:
            return self
        return replace(self, columns=variant.columns, rows=variant.rows, note=variant.note,
                       origin=variant.origin, variants={})  # fmt: skip


# --- the schema ------------------------------------------------------------------------------
# Each property: its type and limits. A value of the wrong type is reported with the type it
# should have and the type it has, in the words a firm's clerk reads.

_TYPE_NAMES = {str: "文字", int: "整数", float: "数字", bool: "true 或 false", list: "列表 […]",
               dict: "对象 {…}", type(None): "null"}  # fmt: skip


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


@dataclass(frozen=True)
class Text:
    longest: int = 200

    def check(self, value: Any, where: str, name: str, check: _Checker) -> str | None:
        if not isinstance(value, str):
            check.add(where, f"“{name}”应为文字，现为{_type_name(value)}")
            return None
        if len(value) > self.longest:
            check.add(where, f"“{name}”太长（{len(value)} 字，最多 {self.longest} 字）")
            return None
        return value


@dataclass(frozen=True)
class Whole:
    lowest: int
    highest: int

    def check(self, value: Any, where: str, name: str, check: _Checker) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            check.add(where, f"“{name}”应为整数，现为{_type_name(value)}")
            return None
        if not self.lowest <= value <= self.highest:
            check.add(where, f"“{name}”应在 {self.lowest}–{self.highest} 之间，现为 {value}")
            return None
        return value


@dataclass(frozen=True)
class Flag:
    def check(self, value: Any, where: str, name: str, check: _Checker) -> bool | None:
        if not isinstance(value, bool):
            check.add(where, f"“{name}”应为 true 或 false，现为{_type_name(value)}")
            return None
        return value


@dataclass(frozen=True)
class OneOf:
    options: tuple[str, ...]

    def check(self, value: Any, where: str, name: str, check: _Checker) -> str | None:
        if not isinstance(value, str) or value not in self.options:
            shown = value if isinstance(value, str) else _type_name(value)
            listing = "、".join(o for o in self.options if o)
            check.add(where, f"“{name}”的值“{shown}”无效（可用：{listing}）")
            return None
        return value


@dataclass(frozen=True)
class Texts:
    """A list of short texts (tick-box choices)."""

    most: int = 30

    def check(self, value: Any, where: str, name: str, check: _Checker) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            check.add(where, f'“{name}”应为文字的列表，如 ["是", "否"]')
            return None
        if len(value) > self.most or any(len(v) > 20 for v in value):
            check.add(where, f"“{name}”最多 {self.most} 项，每项最多 20 字")
            return None
        return tuple(value)


CELL_SCHEMA = {
    "span": Whole(1, MAX_COLUMNS), "label": Text(60), "label_for": Text(40), "field": Text(40),
    "text": Text(300), "sign": Text(20), "format": OneOf(FORMATS), "ticks": Flag(),
    "choices": Texts(), "lines": Whole(0, 60), "align": OneOf(ALIGNS),
}  # fmt: skip
ROW_SCHEMA = {
    "section": Text(60), "table": Text(40), "min_rows": Whole(0, MAX_TABLE_ROWS),
}  # fmt: skip
ROW_KEYS = {"cells", "section", "table", "columns", "min_rows", "preset"}
DEFINITION_SCHEMA = {
    "title": Text(40), "code": Text(30), "revision": Text(30), "paper": Text(10),
    "source": Text(40), "note": Text(300),
}  # fmt: skip
DEFINITION_KEYS = set(DEFINITION_SCHEMA) | {"columns", "rows"}


class _Checker:
    """Collects the problems of one definition, each with where it is."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}：{message}" if where else message)

    def raise_if_any(self) -> None:
        if self.problems:
            listing = "\n".join(f"· {p}" for p in self.problems[:30])
            more = f"\n· ……另有 {len(self.problems) - 30} 处" if len(self.problems) > 30 else ""
            raise FormDefinitionError(f"表单定义 {self.origin} 有错误：\n{listing}{more}")

    def properties(
        self, raw: dict[str, Any], schema: dict[str, Any], allowed: set[str], where: str
    ) -> dict[str, Any]:
        """The known properties of ``raw`` that pass their schema; reports the others."""
        good = {}
        for key, value in raw.items():
            if key not in allowed:
                self.add(where, f"未知属性 “{key}”（可用：{'、'.join(sorted(allowed))}）")
            elif key in schema:
                checked = schema[key].check(value, where, key, self)
                if checked is not None:
                    good[key] = checked
        return good


def _names(catalog: dict[str, FieldInfo]) -> str:
    return "、".join(catalog)


def _parse_cell(
    raw: Any, where: str, catalog: dict[str, FieldInfo], check: _Checker
) -> Cell | None:
    if not isinstance(raw, dict):
        check.add(where, f"每一格应是一个对象 {{…}}，现为{_type_name(raw)}")
        return None
    good = check.properties(raw, CELL_SCHEMA, set(CELL_SCHEMA), where)
    kinds = [k for k in ("label", "label_for", "field", "text", "sign") if k in raw]
    if len(kinds) != 1:
        check.add(where, "每格须有且只有 label、label_for、field、text、sign 之一")
    label = good.get("label", "")
    if "label_for" in good:
        info = catalog.get(good["label_for"])
        if info is None:
            check.add(
                where, f"label_for 字段 “{good['label_for']}” 不存在；可用字段：{_names(catalog)}"
            )
        else:
            label = info.label
    name = good.get("field", "")
    choices = good.get("choices", ())
    if name:
        info = catalog.get(name)
        if info is None:
            check.add(where, f"字段 “{name}” 不存在；可用字段：{_names(catalog)}")
        elif good.get("ticks") and not choices:
            choices = info.choices
            if not choices:
                check.add(where, f"字段 “{name}” 没有可勾选的选项，请用 choices 列出")
    return Cell(
        span=good.get("span", 1),
        label=label,
        field=name,
        text=good.get("text", ""),
        sign=good.get("sign", ""),
        format=good.get("format", ""),
        ticks=good.get("ticks", False),
        choices=choices,
        lines=good.get("lines", 0),
        align=good.get("align", ""),
    )


def _parse_preset(raw: Any, where: str, catalog: dict[str, FieldInfo], check: _Checker) -> tuple:
    if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
        check.add(where, f"“preset”应为对象的列表，现为{_type_name(raw)}")
        return ()
    if len(raw) > MAX_PRESET:
        check.add(where, f"“preset”最多 {MAX_PRESET} 行，现为 {len(raw)} 行")
        return ()
    for item in raw:
        for key, value in item.items():
            if key not in catalog:
                check.add(where, f"preset 中的字段 “{key}” 不存在；可用字段：{_names(catalog)}")
            elif not isinstance(value, str | int | float) or isinstance(value, bool):
                check.add(where, f"preset 中 “{key}” 的值应为文字或数字，现为{_type_name(value)}")
            elif len(str(value)) > 200:
                check.add(where, f"preset 中 “{key}” 的值太长（最多 200 字）")
    return tuple(raw)


def _parse_row(raw: Any, where: str, source: Source, width: int, check: _Checker) -> Row | None:
    if not isinstance(raw, dict):
        check.add(where, f"每一行应是一个对象 {{…}}，现为{_type_name(raw)}")
        return None
    good = check.properties(raw, ROW_SCHEMA, ROW_KEYS, where)
    if "section" in raw:
        return Row("section", title=good.get("section", ""))
    if "table" in raw:
        name = good.get("table")
        catalog = source.tables.get(name) if name is not None else None
        if name is None or catalog is None:
            if name is not None:
                tables = "、".join(source.tables) or "无"
                check.add(where, f"表格 “{name}” 不存在；可用表格：{tables}")
            return None
        cells = _parse_cells(raw.get("columns"), where, catalog, width, check)
        preset = _parse_preset(raw.get("preset", []), where, catalog, check)
        return Row("table", cells, table=name, min_rows=good.get("min_rows", 3), preset=preset)
    if "cells" in raw:
        cells = _parse_cells(raw["cells"], where, source.fields, width, check)
        return Row("cells", cells)
    check.add(where, "行须含 cells、section 或 table 之一")
    return None


def _parse_cells(
    raw: Any, where: str, catalog: dict[str, FieldInfo], width: int, check: _Checker
) -> tuple[Cell, ...]:
    if not isinstance(raw, list) or not raw:
        check.add(where, f"cells/columns 应为非空列表，现为{_type_name(raw)}")
        return ()
    if len(raw) > MAX_COLUMNS:
        check.add(where, f"一行最多 {MAX_COLUMNS} 格，现为 {len(raw)} 格")
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
        check.add("", f"文件内容应是一个对象 {{…}}，现为{_type_name(raw)}")
        check.raise_if_any()
    good = check.properties(raw, DEFINITION_SCHEMA, DEFINITION_KEYS, "")
    for name in ("title", "code", "revision", "source", "columns", "rows"):
        if name not in raw:
            check.add("", f"缺少 “{name}”")
    check.raise_if_any()
    source = SOURCES.get(good.get("source", ""))
    if source is None and "source" in good:
        check.add("source", f"数据来源 “{good['source']}” 不存在；可用：{'、'.join(SOURCES)}")
    paper = good.get("paper", "A4")
    if paper not in PAPERS:
        check.add("paper", f"纸张 “{paper}” 不存在；可用：{'、'.join(PAPERS)}")
    columns = raw["columns"]
    if (
        not isinstance(columns, list)
        or not 0 < len(columns) <= MAX_COLUMNS
        or not all(
            isinstance(c, int | float) and not isinstance(c, bool) and 0 < c <= 1000
            for c in columns
        )
    ):
        check.add("columns", f"应为 1–{MAX_COLUMNS} 个正数的列表（各列的相对宽度）")
        columns = [1]
    rows_raw = raw["rows"]
    if not isinstance(rows_raw, list) or not rows_raw:
        check.add("rows", f"应为非空列表，现为{_type_name(rows_raw)}")
    elif len(rows_raw) > MAX_ROWS:
        check.add("rows", f"最多 {MAX_ROWS} 行，现为 {len(rows_raw)} 行")
    check.raise_if_any()
    assert source is not None  # a missing or unknown source was reported and raised above
    rows = [
        _parse_row(item, f"第 {index} 行", source, len(columns), check)
        for index, item in enumerate(rows_raw, start=1)
    ]
    check.raise_if_any()
    return FormDefinition(
        key=key,
        title=good["title"],
        code=good["code"],
        revision=good["revision"],
        paper=paper,
        source=source.name,
        columns=tuple(float(c) for c in columns),
        rows=tuple(r for r in rows if r is not None),
        origin=origin,
        note=good.get("note", ""),
    )


_JSON_MESSAGES = {
    "Expecting value": "此处缺少值（或多了逗号）",
    "Expecting property name enclosed in double quotes": "属性名须用英文双引号括起（或多了逗号）",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Unterminated string starting at": "字符串缺少结尾的引号",
    "Extra data": "文件末尾有多余的内容",
    "Invalid control character at": "字符串中有换行或控制字符",
    "Invalid \\escape": "无效的转义符（反斜杠 \\）",
}


def load_definition(path: Path, user_copy: bool = False) -> FormDefinition:
    """Read and check one definition file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FormDefinitionError(
                f"表单定义 {path} 有错误：\n· 文件太大（最多 {MAX_FILE_BYTES // 1024} KB）"
            )
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        message = _JSON_MESSAGES.get(error.msg, "格式错误")
        raise FormDefinitionError(
            f"表单定义 {path} 有错误：\n· JSON 格式错误，"
            f"第 {error.lineno} 行第 {error.colno} 列：{message}"
        ) from None
    except RecursionError:
        raise FormDefinitionError(
            f"表单定义 {path} 有错误：\n· 嵌套层数太多（[ 或 {{ 套得太深）"
        ) from None
    except UnicodeDecodeError:
        raise FormDefinitionError(
            f"表单定义 {path} 有错误：\n· 文件不是 UTF-8 编码，请用记事本“另存为 UTF-8”"
        ) from None
    except OSError as error:
        raise FormDefinitionError(f"无法读取表单定义 {path}：{error.strerror or error}") from None
    key = path.stem.partition("@")[0]
    definition = parse_definition(key, raw, str(path))
    return replace(definition, user_copy=True) if user_copy else definition


_builtin_cache: dict[str, FormDefinition] = {}


def builtin_definitions() -> dict[str, FormDefinition]:
    """The definitions shipped with the app, in the books' order (parsed once per process)."""
    if not _builtin_cache:
        for key in FORM_ORDER:
            variants = {
                path.stem.partition("@")[2]: load_definition(path)
                for path in sorted(BUILTIN_DIR.glob(f"{key}@*.json"))
            }
            definition = load_definition(BUILTIN_DIR / f"{key}.json")
            _builtin_cache[key] = replace(definition, variants=variants)
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


def user_folder(data_dir: Path) -> Path:
    """Where the firm's own copies of the form definitions live."""
    return data_dir / USER_SUBFOLDER


def load_catalog(data_dir: Path | None) -> Catalog:
    """Built-in forms, each replaced by the user's copy in ``data_dir/forms`` when that is valid."""
    forms = builtin_definitions()
    problems: list[str] = []
    folder = user_folder(data_dir) if data_dir is not None else None
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            key, _at, paper_key = path.stem.partition("@")
            if key not in forms or (paper_key and paper_key not in PAPERS):
                problems.append(
                    f"{path.name}：文件名应为内置表单之一（{'、'.join(FORM_ORDER)}），"
                    f"某纸张专用的版式再加 @纸张（如 visit_record@241x93.json）"
                )
                continue
            try:
                loaded = load_definition(path, user_copy=True)
            except FormDefinitionError as error:
                problems.append(f"{error}\n（已改用内置的“{forms[key].title}”）")
                continue
            if paper_key:
                variants = forms[key].variants | {paper_key: loaded}
                forms[key] = replace(forms[key], variants=variants)
            else:
                forms[key] = replace(loaded, variants=forms[key].variants)
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
