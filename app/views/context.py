"""What every dock is given: settings, the store, the job runner and the shared UI state."""

import time
from dataclasses import dataclass, field

from app.config import Settings
from app.store import Store
from app.views.state import SharedState
from app.workers.analysis import AnalysisWorker
from app.workers.lapdata import LapCache
from app.workers.runner import Job, JobRunner

CATALOG_TELL_S = 0.5


@dataclass
class AppContext:
    settings: Settings
    store: Store
    runner: JobRunner
    state: SharedState
    laps: LapCache = field(init=False)  # lap channels, loaded off the GUI thread and shared by every view
    analysis: AnalysisWorker = field(init=False)  # the selection's comparison and bests, into `state`

    def __post_init__(self) -> None:
        self.laps = LapCache(self.store, self.runner)
        self.analysis = AnalysisWorker(self.store, self.runner, self.state, self.laps)
        self.runner.job_added.connect(self._watch_catalog)

    def _watch_catalog(self, job: Job) -> None:
        """Jobs that change the catalog say so through the shared state while they run (at most every
        CATALOG_TELL_S: a race shows Processing) and when they end. No view watches another's jobs by title."""
        if not job.changes_catalog:
            return
        last = [0.0]

        def under_way(*_) -> None:
            now = time.monotonic()
            if now - last[0] >= CATALOG_TELL_S:
                last[0] = now
                self.state.notify_catalog_changed(settled=False)

        job.progress.connect(under_way)
        job.finished.connect(lambda: self.state.notify_catalog_changed(settled=True))
