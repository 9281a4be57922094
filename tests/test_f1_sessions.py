"""F1 sessions through FastF1 on recorded responses (no network): what lands in the catalog and lap files.

The 2025 Australia FP1 car data and position in the recording were rebuilt from real per-lap telemetry
re-gridded at 4 Hz (real values, not the original broadcast stream); the other sessions have no telemetry.
"""

import json

import numpy as np
import pytest

from app.domain.models import LapFlag, RaceStatus
from app.services.f1 import f1_config, lap_bests, open_session
from app.sources.f1.replay import fastf1_call
from tests.f1_support import SESSIONS

pytestmark = pytest.mark.usefixtures("no_network")

ALBERT_PARK_M = 5278  # lap length of the Melbourne circuit


def fastf1_numbers(loaded, key):
    """FastF1's own lap count and fastest lap, asked of FastF1 directly (warm cache, laps only)."""
    import fastf1

    with fastf1_call(f1_config(loaded.settings, loaded.store), "reference"):
        ses = fastf1.get_session(*key)
        ses.load(laps=True, telemetry=False, weather=False, messages=False)
        return len(ses.laps), ses.laps.pick_fastest()["LapTime"].total_seconds()


@pytest.mark.parametrize("key", list(SESSIONS), ids=lambda k: f"{k[0]}-{k[1]}-{k[2]}")
def test_every_recorded_session_loads_with_fastf1_numbers(f1_loaded, key):
    result = f1_loaded.results[key]
    assert result.race.status == RaceStatus.READY and result.race.source == "f1"
    laps = result.laps
    count, fastest = fastf1_numbers(f1_loaded, key)
    assert len(laps) == count == SESSIONS[key]
    ours = min(lap.lap_time for lap in laps if lap.lap_time and json.loads(lap.meta)["personal_best"])
    assert ours == pytest.approx(fastest, abs=1e-6)
    assert all(lap.driver and lap.team and lap.team_color and lap.team_color.startswith("#") for lap in laps)
    assert len(f1_loaded.store.results(result.race.id)) == 20


def test_one_race_row_per_session(f1_loaded):
    f1_races = [r for r in f1_loaded.store.races() if r.source == "f1"]
    assert len(f1_races) == len(SESSIONS)
    assert len({r.content_hash for r in f1_races}) == len(SESSIONS)


def test_lap_rows_carry_f1_fields_and_flags(f1_loaded):
    laps = f1_loaded.results[(2025, "Australia", "FP1")].laps
    ver = [lap for lap in laps if lap.driver == "VER"]
    assert {lap.team for lap in ver} == {"Red Bull Racing"}
    metas = [json.loads(lap.meta) for lap in laps]
    assert {m["compound"] for m in metas} >= {"MEDIUM", "SOFT"}
    for lap, meta in zip(laps, metas, strict=True):
        assert (LapFlag.OUT_LAP in lap.flag_list) == meta["pit_out"]
        assert (LapFlag.IN_LAP in lap.flag_list) == meta["pit_in"]
        assert (LapFlag.INVALID in lap.flag_list) == meta["deleted"]
        assert {"tyre_life", "track_status", "personal_best", "accurate"} <= meta.keys()
    timed = [lap for lap in laps if lap.lap_time and None not in (lap.sector1, lap.sector2, lap.sector3)]
    assert len(timed) > 200
    for lap in timed:
        assert lap.sector1 + lap.sector2 + lap.sector3 == pytest.approx(lap.lap_time, abs=0.01)
    # A qualifying session has deleted laps (track limits); they are flagged invalid.
    quali = f1_loaded.results[(2023, "Azerbaijan", "Q")].laps
    assert any(LapFlag.INVALID in lap.flag_list for lap in quali)


