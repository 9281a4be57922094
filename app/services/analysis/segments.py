"""The lap cut into corners and the straights between them, and what each lap did in each piece.

Segment boundaries are reference distances, so a segment's time delta is delta(end) − delta(start) of the one
delta series: the segment deltas add up to the delta at the line by construction.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.domain.track import Corner, TrackModel
from app.services.analysis.align import Aligned
from app.services.analysis.delta import Delta

BRAKE_ON = 10.0  # % pedal: the braking point is where the brake first passes this
THROTTLE_ON = 20.0  # % pedal after the apex: back on the power
MIN_STRAIGHT_M = 30.0


@dataclass
class Segment:
    kind: str  # "corner" | "straight"
    name: str
    start: float
    end: float
    apex: float | None = None


def partition(corners: list[Corner], length: float) -> list[Segment]:
    """Corners and the straights between them, covering 0 … length in order with no gap.

    A gap shorter than MIN_STRAIGHT_M between two corners is no straight: the corners meet in its middle.
    """
    spans: list[list[Any]] = []  # [name, start, end, apex]
    for c in sorted(corners, key=lambda c: c.apex):
        start, end = max(c.start, spans[-1][2] if spans else 0.0), min(max(c.end, c.start), length)
        if spans and start - spans[-1][2] < MIN_STRAIGHT_M:
            start = spans[-1][2] = (start + spans[-1][2]) / 2
        if end > start:
            spans.append([c.name, start, end, c.apex])
    out: list[Segment] = []
    at, previous = 0.0, "Start"
    for name, start, end, apex in spans:
        if start > at:
            out.append(Segment("straight", f"{previous}–{name}", at, start))
        out.append(Segment("corner", name, start, end, apex))
        at, previous = end, name
    if at < length:
        out.append(Segment("straight", f"{previous}–Finish", at, length))
    return out


def scaled_corners(model: TrackModel, ref: Aligned) -> list[Corner]:
    """A track model's corners on this reference lap's axis: pinned at the sector lines both know."""
    length = ref.distance[-1]
    src = [0.0, *model.sector_lines, model.length]
    dst = [0.0, *ref.pins, length]
    if len(src) != len(dst) or np.any(np.diff(src) <= 0) or np.any(np.diff(dst) <= 0):
        src, dst = [0.0, model.length], [0.0, length]

    def m(x: float) -> float:
        return float(np.interp(x, src, dst))

    return [Corner(c.name, m(c.start), m(c.apex), m(c.end)) for c in model.corners]


def lap_figures(lap: Aligned, seg: Segment) -> dict:
    """Entry, minimum (and where), exit speed, braking point and throttle-on point of one lap in a segment."""
    d = lap.distance
    speed, brake, throttle = lap.channel("speed"), lap.channel("brake"), lap.channel("throttle")
    out: dict = {"entry_speed": None, "min_speed": None, "min_speed_at": None, "exit_speed": None,
                 "brake_point": None, "throttle_on": None}
    if speed is None:
        return out
    entry, exit_ = float(np.interp(seg.start, d, speed)), float(np.interp(seg.end, d, speed))
    out["entry_speed"], out["exit_speed"] = _r(entry), _r(exit_)
    lo, hi = np.searchsorted(d, [seg.start, seg.end])
    k = lo + int(np.argmin(speed[lo:hi])) if hi > lo else lo
    # The slowest point may be an end of the segment (a boundary set inside a slow section).
    low, at = min((entry, seg.start), (exit_, seg.end), ((speed[k], d[k]) if hi > lo else (entry, seg.start)))
    out["min_speed"], out["min_speed_at"] = _r(low), _r(at)
    k = max(int(np.searchsorted(d, at)), lo)
    if seg.kind == "corner":
        if brake is not None:
            on = np.flatnonzero(brake[lo:k + 1] >= BRAKE_ON)
            out["brake_point"] = _r(d[lo + on[0]]) if len(on) else None
        if throttle is not None:
            on = np.flatnonzero(throttle[k:hi] >= THROTTLE_ON)
            out["throttle_on"] = _r(d[k + on[0]]) if len(on) else None
    return out


def segment_table(result: Delta, segments: list[Segment]) -> list[dict]:
    """One row per segment: its place, time in it for both laps, and the time gained (−) or lost (+)."""
    lap, ref = result.lap, result.reference
    edges = np.array([[s.start, s.end] for s in segments]) if segments else np.empty((0, 2))
    at = result.at(edges) if len(edges) else edges
    t_lap, t_ref = lap.time_at(edges), ref.time_at(edges)
    rows = []
    for i, seg in enumerate(segments):
        rows.append({
            "kind": seg.kind, "name": seg.name, "start": _r(seg.start), "end": _r(seg.end),
            "apex": None if seg.apex is None else _r(seg.apex),
            "time_delta": float(at[i, 1] - at[i, 0]),
            "lap_time": float(t_lap[i, 1] - t_lap[i, 0]), "reference_time": float(t_ref[i, 1] - t_ref[i, 0]),
            "lap": lap_figures(lap, seg), "reference": lap_figures(ref, seg),
        })
    return rows


def _r(x) -> float:
    return round(float(x), 2)
