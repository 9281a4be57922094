"""Mini-sectors and theoretical bests.

Theoretical best from sectors = the sum of the best official sector times of the clean full laps (laps that
were not invalidated, timed line to line), with the laps each came from. From mini-sectors = the sum over
equal slices of the reference lap of the quickest time any of those laps spent in each slice (their clocks
on the reference axis). Both are never slower than the fastest lap they include.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.services.analysis.align import Aligned
from app.services.analysis.trace import LapTrace

DEFAULT_MINISECTORS = 25


@dataclass
class MiniSectors:
    edges: np.ndarray  # n + 1 reference distances
    times: np.ndarray  # (laps, n) seconds per lap per mini-sector
    labels: list[str]

    @property
    def fastest(self) -> np.ndarray:
        """Index of the quickest lap in each mini-sector."""
        return np.argmin(self.times, axis=0)

    @property
    def best_total(self) -> float:
        return float(self.times.min(axis=0).sum())


def minisectors(laps: list[Aligned], count: int = DEFAULT_MINISECTORS) -> MiniSectors:
    """Mini-sector times of laps already on one reference axis (the first lap's length is the reference)."""
    length = float(laps[0].distance[-1])
    edges = np.linspace(0.0, length, max(int(count), 1) + 1)
    times = np.vstack([np.diff(lap.time_at(edges)) for lap in laps])
    return MiniSectors(edges, times, [lap.trace.label for lap in laps])


def _sector(trace: LapTrace, k: int) -> float:
    time = trace.sectors[k]
    assert time is not None, trace.lap_id  # sector_best keeps only laps with every sector time
    return time


def sector_best(traces: list[LapTrace]) -> dict:
    """Theoretical best from the best official sectors of the clean full laps."""
    clean = [t for t in traces if t.is_clean and all(s is not None for s in t.sectors)]
    if not clean:
        return {"theoretical_best": None, "sectors": [], "from_laps": [], "fastest_lap": None}
    sectors: list[dict[str, Any]] = []
    used: list[LapTrace] = []
    for k in range(len(clean[0].sectors)):
        best = min(clean, key=lambda t: _sector(t, k))
        sectors.append({"sector": k + 1, "time": round(float(_sector(best, k)), 3), "lap": best.lap_id,
                        "label": best.label, "race_id": best.race_id})
        used.append(best)
    fastest = min(clean, key=lambda t: t.full_lap_time)
    seen: dict[str, dict] = {}
    for s in sectors:
        seen.setdefault(s["lap"], {"lap": s["lap"], "label": s["label"], "race_id": s["race_id"], "sectors": []})
        seen[s["lap"]]["sectors"].append(s["sector"])
    return {"theoretical_best": round(sum(s["time"] for s in sectors), 3), "sectors": sectors,
            "from_laps": list(seen.values()),
            "fastest_lap": {"lap": fastest.lap_id, "label": fastest.label, "lap_time": fastest.lap_time}}
