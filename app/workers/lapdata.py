"""Lap channels for the views, read from the store on a pool thread and kept in a small LRU cache."""

from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.domain.models import Channels
from app.errors import PitwallError, Progress, check
from app.store import Store
from app.store.schema import Lap
from app.workers.runner import JobRunner


@dataclass
class LapTrace:
    lap: Lap  # the catalog row (number, lap time, flags)
    channels: Channels


class LapCache(QObject):
    loaded = Signal(list)  # lap ids now available
    failed = Signal(str)

    def __init__(self, store: Store, runner: JobRunner, capacity: int = 40, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self.capacity = capacity  # laps kept besides the selection (which is always kept)
        self._traces: OrderedDict[str, LapTrace] = OrderedDict()
        self._pending: set[str] = set()
        self._keep: set[str] = set()  # the selection: never evicted, however many laps it holds

    def get(self, lap_id: str) -> LapTrace | None:
        trace = self._traces.get(lap_id)
        if trace is not None:
            self._traces.move_to_end(lap_id)
        return trace

    def has_all(self, lap_ids: list[str]) -> bool:
        return all(i in self._traces for i in lap_ids)

    def request(self, lap_ids: list[str]) -> bool:
        """True if every lap is already here; otherwise start loading the missing ones (`loaded` follows)."""
        missing = [i for i in lap_ids if i not in self._traces and i not in self._pending]
        if missing:
            self._pending.update(missing)
            job = self._runner.submit(f"Load {len(missing)} lap(s)", lambda p: self._load(missing, p), quiet=True)
            job.result.connect(self._on_loaded)
            job.error.connect(self.failed)
            job.finished.connect(lambda: self._pending.difference_update(missing))
        return self.has_all(lap_ids)

    def keep(self, lap_ids: list[str]) -> None:
        """Laps to hold whatever the capacity (the selection: a comparison of 60 laps needs all 60 at once)."""
        self._keep = set(lap_ids)

    def forget(self, lap_ids: list[str] | None = None) -> None:
        """Drop cached laps (all when None), e.g. after a race was re-processed."""
        for lap_id in list(self._traces) if lap_ids is None else lap_ids:
            self._traces.pop(lap_id, None)

    def _load(self, lap_ids: list[str], progress: Progress) -> list[LapTrace]:
        # Pool thread: only the store is touched here.
        traces = []
        for i, lap_id in enumerate(lap_ids):
            check(progress, i, len(lap_ids))
            lap = self._store.lap(lap_id)
            if lap is None:
                raise PitwallError("The lap is no longer in the cache (was its race deleted?).")
            traces.append(LapTrace(lap, self._store.lap_channels(lap)))
        check(progress, len(lap_ids), len(lap_ids))
        return traces

    def _on_loaded(self, traces: list[LapTrace]) -> None:
        for trace in traces:
            self._traces[trace.lap.id] = trace
        spare = [i for i in self._traces if i not in self._keep]  # oldest first
        for lap_id in spare[: max(len(self._traces) - self.capacity, 0)]:
            del self._traces[lap_id]
        self.loaded.emit([t.lap.id for t in traces])
