"""Ingest a race file: keep it as received, decode it, store its laps; Failed with the reason on error."""

from dataclasses import dataclass
from pathlib import Path

from app.domain.models import RaceStatus
from app.errors import Cancelled, PitwallError, Progress, no_progress
from app.fileio import file_sha256
from app.sources.ams2.reader import read_race_bytes
from app.store import Store
from app.store.schema import Lap, Race


@dataclass
class IngestResult:
    race: Race
    laps: list[Lap]
    already_cached: bool = False


def _stage(progress: Progress, lo: int, hi: int) -> Progress:
    """Map a sub-step's own 0..total onto lo..hi percent of the whole job."""
    return lambda done, total: progress(lo + (hi - lo) * done // max(total, 1), 100)


def ingest_file(store: Store, path: Path, progress: Progress = no_progress) -> IngestResult:
    """Open an AMS2 race file into the cache. The same content twice gives the same race, not a copy."""
    path = Path(path)
    if not path.is_file():
        raise PitwallError(f"No such file: {path}")
    digest = file_sha256(path)
    known = store.find_by_hash(digest)
    if known is not None and known.status == RaceStatus.READY:
        progress(100, 100)
        return IngestResult(known, store.laps(known.id), already_cached=True)

    race = store.begin_race("ams2", path.stem, content_hash=digest, meta={"file": path.name})
    try:
        store.keep_raw(race.id, path)
        blob = path.read_bytes()
        data = read_race_bytes(blob, name=path.stem, progress=_stage(progress, 0, 70))
        if not data.laps:
            raise PitwallError("The file decodes but holds no laps of the followed car.")
        laps = store.save_session(race.id, data, progress=_stage(progress, 70, 100))
    except Cancelled:
        store.fail_race(race.id, "Cancelled by the user; open the file again to retry.")
        raise
    except PitwallError as exc:
        store.fail_race(race.id, str(exc))
        raise
    except OSError as exc:  # disk full, permissions: the user can act on these
        store.fail_race(race.id, f"Could not write to the cache: {exc.strerror or exc}")
        raise PitwallError(f"Could not write to the cache: {exc.strerror or exc}") from exc
    except Exception as exc:
        store.fail_race(race.id, f"Unexpected error while reading the file: {exc!r}")
        raise
    return IngestResult(store.race(race.id), laps)
