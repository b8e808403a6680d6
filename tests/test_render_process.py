"""Forms rendered in a process of their own (so the window never waits behind ReportLab):
the same PDF as in the window's process, progress per form, a stop heard at once, and the
forms still rendered when the process is not up or dies."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from kehu_desktop.forms import printing
from kehu_desktop.forms.definition import FORM_ORDER, load_catalog
from kehu_desktop.forms.render_process import RenderProcess
from kehu_desktop.forms.specimen import add_specimens, specimen_job

FORMS = 6


class Stop(Exception):
    pass


@pytest.fixture
def prepared(context, data_dir) -> printing.Prepared:
    """Six visit forms (the specimen visit, six times)."""
    with context.session() as session:
        ids = add_specimens(session, date(2026, 11, 20))
    with context.reader() as session:
        one = printing.prepare(
            session, load_catalog(data_dir), specimen_job("visit_record", "visit", ids)
        )
    return replace(one, headers=one.headers * FORMS, records=list(one.records) * FORMS)


@pytest.fixture
def renderer():
    renderer = RenderProcess()
    assert renderer.wait_until_ready(timeout=60)
    yield renderer
    renderer.close()  # stops the process


@pytest.fixture
def rendered_here(monkeypatch) -> list[int]:
    """The number of forms of each job rendered in this process rather than the other."""
    calls: list[int] = []
    original = printing.to_pdf

    def counting(prepared, progress=printing.no_progress):
        calls.append(len(prepared.records))
        return original(prepared, progress)

    monkeypatch.setattr(printing, "to_pdf", counting)
    return calls


def test_the_render_process_makes_the_same_pdf_and_reports_each_form(
    prepared, renderer, rendered_here
):
    progress: list[tuple[int, int]] = []
    data = renderer.to_pdf(prepared, lambda done, total: progress.append((done, total)))
    assert rendered_here == []  # not rendered here
    assert data == printing.render_pdf(
        printing.pages_of(prepared), prepared.paper, prepared.definition.title
    )
    assert progress == [(done, FORMS) for done in range(1, FORMS + 1)]


def test_a_stopped_job_stops_there_and_the_next_one_is_rendered(prepared, renderer, rendered_here):
    def stop_at_the_second(done: int, _total: int) -> None:
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        renderer.to_pdf(prepared, stop_at_the_second)
    one = replace(prepared, headers=prepared.headers[:1], records=prepared.records[:1])
    assert renderer.to_pdf(one).startswith(b"%PDF")
    assert rendered_here == []


def test_forms_are_rendered_here_until_the_process_is_up_and_after_it_died(prepared, rendered_here):
    renderer = RenderProcess()  # not started
    assert renderer.to_pdf(prepared).startswith(b"%PDF")
    assert rendered_here == [FORMS]
    assert renderer.wait_until_ready(timeout=60)
    renderer._process.kill()  # as if the process crashed
    renderer._process.join()
    assert renderer.to_pdf(prepared).startswith(b"%PDF")
    assert rendered_here == [FORMS, FORMS]
    assert renderer.wait_until_ready(timeout=60)  # a new one is started
    renderer.to_pdf(prepared)
    assert rendered_here == [FORMS, FORMS]
    renderer.close()


def test_every_form_blank_and_filled_is_rendered_there(context, data_dir, renderer, rendered_here):
    """What the print dialog previews, for each of the 13 forms: its job goes to the render
    process whole (nothing in it that cannot be sent there)."""
    with context.session() as session:
        ids = add_specimens(session, date(2026, 11, 20))
    catalog = load_catalog(data_dir)
    for key in FORM_ORDER:
        source = catalog.get(key).source
        for job in (printing.PrintJob(key), specimen_job(key, source, ids)):
            with context.reader() as session:
                prepared = printing.prepare(session, catalog, job)
            assert renderer.to_pdf(prepared) == printing.to_pdf(prepared)
    assert len(rendered_here) == 2 * len(FORM_ORDER)  # only the comparisons, made here


def test_the_render_process_does_not_run_the_starting_script_again(tmp_path):
    """A spawned process runs the parent's main script again unless told otherwise: for the
    app that is Qt and the whole window, and a script without a __name__ guard would run
    twice."""
    script = tmp_path / "starts_the_render_process.py"
    runs = tmp_path / "runs.txt"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
        f"with open({str(runs)!r}, 'a') as runs:\n"
        "    runs.write('ran\\n')\n"
        "from kehu_desktop.forms.render_process import RenderProcess\n"
        "renderer = RenderProcess()\n"
        "assert renderer.wait_until_ready(timeout=60)\n"
        "renderer.close()\n",
        encoding="utf-8",
    )
    finished = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert runs.read_text() == "ran\n"


def test_a_process_that_cannot_start_or_keeps_dying_is_given_up(
    prepared, rendered_here, monkeypatch
):
    """Forms are then rendered here for the rest of the session, without another try each
    time the print dialog opens."""
    from kehu_desktop.forms import render_process

    class NoPipes:
        def Pipe(self):  # noqa: N802 (multiprocessing's name)
            raise OSError("too many open files")

    renderer = RenderProcess()
    with monkeypatch.context() as patch:
        patch.setattr(render_process.multiprocessing, "get_context", lambda _kind: NoPipes())
        assert not renderer.wait_until_ready(timeout=2)
    assert renderer.to_pdf(prepared).startswith(b"%PDF")
    assert rendered_here == [FORMS]

    # A process that dies before it takes a job (here: it is given a target that fails).
    monkeypatch.setattr(render_process, "_serve", sys.exit)
    renderer = RenderProcess()
    assert not renderer.wait_until_ready(timeout=60)  # tried STARTS_TRIED times
    assert renderer._failed_to_start
    renderer.warm()
    assert renderer._process is None  # no more tries
