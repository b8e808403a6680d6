"""Sample PDFs (and one .xlsx each) of every form, blank and filled, for looking at.

    python scripts/sample_forms.py [--out docs/forms] [--png] [--xlsx]

Builds a fresh store with the demo data plus one specimen of every record kind, then writes
``<form>-blank.pdf`` and ``<form>-filled.pdf`` per form (``--xlsx``: the .xlsx too), a 套打
overlay and the visit form on the smaller papers; ``--png`` renders every page with pdftoppm.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from kehu_desktop.cli import main as admin
from kehu_desktop.forms import printing
from kehu_desktop.forms.definition import load_catalog
from kehu_desktop.forms.specimen import add_specimens, specimen_job
from kehu_desktop.services.common.database import open_database
from kehu_desktop.services.common.settings import FIRM_NAME

FIRM = "深圳市鑫盛电子科技有限公司"
PRINTED = date(2026, 11, 22)  # a fixed print date keeps the samples byte-for-byte stable


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/forms")
    parser.add_argument("--png", action="store_true", help="also render every page to PNG")
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
    written = []
    with database.reader() as session:
        for key, definition in catalog.forms.items():
            blank = printing.PrintJob(key)
            filled = specimen_job(key, definition.source, ids)
            for suffix, job in (("blank", blank), ("filled", filled)):
                for fmt in ("pdf", "xlsx") if args.xlsx else ("pdf",):
                    path = out / f"{key}-{suffix}.{fmt}"
                    path.write_bytes(printing.render(session, catalog, job, fmt, today=PRINTED))
                    written.append(path)
        overlay = printing.PrintJob("complaint_register", (ids.complaint,), overlay=True)
        path = out / "complaint_register-overlay.pdf"
        path.write_bytes(printing.render(session, catalog, overlay, today=PRINTED))
        written.append(path)
        for paper in ("A5", "241x140", "241x93"):
            path = out / f"visit_record-{paper}.pdf"
            job = specimen_job("visit_record", "visit", ids, paper)
            path.write_bytes(printing.render(session, catalog, job, today=PRINTED))
            written.append(path)
    database.dispose()
    shutil.rmtree(data_dir, ignore_errors=True)
    for path in written:
        print(path)
    if args.png:
        for path in (p for p in written if p.suffix == ".pdf"):
            subprocess.run(
                ["pdftoppm", "-r", "60", "-png", str(path), str(path.with_suffix(""))], check=True
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
