"""Put a lap on the reference lap's distance axis, pinned to the official times.

Two ways to say where on the track a sample is:
- distance: the lap's own distance, stretched piecewise so that its sector lines and finish line land on the
  reference's (AMS2's distance is the game's lap distance, already one track reference);
- position: each sample's x/y projected onto the reference lap's line (F1, whose distance is integrated speed
  that drifts ~1 % and starts wherever its first sample was).
Either way the sector lines are then pinned: the lap passes the reference's sector line at its own official
split time, so the delta there is the difference of the official times. How far the unpinned placement missed
the lines (the residual) says how good the alignment was; the method with the smaller residual is used.
"""

from dataclasses import dataclass, field

import numpy as np

from app.services.analysis.trace import Clock, LapTrace, lap_clock
from app.services.compare import map_axes

WINDOW_M = 150.0  # how far from its distance-based guess a sample's track position is searched
# Position says where the car is to a few metres but jitters from sample to sample (F1 positions come at ~4 Hz
# and are interpolated onto the car data); integrated speed is smooth but drifts. Take the drift correction
# from position, low-passed over this distance, and the fine shape from speed.
POSITION_SMOOTH_M = 300.0


@dataclass
class Aligned:
    """A lap on the reference axis: `distance` (reference metres, strictly increasing) → lap `time`."""

    trace: LapTrace
    clock: Clock
    distance: np.ndarray
    method: str  # "distance" | "position" | "reference" | "unpinned"
    residual_m: list[float] = field(default_factory=list)  # unpinned miss at each pin (sector lines, line)
    pins: list[float] = field(default_factory=list)  # reference distances of the pins used
    notes: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict, repr=False)  # derived arrays reused across comparisons

    @property
    def time(self) -> np.ndarray:
        return self.clock.time

    def time_at(self, distance: np.ndarray | float) -> np.ndarray:
        return np.interp(distance, self.distance, self.clock.time)

    def channel(self, name: str) -> np.ndarray | None:
        col = self.trace.channels.get(name)
        return None if col is None else np.asarray(col, dtype=np.float64)[self.clock.index]


def reference_axis(reference: LapTrace) -> Aligned:
    clock = lap_clock(reference)
    return Aligned(reference, clock, clock.distance, "reference", notes=list(clock.notes),
                   pins=pin_distances(clock, reference))


def pin_distances(clock: Clock, trace: LapTrace) -> list[float]:
    """Where a lap crossed its sector lines (from its own official splits), in its own distance."""
    return [float(x) for x in np.interp(trace.sector_splits(), clock.time, clock.distance)]


def align(trace: LapTrace, ref: Aligned) -> Aligned:
    """The lap on `ref`'s axis; `ref` is the result of `reference_axis`."""
    if trace.lap_id == ref.trace.lap_id:
        return ref
    clock = lap_clock(trace)
    notes = list(clock.notes)
    timed = trace.lap_time is not None and ref.trace.lap_time is not None
    if not timed:
        notes.append("not timed line to line: its start is matched to the reference's by distance only")
        return Aligned(trace, clock, clock.distance.copy(), "unpinned", notes=notes)

    # Pins: (lap's own placement, reference distance) at each sector line both laps have, and at the line.
    ref_pins = ref.pins if len(ref.pins) == len(trace.sector_splits()) else []
    if not ref_pins and (ref.pins or trace.sector_splits()):
        notes.append("sector times missing: pinned at the finish line only")
    lap_split_times = trace.sector_splits() if ref_pins else []
    length = ref.clock.length

    by_distance = clock.distance * (length / clock.length)
    candidates = {"distance": by_distance}
    if not trace.distance_is_track_reference:
        projected = _project(trace, clock, ref, by_distance)
        if projected is not None:
            candidates["position"] = projected

    best_name, best_axis, best_res = "", by_distance, [np.inf]
    for name, axis in candidates.items():
        placed = np.interp(lap_split_times, clock.time, axis) if lap_split_times else np.empty(0)
        residual = [float(p - r) for p, r in zip(placed, ref_pins, strict=True)] + [float(axis[-1] - length)]
        if name == "distance":
            residual[-1] = float(clock.length - length)  # stretching hides a length difference: report it
        if max(map(abs, residual)) < max(map(abs, best_res)):
            best_name, best_axis, best_res = name, axis, residual
    if abs(clock.length - length) > 0.02 * length:
        notes.append(f"lap length {clock.length:.0f} m differs from the reference's {length:.0f} m by more than 2 %")

    # Pin: piecewise-linear map from the chosen placement to the reference at every pin.
    placed = np.interp(lap_split_times, clock.time, best_axis) if lap_split_times else np.empty(0)
    src = np.concatenate(([best_axis[0]], placed, [best_axis[-1]]))
    dst = np.concatenate(([0.0], ref_pins, [length]))
    if np.any(np.diff(src) <= 0):
        notes.append("sector lines out of order: pinned at the finish line only")
        src, dst = src[[0, -1]], dst[[0, -1]]
    pinned = np.interp(best_axis, src, dst)
    return Aligned(trace, clock, _strictly_increasing(pinned), best_name, residual_m=best_res,
                   pins=[float(x) for x in dst[1:-1]], notes=notes)


