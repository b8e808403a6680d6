"""Sample PDFs of every form, blank and filled, for looking at; stale samples are removed.

    python scripts/sample_forms.py [--out docs/forms] [--png DIR] [--xlsx]

Builds a fresh store with the demo data plus one specimen of every record kind, then writes
``<form>-blank.pdf`` and ``<form>-filled.pdf`` per form (``--xlsx``: the .xlsx too), the slips
on the continuous papers (``<form>-241x93.pdf``, ``-241x140.pdf``), and for the forms printed
on pre-printed paper the 套打 overlay (``<form>-overlay.pdf``) and that overlay laid over its
blank (``<form>-overlay-on-blank.pdf``, the data in red) to check that every value sits in its
box. ``--png DIR`` renders every page into DIR with pdftoppm (poppler-utils) for looking at.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, FloatObject, NameObject

from kehu_desktop.cli import main as admin
from kehu_desktop.forms import printing
from kehu_desktop.forms.definition import load_catalog
from kehu_desktop.forms.specimen import add_specimens, specimen_job
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.common.settings import FIRM_NAME

FIRM = "深圳市鑫盛电子科技有限公司"
PRINTED = date(2026, 11, 22)  # a fixed print date keeps the samples byte-for-byte stable
SLIPS = (
    "visit_record",
    "reception_record",
    "complaint_register",
    "complaint_notice",
    "service_register",
    "repair_report",
)
OVERLAYS = (
    ("customer_card", "A4"),
    ("complaint_register", "A4"),
    ("complaint_notice", "241x93"),
    ("visit_record", "241x140"),
    ("key_account_survey", "A4"),
)


def _in_red(data: bytes) -> PdfReader:
    """The overlay's pages with every fill and stroke turned red."""
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        stream = ContentStream(page.get_contents(), reader)
        red = [FloatObject(0.85), FloatObject(0), FloatObject(0)]
        stream.operations.insert(0, (red, b"RG"))
        stream.operations = [
            (red, b"rg") if operator == b"rg" else (operands, operator)
            for operands, operator in stream.operations
        ]
        page[NameObject("/Contents")] = stream
    return reader


def overlay_on_blank(blank: bytes, overlay: bytes) -> bytes:
    """Each overlay page laid over the blank's page of the same number (续页 pages alone)."""
    blank_pages = PdfReader(io.BytesIO(blank)).pages
    writer = PdfWriter()
    for number, page in enumerate(_in_red(overlay).pages):
        if number < len(blank_pages):
            base = writer.add_page(blank_pages[number])
            base.merge_page(page)
        else:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/forms")
    parser.add_argument("--png", help="also render every page to PNG into this folder")
    parser.add_argument("--xlsx", action="store_true", help="also write each form as .xlsx")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="kehu-forms-"))
    admin(["--data-dir", str(data_dir), "demo", "--customers", "60"])
    database = open_database(data_dir)
    with database.session() as session:
        FIRM_NAME.put(session, FIRM)
        ids = add_specimens(session, date(2026, 11, 20))
    catalog = load_catalog(data_dir)
    written: list[Path] = []

    def write(name: str, data: bytes) -> None:
        path = out / name
        path.write_bytes(data)
        written.append(path)

    with database.reader() as session:

        def render(job: printing.PrintJob, fmt: str = "pdf") -> bytes:
            return printing.render(session, catalog, job, fmt, today=PRINTED)

        for key, definition in catalog.forms.items():
            blank = printing.PrintJob(key)
            filled = specimen_job(key, definition.source, ids)
            for suffix, job in (("blank", blank), ("filled", filled)):
                for fmt in ("pdf", "xlsx") if args.xlsx else ("pdf",):
                    write(f"{key}-{suffix}.{fmt}", render(job, fmt))
        for key in SLIPS:
            for paper in ("241x140", "241x93"):
                job = specimen_job(key, catalog.get(key).source, ids, paper)
                write(f"{key}-{paper}.pdf", render(job))
        write("visit_record-A5.pdf", render(specimen_job("visit_record", "visit", ids, "A5")))
        for key, paper in OVERLAYS:
            filled = specimen_job(key, catalog.get(key).source, ids, paper)
            overlay = render(printing.PrintJob(key, filled.record_ids, paper=paper, overlay=True))
            suffix = "" if paper == catalog.get(key).paper else f"-{paper}"
            write(f"{key}-overlay{suffix}.pdf", overlay)
            blank = render(printing.PrintJob(key, paper=paper))
            write(f"{key}-overlay{suffix}-on-blank.pdf", overlay_on_blank(blank, overlay))
    database.dispose()
    shutil.rmtree(data_dir, ignore_errors=True)
    for stale in sorted(set(out.glob("*.*")) - set(written)):
        stale.unlink()
        print(f"removed {stale}")
    for path in written:
        print(path)
    if args.png:
        pictures = Path(args.png)
        pictures.mkdir(parents=True, exist_ok=True)
        for path in (p for p in written if p.suffix == ".pdf"):
            target = pictures / path.stem
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(target)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
