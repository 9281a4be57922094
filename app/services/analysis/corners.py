"""Corners found in a lap: a braking zone, a speed minimum and (where position exists) a change of heading.

Work on a 2 m grid of the lap's clock so that the thresholds mean the same thing at 4 Hz (F1) and 60 Hz (AMS2).
A corner is a speed minimum that stands at least `MIN_DROP_KMH` below the fastest point within `REACH_M` on
both sides (what a braking zone leaves), with the car turning at least `MIN_TURN_DEG` around it. It starts
where the braking starts (the speed peak before it) and ends where the speed has won back `EXIT_SHARE` of the
way to the next peak; neighbours that overlap share the fastest point between them.
"""

from typing import Any

import numpy as np

from app.domain.track import Corner
from app.services.analysis.align import Aligned
from app.services.compare import map_axes

STEP_M = 2.0
SMOOTH_M = 20.0
REACH_M = 400.0
MIN_DROP_KMH = 12.0
MIN_TURN_DEG = 20.0
TURN_SPAN_M = 120.0
MERGE_M = 50.0
EXIT_SHARE = 0.6


def _smooth(x: np.ndarray, metres: float) -> np.ndarray:
    n = max(int(metres / STEP_M) | 1, 1)
    pad = np.pad(x, n // 2, mode="edge")
    return np.convolve(pad, np.ones(n) / n, mode="valid")[: len(x)]


def _window_max(x: np.ndarray, half: int) -> tuple[np.ndarray, np.ndarray]:
    """Running max over the `half` points before and after each point (inclusive)."""
    from numpy.lib.stride_tricks import sliding_window_view

    pad = np.pad(x, (half, half), mode="edge")
    win = sliding_window_view(pad, half + 1)
    return win[: len(x)].max(axis=1), win[half:].max(axis=1)


def detect_corners(laps: list[Aligned]) -> list[Corner]:
    """Corners of the first lap's axis, from the median speed of all the laps given (aligned to it).

    One lap is enough; several make the list independent of which lap is the reference, because a corner
    that only just passes the thresholds on one lap does not come and go with it.
    """
    lap = laps[0]
    if lap.channel("speed") is None or len(lap.distance) < 10:
        return []
    grid = np.arange(0.0, lap.distance[-1], STEP_M)
    speeds = [np.interp(grid, a.distance, s) for a in laps if (s := a.channel("speed")) is not None]
    v = _smooth(np.median(np.vstack(speeds), axis=0), SMOOTH_M)
    heading = _heading(lap, grid)
    half = int(REACH_M / STEP_M)
    left, right = _window_max(v, half)
    drop = np.minimum(left, right) - v
    local_min = (v <= np.roll(v, 1)) & (v <= np.roll(v, -1))
    local_min[[0, -1]] = False
    apexes: list[int] = np.flatnonzero(local_min & (drop >= MIN_DROP_KMH)).tolist()
    if heading is not None:
        span = int(TURN_SPAN_M / STEP_M)
        # Total turning, not net: a chicane ends on the heading it started with.
        turning = np.concatenate(([0.0], np.cumsum(np.abs(np.diff(heading)))))
        turn = [turning[min(i + span, len(grid) - 1)] - turning[max(i - span, 0)] for i in apexes]
        apexes = [i for i, a in zip(apexes, turn, strict=True) if np.degrees(a) >= MIN_TURN_DEG]
    apexes = _merge_close(apexes, v)
    corners: list[list[Any]] = []  # [start index, apex (fractional index), end index]
    for n, i in enumerate(apexes):
        lo = max(apexes[n - 1] if n else 0, i - half)
        hi = min(apexes[n + 1] if n + 1 < len(apexes) else len(v) - 1, i + half)
        start = lo + int(np.argmax(v[lo: i + 1]))
        peak = i + int(np.argmax(v[i: hi + 1]))
        target = v[i] + EXIT_SHARE * (v[peak] - v[i])
        end = i + int(np.argmax(v[i: peak + 1] >= target)) if peak > i else i
        corners.append([start, _refine(v, i), end])
    for a, b in zip(corners, corners[1:], strict=False):
        if a[2] > b[0]:  # overlapping: split at the fastest point between the two apexes
            lo, hi = int(a[1]), int(b[1])
            a[2] = b[0] = lo + int(np.argmax(v[lo: hi + 1]))
    return [Corner(f"T{k + 1}", float(grid[s]), round(float(apex) * STEP_M, 1), float(grid[e]))
            for k, (s, apex, e) in enumerate(corners)]


def _merge_close(apexes: list[int], v: np.ndarray) -> list[int]:
    """Minima closer than MERGE_M are one corner (a flat-bottomed hairpin), kept at the slower one."""
    out: list[int] = []
    for i in apexes:
        if out and (i - out[-1]) * STEP_M < MERGE_M:
            if v[i] < v[out[-1]]:
                out[-1] = i
        else:
            out.append(i)
    return out


def _refine(v: np.ndarray, i: int) -> float:
    """Sub-grid position of a minimum from a parabola through it and its neighbours."""
    if 0 < i < len(v) - 1:
        a, b, c = v[i - 1], v[i], v[i + 1]
        den = a - 2 * b + c
        if den > 1e-9:
            return i + 0.5 * (a - c) / den
    return float(i)


def _heading(lap: Aligned, grid: np.ndarray) -> np.ndarray | None:
    ch = lap.trace.channels
    if "x" not in ch:
        return None
    a, b = map_axes(ch)
    x, y = lap.channel(a), lap.channel(b)
    if x is None or y is None or float(np.ptp(x)) + float(np.ptp(y)) < 100.0:
        return None
    gx = _smooth(np.interp(grid, lap.distance, x), SMOOTH_M)
    gy = _smooth(np.interp(grid, lap.distance, y), SMOOTH_M)
    return np.unwrap(np.arctan2(np.gradient(gy), np.gradient(gx)))