def _strictly_increasing(x: np.ndarray) -> np.ndarray:
    """Projection noise can step a sample back by centimetres: nudge such points just past their neighbour."""
    out = np.maximum.accumulate(x)
    bump = np.arange(len(out)) * 1e-9
    return out + bump


def _project(trace: LapTrace, clock: Clock, ref: Aligned, guess: np.ndarray) -> np.ndarray | None:
    """Each sample's x/y projected onto the reference line, searched near its distance-based guess."""
    lap_ch, ref_ch = trace.channels, ref.trace.channels
    if "x" not in ref_ch:
        return None
    a, b = map_axes(ref_ch)
    if not all(k in ch for k in (a, b) for ch in (lap_ch, ref_ch)):
        return None
    rx, ry = (np.asarray(ref_ch[k], dtype=np.float64)[ref.clock.index] for k in (a, b))
    px, py = (np.asarray(lap_ch[k], dtype=np.float64)[clock.index] for k in (a, b))
    rd = ref.distance
    if len(rd) < 3 or float(np.ptp(rx)) + float(np.ptp(ry)) < 100.0:
        return None  # no real position data (pit lane, or a source that sends zeros)
    spacing = max(float(np.median(np.diff(rd))), 0.5)
    k = int(np.ceil(WINDOW_M / spacing))
    seg0 = np.clip(np.searchsorted(rd, guess)[:, None] + np.arange(-k, k)[None, :], 0, len(rd) - 2)
    x0, y0, x1, y1 = rx[seg0], ry[seg0], rx[seg0 + 1], ry[seg0 + 1]
    dx, dy = x1 - x0, y1 - y0
    seg_len2 = np.maximum(dx * dx + dy * dy, 1e-9)
    u = np.clip(((px[:, None] - x0) * dx + (py[:, None] - y0) * dy) / seg_len2, 0.0, 1.0)
    ex, ey = x0 + u * dx - px[:, None], y0 + u * dy - py[:, None]
    # A small pull towards the guess breaks ties where the track passes close to itself.
    along = rd[seg0] + u * (rd[seg0 + 1] - rd[seg0])
    cost = ex * ex + ey * ey + 1e-4 * (along - guess[:, None]) ** 2
    best = np.argmin(cost, axis=1)
    rows = np.arange(len(guess))
    out = along[rows, best]
    out[0], out[-1] = 0.0, float(rd[-1])  # the line is the line: the clock put both ends on it
    return guess + _low_pass(guess, out - guess, POSITION_SMOOTH_M)


def _low_pass(x: np.ndarray, y: np.ndarray, metres: float, step: float = 5.0) -> np.ndarray:
    """y(x) smoothed by a moving average `metres` wide, on a regular grid and back."""
    grid = np.arange(x[0], x[-1] + step, step)
    n = max(int(metres / step) | 1, 1)
    on_grid = np.interp(grid, x, y)
    half = n // 2
    on_grid = np.concatenate((np.full(half, on_grid[0]), on_grid, np.full(half, on_grid[-1])))
    csum = np.concatenate(([0.0], np.cumsum(on_grid)))
    smooth = (csum[n:] - csum[:-n]) / n
    return np.interp(x, grid, smooth)
