"""Open a race file into the cache as a job (the window's File → Open and drag & drop use this)."""

from pathlib import Path

from app.services.ingest import ingest_file
from app.store import Store
from app.workers.runner import Job, JobRunner


def start_ingest(runner: JobRunner, store: Store, path: Path) -> Job:
    """Job result: app.services.ingest.IngestResult. The race shows as Processing, then Ready or Failed."""
    path = Path(path)
    return runner.submit(f"Open {path.name}", lambda progress: ingest_file(store, path, progress))