def test_australia_telemetry_is_plausible(f1_loaded):
    store = f1_loaded.store
    laps = [lap for lap in f1_loaded.results[(2025, "Australia", "FP1")].laps
            if lap.lap_time and lap.lap_time < 80 and json.loads(lap.meta)["accurate"]]  # push laps
    assert len(laps) > 50
    for lap in laps[::5]:
        ch = store.lap_channels(lap)
        assert {"time", "distance", "speed", "throttle", "brake", "gear", "rpm", "drs", "x", "y", "z"} <= ch.keys()
        assert ch["time"][-1] == pytest.approx(lap.lap_time, abs=1.0)
        assert ch["distance"][-1] == pytest.approx(ALBERT_PARK_M, rel=0.04)
        assert np.all(np.diff(ch["distance"]) >= 0)
        assert 280 < ch["speed"].max() < 345 and ch["speed"].min() > 70
        assert np.ptp(ch["x"]) > 1000 and np.ptp(ch["y"]) > 1000  # metres: the map spans the circuit
        assert set(np.unique(ch["gear"])) <= set(range(9))


def test_session_without_telemetry_still_lists_its_laps(f1_loaded):
    result = f1_loaded.results[(2019, "Italy", "Q")]
    assert all(lap.path is None and lap.sample_count == 0 for lap in result.laps)
    assert any("No telemetry" in w for w in result.warnings)
    assert f1_loaded.store.lap_channels(result.laps[0]) == {}


def test_weather_race_control_and_track_status_are_kept(f1_loaded):
    race_id = f1_loaded.results[(2025, "Australia", "FP1")].race.id
    weather = f1_loaded.store.session_table(race_id, "weather")
    assert weather.num_rows == 81 and {"air_temp", "track_temp", "rainfall"} <= set(weather.column_names)
    messages = f1_loaded.store.session_table(race_id, "race_control")
    assert messages.num_rows == 29 and "message" in messages.column_names
    assert f1_loaded.store.session_table(race_id, "track_status").num_rows == 12
    # 2023 Baku qualifying has no weather in the recording: no table rather than an empty one
    assert f1_loaded.store.session_table(f1_loaded.results[(2023, "Azerbaijan", "Q")].race.id, "weather") is None


def test_reopen_does_not_touch_fastf1(f1_loaded, tmp_path):
    # Point FastF1 at a folder that does not exist: any FastF1 call would fail.
    settings = f1_loaded.settings.model_copy(update={"f1_recorded": tmp_path / "nowhere"})
    first = f1_loaded.results[(2025, "Australia", "FP1")]
    again = open_session(f1_loaded.store, settings, 2025, "australia", "Practice 1")  # speed: bench/f1_reopen.py
    assert again.already_cached and again.race.id == first.race.id and len(again.laps) == len(first.laps)


def test_purple_and_green_bests(f1_loaded):
    laps = f1_loaded.results[(2025, "Australia", "FP1")].laps
    colours = lap_bests(laps)
    purple = [lap for lap in laps if colours.get(lap.id, {}).get("lap_time") == "purple"]
    assert [(lap.driver, lap.lap_time) for lap in purple] == [("NOR", 77.252)]  # FastF1: NOR 1:17.252
    greens = {lap.driver for lap in laps if colours.get(lap.id, {}).get("lap_time") == "green"}
    assert len(greens) == 19  # every other driver's own best
    for col in ("sector1", "sector2", "sector3"):
        best = min(getattr(lap, col) for lap in laps if getattr(lap, col) and LapFlag.INVALID not in lap.flag_list)
        assert [getattr(lap, col) for lap in laps if colours.get(lap.id, {}).get(col) == "purple"] == [best]


def test_session_info_for_the_views(f1_loaded):
    from app.services.f1 import session_info

    info = session_info(f1_loaded.store, f1_loaded.results[(2025, "Australia", "FP1")].race.id)
    assert info.results[0]["abbreviation"] == "NOR" and info.results[0]["position"] == 1
    lo, hi = info.weather["air_temp"]
    assert 10 < lo <= hi < 40 and info.weather["samples"] == 81
    assert len(info.race_control) == 29 and all(m["message"] for m in info.race_control)
    assert [s["message"] for s in info.track_status][:3] == ["Yellow", "AllClear", "Red"]
