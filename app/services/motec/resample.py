"""Put irregular samples on a fixed-rate grid, as MoTeC stores them (one rate per channel)."""

import numpy as np


def grid(duration: float, rate: int) -> np.ndarray:
    return np.arange(int(np.floor(duration * rate + 1e-9)) + 1, dtype=np.float64) / rate


def resample(t: np.ndarray, values: np.ndarray, at: np.ndarray, stepped: bool = False) -> np.ndarray | None:
    """values(t) at the times `at`: linear, or holding the last value for steps (gear). None when no finite value."""
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v)
    if not ok.any():
        return None
    t, v = t[ok], v[ok]
    if stepped:
        i = np.clip(np.searchsorted(t, at, side="right") - 1, 0, len(t) - 1)
        return v[i]
    return np.interp(at, t, v)
