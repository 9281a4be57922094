"""Write lap files while a source is still decoding: each lap goes to disk as soon as it is complete.

Parquet encoding releases the GIL, so a few threads write while the decoder goes on; at most `max_pending`
laps wait for a writer, so memory stays flat however long the recording is. The catalog rows are made here
but committed by the store, in one transaction, only after every file exists.
"""

import json
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from app.domain.models import LapData
from app.store.lapfiles import write_lap
from app.store.paths import DataPaths
from app.store.schema import Lap

WRITE_THREADS = 2  # two cores are common; more threads only queue on the GIL-bound parts


class LapSink:
    def __init__(self, paths: DataPaths, race_id: str, threads: int = WRITE_THREADS, max_pending: int = 4,
                 dataset: bool = False) -> None:
        self.paths, self.race_id = paths, race_id
        self.dataset = dataset  # files for the team archive's dataset (lap_id column, one schema)
        self.rows: list[Lap] = []
        self.files: list[Path] = []
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="lap-write")
        self._pending: deque[Future] = deque()
        self._max_pending = max_pending

    def add(self, lap: LapData) -> Lap:
        """Queue the lap's file and make its row; blocks while too many laps wait for a writer."""
        lap_id = str(uuid.uuid4())
        path = self.paths.lap_file(self.race_id, lap_id) if lap.channels else None
        s1, s2, s3 = lap.sectors
        row = Lap(
            id=lap_id, race_id=self.race_id, number=lap.number, driver=lap.driver, team=lap.team,
            team_color=lap.team_color, lap_time=lap.lap_time, sector1=s1, sector2=s2, sector3=s3,
            flags=",".join(lap.flags), sample_count=lap.sample_count, start_time=lap.start_time,
            path=self.paths.relative(path) if path else None, meta=json.dumps(lap.extra, default=str),
        )
        self.rows.append(row)
        if path is not None:
            self.files.append(path)
            extra = (lap_id,) if self.dataset else ()  # the team archive's files carry their lap id
            self._pending.append(self._pool.submit(write_lap, path, lap.channels, *extra))
            while len(self._pending) > self._max_pending:
                self._pending.popleft().result()
        return row

    def written(self) -> int:
        return len(self.files) - sum(not f.done() for f in self._pending)

    def finish(self) -> list[Lap]:
        """Wait for every file; the first write error is raised here."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True)
        return self.rows

    def abort(self) -> None:
        """Stop writing and remove every file this sink wrote or was writing."""
        for future in self._pending:
            future.cancel()
        self._pool.shutdown(wait=True)
        self._pending.clear()
        for path in self.files:
            path.unlink(missing_ok=True)
