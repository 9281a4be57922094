"""Run long jobs on a thread pool; report progress, results and errors on the GUI thread.

A job's function runs on a pool thread and gets a `progress(done, total, note=None) -> bool` callback; False means
the user cancelled (the function raises app.errors.Cancelled through app.errors.check). `note` is a short live
status line for the jobs panel (a recording's packets/s), throttled with the progress. The pool thread never touches
widgets: it emits private signals that Qt queues to the Job, which lives on the GUI thread and re-emits the
public signals there. Errors are never swallowed: they end in `error(str)`, `status == "Failed"` and the log.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, Qt, QThreadPool, Signal

from app.errors import Cancelled, PitwallError, Progress

log = logging.getLogger(__name__)

JobFn = Callable[[Progress], Any]
TERMINAL = ("Done", "Failed", "Cancelled")
# Job kinds views react to (never to titles). A job with no kind that is not quiet is taken to change the catalog.
CATALOG_KINDS = frozenset({"ingest", "record", "f1-load", "sync", "forget"})  # change races, laps or sync state
PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress updates a second reach the GUI thread


class Job(QObject):
    started = Signal()
    progress = Signal(int, int)
    result = Signal(object)
    error = Signal(str)
    finished = Signal()

    # Emitted from the pool thread; queued to this object on the GUI thread.
    _started_bg = Signal()
    _progress_bg = Signal(int, int, object)  # done, total, note (None: unchanged)
    _result_bg = Signal(object)
    _error_bg = Signal(str, str)  # status, message

    def __init__(self, title: str, quiet: bool = False, parent: QObject | None = None, kind: str | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.quiet = quiet  # housekeeping jobs (loading laps) stay out of the jobs list unless they fail
        self.kind = kind  # "ingest", "export", "report", … (see CATALOG_KINDS); None: not said
        self.status = "Queued"
        self.message = ""
        self.done = 0
        self.total = 0
        self.note = ""  # the job's own live status line, if it reports one
        self.value: Any = None  # the result, once Done
        self._cancel = threading.Event()
        queued = Qt.ConnectionType.QueuedConnection
        self._started_bg.connect(self._on_started, queued)
        self._progress_bg.connect(self._on_progress, queued)
        self._result_bg.connect(self._on_result, queued)
        self._error_bg.connect(self._on_error, queued)

    def cancel(self) -> None:
        """Ask the job to stop at its next progress call; a queued job never starts."""
        if self.status in ("Queued", "Running"):
            self._cancel.set()
            self.message = "Cancelling…"

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL

    @property
    def changes_catalog(self) -> bool:
        """Whether views showing races, laps or sync state should read the catalog again after this job."""
        return self.kind in CATALOG_KINDS if self.kind is not None else not self.quiet

    # ---- pool thread
    def _run(self, fn: JobFn) -> None:
        if self._cancel.is_set():
            self._error_bg.emit("Cancelled", "Cancelled before it started")
            return
        self._started_bg.emit()
        last = [0.0]

        def progress(done: int, total: int, note: str | None = None) -> bool:
            now = time.monotonic()
            finished = total > 0 and done >= total  # total 0: open-ended (a live recording), always throttled
            if now - last[0] >= PROGRESS_INTERVAL_S or finished:
                last[0] = now
                self._progress_bg.emit(int(done), int(total), note)
            return not self._cancel.is_set()

        try:
            value = fn(progress)
        except Cancelled as exc:
            self._error_bg.emit("Cancelled", str(exc))
        except PitwallError as exc:
            self._error_bg.emit("Failed", str(exc))
        except Exception as exc:  # a bug: keep the traceback in the log, show a short line
            log.exception("Job %r failed", self.title)
            self._error_bg.emit("Failed", f"Unexpected error: {type(exc).__name__}: {exc}"[:300])
        else:
            self._result_bg.emit(value)

    # ---- GUI thread
    def _on_started(self) -> None:
        self.status = "Running"
        self.started.emit()

    def _on_progress(self, done: int, total: int, note: str | None) -> None:
        self.done, self.total = done, total
        if note is not None:
            self.note = note
        self.progress.emit(done, total)

    def _on_result(self, value: object) -> None:
        self.status = "Done"
        self.message = ""
        self.value = value
        self.result.emit(value)
        self.finished.emit()

    def _on_error(self, status: str, message: str) -> None:
        self.status = status
        self.message = message
        self.error.emit(message)
        self.finished.emit()


class JobRunner(QObject):
    job_added = Signal(Job)

    def __init__(self, threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self.jobs: list[Job] = []

    def submit(self, title: str, fn: JobFn, *, quiet: bool = False, kind: str | None = None) -> Job:
        """Queue `fn(progress)` on the pool. Connect to the returned Job's signals right away:
        nothing is delivered before control returns to the event loop."""
        job = Job(title, quiet=quiet, kind=kind)
        self.jobs.append(job)
        job.finished.connect(self._forget_old)
        self.job_added.emit(job)
        self._pool.start(lambda: job._run(fn))
        return job

    def active(self) -> list[Job]:
        return [j for j in self.jobs if not j.is_finished]

    def cancel_all(self) -> None:
        for job in self.jobs:
            job.cancel()

    def wait_all(self, timeout_ms: int = 30000) -> bool:
        """Block until every job has run and delivered its signals (tests, shutdown). True if all finished."""
        deadline = QDeadlineTimer(timeout_ms)
        if not self._pool.waitForDone(max(0, deadline.remainingTime())):
            return False
        while self.active() and not deadline.hasExpired():
            QCoreApplication.processEvents()
        QCoreApplication.processEvents()
        return not self.active()

    def _forget_old(self, keep: int = 200) -> None:
        """Bound the history: forget the oldest finished jobs beyond `keep` (views keep their own references)."""
        finished = [j for j in self.jobs if j.is_finished]
        for job in finished[: max(0, len(finished) - keep)]:
            self.jobs.remove(job)
