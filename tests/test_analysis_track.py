"""Corners, segments, mini-sectors and theoretical bests on real laps; the commands other tools read."""

import json

import numpy as np
import pytest

from app.cli import main
from app.services.analysis.align import align, reference_axis
from app.services.analysis.best import minisectors
from app.services.analysis.comparison import analyse, model_from
from app.services.analysis.corners import detect_corners
from app.services.ingest import ingest_file
from tests.analysis_support import DEMO, full_traces


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from app.store import Store

    home = tmp_path_factory.mktemp("home")
    store = Store(home)
    race = ingest_file(store, DEMO).race
    return home, store, race


def run_json(capsys, home, *argv) -> dict:
    assert main(["--home", str(home), *argv]) == 0
    return json.loads(capsys.readouterr().out)


def same_corners(a, b, tol=30.0) -> bool:
    pairs = zip(a, b, strict=False)
    return len(a) == len(b) and all(x.name == y.name and abs(x.apex - y.apex) <= tol for x, y in pairs)


def check_stable(laps) -> None:
    """Whichever clean lap the track model is built on, the corners come out the same, apexes within 30 m."""
    clean = [t for t in laps if t.is_clean]
    models = []
    for ref_trace in clean:
        ref = reference_axis(ref_trace)
        models.append(detect_corners([ref, *(align(t, ref) for t in clean if t is not ref_trace)]))
    assert len(models[0]) >= 6
    for m in models[1:]:
        assert same_corners(models[0], m), ([c.apex for c in models[0]], [c.apex for c in m])


def test_ams2_corners_are_stable_across_every_full_lap(demo):
    _, store, race = demo
    check_stable(full_traces(store, race.id))


def test_f1_corners_are_stable_across_the_fastest_laps(f1_loaded):
    race = f1_loaded.results[(2025, "Australia", "FP1")].race
    laps = [t for t in full_traces(f1_loaded.store, race.id) if t.is_clean]
    fastest = sorted(laps, key=lambda t: t.lap_time)[:12]
    check_stable(fastest)


def test_segments_cover_the_lap_and_add_up_to_the_delta_at_the_line(demo):
    _, store, race = demo
    laps = full_traces(store, race.id)
    ref = min(laps, key=lambda t: t.lap_time)
    model = model_from(laps, race.track)
    comparison = analyse(laps, ref, model)
    for lap in laps:
        rows = comparison.segment_rows(lap.lap_id)
        assert rows[0]["start"] == 0 and rows[-1]["end"] == pytest.approx(comparison.reference.clock.length, abs=0.01)
        assert all(a["end"] == b["start"] for a, b in zip(rows, rows[1:], strict=False))
        assert {r["kind"] for r in rows} == {"corner", "straight"}
        total = sum(r["time_delta"] for r in rows)
        assert total == pytest.approx(lap.lap_time - ref.lap_time, abs=0.002)
        corners = [r for r in rows if r["kind"] == "corner"]
        # Every corner of a real lap is braked for and driven out of on the throttle, apex inside it.
        for r in corners:
            assert r["start"] <= r["lap"]["min_speed_at"] <= r["end"]
            assert r["lap"]["min_speed"] <= min(r["lap"]["entry_speed"], r["lap"]["exit_speed"])


def test_minisectors_sum_to_each_lap_time_and_the_best_is_never_slower(demo):
    _, store, race = demo
    laps = full_traces(store, race.id)
    ref = min(laps, key=lambda t: t.lap_time)
    comparison = analyse(laps, ref, minisector_count=25)
    mini = comparison.minisectors
    assert mini.times.shape == (4, 25)
    for row, label in zip(mini.times, mini.labels, strict=True):
        lap = next(t for t in laps if t.label == label)
        assert row.sum() == pytest.approx(lap.lap_time, abs=0.002)
    assert mini.best_total <= ref.lap_time
    assert minisectors([comparison.reference], 10).times.shape == (1, 10)


def test_theoretical_best_is_the_sum_of_the_best_clean_sectors(demo, capsys):
    home, store, race = demo
    out = run_json(capsys, home, "best", race.id, "--json")
    clean = [lap for lap in store.laps(race.id) if lap.lap_time and not lap.flag_list]
    independent = sum(min(getattr(lap, f"sector{k}") for lap in clean) for k in (1, 2, 3))
    assert out["theoretical_best"] == pytest.approx(independent, abs=0.0015)
    assert out["theoretical_best"] <= min(lap.lap_time for lap in clean)
    assert {s["sector"] for s in out["sectors"]} == {1, 2, 3}
    assert all(s["lap"] in {lap.id for lap in clean} for s in out["sectors"])
    assert out["minisectors_best"] <= min(lap.lap_time for lap in clean)
    by_track = run_json(capsys, home, "best", "--track", race.track, "--json")
    assert by_track["theoretical_best"] == out["theoretical_best"]


