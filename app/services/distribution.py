"""Where a channel spent the lap: time-weighted histograms and the samples of a distance range. Pure numpy.

A lap's samples are not evenly spaced in time (and a compared lap's series is spaced in reference metres), so
each sample counts for the time around it — half the gap to its neighbours, from the lap's `time` channel —
and a bin's share is the time spent there divided by the time of every finite sample counted.
"""

from collections.abc import Iterable

import numpy as np

MAX_INTEGER_BINS = 40  # an integer channel (gear, DRS) spanning at most this many values gets a bin per value


def sample_weights(time: np.ndarray) -> np.ndarray:
    """Seconds each sample stands for: half the time to the sample before plus half to the one after."""
    t = np.asarray(time, dtype=np.float64)
    if len(t) < 2:
        return np.ones(len(t))
    w = np.gradient(t)  # (t[i+1] - t[i-1]) / 2 inside, one-sided at the ends
    w[0], w[-1] = w[0] / 2, w[-1] / 2  # an end sample has time on one side only
    return np.where(np.isfinite(w) & (w > 0), w, 0.0)


def range_mask(distance: np.ndarray, lo_hi: tuple[float, float] | None) -> np.ndarray:
    """The samples between lo and hi metres (inclusive); all of them when no range is given."""
    d = np.asarray(distance, dtype=np.float64)
    if lo_hi is None:
        return np.ones(len(d), dtype=bool)
    lo, hi = min(lo_hi), max(lo_hi)
    return (d >= lo) & (d <= hi)


def bin_edges(samples: Iterable[np.ndarray], bins: int = 30) -> np.ndarray:
    """Edges shared by every lap: one per whole value for integer channels, else `bins` equal bins over the
    finite range of all laps together."""
    parts = [np.asarray(s, dtype=np.float64) for s in samples]
    values = np.concatenate([p[np.isfinite(p)] for p in parts]) if parts else np.empty(0)
    if not len(values):
        return np.array([0.0, 1.0])
    lo, hi = float(values.min()), float(values.max())
    if np.all(values == np.round(values)) and hi - lo < MAX_INTEGER_BINS:
        return np.arange(lo - 0.5, hi + 1.5)
    if hi == lo:
        return np.array([lo - 0.5, hi + 0.5])
    return np.linspace(lo, hi, max(int(bins), 1) + 1)


def time_histogram(values: np.ndarray, time: np.ndarray, edges: np.ndarray,
                   mask: np.ndarray | None = None) -> np.ndarray:
    """Percent of the (masked) time spent in each bin; NaN samples count nowhere. Sums to 100 over the bins
    when every value lies within the edges."""
    v = np.asarray(values, dtype=np.float64)
    w = sample_weights(time)
    keep = np.isfinite(v) if mask is None else np.isfinite(v) & mask
    total = w[keep].sum()
    if total <= 0:
        return np.zeros(len(edges) - 1)
    counts, _ = np.histogram(v[keep], bins=edges, weights=w[keep])
    return 100.0 * counts / total


def time_in_range(time: np.ndarray, mask: np.ndarray) -> float:
    """Seconds the masked samples stand for."""
    return float(sample_weights(time)[mask].sum())
