"""A compared lap's channels on the reference distance axis, built once, looked up in O(log n) per value.

The overlay draws these arrays and its cursor readout and the track map's markers read single values from them,
so a mouse move costs a scalar `np.interp` per lap instead of re-indexing the whole lap each time. Every numeric
channel of the lap is there (an AMS2 lap has ~45): the few every view reads are aligned up front, the rest the
first time something asks for them. Pure numpy: no Qt.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from app.services.analysis.align import Aligned
from app.services.analysis.delta import Delta
from app.services.compare import STEP_CHANNELS, map_axes

# What the overlay's default plots, its readout and the map read: aligned on the pool thread, ahead of drawing.
VIEW_CHANNELS = ("speed", "throttle", "brake", "gear", "rpm", "steering", "accel_x", "accel_z", "drs", "x", "y", "z")
HIDDEN = ("distance",)  # the lap's own distance: the series' axis replaces it
GAP_M = 30.0  # two samples further apart than this on the reference axis: no data in between (drawn as a gap)


class AlignedChannels(Mapping[str, np.ndarray]):
    """Every numeric channel of an aligned lap on its reference axis; each is aligned once, when first read."""

    def __init__(self, aligned: Aligned, eager: tuple[str, ...] = ()) -> None:
        self._aligned = aligned
        raw = aligned.trace.channels
        self._names = [n for n, col in raw.items()
                       if n not in HIDDEN and np.asarray(col).dtype.kind in "fiub"]
        if "time" not in self._names:
            self._names.append("time")
        self._known = set(self._names)
        self._values: dict[str, np.ndarray] = {}
        self._math: set[str] = set()  # names added by set_math
        for name in eager:
            if name in self._known:
                self[name]

    def __getitem__(self, name: str) -> np.ndarray:
        col = self._values.get(name)
        if col is None:
            if name not in self._known:
                raise KeyError(name)
            col = self._aligned.time if name == "time" else self._aligned.channel(name)
            assert col is not None
            self._values[name] = col = np.asarray(col, dtype=np.float64)
        return col

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def add(self, name: str, values: np.ndarray) -> None:
        """A derived channel (a math channel) on the same axis."""
        if name not in self._known:
            self._names.append(name)
            self._known.add(name)
        self._values[name] = np.asarray(values, dtype=np.float64)

    def set_math(self, values: dict[str, np.ndarray]) -> None:
        """The lap's math channels now: the ones from before are dropped first (an edited or removed one)."""
        for name in self._math:
            self._names.remove(name)
            self._known.discard(name)
            self._values.pop(name, None)
        self._math = set(values)
        for name, col in values.items():
            self.add(name, col)

    @property
    def math(self) -> set[str]:
        return set(self._math)


@dataclass
class LapSeries:
    lap_id: str
    label: str
    distance: np.ndarray  # reference metres, strictly increasing
    channels: Mapping[str, np.ndarray]  # every numeric channel of the lap, on `distance` (AlignedChannels)
    delta: Delta  # against the comparison's reference (the same series the delta plot draws)
    map_axes: tuple[str, str] | None = None  # ("x", "z") for AMS2, ("x", "y") for F1; None without positions
    notes: list[str] = field(default_factory=list)
    comparable: bool = True  # timed line to line: its delta is a lap-time delta (else only relative to its start)

    @property
    def time(self) -> np.ndarray:
        """Lap time at each point of `distance`."""
        return self.channels["time"]

    def value(self, name: str, distance: float) -> float:
        """The channel at a reference distance; NaN where the lap has no data (or no such channel)."""
        d = self.distance
        if name not in self.channels or not len(d) or distance < d[0] or distance > d[-1]:
            return float("nan")
        col = self.channels[name]
        if name in STEP_CHANNELS:
            return float(col[max(int(np.searchsorted(d, distance, side="right")) - 1, 0)])
        return float(np.interp(distance, d, col))

    def values(self, names: list[str], distance: float) -> list[float]:
        """Several channels at one distance: the position on the axis is looked up once (the readout's path)."""
        d = self.distance
        if not len(d) or distance < d[0] or distance > d[-1]:
            return [float("nan")] * len(names)
        i = min(max(int(np.searchsorted(d, distance, side="right")), 1), len(d) - 1)
        span = d[i] - d[i - 1]
        w = (distance - d[i - 1]) / span if span > 0 else 0.0
        out = []
        for name in names:
            if name not in self.channels:
                out.append(float("nan"))
                continue
            col = self.channels[name]
            if name in STEP_CHANNELS:
                out.append(float(col[i - 1] if distance < d[i] else col[i]))
            else:
                out.append(float(col[i - 1] + w * (col[i] - col[i - 1])))
        return out

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

    def gaps(self) -> np.ndarray:
        """Indices i where there is no data between point i and i + 1 (a curve breaks there)."""
        return np.flatnonzero(np.diff(self.distance) > GAP_M)


def with_gaps(x: np.ndarray, y: np.ndarray, gaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x, y with a NaN point after each gap index, so a curve drawn with connect="finite" breaks there."""
    if not len(gaps):
        return x, y
    at = gaps + 1
    return np.insert(x, at, np.nan), np.insert(np.asarray(y, dtype=np.float64), at, np.nan)


def lap_series(delta: Delta, label: str, names: tuple[str, ...] = VIEW_CHANNELS) -> LapSeries:
    """One lap's series from its delta's alignment (`delta.lap`: the lap on the reference axis)."""
    aligned = delta.lap
    comparable = aligned.method != "unpinned"
    if not comparable and aligned.trace.distance_is_track_reference:
        aligned, delta = _on_the_track(aligned, delta)
    channels = AlignedChannels(aligned, names)
    axes = None
    if "x" in channels and ("y" in channels or "z" in channels):
        axes = map_axes({n: channels[n] for n in ("x", "y", "z") if n in channels})
        if axes[1] not in channels:
            axes = None
    return LapSeries(aligned.trace.lap_id, label, np.asarray(aligned.distance, dtype=np.float64), channels,
                     delta, axes, list(delta.notes), comparable)


def _on_the_track(aligned: Aligned, delta: Delta) -> tuple[Aligned, Delta]:
    """A lap not timed line to line (partial, out-lap) whose distance is the game's lap distance sits where it
    was driven, not from 0 m: its axis moves by the game's distance at its first point, and its delta (the time
    against the reference since the lap's first point) is taken again over that stretch."""
    raw = aligned.trace.channels.get("distance")
    if raw is None or not len(aligned.distance):
        return aligned, delta
    offset = float(np.asarray(raw, dtype=np.float64)[aligned.clock.index[0]]) - float(aligned.distance[0])
    if abs(offset) < 1e-9:
        return aligned, delta
    moved = replace(aligned, distance=aligned.distance + offset)
    ref = delta.reference
    grid = ref.distance[(ref.distance >= moved.distance[0]) & (ref.distance <= moved.distance[-1])]
    values = moved.time_at(grid) - ref.time_at(grid)
    values = values - values[0] if len(values) else values
    half = np.interp(grid - offset, delta.distance, delta.uncertainty) if len(delta.distance) else grid * 0
    return moved, replace(delta, distance=grid, delta=values, uncertainty=half, lap=moved)