def test_f1_theoretical_best_uses_only_clean_laps(f1_loaded):
    from app.services.analysis.archive import best_report

    race = f1_loaded.results[(2025, "Australia", "FP1")].race
    out = best_report(f1_loaded.store, race_id=race.id)
    laps = f1_loaded.store.laps(race.id)
    clean = [lap for lap in laps if lap.lap_time and not lap.flag_list and None not in (lap.sector1, lap.sector2,
                                                                                           lap.sector3)]
    independent = sum(min(getattr(lap, f"sector{k}") for lap in clean) for k in (1, 2, 3))
    assert out["theoretical_best"] == pytest.approx(independent, abs=0.0015)
    assert out["fastest_lap"]["lap_time"] == 77.252


def test_compare_json_is_the_contract(demo, capsys):
    home, store, race = demo
    laps = sorted(full_traces(store, race.id), key=lambda t: t.lap_time)
    ref, lap = laps[0], laps[-1]
    out = run_json(capsys, home, "compare", lap.lap_id, ref.lap_id, "--json")
    for key in ("lap", "reference", "lap_time_delta", "delta_at_line", "uncertainty", "alignment", "sectors",
                "segments"):
        assert key in out
    assert out["lap"] == lap.lap_id and out["reference"] == ref.lap_id
    assert out["delta_at_line"] == pytest.approx(out["lap_time_delta"], abs=0.010)
    assert [s["sector"] for s in out["sectors"]] == [1, 2, 3]
    assert out["sectors"][-1]["delta"] == pytest.approx(out["delta_at_line"], abs=1e-3)
    cumulative = np.cumsum(np.array(lap.sectors) - np.array(ref.sectors))
    assert [s["delta"] for s in out["sectors"]] == pytest.approx(list(cumulative), abs=0.030)
    seg = out["segments"]
    assert seg[0]["start"] == 0 and all(a["end"] == b["start"] for a, b in zip(seg, seg[1:], strict=False))
    assert sum(s["time_delta"] for s in seg) == pytest.approx(out["delta_at_line"], abs=0.002)
    for s in seg:
        assert s["kind"] in ("corner", "straight") and set(s["lap"]) >= {"entry_speed", "min_speed", "exit_speed",
                                                                        "brake_point"}
        assert (s["apex"] is None) == (s["kind"] == "straight")


def test_corner_edits_are_kept_per_track(demo, capsys):
    home, store, race = demo
    first = run_json(capsys, home, "corners", race.id, "--json")
    names = [c["name"] for c in first["corners"]]
    assert names == [f"T{k}" for k in range(1, len(names) + 1)]
    assert all(c["start"] <= c["apex"] <= c["end"] for c in first["corners"])
    edited = run_json(capsys, home, "corners", race.id, "--rename", "T1=Senna", "--merge", "T3,T4", "--json")
    assert edited["edited"] and edited["corners"][0]["name"] == "Senna" and len(edited["corners"]) == len(names) - 1
    again = run_json(capsys, home, "corners", "--track", race.track, "--json")  # a new process reads the file
    assert again["corners"] == edited["corners"]
    senna = edited["corners"][0]
    middle = (senna["start"] + senna["end"]) / 2
    split = run_json(capsys, home, "corners", race.id, "--split", f"Senna@{middle}", "--json")
    assert [c["name"] for c in split["corners"][:2]] == ["Senna", "Sennab"]
    # The segments of a comparison follow the edited model.
    laps = sorted(full_traces(store, race.id), key=lambda t: t.lap_time)
    out = run_json(capsys, home, "compare", laps[1].lap_id, laps[0].lap_id, "--json")
    assert "Senna" in [s["name"] for s in out["segments"]]
    fresh = run_json(capsys, home, "corners", race.id, "--redetect", "--json")
    assert fresh["corners"][0]["name"] == "T1" and not fresh["edited"]


def test_bad_requests_are_one_line_errors(demo, capsys):
    home, _, race = demo
    assert main(["--home", str(home), "compare", "nope", "nope2"]) == 1
    assert "No lap nope" in capsys.readouterr().err
    assert main(["--home", str(home), "corners", "--track", "Nowhere"]) == 1
    assert "Nowhere" in capsys.readouterr().err
    assert main(["--home", str(home), "corners", race.id, "--split", "T1@99999"]) == 1
    assert "split it inside" in capsys.readouterr().err
