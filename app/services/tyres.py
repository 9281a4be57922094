"""The four corners of the car for the tyres widget: inner/centre/outer tyre temperature, pressure and brake
temperature per wheel, at one point of the lap or averaged over time (the whole lap or a range). Pure numpy."""

from collections.abc import Mapping

import numpy as np

from app.services.channels import WHEELS, tyre_channels
from app.services.distribution import sample_weights

PARTS = ("inner", "centre", "outer", "pressure", "brake")


def has_tyre_data(channels: Mapping[str, np.ndarray]) -> bool:
    """False when the lap has no tyre channels or they are all zero (recordings that never filled them)."""
    for wheel in WHEELS:
        for part in PARTS:
            col = channels.get(tyre_channels(wheel)[part])
            if col is not None and np.any(np.nan_to_num(np.asarray(col, dtype=np.float64))):
                return True
    return False


def corners_at(channels: Mapping[str, np.ndarray], distance: np.ndarray, at: float) -> dict[str, dict[str, float]]:
    """wheel → part → value at `at` metres on `distance` (NaN outside the lap or without the channel)."""
    d = np.asarray(distance, dtype=np.float64)
    inside = len(d) > 0 and d[0] <= at <= d[-1]
    out: dict[str, dict[str, float]] = {}
    for wheel in WHEELS:
        names = tyre_channels(wheel)
        out[wheel] = {}
        for part in PARTS:
            col = channels.get(names[part])
            out[wheel][part] = float(np.interp(at, d, col)) if inside and col is not None else float("nan")
    return out


def corners_mean(channels: Mapping[str, np.ndarray], time: np.ndarray,
                 mask: np.ndarray | None = None) -> dict[str, dict[str, float]]:
    """wheel → part → time-weighted mean over the (masked) samples."""
    w = sample_weights(time)
    if mask is not None:
        w = np.where(mask, w, 0.0)
    out: dict[str, dict[str, float]] = {}
    for wheel in WHEELS:
        names = tyre_channels(wheel)
        out[wheel] = {}
        for part in PARTS:
            col = channels.get(names[part])
            if col is None:
                out[wheel][part] = float("nan")
                continue
            v = np.asarray(col, dtype=np.float64)
            ok = np.isfinite(v) & (w > 0)
            out[wheel][part] = float(np.average(v[ok], weights=w[ok])) if ok.any() else float("nan")
    return out
