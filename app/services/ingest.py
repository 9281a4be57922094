"""Ingest a race file: keep it as received, decode it, store its laps; Failed with the reason on error.

One streaming pass: each lap is written as soon as the reader hands it on, so memory does not grow with the
recording. A damaged file that still holds laps becomes Ready, marked damaged, with warnings saying what was lost.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.enums import RaceStatus
from app.errors import Cancelled, PitwallError, Progress, no_progress
from app.fileio import file_sha256
from app.store.recovery import INTERRUPTED

if TYPE_CHECKING:
    from app.store import Store
    from app.store.schema import Lap, Race


@dataclass
class IngestResult:
    race: Race
    laps: list[Lap]
    already_cached: bool = False
    damaged: bool = False
    warnings: list[str] = field(default_factory=list)


def _stage(progress: Progress, lo: int, hi: int) -> Progress:
    """Map a sub-step's own 0..total onto lo..hi percent of the whole job."""
    return lambda done, total: progress(lo + (hi - lo) * done // max(total, 1), 100)


def _result(store: Store, race: Race, laps: list[Lap], cached: bool = False) -> IngestResult:
    meta = json.loads(race.meta or "{}")
    return IngestResult(race, laps, cached, bool(meta.get("damaged")), list(meta.get("warnings") or []))


def cached_result(store: Store, path: Path, progress: Progress) -> tuple[str, IngestResult | None]:
    """The file's content hash, and the result of the Ready race that already holds that content, if any
    (opening a file twice is instant and changes nothing)."""
    if not path.is_file():
        raise PitwallError(f"No such file: {path}")
    digest = file_sha256(path)
    known = store.find_by_hash(digest)
    if known is not None and known.status == RaceStatus.READY:
        progress(100, 100)
        return digest, _result(store, known, store.laps(known.id), cached=True)
    return digest, None


def ingest_file(store: Store, path: Path, progress: Progress = no_progress) -> IngestResult:
    """Open an AMS2 race file into the cache. The same content twice gives the same race, not a copy.
    MoTeC .ld files and CSV/Parquet tables go to their own importers (same result, same failure handling)."""
    from app.domain.models import SessionData
    from app.services.laps import label_rows
    from app.sources.ams2.reader import RaceReader

    path = Path(path)
    other = _other_format(path)
    if other is not None:
        return other(store, path, progress)
    digest, cached = cached_result(store, path, progress)
    if cached is not None:
        return cached

    race = store.begin_race("ams2", path.stem, content_hash=digest, meta={"file": path.name})
    sink = store.lap_sink(race.id)
    keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keep-raw")
    try:
        kept = keeper.submit(store.keep_raw, race.id, path)  # the copy and its fsync overlap the decoding
        with open(path, "rb") as fh:
            reader = RaceReader(fh, os.fstat(fh.fileno()).st_size, progress=_stage(progress, 0, 95))
            with closing(reader.laps()) as laps_read:  # on an error here, stop the inflating thread at once
                for lap in laps_read:
                    sink.add(lap)
        sink.finish()
        kept.result()
        data = SessionData("ams2", path.stem, [], track=reader.track, track_length=reader.track_length,
                           meta=reader.meta)
        label_rows(sink.rows)  # "Run 2 · lap 1": the game's counter restarts at 1 on every run
        laps = store.commit_laps(race.id, sink, data)
        progress(100, 100)
    except Cancelled:
        sink.abort()
        store.fail_race(race.id, "Cancelled by the user; open the file again to retry.")
        raise
    except PitwallError as exc:
        sink.abort()
        store.fail_race(race.id, str(exc))
        raise
    except OSError as exc:  # disk full, permissions: the user can act on these
        sink.abort()
        store.fail_race(race.id, f"Could not write to the cache: {exc.strerror or exc}")
        raise PitwallError(f"Could not write to the cache: {exc.strerror or exc}") from exc
    except Exception as exc:
        sink.abort()
        store.fail_race(race.id, f"Unexpected error while reading the file: {exc!r}")
        raise
    except BaseException:  # Ctrl+C, exit: the same state a crash leaves, without waiting for recovery
        sink.abort()
        store.fail_race(race.id, INTERRUPTED)
        raise
    finally:
        keeper.shutdown(wait=True)
    ready = store.race(race.id)
    assert ready is not None, race.id
    return _result(store, ready, laps)


def _other_format(path: Path):
    """The importer for a non-AMS2 file, by its suffix; None for race files."""
    suffix = path.suffix.lower()
    if suffix == ".ld":
        from app.services.motec.ingest import ingest_motec

        return ingest_motec
    if suffix in (".csv", ".parquet"):
        from app.services.table_import import ingest_table

        return lambda store, p, progress: ingest_table(store, p, None, progress)
    return None
