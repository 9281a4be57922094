"""A compared lap's channels on the reference distance axis, built once, looked up in O(log n) per value.

The overlay draws these arrays and its cursor readout and the track map's markers read single values from them,
so a mouse move costs a scalar `np.interp` per lap instead of re-indexing the whole lap each time.
Pure numpy: no Qt.
"""

from dataclasses import dataclass, field

import numpy as np

from app.services.analysis.delta import Delta
from app.services.compare import STEP_CHANNELS, map_axes


@dataclass
class LapSeries:
    lap_id: str
    label: str
    distance: np.ndarray  # reference metres, strictly increasing
    channels: dict[str, np.ndarray]  # every channel of the lap, on `distance`
    delta: Delta  # against the comparison's reference (the same series the delta plot draws)
    map_axes: tuple[str, str] | None = None  # ("x", "z") for AMS2, ("x", "y") for F1; None without positions
    notes: list[str] = field(default_factory=list)

    def value(self, name: str, distance: float) -> float:
        """The channel at a reference distance; NaN where the lap has no data (or no such channel)."""
        col = self.channels.get(name)
        d = self.distance
        if col is None or not len(d) or distance < d[0] or distance > d[-1]:
            return float("nan")
        if name in STEP_CHANNELS:
            return float(col[max(int(np.searchsorted(d, distance, side="right")) - 1, 0)])
        return float(np.interp(distance, d, col))

    def position(self, distance: float) -> tuple[float, float] | None:
        """Where the car was on the map at a reference distance (clamped to the lap's ends)."""
        if self.map_axes is None or not len(self.distance):
            return None
        a, b = self.map_axes
        return (float(np.interp(distance, self.distance, self.channels[a])),
                float(np.interp(distance, self.distance, self.channels[b])))

    def delta_at(self, distance: float) -> tuple[float, float] | None:
        """(delta, uncertainty half-width) in seconds, None outside the part of the lap the delta covers."""
        d = self.delta.distance
        if not len(d) or distance < d[0] or distance > d[-1]:
            return None
        return float(self.delta.at(distance)), float(self.delta.uncertainty_at(distance))


# What the overlay, its readout and the map read (an AMS2 lap has ~50 channels; only these are kept).
VIEW_CHANNELS = ("speed", "throttle", "brake", "gear", "rpm", "steering", "accel_x", "accel_z", "drs", "x", "y", "z")


def lap_series(delta: Delta, label: str, names: tuple[str, ...] = VIEW_CHANNELS) -> LapSeries:
    """One lap's series from its delta's alignment (`delta.lap`: the lap on the reference axis)."""
    aligned = delta.lap
    raw = aligned.trace.channels
    channels: dict[str, np.ndarray] = {}
    for name in names:
        col = aligned.channel(name) if name in raw and np.asarray(raw[name]).dtype.kind in "fiub" else None
        if col is not None:
            channels[name] = col
    channels["time"] = aligned.time
    axes = None
    if "x" in channels and ("y" in channels or "z" in channels):
        axes = map_axes(channels)
        if axes[1] not in channels:
            axes = None
    return LapSeries(aligned.trace.lap_id, label, np.asarray(aligned.distance, dtype=np.float64), channels,
                     delta, axes, list(delta.notes))
