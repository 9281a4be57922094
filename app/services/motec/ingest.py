"""MoTeC `.ld` (with its `.ldx` when beside it) into the cache as a race with laps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.errors import InvalidFile, Progress, no_progress
from app.services.import_session import ingest_decoded, lap_bounds_from_counter, split_laps
from app.services.motec.resample import resample
from app.sources.motec import names
from app.sources.motec.ldfile import read_ld
from app.sources.motec.ldx import ldx_path, read_ldx

if TYPE_CHECKING:
    from app.domain.models import SessionData
    from app.services.ingest import IngestResult
    from app.store import Store

SPEED_UNITS = {"km/h": 1.0, "kph": 1.0, "m/s": 3.6, "mph": 1.609344}
LAP_CHANNELS = ("lap_number", "lap", "laps", "beacon", "lap_count")
PITWALL_COMMENT = "Exported by Pitwall"  # such a log starts on the line: its first piece is a full lap


def ingest_motec(store: Store, path: Path, progress: Progress = no_progress) -> IngestResult:
    return ingest_decoded(store, path, "motec", decode_motec, progress)


def decode_motec(path: Path) -> SessionData:
    from app.domain.models import SessionData

    ld = read_ld(path)
    usable = [c for c in ld.channels if c.rate > 0 and len(c.values) > 1]
    if not usable:
        raise InvalidFile(f"{Path(path).name}: the file holds no channels with samples")
    base = max(c.rate for c in usable)
    duration = max((len(c.values) - 1) / c.rate for c in usable)
    t = np.arange(int(round(duration * base)) + 1, dtype=np.float64) / base
    channels: dict[str, np.ndarray] = {}
    for c in usable:
        key = names.pitwall_name(c.name)
        while key in channels:
            key += "_2"
        own_t = np.arange(len(c.values), dtype=np.float64) / c.rate
        v = resample(own_t, _to_pitwall_units(key, c.unit, c.values), t, stepped=key in names.STEPPED)
        if v is not None:
            channels[key] = np.where(t <= own_t[-1] + 1e-9, v, np.nan)
    companion = ldx_path(path)
    if companion.is_file():
        bounds = read_ldx(companion)
    else:
        counter = next((channels[k] for k in LAP_CHANNELS if k in channels), None)
        bounds = lap_bounds_from_counter(t, counter) if counter is not None else []
    channels.pop("lap_number", None)
    laps = split_laps(t, channels, bounds, first_is_lap=ld.session.comment.startswith(PITWALL_COMMENT))
    s = ld.session
    meta = {"driver": s.driver, "event": s.event, "session": s.session, "date": s.when.isoformat(),
            "ld_channels": len(ld.channels), "lap_markers": "ldx" if companion.is_file() else "channel"}
    for lap in laps:
        lap.driver = s.driver or None
    return SessionData("motec", s.event or Path(path).stem, laps, track=s.venue or None, car=s.vehicle or None,
                       car_class=s.vehicle_type or None, meta=meta)


def _to_pitwall_units(key: str, unit: str, values: np.ndarray) -> np.ndarray:
    u = unit.strip().lower()
    if key == "speed" and u in SPEED_UNITS:
        return values * SPEED_UNITS[u]
    if key.startswith("accel_") and u == "g":
        return values * names.G
    return values
