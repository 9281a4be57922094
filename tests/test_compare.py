"""Lap comparison by distance, on synthetic laps whose answers are known in closed form and on real laps."""

from pathlib import Path

import numpy as np
import pytest

from app.errors import PitwallError
from app.services.compare import delta_time, distance_grid, position_at, resample, value_at
from app.services.ingest import ingest_file
from app.store import Store

DEMO = Path(__file__).parent.parent / "resources" / "demo" / "montreal_4laps.ams2"


def constant_speed_lap(speed_ms: float, length: float = 1000.0, hz: float = 50.0) -> dict:
    t = np.arange(0, length / speed_ms, 1 / hz)
    d = speed_ms * t
    angle = d / length * 2 * np.pi  # a circle of circumference `length`
    r = length / (2 * np.pi)
    return {"time": t, "distance": d, "x": r * np.cos(angle), "z": r * np.sin(angle),
            "gear": np.where(d < length / 2, 3, 4).astype(np.int8)}


def test_delta_time_of_two_constant_speed_laps_grows_linearly():
    fast, slow = constant_speed_lap(50.0), constant_speed_lap(40.0)
    grid, delta = delta_time(slow, fast)
    # At distance d the slow lap is d/40 - d/50 seconds behind.
    expected = grid / 40.0 - grid / 50.0
    assert np.nanmax(np.abs(delta - expected)) < 1e-6
    assert delta[-1] == pytest.approx(grid[-1] * (1 / 40 - 1 / 50))
    _, self_delta = delta_time(fast, fast)
    assert np.allclose(self_delta, 0)


def test_resample_keeps_gear_whole_and_marks_out_of_range_nan():
    lap = constant_speed_lap(50.0)
    grid = np.array([-10.0, 0.0, 499.9, 500.1, 999.0, 2000.0])
    out = resample(lap, grid, ["gear", "time"])
    assert np.isnan(out["gear"][0]) and np.isnan(out["gear"][-1])
    assert list(out["gear"][1:5]) == [3, 3, 4, 4]
    assert out["time"][2] == pytest.approx(499.9 / 50.0)


def test_standing_still_does_not_break_interpolation():
    lap = {"time": np.array([0.0, 1.0, 2.0, 3.0]), "distance": np.array([0.0, 0.0, 0.0, 30.0]),
           "x": np.array([0.0, 0.0, 0.0, 30.0]), "z": np.zeros(4)}
    # The car leaves distance 0 at t=2 s: the time at 15 m is halfway between t=2 and t=3.
    assert value_at(lap, "time", 15.0) == pytest.approx(2.5)
    assert position_at(lap, 15.0) == pytest.approx((15.0, 0.0))


def test_position_at_follows_the_circle():
    lap = constant_speed_lap(50.0)
    x, z = position_at(lap, 250.0)  # a quarter of the way round
    r = 1000.0 / (2 * np.pi)
    assert (x, z) == pytest.approx((0.0, r), abs=0.05)


def test_distance_grid_covers_only_the_shared_distance():
    a = constant_speed_lap(50.0, length=1000.0)
    b = {k: v[: len(v) // 2] for k, v in constant_speed_lap(50.0, length=1000.0).items()}
    grid = distance_grid([a, b], step=2.0)
    assert grid[0] == 0.0 and grid[-1] <= b["distance"][-1] and np.all(np.diff(grid) == 2.0)


def test_a_lap_without_distance_is_a_clear_error():
    with pytest.raises(PitwallError, match="distance"):
        position_at({"time": np.arange(3.0)}, 1.0)


def test_real_laps_delta_ends_at_the_lap_time_difference(tmp_path):
    store = Store(tmp_path / "home")
    result = ingest_file(store, DEMO)
    full = [lap for lap in result.laps if lap.lap_time and not lap.flag_list]
    slow, fast = max(full, key=lambda lap: lap.lap_time), min(full, key=lambda lap: lap.lap_time)
    a, b = store.lap_channels(slow), store.lap_channels(fast)
    grid, delta = delta_time(a, b)
    # The delta at the line is the lap-time difference, up to one sample (~16 ms) at each end.
    assert delta[-1] == pytest.approx(slow.lap_time - fast.lap_time, abs=0.05)
    x, z = position_at(b, 1000.0)
    i = np.searchsorted(b["distance"], 1000.0)
    assert np.hypot(x - b["x"][i], z - b["z"][i]) < 2.0  # within a sample's travel of the real point
