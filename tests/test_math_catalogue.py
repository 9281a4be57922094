"""The channel catalogue over a real AMS2 lap: every channel listed once, with units; unknown columns kept."""

from pathlib import Path

import pytest

from app.services.channels import KNOWN, channel_catalogue, channel_info
from app.sources.ams2.reader import RaceReader

DATA = Path(__file__).parent / "data" / "montreal_short.ams2"


def _first_lap_columns() -> list[str]:
    with open(DATA, "rb") as fh:
        reader = RaceReader(fh, DATA.stat().st_size)
        laps = reader.laps()
        lap = next(laps)
        laps.close()
    return list(lap.channels)


def test_every_ams2_channel_is_described_with_its_unit():
    columns = _first_lap_columns()
    assert len(columns) >= 45
    cat = channel_catalogue(columns)
    assert sorted(c.name for c in cat) == sorted(columns)  # each once, none invented
    unknown = [c.name for c in cat if c.group == "Other"]
    assert unknown == []  # every AMS2 column is in the catalogue
    by_name = {c.name: c for c in cat}
    assert by_name["tyre_temp_fl_inner"].unit == "°C" and by_name["tyre_temp_fl_inner"].group == "Tyres"
    assert by_name["brake_temp_rr"].group == "Brakes"
    assert by_name["ride_height_rl"].unit == "m"
    assert by_name["speed"].unit == "km/h"


def test_unknown_columns_and_math_channels_are_listed():
    cat = channel_catalogue(["speed", "wing_angle", "speed"], math=["power"])
    assert [c.name for c in cat] == ["speed", "power", "wing_angle"]  # Motion, Math, Other
    assert cat[2].unit == "" and cat[2].label == "Wing angle"
    assert cat[1].group == "Math"
    assert channel_info("drs") is KNOWN["drs"]


def test_tyre_corners_at_a_point_and_time_weighted():
    """The recordings carry no tyre readings, so real speed/rpm/brake traces stand in for them here: the
    corner values must be the interpolation and the time-weighted mean numpy gives over the same samples."""
    import numpy as np

    from app.services.tyres import corners_at, corners_mean, has_tyre_data

    with open(DATA, "rb") as fh:
        laps = list(RaceReader(fh, DATA.stat().st_size).laps())
    lap = max(laps, key=lambda lap: len(lap.channels["time"])).channels
    assert not has_tyre_data(lap)  # all zero in the recording: the dock says "no tyre data"
    d, t = np.asarray(lap["distance"], float), np.asarray(lap["time"], float)
    stand_in = dict(lap, tyre_temp_fl_inner=lap["speed"], tyre_pressure_rr=lap["rpm"], brake_temp_rl=lap["brake"])
    assert has_tyre_data(stand_in)
    at = float(d[len(d) // 2]) + 0.37
    point = corners_at(stand_in, d, at)
    assert point["fl"]["inner"] == pytest.approx(np.interp(at, d, lap["speed"]))
    assert point["rr"]["pressure"] == pytest.approx(np.interp(at, d, lap["rpm"]))
    assert point["fl"]["outer"] == 0.0 and np.isnan(corners_at(stand_in, d, d[-1] + 10)["fl"]["inner"])
    mask = (d > d[0] + 100) & (d < d[0] + 600)
    mean = corners_mean(stand_in, t, mask)
    # Independently: resample every millisecond of the masked stretch and average plainly.
    grid = np.arange(t[mask][0], t[mask][-1], 0.001)
    assert mean["fl"]["inner"] == pytest.approx(np.interp(grid, t, lap["speed"]).mean(), rel=2e-3)
    assert mean["rl"]["brake"] == pytest.approx(np.interp(grid, t, lap["brake"]).mean(), rel=2e-2, abs=0.05)
