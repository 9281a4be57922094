"""Store a whole decoded session (a MoTeC .ld, a CSV/Parquet log) as a race, the way AMS2 ingest does:
the same content twice is the same race; on any failure the race is Failed with the reason and no lap is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.domain.enums import LapFlag
from app.errors import Cancelled, PitwallError, Progress, no_progress

if TYPE_CHECKING:
    from app.domain.models import Channels, LapData, SessionData
    from app.services.ingest import IngestResult
    from app.store import Store


def ingest_decoded(store: Store, path: Path, source: str, decode: Callable[[Path], SessionData],
                   progress: Progress = no_progress) -> IngestResult:
    from app.services.ingest import _result, cached_result

    path = Path(path)
    digest, cached = cached_result(store, path, progress)
    if cached is not None:
        return cached
    race = store.begin_race(source, path.stem, content_hash=digest, meta={"file": path.name})
    try:
        data = decode(path)
        progress(40, 100)
        store.keep_raw(race.id, path)
        laps = store.save_session(race.id, data, progress=lambda d, t: progress(40 + 60 * d // max(t, 1), 100))
    except Cancelled:
        store.fail_race(race.id, "Cancelled by the user; open the file again to retry.")
        raise
    except PitwallError as exc:
        store.fail_race(race.id, str(exc))
        raise
    except OSError as exc:
        store.fail_race(race.id, f"Could not read or store the file: {exc.strerror or exc}")
        raise PitwallError(f"Could not read or store the file: {exc.strerror or exc}") from exc
    except BaseException as exc:
        store.fail_race(race.id, f"Unexpected error while reading the file: {exc!r}")
        raise
    ready = store.race(race.id)
    assert ready is not None, race.id
    return _result(store, ready, laps)


def split_laps(t: np.ndarray, channels: Channels, bounds: list[float], first_is_lap: bool) -> list[LapData]:
    """Cut one log at the lap boundaries (session times). The piece before the first boundary is an out-lap
    unless the log is known to start on the line; the piece after the last one is partial."""
    from app.domain.models import LapData

    eps = 1.5 * float(np.median(np.diff(t)))
    inside = [b for b in bounds if t[0] + eps < b < t[-1] - eps]
    end_marker = next((b for b in bounds if abs(b - t[-1]) <= eps), None)  # a marker at the end closes the last lap
    edges = [float(t[0]), *inside, float(t[-1]) if end_marker is None else end_marker]
    laps: list[LapData] = []
    for i, (lo, hi) in enumerate(zip(edges, edges[1:], strict=False)):
        last = i == len(edges) - 2
        sel = (t >= lo) if last else ((t >= lo) & (t < hi))
        if sel.sum() < 2:
            continue
        closed = not last or end_marker is not None
        flags = [] if closed else [LapFlag.PARTIAL]
        if i == 0 and not first_is_lap:
            flags = [LapFlag.OUT_LAP]
        timed = closed and LapFlag.OUT_LAP not in flags
        lap_t = t[sel]
        ch = {k: v[sel] for k, v in channels.items()}
        ch["time"] = lap_t - lo
        ch["session_time"] = lap_t
        if "distance" in ch:
            ch["distance"] = ch["distance"] - ch["distance"][0]
        elif "speed" in ch:  # km/h integrated over time, so the overlay's distance axis works
            dt = np.diff(lap_t, prepend=lap_t[0])
            ch["distance"] = np.cumsum(np.nan_to_num(ch["speed"]) / 3.6 * dt)
        laps.append(LapData(number=len(laps) + 1, channels=ch, lap_time=(hi - lo) if timed else None,
                            flags=flags, start_time=lo))
    if not laps:
        raise PitwallError("The file holds too few samples to make a lap.")
    return laps


def lap_bounds_from_counter(t: np.ndarray, counter: np.ndarray) -> list[float]:
    """Session times where a lap-number (or beacon count) channel steps up."""
    c = np.nan_to_num(np.asarray(counter, dtype=np.float64), nan=-1)
    steps = np.nonzero(np.diff(c) > 0)[0] + 1
    return [float(t[i]) for i in steps]
