"""A lap's clock from line to line: time and distance with the lap edges put on the line.

Every source records samples that do not fall on the line: an F1 lap's first car-data sample is up to ~0.25 s
after the lap starts and its last up to ~0.25 s before it ends, an AMS2 lap's last sample may be a tick past its
timer's reading. Here the first point is (0 s, 0 m) and, for a timed lap, the last is (lap time, lap length),
the missing bits extrapolated at the speed of the nearest sample. Distance that stands still collapses to the
moment the car moves on; distance that goes backwards (a spin) is held and flagged, never silently cut.
"""

from dataclasses import dataclass, field

import numpy as np

from app.domain.models import Channels

STILL_S = 1.0  # standing still longer than this is worth a note
BACKWARDS_M = 1.0  # distance falling by more than this is a spin / reversal, not rounding


@dataclass
class LapTrace:
    """A lap as the analysis takes it: its channels and its official times."""

    lap_id: str
    label: str
    channels: Channels
    lap_time: float | None = None
    sectors: tuple[float | None, ...] = (None, None, None)
    flags: tuple[str, ...] = ()
    race_id: str | None = None
    track: str | None = None
    # AMS2 distance is the game's own lap distance: already one track reference for every lap.
    distance_is_track_reference: bool = False

    @property
    def has_telemetry(self) -> bool:
        ch = self.channels
        return bool(ch) and "time" in ch and "distance" in ch and len(ch["time"]) >= 2

    @property
    def is_full(self) -> bool:
        """Timed from line to line (invalid laps are full too: they were driven, just not counted)."""
        return self.lap_time is not None and not ({"partial", "out-lap", "in-lap"} & set(self.flags))

    @property
    def full_lap_time(self) -> float:
        """`lap_time` of a full lap (see `is_full`), where it is never None."""
        assert self.lap_time is not None, self.lap_id
        return self.lap_time

    @property
    def is_clean(self) -> bool:
        """A lap fit to be a reference or count towards a best: full and not invalidated."""
        return self.is_full and "invalid" not in self.flags

    def sector_splits(self) -> list[float]:
        """Cumulative times at the sector lines (not the finish), when every sector time is known."""
        s = list(self.sectors[:-1])
        if self.lap_time is None or any(x is None for x in self.sectors) or not s:
            return []
        return list(np.cumsum(np.asarray(s, dtype=np.float64)))


@dataclass
class Clock:
    """Strictly increasing distance (m from the line) with the lap time at each point, and sample indices."""

    time: np.ndarray
    distance: np.ndarray
    index: np.ndarray  # the sample each point came from (edge points repeat their neighbour)
    notes: list[str] = field(default_factory=list)

    @property
    def length(self) -> float:
        return float(self.distance[-1])


def lap_clock(trace: LapTrace) -> Clock:
    ch = trace.channels
    t = np.asarray(ch["time"], dtype=np.float64)
    d = np.asarray(ch["distance"], dtype=np.float64)
    v = np.asarray(ch["speed"], dtype=np.float64) / 3.6 if "speed" in ch else None
    notes: list[str] = []
    held = np.maximum.accumulate(d)
    back = held - d
    if len(back) and back.max() > BACKWARDS_M:
        k = int(np.argmax(back))
        notes.append(f"distance goes backwards by {back[k]:.0f} m at {held[k]:.0f} m (a spin?): held there")
    d = held
    idx = np.arange(len(t))

    def speed_at(i: int) -> float:
        if v is not None and v[i] > 0.5:
            return float(v[i])
        j = min(max(i, 1), len(t) - 1)  # no speed channel: the last step's average
        return float(max((d[j] - d[j - 1]) / max(t[j] - t[j - 1], 1e-3), 0.0))

    # Put the first point on the line (t = 0) and, for a timed lap, the last one on the next line.
    start = 0.0 if trace.lap_time is not None else t[0]
    end = trace.lap_time if trace.lap_time is not None else t[-1]
    t, d, idx = _clip_edge(t, d, idx, start, speed_at(0), at_start=True)
    t, d, idx = _clip_edge(t, d, idx, end, speed_at(len(v) - 1 if v is not None else len(t) - 1), at_start=False)
    d = d - d[0]
    if trace.lap_time is None:
        t = t - t[0]

    still = _longest_still(t, d)
    if still[1] > STILL_S:
        notes.append(f"stood still at {still[0]:.0f} m for {still[1]:.1f} s")
    # A distance repeated while standing keeps its last sample: the moment the car moves on.
    keep = np.concatenate((np.diff(d) > 0, [True]))
    return Clock(t[keep], d[keep], idx[keep], notes)


def _clip_edge(t, d, idx, at: float, speed: float, at_start: bool):
    """Cut the samples at time `at` (interpolated), or extend them to it at `speed`."""
    if at_start:
        if t[0] < at:  # samples before the line: cut at the line
            k = int(np.searchsorted(t, at, side="right"))
            d_at = float(np.interp(at, t, d))
            return (np.concatenate(([at], t[k:])), np.concatenate(([d_at], d[k:])),
                    np.concatenate(([idx[min(k, len(idx) - 1)]], idx[k:])))
        d_at = d[0] - speed * (t[0] - at)
        return np.concatenate(([at], t)), np.concatenate(([d_at], d)), np.concatenate(([idx[0]], idx))
    if t[-1] > at:
        k = int(np.searchsorted(t, at, side="left"))
        d_at = float(np.interp(at, t, d))
        return (np.concatenate((t[:k], [at])), np.concatenate((d[:k], [d_at])),
                np.concatenate((idx[:k], [idx[max(k - 1, 0)]])))
    d_at = d[-1] + speed * (at - t[-1])
    return np.concatenate((t, [at])), np.concatenate((d, [d_at])), np.concatenate((idx, [idx[-1]]))


def _longest_still(t: np.ndarray, d: np.ndarray) -> tuple[float, float]:
    """(distance, seconds) of the longest stretch where distance did not move."""
    still = np.diff(d) <= 0.01
    if not still.any():
        return 0.0, 0.0
    run = np.cumsum(~still)  # consecutive still steps share a run number
    seconds = np.bincount(run[still], weights=np.diff(t)[still])
    k = int(np.argmax(seconds))
    first = int(np.flatnonzero(still & (run == k))[0])
    return float(d[first]), float(seconds[k])
