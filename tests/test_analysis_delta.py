"""The delta reconciles with the official times, for every pair of full laps in the test data."""

import itertools

import numpy as np
import pytest

from app.services.analysis.align import align, reference_axis
from app.services.analysis.comparison import analyse, default_reference
from app.services.analysis.delta import delta
from app.services.analysis.trace import LapTrace, lap_clock
from app.services.ingest import ingest_file
from tests.analysis_support import DEMO, full_traces, real_f1_laps

LINE_TOL = 0.010
SECTOR_TOL = 0.030


def check_pair(lap: LapTrace, ref: LapTrace, ref_axis=None) -> None:
    ref_axis = ref_axis or reference_axis(ref)
    result = delta(align(lap, ref_axis), ref_axis)
    assert np.all(np.isfinite(result.delta)) and np.all(result.uncertainty > 0)
    assert np.all(np.diff(result.distance) > 0)
    assert result.at_line == pytest.approx(lap.lap_time - ref.lap_time, abs=LINE_TOL), (lap.label, ref.label)
    if lap.sector_splits() and ref.sector_splits():
        for at, mine, theirs in zip(result.lap.pins, lap.sector_splits(), ref.sector_splits(), strict=True):
            assert float(result.at(at)) == pytest.approx(mine - theirs, abs=SECTOR_TOL), (lap.label, ref.label)


@pytest.fixture(scope="module")
def ams2_laps(tmp_path_factory):
    from app.store import Store

    store = Store(tmp_path_factory.mktemp("home"))
    race = ingest_file(store, DEMO).race
    return full_traces(store, race.id)


def test_every_pair_of_ams2_laps_reconciles_at_the_line_and_the_sectors(ams2_laps):
    assert len(ams2_laps) == 4
    for lap, ref in itertools.permutations(ams2_laps, 2):
        check_pair(lap, ref)


def test_every_pair_of_real_f1_laps_reconciles():
    laps = real_f1_laps()
    assert [t.label for t in laps] == ["LEC L11", "NOR L15", "VER L11"]
    for lap, ref in itertools.permutations(laps, 2):
        check_pair(lap, ref)


def test_every_pair_of_recorded_f1_laps_reconciles(f1_loaded):
    """2025 Melbourne FP1: every full lap with telemetry against every other (FastF1's edges off the line)."""
    race = f1_loaded.results[(2025, "Australia", "FP1")].race
    laps = full_traces(f1_loaded.store, race.id)
    assert len(laps) > 150
    for ref in laps:
        ref_axis = reference_axis(ref)
        for lap in laps:
            if lap is not ref:
                check_pair(lap, ref, ref_axis)


def test_the_issue_example_lec_against_nor_ends_at_the_lap_time_difference(f1_loaded):
    race = f1_loaded.results[(2025, "Australia", "FP1")].race
    laps = {(t.label): t for t in full_traces(f1_loaded.store, race.id)}
    lec = min((t for t in laps.values() if t.label.startswith("LEC")), key=lambda t: t.lap_time)
    nor = min((t for t in laps.values() if t.label.startswith("NOR")), key=lambda t: t.lap_time)
    result = analyse([lec, nor], nor).deltas[lec.lap_id]
    assert (lec.lap_time, nor.lap_time) == (77.461, 77.252)
    assert result.at_line == pytest.approx(0.209, abs=0.001)
    # Recorded F1 laps start up to 0.25 s after the line; the clock puts the first point on it.
    assert lec.channels["time"][0] > 0 and lap_clock(lec).time[0] == 0.0
    assert result.alignment in ("position", "distance")


def test_f1_edges_are_put_on_the_line_at_the_samples_speed():
    t = np.arange(0.2, 10.0, 0.25)
    lap = LapTrace("a", "a", {"time": t, "distance": 50.0 * (t - t[0]), "speed": np.full(len(t), 180.0)}, 10.0)
    clock = lap_clock(lap)
    assert clock.time[0] == 0.0 and clock.time[-1] == 10.0
    assert clock.length == pytest.approx(50.0 * 10.0)  # 0.2 s before the first sample and 0.05 s after the last


def test_a_spin_and_a_stop_are_flagged_not_cut():
    t = np.round(np.arange(0, 60.001, 0.1), 3)
    d = np.where(t < 30, 20.0 * t, 600.0)
    d = np.where((t >= 30) & (t < 32), 600.0 - 7.5 * (t - 30), d)  # rolls back 15 m
    d = np.where((t >= 32) & (t < 34), 585.0, d)  # stands for 2 s
    d = np.where(t >= 34, 585.0 + 20.0 * (t - 34), d)  # drives on
    lap = LapTrace("spin", "spin", {"time": t, "distance": d}, 60.0)
    clock = lap_clock(lap)
    assert any("backwards" in n for n in clock.notes) and any("stood still" in n for n in clock.notes)
    assert np.all(np.diff(clock.distance) > 0) and clock.time[-1] == 60.0
    t_ref = np.linspace(0, 60.5, 606)
    ref = LapTrace("ref", "ref", {"time": t_ref, "distance": 20.0 * t_ref}, 60.5)
    result = analyse([lap, ref], ref).deltas["spin"]
    assert result.at_line == pytest.approx(-0.5, abs=LINE_TOL) and result.notes
    # Rolling back and standing cost ~4 s at that point of the lap (600 m of 1105, 657 m of the reference's 1210).
    assert float(result.at(680.0) - result.at(640.0)) > 4.0


def test_laps_of_different_lengths_are_stretched_and_flagged():
    t = np.linspace(0, 50, 501)
    ref = LapTrace("ref", "ref", {"time": t, "distance": 100.0 * t, "speed": np.full(501, 360.0)}, 50.0)
    short = LapTrace("s", "s", {"time": t, "distance": 95.0 * t, "speed": np.full(501, 342.0)}, 51.0)
    result = analyse([short, ref], ref).deltas["s"]
    assert result.distance[-1] == pytest.approx(5000.0)  # the whole reference lap, not cut to the shorter one
    assert result.at_line == pytest.approx(1.0, abs=LINE_TOL)
    assert any("differs" in n for n in result.notes)


def test_out_in_and_invalid_laps_are_never_the_default_reference():
    t = np.linspace(0, 10, 11)
    ch = {"time": t, "distance": 10 * t}
    out = LapTrace("out", "out", ch, None, flags=("out-lap",))
    invalid = LapTrace("inv", "inv", ch, 80.0, flags=("invalid",))
    inlap = LapTrace("in", "in", ch, 70.0, flags=("in-lap",))
    clean = LapTrace("ok", "ok", ch, 90.0)
    assert default_reference([out, invalid, inlap, clean]).lap_id == "ok"
    assert default_reference([invalid, inlap, out]).lap_id not in ("ok",)  # nothing clean: the longest, flagged


def test_the_band_widens_where_samples_are_missing():
    """LEC's real lap has a 0.96 s hole in its samples at ~35 s: the band is widest there."""
    laps = {t.label: t for t in real_f1_laps()}
    lec, nor = laps["LEC L11"], laps["NOR L15"]
    result = analyse([lec, nor], nor).deltas[lec.lap_id]
    hole = float(np.interp(35.5, result.lap.time, result.lap.distance))
    near = np.abs(result.distance - hole) < 40
    assert result.uncertainty[near].max() > 2 * np.median(result.uncertainty)
