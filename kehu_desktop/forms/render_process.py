"""Rendering forms to PDF in a process of their own, so that the window never waits for them.

A PDF of 100 visit forms is most of a second of pure-Python ReportLab work. On a worker thread
that second is shared with the GUI thread through Python's interpreter lock, and the window
stutters while the preview is made (stalls of 100–400 ms in ``benchmarks/bench_day.py`` on two
cores). In a process of its own it costs the window nothing.

The process is started in the background when asked (``warm()``: by the main window a little
after its first rows show, and by the print dialog as it opens) and renders one job at a time
over a pipe, reporting progress after each form and stopping when told to. Until it is up,
while it is busy with another job, and if it cannot start or dies, ``to_pdf`` renders in the
calling thread as before: the user always gets the forms. A failure inside the process is not
reported from there either: the job is rendered again in the calling thread, where the same
error is raised with its own traceback.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import sys
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from kehu_desktop.forms import printing
from kehu_desktop.forms.printing import Prepared, Progress
from kehu_desktop.forms.typesetting import fonts

log = logging.getLogger(__name__)

# How long a job waits for the process to finish another before rendering in its own thread.
JOB_WAIT_S = 2.0
# Processes that may die before taking a job before no more are started this session.
STARTS_TRIED = 3


class _Stopped(Exception):
    """Raised in the render process when the window no longer wants the job."""


def _serve(connection: Connection) -> None:
    """The render process: render each job sent until the pipe closes."""
    _yield_to_the_window()
    fonts()  # the form fonts' tables, read before the first job (a quarter of a second)
    connection.send(("ready",))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message[0] != "render":
            continue  # a stop that came after its job was done

        def progress(done: int, total: int) -> None:
            if connection.poll() and connection.recv()[0] == "stop":
                raise _Stopped
            connection.send(("progress", done, total))

        try:
            data = printing.to_pdf(message[1], progress)
        except _Stopped:
            connection.send(("stopped",))
        except Exception:  # rendered again by the caller, which reports it
            connection.send(("failed",))
        else:
            connection.send(("done", data))


@contextmanager
def _not_running_the_main_script() -> Iterator[None]:
    """Start the process without running the program's main script in it again.

    A spawned process first runs the parent's ``__main__`` script again (as ``__mp_main__``)
    unless that is a package's ``__main__`` module, which it leaves alone. The render process
    needs nothing of it: for ``kehu-desktop`` it would import Qt and the whole window for
    nothing, and a script without a ``__name__`` guard would run twice. So while the process
    starts, the main module is presented as one it leaves alone."""
    main = sys.modules["__main__"]
    stand_in = types.ModuleType("__main__")
    stand_in.__spec__ = ModuleSpec("kehu_desktop.__main__", None)
    sys.modules["__main__"] = stand_in
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _yield_to_the_window() -> None:
    """Run below normal priority: on a machine with few cores the window's thread, which
    shows the pages as they come, goes first."""
    try:
        if sys.platform == "win32":
            import ctypes

            below_normal = 0x4000  # BELOW_NORMAL_PRIORITY_CLASS
            kernel32 = ctypes.windll.kernel32
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
        else:
            os.nice(10)  # 5 still took a quarter of a core from the window
    except OSError:
        pass  # not allowed here: at the same priority as the window, as a thread would be


class RenderProcess:
    """The render process, started on demand; see the module's docstring."""

    def __init__(self) -> None:
        self._state = threading.Lock()  # guards the fields below
        self._job = threading.Lock()  # held while a job uses the pipe
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        self._starting = False
        self._ready = False
        self._failed_to_start = False  # then every job is rendered in the calling thread
        self._deaths = 0  # processes that died before they took a job

    def warm(self) -> None:
        """Start the process in the background unless it runs or is starting."""
        with self._state:
            if self._starting or self._process is not None or self._failed_to_start:
                return
            self._starting = True
        threading.Thread(target=self._start, name="form-render-start", daemon=True).start()

    def _start(self) -> None:
        # spawn, on every system: a fork would copy the window's threads and locks
        context = multiprocessing.get_context("spawn")
        started: tuple[BaseProcess, Connection] | None = None
        try:
            ours, theirs = context.Pipe()
            try:
                process = context.Process(
                    target=_serve, args=(theirs,), name="kehu-form-render", daemon=True
                )
                with _not_running_the_main_script():
                    process.start()
                started = (process, ours)
            finally:
                theirs.close()
                if started is None:
                    ours.close()
        except Exception:  # e.g. no more processes or handles allowed: render in this process
            log.warning("the form-rendering process could not start", exc_info=True)
        with self._state:
            self._starting = False
            if started is None:
                self._failed_to_start = True
            else:
                self._process, self._connection = started

    def wait_until_ready(self, timeout: float) -> bool:
        """Start the process if need be and wait until it takes jobs (tests, benchmarks);
        False if it did not in time or was given up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.warm()  # again after one died starting
            with self._job:
                if self._ready_connection() is not None:
                    return True
            with self._state:
                if self._failed_to_start:
                    return False
            time.sleep(0.02)
        return False

    def to_pdf(self, prepared: Prepared, progress: Progress = printing.no_progress) -> bytes:
        """``printing.to_pdf(prepared, progress)``, in the render process when it is free."""
        # Busy with another job (another dialog's, or a stopped one finishing its form): wait a
        # little for it rather than render a whole batch here.
        if not self._job.acquire(timeout=JOB_WAIT_S):
            return printing.to_pdf(prepared, progress)
        try:
            connection = self._ready_connection()
            if connection is not None:
                try:
                    data = self._render_there(connection, prepared, progress)
                except (EOFError, OSError):  # the process died: start another next time
                    self.close()
                else:
                    if data is not None:
                        return data
        finally:
            self._job.release()
        return printing.to_pdf(prepared, progress)

    def _ready_connection(self) -> Connection | None:
        with self._state:
            connection = self._connection
        if connection is None:
            return None
        if not self._ready:
            try:
                if not connection.poll():
                    return None  # still starting
                self._ready = connection.recv() == ("ready",)
            except (EOFError, OSError):  # it died starting (a damaged font file …)
                self.close()
                with self._state:
                    self._deaths += 1
                    self._failed_to_start = self._deaths >= STARTS_TRIED
                return None
        return connection if self._ready else None

    @staticmethod
    def _render_there(
        connection: Connection, prepared: Prepared, progress: Progress
    ) -> bytes | None:
        """The PDF, or None when the process failed to render it. ``progress`` raising (the
        user stopped the job) stops the process's work too, then is raised here."""
        try:
            connection.send(("render", prepared))
        except (pickle.PicklingError, TypeError, AttributeError):
            return None  # something in it cannot be sent (pickled first: nothing was written)
        while True:
            message = connection.recv()
            if message[0] == "done":
                return message[1]
            if message[0] == "failed":
                return None
            try:
                progress(message[1], message[2])
            except BaseException:
                connection.send(("stop",))
                while connection.recv()[0] not in ("done", "failed", "stopped"):
                    pass
                raise

    def close(self) -> None:
        """Stop the process; the next ``warm()`` starts another."""
        with self._state:
            process, connection = self._process, self._connection
            self._process, self._connection, self._ready = None, None, False
        if connection is not None:
            connection.close()
        if process is not None and process.is_alive():
            process.terminate()


_renderer = RenderProcess()
warm = _renderer.warm
to_pdf = _renderer.to_pdf
