"""Open a race file into the cache as a job (the window's File → Open and drag & drop use this)."""

import time
from collections.abc import Callable
from pathlib import Path

from app.services.ingest import IngestResult, ingest_file
from app.sources.ams2.live import DEFAULT_PORT, record
from app.store import Store
from app.workers.runner import Job, JobRunner


def start_ingest(runner: JobRunner, store: Store, path: Path) -> Job:
    """Job result: app.services.ingest.IngestResult. The race shows as Processing, then Ready or Failed."""
    path = Path(path)
    return runner.submit(f"Open {path.name}", lambda progress: ingest_file(store, path, progress),
                         kind="ingest")


def start_recording(runner: JobRunner, store: Store, port: int = DEFAULT_PORT,
                    on_ready: Callable[[int], None] | None = None) -> Job:
    """Record live AMS2 UDP until the job is cancelled ("Stop"), then open the recording like any race file.

    Job result: IngestResult of the recording (saved under recordings/ in the data directory).
    """
    output = store.paths.recordings_dir / f"ams2-{time.strftime('%Y%m%d-%H%M%S')}.ams2"

    def run(progress) -> IngestResult:
        # While recording, progress reports packets (no known total) and a note with packets/s and drops for the
        # jobs panel; returning False means the user stopped. The file is on disk all along (see sources/ams2/live).
        stats = record(output, port=port, on_ready=on_ready,
                       keep_going=lambda stats: progress(stats.packets, 0, stats.summary()) is not False)
        # A finished total is never throttled away: the last note stays in the panel.
        progress(stats.packets, stats.packets, f"{stats.packets} packets recorded, {stats.dropped} dropped")
        return ingest_file(store, output)  # not cancellable: the user asked to stop recording, not to discard it

    return runner.submit(f"Record AMS2 (UDP {port})", run, kind="record")
