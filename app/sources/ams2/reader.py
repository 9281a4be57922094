"""Read an AMS2 race file in one streaming pass: inflate, walk, decode and split, a chunk at a time.

Inflating runs on a second thread (zlib releases the GIL), so it overlaps the decoding of the chunk before.
Laps come out as they complete; what the whole file said (track, damage) is known at the end.
"""

import io
import os
import queue
import threading
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import BinaryIO

from app.domain.models import LapData, SessionData
from app.errors import InvalidFile, Progress, check, no_progress
from app.sources.ams2.container import Damage, raw_chunks
from app.sources.ams2.decode import PacketDecoder
from app.sources.ams2.laps import LapSplitter
from app.sources.ams2.walk import PacketScanner

PREFETCH = 2  # inflated chunks waiting for the decoder (16 MB each)


class RaceReader:
    """`for lap in reader.laps()`, then `reader.meta`, `reader.warnings`, `reader.track`."""

    def __init__(self, fh: BinaryIO, size: int, progress: Progress = no_progress) -> None:
        self._fh, self._size, self._progress = fh, max(size, 1), progress
        self.damage = Damage()
        self.scanner = PacketScanner()
        self.decoder = PacketDecoder()
        self.laps_read = 0

    @property
    def warnings(self) -> list[str]:
        return self.damage.warnings + self.scanner.warnings()

    @property
    def damaged(self) -> bool:
        return bool(self.warnings)

    @property
    def track(self) -> str | None:
        return self.decoder.track

    @property
    def track_length(self) -> float | None:
        return self.decoder.track_length

    @property
    def meta(self) -> dict:
        out: dict = {"packets": self.scanner.packets, "participant": self.decoder.participant,
                     "damaged": self.damaged}
        if self.damaged:
            out["warnings"] = self.warnings
        return out

    def laps(self) -> Generator[LapData, None, None]:
        """Every lap of the followed car, in order. Raises InvalidFile when the file holds nothing usable."""
        splitter = LapSplitter()
        check(self._progress, 0, self._size)
        for chunk in _prefetch(raw_chunks(self._fh, self.damage), PREFETCH):
            for buf, starts in self.scanner.feed(chunk):
                yield from self._count(splitter.feed(self.decoder.decode(buf, starts)))
            check(self._progress, min(self.damage.read, self._size - 1), self._size)
        self.scanner.finish()
        yield from self._count(splitter.finish())
        if not self.laps_read:
            raise InvalidFile(self._nothing_usable())
        check(self._progress, self._size, self._size)

    def _count(self, laps: list[LapData]) -> list[LapData]:
        self.laps_read += len(laps)
        return laps

    def _nothing_usable(self) -> str:
        d = self.decoder
        if not d.telemetry:
            reason = "The file holds no telemetry packets (type 0): nothing to show."
        elif not d.timings:
            reason = "The file holds no timings packets (type 3), so its laps cannot be split."
        else:
            reason = "The timings packets never show the followed car on a lap: no laps to split."
        if self.damaged:
            return f"The file is damaged and holds nothing usable. {self.warnings[0]} {reason}"
        return reason


def _prefetch(items: Iterator[bytes], depth: int) -> Iterator[bytes]:
    """Run a producer on a thread, `depth` items ahead; its exceptions surface here, in order."""
    done = object()
    q: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(done)
        except BaseException as exc:  # handed to the consumer, which raises it
            put(exc)

    worker = threading.Thread(target=run, name="ams2-inflate", daemon=True)
    worker.start()
    try:
        while (item := q.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def read_race_stream(fh: BinaryIO, size: int, name: str, progress: Progress = no_progress) -> SessionData:
    reader = RaceReader(fh, size, progress)
    laps = list(reader.laps())
    return SessionData(source="ams2", name=name, laps=laps, track=reader.track, track_length=reader.track_length,
                       meta=reader.meta)


def read_race_bytes(blob: bytes, name: str = "AMS2 session", progress: Progress = no_progress) -> SessionData:
    return read_race_stream(io.BytesIO(blob), len(blob), name, progress)


def read_race_file(path: Path, progress: Progress = no_progress) -> SessionData:
    path = Path(path)
    with open(path, "rb") as fh:
        return read_race_stream(fh, os.fstat(fh.fileno()).st_size, path.stem, progress)
