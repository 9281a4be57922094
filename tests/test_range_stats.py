"""A/B range statistics and the lap series they read, on the real demo race (no window)."""

import numpy as np
import pytest

from app.services.ingest import ingest_file
from app.services.lap_series import with_gaps
from app.services.range_stats import range_stats, segment_at, snap
from app.workers.analysis import analyse_selection
from app.workers.lapdata import LapTrace
from tests.conftest import DEMO_RACE


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    from app.store import Store

    store = Store(tmp_path_factory.mktemp("home"))
    race = ingest_file(store, DEMO_RACE).race
    laps = [store.lap(lap.id) for lap in store.laps(race.id)]
    loaded = [LapTrace(lap, store.lap_channels(lap)) for lap in laps if lap is not None]
    yield analyse_selection(store, loaded, None), loaded
    store.close()


def test_every_numeric_channel_is_there_aligned(analysis):
    a, loaded = analysis
    lap = next(t for t in loaded if t.lap.id == a.reference_id)
    s = a.series[a.reference_id]
    numeric = {n for n, c in lap.channels.items() if np.asarray(c).dtype.kind in "fiub"} - {"distance"}
    assert numeric <= set(s.channels) and len(numeric) > 40
    idx = s.delta.lap.clock.index
    for name in ("tyre_temp_fl_inner", "brake_temp_rr", "ride_height_fl", "fuel"):
        assert np.array_equal(s.channels[name], np.asarray(lap.channels[name], dtype=np.float64)[idx])


def test_values_at_once_equal_value_one_by_one(analysis):
    a, _ = analysis
    names = ["speed", "gear", "rpm", "throttle", "nope"]
    for s in a.series.values():
        for d in (0.0, 17.3, 812.6, 2500.0, 4300.0, 9999.0):
            got = s.values(names, d)
            want = [s.value(n, d) for n in names]
            assert np.allclose(got, want, equal_nan=True), (s.label, d)


def test_range_statistics_are_numpy_over_the_same_samples(analysis):
    a, _ = analysis
    timed = {i: s for i, s in a.series.items() if s.comparable}
    lo, hi = 1203.5, 1877.25
    rows = range_stats(timed, a.reference_id, lo, hi, ["speed", "brake", "tyre_temp_fl"])
    ref = timed[a.reference_id]
    ref_time = np.interp(hi, ref.distance, ref.time) - np.interp(lo, ref.distance, ref.time)
    for row in rows:
        s = timed[row.lap_id]
        mask = (s.distance >= lo) & (s.distance <= hi)
        assert row.samples == mask.sum() > 100
        for name in ("speed", "brake"):
            v = s.channels[name][mask]
            st = row.channels[name]
            assert (st.minimum, st.maximum) == (v.min(), v.max()) and st.mean == pytest.approx(v.mean())
        taken = np.interp(hi, s.distance, s.time) - np.interp(lo, s.distance, s.time)
        assert row.time == pytest.approx(taken) and row.delta == pytest.approx(taken - ref_time)
        assert row.covered and row.distance == pytest.approx(hi - lo)
    assert next(r for r in rows if r.lap_id == a.reference_id).delta == 0.0


def test_a_range_a_lap_does_not_cover_has_no_time(analysis):
    a, _ = analysis
    partial = next(s for s in a.series.values() if not s.comparable and len(s.distance) > 100)
    lo, hi = float(partial.distance[-1]) - 50, float(partial.distance[-1]) + 500
    (row,) = range_stats({partial.lap_id: partial}, a.reference_id, lo, hi, ["speed"])
    assert row.time is None and row.delta is None and not row.covered
    assert row.distance == pytest.approx(50, abs=0.01) and row.samples > 0


def test_snap_to_segment_edges(analysis):
    a, _ = analysis
    segments = a.comparison.segments
    corner = next(s for s in segments if s.kind == "corner")
    assert snap(segments, corner.start + 4.0, corner.end - 3.0) == (corner.start, corner.end)
    far = (corner.start + 0.4 * (corner.end - corner.start), corner.start + 0.6 * (corner.end - corner.start))
    assert snap(segments, *far) == far  # nothing near: unchanged
    assert segment_at(segments, corner.apex) == corner


def test_untimed_laps_sit_at_the_game_distance_and_gaps_break_lines(analysis):
    a, loaded = analysis
    raw = {t.lap.id: np.asarray(t.channels["distance"], dtype=np.float64) for t in loaded}
    moved = [s for s in a.series.values() if not s.comparable and len(s.distance) > 1]
    assert moved
    for s in moved:
        first = raw[s.lap_id][s.delta.lap.clock.index[0]]
        assert s.distance[0] == pytest.approx(first)
        assert s.delta.distance[0] >= s.distance[0] - 1e-6 and s.delta.delta[0] == 0.0
    x, y = with_gaps(np.array([0.0, 1.0, 100.0, 101.0]), np.array([5.0, 6.0, 7.0, 8.0]), np.array([1]))
    assert np.isnan(x[2]) and np.isnan(y[2]) and list(x[[0, 1, 3, 4]]) == [0.0, 1.0, 100.0, 101.0]
