"""What every dock is given: settings, the store, the job runner and the shared UI state."""

from dataclasses import dataclass, field

from app.config import Settings
from app.store import Store
from app.views.state import SharedState
from app.workers.analysis import AnalysisWorker
from app.workers.lapdata import LapCache
from app.workers.runner import JobRunner


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
