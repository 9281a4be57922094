"""Laps to a MoTeC `.ld` file and its `.ldx`: laps one after another on one clock, each channel resampled to its
group's rate and stored as scaled integers (docs/motec.md)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np

from app.errors import PitwallError
from app.services.motec.resample import grid, resample
from app.sources.motec import names
from app.sources.motec.ldfile import LdChannel, LdSession, encoding_for, write_ld
from app.sources.motec.ldx import ldx_path, write_ldx
from app.store import Store

SKIP = {"time", "session_time"}  # the clock is implicit in a .ld file


def export_motec(store: Store, lap_ids: list[str], path: Path) -> Path:
    """Write FILE.ld and FILE.ldx; returns the .ld path."""
    if not lap_ids:
        raise PitwallError("No laps selected to export.")
    path = Path(path)
    if path.suffix.lower() != ".ld":
        path = path.with_name(path.name + ".ld")
    laps, parts = [], []
    for lap_id in lap_ids:
        lap = store.lap(lap_id)
        if lap is None:
            raise PitwallError(f"No lap with uuid {lap_id}")
        channels = store.lap_channels(lap)
        if not channels or "time" not in channels or len(channels["time"]) < 2:
            raise PitwallError(f"Lap {lap_id} has no samples to export.")
        laps.append(lap)
        parts.append(channels)
    t, table, markers, offsets = _join(laps, parts)
    out = ld_channels(t, table, markers[-1], offsets)
    race = store.race(laps[0].race_id)
    write_ld(path, _session(race, laps[0]), out)
    best = min(((lap.lap_time, i) for i, lap in enumerate(laps) if lap.lap_time), default=None)
    details = {"Total Laps": str(len(laps))}
    if best is not None:
        details |= {"Fastest Time": _clock(best[0]), "Fastest Lap": str(best[1] + 1)}
    write_ldx(ldx_path(path), markers, details)
    return path


def _join(laps, parts) -> tuple[np.ndarray, dict[str, np.ndarray], list[float], np.ndarray]:
    """One clock: each lap starts where the one before ended (at its timed lap time when it has one).
    Distance runs on across laps here (so resampling never blends a lap's end with the next one's start);
    `offsets` is each lap's distance at its start, taken off again after resampling."""
    keys: list[str] = []
    for ch in parts:
        keys += [k for k in ch if k not in SKIP and k not in keys]
    times: list[np.ndarray] = []
    markers: list[float] = []
    cols: dict[str, list[np.ndarray]] = {k: [] for k in [*keys, "lap_number"]}
    start, run, offsets = 0.0, 0.0, []
    for i, (lap, ch) in enumerate(zip(laps, parts, strict=True)):
        t = np.asarray(ch["time"], dtype=np.float64)
        t = t - t[0]
        times.append(start + t)
        n = len(t)
        for k in keys:
            cols[k].append(np.asarray(ch[k], dtype=np.float64) if k in ch else np.full(n, np.nan))
        cols["lap_number"].append(np.full(n, i + 1.0))
        if "distance" in ch:
            offsets.append(run)
            cols["distance"][-1] = cols["distance"][-1] + run
            run = float(np.nanmax(cols["distance"][-1])) if np.isfinite(cols["distance"][-1]).any() else run
        else:
            offsets.append(run)
        timed = lap.lap_time if lap.lap_time and abs(lap.lap_time - t[-1]) < 1.0 else None
        start += timed or (t[-1] + float(np.median(np.diff(t))))
        markers.append(start)
    clock = np.concatenate(times)
    keep = np.concatenate([[True], np.diff(clock) > 0])  # a lap timed a few ms short overlaps the next
    return clock[keep], {k: np.concatenate(v)[keep] for k, v in cols.items()}, markers, np.asarray(offsets)


def ld_channels(t: np.ndarray, table: dict[str, np.ndarray], duration: float,
                distance_offsets: np.ndarray | None = None) -> list[LdChannel]:
    from app.domain.models import CHANNEL_UNITS

    grids: dict[int, np.ndarray] = {}
    out = []
    for key, values in table.items():
        rate = names.rate_for(key)
        at = grids.setdefault(rate, grid(duration, rate))
        v = resample(t, values, at, stepped=key in names.STEPPED)
        if v is None:
            continue
        if key == "distance" and distance_offsets is not None:  # back to each lap's own distance
            lap = resample(t, table["lap_number"], at, stepped=True)
            assert lap is not None
            v = v - distance_offsets[lap.astype(int) - 1]
        unit = CHANNEL_UNITS.get(key, "")
        if key in names.IN_G:
            v, unit = v / names.G, "G"
        name, short = ("Lap Number", "Lap") if key == "lap_number" else names.motec_name(key)
        dtype, dec = encoding_for(v, max_decimals=0 if key in names.STEPPED else 3)
        out.append(LdChannel(name, unit, rate, v, short, dec, dtype))
    return out


def _session(race, lap) -> LdSession:
    meta = json.loads(race.meta or "{}") if race else {}
    return LdSession(
        driver=lap.driver or meta.get("driver") or "",
        vehicle=(race.car if race else None) or meta.get("car") or "",
        venue=(race.track if race else None) or "",
        event=race.name if race else "",
        session=(race.source if race else "") or "",
        comment="Exported by Pitwall",
        when=race.created_at if race and race.created_at else datetime.now(),
        vehicle_type=(race.car_class if race else None) or "",
    )


def _clock(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m)}:{s:06.3f}"
