"""Printing a form: gather the records, lay them out, render PDF or .xlsx bytes.

The settings the firm edits live here, declared once: each form's code, revision and paper
(overriding its definition), and the 套打 offsets per printer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kehu_desktop.forms.definition import Catalog, FormDefinition
from kehu_desktop.forms.grid import build_grid
from kehu_desktop.forms.overlay import overlay_pages
from kehu_desktop.forms.pages import Header, Page, lay_out, lay_out_form
from kehu_desktop.forms.paper import Paper, check_margins, paper, with_margins
from kehu_desktop.forms.pdf import render_pdf
from kehu_desktop.forms.sources import Record, load_visit_from_plan, plans_on
from kehu_desktop.forms.typesetting import chinese_date
from kehu_desktop.forms.xlsx import Sheet, render_xlsx
from kehu_desktop.services.common.errors import UserError
from kehu_desktop.services.common.operators import Operator
from kehu_desktop.services.common.settings import FIRM_NAME, SettingSpec

# {form key: {"code": …, "revision": …, "paper": …}}; absent keys keep the definition's value
FORM_OVERRIDES: SettingSpec[dict[str, dict[str, str]]] = SettingSpec(
    "forms.overrides", {}, "表单编号、版本与纸张"
)
# {printer name: [x mm, y mm]} for 套打 on that printer
PRINT_OFFSETS: SettingSpec[dict[str, list[float]]] = SettingSpec(
    "forms.print_offsets", {}, "套打偏移（毫米）"
)
# {paper key: {"left": mm, "right": mm, "top": mm, "bottom": mm}}; absent sides keep the default
PAPER_MARGINS: SettingSpec[dict[str, dict[str, float]]] = SettingSpec(
    "forms.paper_margins", {}, "各纸张的边距（毫米）"
)
Progress = Callable[[int, int], None]
DEFAULT_PRINTER = "默认打印机"


@dataclass(frozen=True)
class PrintJob:
    """What to print. No ids and no period: the blank form. ``from_plans``: the ids are visit
    plans, printed as visit forms to take along."""

    form: str
    record_ids: tuple[int, ...] = ()
    start: date | None = None
    end: date | None = None
    paper: str = ""
    overlay: bool = False
    printer: str = ""
    from_plans: bool = False
    plans_day: date | None = None  # the visit forms for that day's open plans
    record_kind: str = ""  # whose ids record_ids are, when not the form's own kind

    @property
    def blank(self) -> bool:
        return not self.record_ids and self.start is None and self.plans_day is None


@dataclass(frozen=True)
class Prepared:
    """Everything read from the store for a job; rendering needs no session."""

    definition: FormDefinition
    paper: Paper
    headers: list[Header]
    records: Sequence[Record | None]
    overlay: bool
    offset: tuple[float, float]
    presets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def blank_header(self) -> Header:
        first = self.headers[0]
        return Header(first.firm, first.title, first.code, first.revision, "", "")


def effective_definition(session: Session, definition: FormDefinition) -> FormDefinition:
    """The definition with the firm's code, revision and paper applied."""
    override = FORM_OVERRIDES.get(session).get(definition.key, {})
    return replace(
        definition,
        code=override.get("code") or definition.code,
        revision=override.get("revision") or definition.revision,
        paper=override.get("paper") or definition.paper,
    )


def _records(
    session: Session, definition: FormDefinition, job: PrintJob, progress: Progress
) -> Sequence[Record | None]:
    source = definition.data_source
    if job.blank:
        return [None]
    if job.start is not None:
        end = job.end or job.start
        if source.load_period is not None:
            records = source.load_period(session, job.start, end)
            if not records:
                raise UserError(f"{chinese_date(job.start)}至{chinese_date(end)}没有可打印的记录。")
            return records
        if source.ids_in_period is None:
            raise UserError(f"“{definition.title}”不能按期间批量打印，请选择一条记录。")
        ids = source.ids_in_period(session, job.start, end)
        if not ids:
            raise UserError(
                f"{chinese_date(job.start)}至{chinese_date(end)}没有{source.label}记录。"
            )
    elif job.plans_day is not None:
        ids = plans_on(session, job.plans_day)
        if not ids:
            raise UserError(f"{chinese_date(job.plans_day)}没有待执行的拜访计划。")
    else:
        ids = list(job.record_ids)
        if source.by_period:
            raise UserError(f"“{definition.title}”按期间打印，请选择月份或日期。")
        if job.record_kind and job.record_kind != source.record_kind:
            convert = source.from_kinds.get(job.record_kind)
            if convert is None:
                raise UserError(
                    f"“{definition.title}”不能从当前记录打印，请选择{source.label}记录。"
                )
            ids = [convert(session, record_id) for record_id in ids]
    load = load_visit_from_plan if job.from_plans or job.plans_day else source.load_record
    if load is None:
        raise UserError(f"“{definition.title}”按期间打印，请选择月份或日期。")
    records = []
    for done, record_id in enumerate(ids, start=1):
        records.append(load(session, record_id))
        progress(done, len(ids))
    return records


def prepare(
    session: Session,
    catalog: Catalog,
    job: PrintJob,
    progress: Progress | None = None,
    today: date | None = None,
) -> Prepared:
    """Read what ``job`` needs; raises UserError for anything the user can change."""
    definition = effective_definition(session, catalog.get(job.form))
    chosen = paper_with_margins(session, job.paper or definition.paper)
    definition = definition.for_paper(chosen.key)
    records = _records(session, definition, job, progress or (lambda _d, _t: None))
    firm = FIRM_NAME.get(session)
    printed = "" if job.blank else chinese_date(today or date.today())
    headers = [
        Header(
            firm,
            definition.title,
            definition.code,
            definition.revision,
            record.number if record is not None else "",
            printed,
        )
        for record in records
    ]
    source = definition.data_source
    presets = source.blank_tables(session) if source.blank_tables is not None else {}
    return Prepared(
        definition, chosen, headers, records, job.overlay, printer_offset(session, job), presets
    )


