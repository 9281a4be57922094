"""Driver against driver: fastest laps, sector and speed-trap bests, and who is quickest in each mini-sector.

The time comparison itself is the lap analysis' (app/services/analysis): `analyse` and `compare_json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from app.errors import PitwallError
from app.services.analysis.comparison import analyse
from app.services.analysis.trace import LapTrace
from app.services.f1_session.laps import SPEED_KEYS, F1Lap, by_driver, fastest
from app.services.f1_session.pace import select_drivers

if TYPE_CHECKING:
    from app.store import Store

SPEED_LABELS = {"speed_i1": "I1", "speed_i2": "I2", "speed_fl": "FL", "speed_trap": "ST"}


def fastest_laps(laps: Sequence[F1Lap], drivers: Sequence[str]) -> dict[str, F1Lap]:
    """Each driver's fastest timed lap, preferring one with telemetry when the driver has any."""
    mine = by_driver(laps)
    out = {}
    for code in select_drivers(laps, drivers):
        best = fastest(mine.get(code, []), with_telemetry=True) or fastest(mine.get(code, []))
        if best is not None:
            out[code] = best
    return out


def bests_table(laps: Sequence[F1Lap], drivers: Sequence[str]) -> list[dict]:
    """Per driver: best sectors (deleted laps excluded), their sum, the fastest lap and the top speeds."""
    mine = by_driver(laps)
    rows = []
    for code in select_drivers(laps, drivers):
        own = [lap for lap in mine.get(code, []) if not lap.deleted]
        sectors = [min((s for lap in own if (s := lap.sectors[k]) is not None), default=None) for k in range(3)]
        best = fastest(own)
        row = {"driver": code, "fastest": best.lap_time if best else None, "fastest_lap": best.number if best else None,
               "sectors": sectors,
               "theoretical": round(sum(s for s in sectors if s is not None), 3) if None not in sectors else None}
        for key in SPEED_KEYS:
            row[key] = max((v for lap in own if (v := lap.speed(key)) is not None), default=None)
        rows.append(row)
    return rows


def column_leaders(rows: Sequence[dict]) -> dict[str, str]:
    """Which driver leads each column of `bests_table` (lowest time, highest speed)."""
    out = {}
    columns: list[tuple[str, bool]] = [("fastest", False), ("theoretical", False), *((k, True) for k in SPEED_KEYS)]
    for col, high in columns:
        values = [(r[col], r["driver"]) for r in rows if r[col] is not None]
        if values:
            out[col] = (max if high else min)(values)[1]
    for k in range(3):
        values = [(r["sectors"][k], r["driver"]) for r in rows if r["sectors"][k] is not None]
        if values:
            out[f"s{k + 1}"] = min(values)[1]
    return out


def trace(store: Store, lap: F1Lap, track: str | None = None) -> LapTrace:
    channels = store.lap_channels(lap) if lap.path else {}  # type: ignore[arg-type]  # needs only .path
    return LapTrace(lap_id=lap.id, label=lap.driver, channels=channels, lap_time=lap.lap_time,
                    sectors=lap.sectors, flags=tuple(lap.flags), race_id=lap.race_id, track=track)


@dataclass
class Dominance:
    """Who is quickest in each mini-sector, drawn on the reference lap's line."""

    drivers: list[str]  # row order of `owner`
    edges: np.ndarray  # mini-sector edges, reference metres
    owner: np.ndarray  # per mini-sector: index into `drivers`
    wins: dict[str, int]
    x: np.ndarray  # the reference lap's line (metres), at `distance`
    y: np.ndarray
    distance: np.ndarray
    times: np.ndarray  # (drivers, mini-sectors) seconds each lap spent in each mini-sector
    sector_lines: list[float]  # reference metres of the sector lines

    def owner_at(self, distance: np.ndarray) -> np.ndarray:
        k = np.clip(np.searchsorted(self.edges, distance, side="right") - 1, 0, len(self.owner) - 1)
        return self.owner[k]


def dominance(store: Store, laps: Sequence[F1Lap], count: int = 25, track: str | None = None) -> Dominance | None:
    """Mini-sector dominance of the given laps (one per driver), None when fewer than two have telemetry."""
    return dominance_of([trace(store, lap, track) for lap in laps], count)


def dominance_of(traces: Sequence[LapTrace], count: int = 25) -> Dominance | None:
    """Who is quickest in each of `count` mini-sectors (labels are the drivers), on the quickest lap's line."""
    traces = [t for t in traces if t.has_telemetry]
    if len(traces) < 2:
        return None
    reference = min(traces, key=lambda t: t.lap_time or 1e9)
    comparison = analyse(list(traces), reference, None, count)
    mini = comparison.minisectors
    ref = comparison.reference
    x, y = ref.channel("x"), ref.channel("y")
    if mini is None or x is None or y is None or len(mini.labels) < 2:
        return None
    owner = mini.fastest
    names = list(mini.labels)
    wins = {name: int(np.sum(owner == i)) for i, name in enumerate(names)}
    return Dominance(names, mini.edges, owner, wins, x, y, ref.distance, mini.times, list(ref.pins))


def compare_drivers(store: Store, laps: Sequence[F1Lap], a: str, b: str, track: str | None = None) -> dict:
    """`pitwall f1 compare`: the two drivers' fastest laps, their sector and speed-trap deltas (a − b), and the
    lap analysis' comparison of a's lap against b's (None, with a note, when a lap has no telemetry)."""
    codes = select_drivers(laps, [a, b])
    if len(codes) != 2:
        raise PitwallError("Compare needs two different drivers.")
    picked = fastest_laps(laps, codes)
    for code in codes:
        if code not in picked:
            raise PitwallError(f"{code} has no timed lap in this session.")
    la, lb = picked[codes[0]], picked[codes[1]]

    def diff(x: float | None, y: float | None, digits: int = 3) -> float | None:
        return None if x is None or y is None else round(x - y, digits)

    out: dict = {
        "drivers": codes,
        "laps": [{"driver": lap.driver, "lap": lap.number, "lap_id": lap.id, "lap_time": lap.lap_time,
                  "sectors": list(lap.sectors), "compound": lap.compound, "tyre_life": lap.tyre_life,
                  **{key: lap.speed(key) for key in SPEED_KEYS}} for lap in (la, lb)],
        "lap_time_delta": diff(la.lap_time, lb.lap_time),
        "sector_deltas": [diff(la.sectors[k], lb.sectors[k]) for k in range(3)],
        "speed_trap_deltas": {key: diff(la.speed(key), lb.speed(key), 1) for key in SPEED_KEYS},
        "compare": None, "notes": [],
    }
    ta, tb = trace(store, la, track), trace(store, lb, track)
    missing = [t.label for t in (ta, tb) if not t.has_telemetry]
    if missing:
        out["notes"].append(f"No telemetry for {', '.join(missing)}'s lap: lap times and speed traps only.")
    else:
        from app.services.analysis.archive import compare_laps

        out["compare"] = compare_laps(store, la.id, lb.id)  # exactly `pitwall compare LAP REFERENCE`
    return out


def first_look(laps: Sequence[F1Lap], count: int = 3) -> list[F1Lap]:
    """What to show when a session has just loaded: the fastest lap (with telemetry) of each of the `count`
    quickest drivers, fastest first. Empty when the session has no telemetry."""
    best = [b for mine in by_driver(laps).values() if (b := fastest(mine, with_telemetry=True)) and b.has_telemetry]
    return sorted(best, key=lambda lap: lap.lap_time or 0.0)[:count]
