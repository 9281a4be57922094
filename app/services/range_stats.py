"""Statistics over an A/B range of the reference distance: per lap, the time it took, the distance, the delta
to the reference over the range, and min / max / mean of each channel over the lap's samples in the range.

The samples are the lap's own points on the reference axis (`LapSeries.distance`) with lo ≤ d ≤ hi, so the
numbers are what numpy gives over those samples; times are read off the lap's clock at the range's ends.
Ranges can snap to a corner or straight of the analysis. Pure numpy.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from app.services.analysis.segments import Segment
from app.services.lap_series import LapSeries

SNAP_SHARE = 0.1  # an end within this share of the range's length of a segment edge snaps to it
SNAP_MAX_M = 25.0


@dataclass
class ChannelStats:
    minimum: float
    maximum: float
    mean: float


@dataclass
class LapRangeStats:
    lap_id: str
    label: str
    covered: bool  # the lap has data over the whole range (else times are None)
    samples: int
    time: float | None  # s, from lo to hi on the lap's clock
    distance: float  # m of the range the lap covers
    delta: float | None  # s, time − the reference's time over the range
    channels: dict[str, ChannelStats] = field(default_factory=dict)


def _time_taken(series: LapSeries, lo: float, hi: float) -> float | None:
    d = series.distance
    if len(d) < 2 or lo < d[0] or hi > d[-1]:
        return None
    t0, t1 = np.interp([lo, hi], d, series.time)
    return float(t1 - t0)


def range_stats(series: dict[str, LapSeries], reference_id: str | None, lo: float, hi: float,
                channels: list[str]) -> list[LapRangeStats]:
    """One row per lap in `series` (its order), for the range lo…hi (reference metres)."""
    lo, hi = min(lo, hi), max(lo, hi)
    ref = series.get(reference_id or "")
    ref_time = _time_taken(ref, lo, hi) if ref is not None else None
    out = []
    for lap_id, s in series.items():
        d = s.distance
        mask = (d >= lo) & (d <= hi)
        time = _time_taken(s, lo, hi)
        covered = time is not None
        span = (min(hi, float(d[-1])) - max(lo, float(d[0]))) if len(d) else 0.0
        row = LapRangeStats(lap_id, s.label, covered, int(mask.sum()), time, max(span, 0.0),
                            None if time is None or ref_time is None else time - ref_time)
        for name in channels:
            if name in s.channels and mask.any():
                values = s.channels[name][mask]
                finite = values[np.isfinite(values)]
                if len(finite):
                    row.channels[name] = ChannelStats(float(finite.min()), float(finite.max()), float(finite.mean()))
        out.append(row)
    return out


def segment_at(segments: list[Segment], distance: float) -> Segment | None:
    return next((s for s in segments if s.start <= distance <= s.end), None)


def snap(segments: list[Segment], lo: float, hi: float) -> tuple[float, float]:
    """Each end moves onto the nearest segment edge when that is close (a dragged range meets the corner)."""
    edges = sorted({e for s in segments for e in (s.start, s.end)})
    if not edges:
        return lo, hi
    tolerance = min(SNAP_MAX_M, SNAP_SHARE * abs(hi - lo))

    def near(x: float) -> float:
        best = min(edges, key=lambda e: abs(e - x))
        return best if abs(best - x) <= tolerance else x

    a, b = near(lo), near(hi)
    return (a, b) if b > a else (lo, hi)


def format_stat(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{decimals}f}"