def printer_offset(session: Session, job: PrintJob) -> tuple[float, float]:
    """The 套打 offsets calibrated for the job's printer; a printer never calibrated is refused
    rather than printed at 0/0 by mistake (the default printer's entry may be 0/0)."""
    offsets = PRINT_OFFSETS.get(session)
    if not job.overlay:
        return (0.0, 0.0)
    if job.printer and job.printer not in offsets and job.printer != DEFAULT_PRINTER:
        known = "、".join(offsets) or "无"
        raise UserError(
            f"打印机“{job.printer}”还没有校准套打偏移（已校准：{known}）。"
            "请先打印套打校准页，在“设置 → 公司与表单设置”中填入偏移。"
        )
    x, y = offsets.get(job.printer or DEFAULT_PRINTER, (0.0, 0.0))
    return (float(x), float(y))


def paper_with_margins(session: Session, key: str) -> Paper:
    """The paper with the margins the firm set for it."""
    return with_margins(paper(key), PAPER_MARGINS.get(session).get(key, {}))


def no_progress(_done: int, _total: int) -> None:
    return None


def laid_out(prepared: Prepared, progress: Progress = no_progress) -> Iterator[list[Page]]:
    """Each record's laid-out pages in turn (for 套打, its values in the blank's boxes);
    ``progress`` hears after each record. Rendering takes them one by one, so that progress
    runs through the whole of the work and a stop is heard at once."""
    definition = prepared.definition
    columns, chosen = definition.columns, prepared.paper
    blank = None
    if prepared.overlay:
        blank_grid = build_grid(definition, None, prepared.presets, chosen.strip)
        blank = lay_out_form(blank_grid, columns, chosen, prepared.blank_header())
    for done, (header, record) in enumerate(
        zip(prepared.headers, prepared.records, strict=True), start=1
    ):
        grid = build_grid(definition, record, prepared.presets, chosen.strip)
        if blank is not None and record is not None:
            yield overlay_pages(blank, grid, columns, chosen, header)
        else:
            yield lay_out(grid, columns, chosen, header)
        progress(done, len(prepared.records))


def pages_of(prepared: Prepared) -> list[list[Page]]:
    """Each record's laid-out pages."""
    return list(laid_out(prepared))


def to_pdf(prepared: Prepared, progress: Progress = no_progress) -> bytes:
    return render_pdf(
        laid_out(prepared, progress),
        prepared.paper,
        prepared.definition.title,
        overlay=prepared.overlay,
        offset=prepared.offset,
    )


def to_xlsx(prepared: Prepared, progress: Progress = no_progress) -> bytes:
    definition = prepared.definition
    sheets = []
    for done, (header, record) in enumerate(
        zip(prepared.headers, prepared.records, strict=True), start=1
    ):
        grid = build_grid(definition, record, prepared.presets, prepared.paper.strip)
        laid_out = lay_out_form(grid, definition.columns, prepared.paper, header)
        sheets.append(Sheet(header, grid, laid_out.breaks))
        progress(done, len(prepared.records))
    return render_xlsx(sheets, definition.columns, prepared.paper)


def render(
    session: Session,
    catalog: Catalog,
    job: PrintJob,
    fmt: str = "pdf",
    progress: Progress | None = None,
    today: date | None = None,
) -> bytes:
    """The job as PDF (``fmt='pdf'``) or .xlsx (``'xlsx'``) bytes."""
    report = progress or no_progress
    # reading the records is the first half of the work, laying them out the second
    prepared = prepare(session, catalog, job, lambda d, t: report(d, 2 * t), today)
    count = len(prepared.records)
    laid_out = lambda d, _t: report(count + d, 2 * count)  # noqa: E731
    return to_xlsx(prepared, laid_out) if fmt == "xlsx" else to_pdf(prepared, laid_out)


def save_settings(
    session: Session,
    operator: Operator,
    firm: str,
    overrides: dict[str, dict[str, str]],
    offsets: dict[str, list[float]],
    margins: dict[str, dict[str, float]] | None = None,
    seen: Mapping[str, int] | None = None,
) -> None:
    """Store the firm name, form codes/revisions/papers, 套打 offsets and the papers' margins
    (主管 or 管理员)."""
    operator.require_supervisor()
    for key, values in overrides.items():
        if values.get("paper"):
            paper(values["paper"])
        for name in ("code", "revision"):
            if len(values.get(name, "")) > 30:
                raise UserError(
                    f"表单 {key} 的{'编号' if name == 'code' else '版本'}太长（最多 30 个字符）。"
                )
    for printer, pair in offsets.items():
        if len(pair) != 2 or any(abs(v) > 50 for v in pair):
            raise UserError(f"打印机“{printer}”的套打偏移应在 ±50 毫米以内。")
    for key, sides in (margins or {}).items():
        check_margins(key, sides)
    FIRM_NAME.put(session, firm.strip(), seen)
    if margins is not None:
        PAPER_MARGINS.put(
            session, {k: {s: float(v) for s, v in m.items()} for k, m in margins.items()}, seen
        )
    FORM_OVERRIDES.put(session, overrides, seen)
    PRINT_OFFSETS.put(session, {k: [float(v) for v in pair] for k, pair in offsets.items()}, seen)
