"""Delta time against the reference, and how sure it is.

The series is evaluated at the reference's own points (plus the pins), so the curve, the cursor readout and
every number derived from it (sectors, segments, the value at the line) come from one array.

The uncertainty band is a stated estimate, not a statistic:
- sampling: between two samples a lap's time at a distance is interpolated; the error grows with the sample
  interval and with how much the speed changed over it (½·Δt·|Δv|/(v₁+v₂) per interval, per lap);
- alignment: at a pin the delta is the difference of official times (to their 1 ms resolution); between two
  pins it is only as good as the placement was, so half the larger unpinned residual of the two pins (in seconds
  at the reference's speed there) is added, tapering to zero at the pins.
"""

from dataclasses import dataclass, field

import numpy as np

from app.services.analysis.align import Aligned

TIMING_RESOLUTION_S = 0.0005  # official times are given to the millisecond


@dataclass
class Delta:
    distance: np.ndarray  # reference metres
    delta: np.ndarray  # s, positive = the lap is behind the reference there
    uncertainty: np.ndarray  # s, half-width of the band
    alignment: str
    lap: Aligned
    reference: Aligned
    notes: list[str] = field(default_factory=list)

    def at(self, distance: float | np.ndarray) -> np.ndarray:
        """The delta at any reference distance, from the same series the curve draws."""
        return np.interp(distance, self.distance, self.delta)

    def uncertainty_at(self, distance: float | np.ndarray) -> np.ndarray:
        return np.interp(distance, self.distance, self.uncertainty)

    @property
    def at_line(self) -> float:
        return float(self.delta[-1])


def delta(lap: Aligned, ref: Aligned) -> Delta:
    grid = np.union1d(ref.distance, np.asarray(lap.pins, dtype=np.float64))
    t_ref = ref.time_at(grid)
    if lap.method == "unpinned":
        # No line to start from: the two clocks are matched where both laps first have data.
        lo, hi = lap.distance[0], min(lap.distance[-1], ref.distance[-1])
        grid = grid[(grid >= lo) & (grid <= hi)]
        values = lap.time_at(grid) - ref.time_at(grid)
        values = values - values[0] if len(values) else values
    else:
        values = lap.time_at(grid) - t_ref
    band = np.sqrt(_sampling_error(lap, grid) ** 2 + _sampling_error(ref, grid) ** 2)  # cached per lap
    band = band + _pin_error(lap, ref, grid) + TIMING_RESOLUTION_S
    return Delta(grid, values, band, lap.method, lap, ref, notes=list(lap.notes))


def _sampling_error(lap: Aligned, grid: np.ndarray) -> np.ndarray:
    cached = lap.cache.get("sampling")
    if cached is None:
        t, d = lap.time, lap.distance
        dt = np.diff(t)
        v = np.diff(d) / np.maximum(dt, 1e-6)
        if len(v) < 2:
            return np.zeros_like(grid)
        v_before = np.concatenate(([v[0]], v[:-1]))
        per_interval = 0.5 * dt * np.abs(v - v_before) / np.maximum(v + v_before, 1e-3)
        cached = lap.cache["sampling"] = ((d[1:] + d[:-1]) / 2, per_interval)
    return np.interp(grid, *cached)


def _pin_error(lap: Aligned, ref: Aligned, grid: np.ndarray) -> np.ndarray:
    if not lap.residual_m or lap.method in ("reference", "unpinned"):
        return np.zeros_like(grid)
    pins = np.concatenate(([0.0], lap.pins, [ref.distance[-1]]))
    if len(lap.residual_m) != len(pins) - 1:
        return np.zeros_like(grid)
    ref_speed = np.diff(ref.distance) / np.maximum(np.diff(ref.time), 1e-6)
    speed_at_pins = np.interp(pins[1:], ref.distance[1:], ref_speed)
    # The line at the start was placed exactly (both clocks start there); each later pin has its residual.
    miss_s = np.concatenate(([0.0], np.abs(lap.residual_m) / np.maximum(speed_at_pins, 1.0)))
    k = np.clip(np.searchsorted(pins, grid, side="right") - 1, 0, len(pins) - 2)
    frac = (grid - pins[k]) / np.maximum(pins[k + 1] - pins[k], 1e-9)
    amplitude = 0.5 * np.maximum(miss_s[k], miss_s[k + 1])
    return amplitude * 4 * frac * (1 - frac)
