"""Lap comparison by distance: resampling, delta time against a reference lap, position on track.

Pure numpy so it is testable without Qt. Channels are dicts of equal-length arrays with at least `distance`.
Distance in a lap file never goes backwards but stands still while the car does; those repeated distances are
collapsed to their last sample (the moment the car moves on), so every function here interpolates on a strictly
increasing axis.
"""

import numpy as np

from app.domain.models import Channels
from app.errors import PitwallError

# Channels that hold whole states (gear, flags): interpolating them would invent gear 3.5.
STEP_CHANNELS = frozenset({"gear", "drs"})


def _axis(channels: Channels) -> tuple[np.ndarray, np.ndarray]:
    """The strictly increasing distance axis and the sample indices it came from."""
    if "distance" not in channels or len(channels["distance"]) == 0:
        raise PitwallError("The lap has no distance channel to compare by.")
    d = np.maximum.accumulate(np.asarray(channels["distance"], dtype=np.float64))
    keep = np.concatenate((np.diff(d) > 0, [True]))
    return d[keep], np.flatnonzero(keep)


def distance_grid(laps: list[Channels], step: float = 1.0) -> np.ndarray:
    """A grid every `step` metres over the distance every lap covers."""
    if not laps:
        return np.empty(0)
    starts, ends = zip(*((_axis(ch)[0][0], _axis(ch)[0][-1]) for ch in laps), strict=True)
    lo, hi = max(starts), min(ends)
    if hi <= lo:
        return np.empty(0)
    return lo + step * np.arange(int(np.floor((hi - lo) / step)) + 1)


def resample(channels: Channels, grid: np.ndarray, names: list[str] | None = None) -> Channels:
    """Channels interpolated onto a distance grid; NaN where the lap does not reach."""
    d, idx = _axis(channels)
    out: Channels = {"distance": np.asarray(grid, dtype=np.float64)}
    outside = (grid < d[0]) | (grid > d[-1])
    for name in names or [n for n in channels if n != "distance"]:
        col = np.asarray(channels[name], dtype=np.float64)[idx]
        if name in STEP_CHANNELS:
            pos = np.clip(np.searchsorted(d, grid, side="right") - 1, 0, len(d) - 1)
            values = col[pos]
        else:
            values = np.interp(grid, d, col)
        values[outside] = np.nan
        out[name] = values
    return out


def delta_time(lap: Channels, reference: Channels, grid: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(distance, seconds lap is behind the reference at that distance); positive = slower."""
    if grid is None:
        grid = distance_grid([lap, reference])
    a = resample(lap, grid, ["time"])["time"]
    b = resample(reference, grid, ["time"])["time"]
    delta = a - b
    both = np.flatnonzero(np.isfinite(delta))
    if len(both):
        # Each lap's clock starts where its own recording starts; compare from the first shared point.
        delta -= delta[both[0]]
    return grid, delta

def map_axes(channels: Channels) -> tuple[str, str]:
    """The two position channels of the ground plane: x and whichever of y/z spreads wider.

    AMS2 world coordinates are y-up (map = x/z); F1 positions are z-up (map = x/y).
    """
    spread = {k: float(np.ptp(channels[k])) if k in channels and len(channels[k]) else -1.0 for k in ("y", "z")}
    return "x", max(spread, key=lambda k: spread[k])


def position_at(channels: Channels, distance: float) -> tuple[float, float]:
    """Map position (see `map_axes`) of the car when it was `distance` metres into the lap (clamped to the ends)."""
    d, idx = _axis(channels)
    a, b = map_axes(channels)
    x = np.asarray(channels[a], dtype=np.float64)[idx]
    z = np.asarray(channels[b], dtype=np.float64)[idx]
    return float(np.interp(distance, d, x)), float(np.interp(distance, d, z))


def value_at(channels: Channels, name: str, distance: float) -> float:
    """One channel's value at a distance (step channels take the sample at or before it)."""
    return float(resample(channels, np.array([float(distance)]), [name])[name][0])
