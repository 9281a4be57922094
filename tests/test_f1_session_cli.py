"""`pitwall f1 stints|pace|positions|compare SESSION_ID`: the JSON keys other tools read, answered from the cache
without FastF1 (a fresh interpreter running them never imports it)."""

import json
import os
import subprocess
import sys

import pytest

from app.cli import main
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("no_network")

STINT_KEYS = {"driver", "stint", "compound", "first_lap", "last_lap", "laps", "tyre_life_start", "fresh"}
PACE_KEYS = {"driver", "lap", "lap_time", "compound", "stint", "tyre_life", "pit_in", "pit_out", "track_status",
             "position"}


def run(capsys, loaded, *argv) -> tuple[int, str, str]:
    rc = main(["--home", str(loaded.store.paths.home), *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def run_json(capsys, loaded, *argv):
    rc, out, err = run(capsys, loaded, *argv, "--json")
    assert rc == 0, err
    return json.loads(out)


def session(loaded, key) -> tuple[str, list]:
    result = loaded.results[key]
    return result.race.id, result.laps


def test_stints_json(capsys, f1_loaded):
    race_id, laps = session(f1_loaded, (2025, "Miami", "S"))
    rows = run_json(capsys, f1_loaded, "f1", "stints", race_id)
    assert rows and all(set(r) == STINT_KEYS for r in rows)
    # Grouped as the laps' stint numbers group them: counted here from the lap rows' own meta.
    groups: dict[tuple, list] = {}
    for lap in laps:
        meta = json.loads(lap.meta)
        if meta["stint"] is not None:
            groups.setdefault((lap.driver, meta["stint"]), []).append((lap.number, meta))
    assert {(r["driver"], r["stint"]): r["laps"] for r in rows} == {k: len(v) for k, v in groups.items()}
    for r in rows:
        numbers = sorted(groups[(r["driver"], r["stint"])], key=lambda x: x[0])
        assert (r["first_lap"], r["last_lap"]) == (numbers[0][0], numbers[-1][0])
        assert r["tyre_life_start"] == numbers[0][1]["tyre_life"] and r["fresh"] == numbers[0][1]["fresh_tyre"]
    rc, text, _ = run(capsys, f1_loaded, "f1", "stints", race_id)
    assert rc == 0 and text.splitlines()[0].split()[:3] == ["driver", "stint", "compound"]


def test_pace_json_with_drivers(capsys, f1_loaded):
    race_id, laps = session(f1_loaded, (2018, "Azerbaijan", "R"))
    rows = run_json(capsys, f1_loaded, "f1", "pace", race_id, "--drivers", "ham,VET")
    assert rows and all(set(r) >= PACE_KEYS for r in rows)
    assert [r["driver"] for r in rows] == ["HAM"] * 51 + ["VET"] * 51
    by_key = {(lap.driver, lap.number): lap for lap in laps}
    for r in rows:
        lap = by_key[(r["driver"], r["lap"])]
        meta = json.loads(lap.meta)
        assert r["lap_time"] == lap.lap_time and r["position"] == meta["position"]
        assert (r["pit_in"], r["pit_out"]) == ("in-lap" in lap.flags, "out-lap" in lap.flags)
    assert [r["lap"] for r in rows[:51]] == list(range(1, 52))
    rc, _, err = run(capsys, f1_loaded, "f1", "pace", race_id, "--drivers", "XYZ")
    assert rc == 1 and "No laps for driver(s) XYZ" in err and "\n" not in err.strip()


def test_positions_json(capsys, f1_loaded):
    race_id, laps = session(f1_loaded, (2018, "Azerbaijan", "R"))
    rows = run_json(capsys, f1_loaded, "f1", "positions", race_id)
    assert all(set(r) == {"driver", "lap", "position", "gap_to_leader"} for r in rows)
    last = {r["driver"]: r for r in rows}  # each driver's last row
    assert last["HAM"]["lap"] == 51 and last["HAM"]["position"] == 1 and last["HAM"]["gap_to_leader"] == 0
    grid = [r["position"] for r in rows if r["lap"] == 0]  # lap 0: the grid (drivers who completed a lap)
    assert len(grid) == len(set(grid)) >= 18 and set(grid) <= set(range(1, 21))
    assert next(r for r in rows if r["driver"] == "HAM")["position"] == 2  # Hamilton started second
    quali_id, _ = session(f1_loaded, (2023, "Azerbaijan", "Q"))
    rc, _, err = run(capsys, f1_loaded, "f1", "positions", quali_id)
    assert rc == 1 and "for races and sprints" in err
    rc, _, err = run(capsys, f1_loaded, "f1", "positions", "no-such-id")
    assert rc == 1 and "No F1 session no-such-id" in err


def test_compare_json(capsys, f1_loaded):
    race_id, laps = session(f1_loaded, (2025, "Australia", "FP1"))
    data = run_json(capsys, f1_loaded, "f1", "compare", race_id, "NOR", "LEC")
    assert set(data) >= {"drivers", "laps", "lap_time_delta", "sector_deltas", "speed_trap_deltas", "compare"}
    a, b = data["laps"]
    assert (a["driver"], b["driver"]) == ("NOR", "LEC") == tuple(data["drivers"])
    assert data["lap_time_delta"] == pytest.approx(a["lap_time"] - b["lap_time"], abs=1e-3)
    assert data["sector_deltas"] == pytest.approx([x - y for x, y in zip(a["sectors"], b["sectors"], strict=True)],
                                                  abs=1e-3)
    assert data["speed_trap_deltas"]["speed_trap"] == pytest.approx(a["speed_trap"] - b["speed_trap"])
    fastest_nor = min(lap.lap_time for lap in laps if lap.driver == "NOR" and lap.lap_time and not lap.flags)
    assert a["lap_time"] == fastest_nor
    compare = data["compare"]  # exactly what `pitwall compare LAP REFERENCE` says for these two laps
    assert compare["lap"] == a["lap_id"] and compare["reference"] == b["lap_id"]
    assert compare["lap_time_delta"] == data["lap_time_delta"]
    assert abs(compare["delta_at_line"] - data["lap_time_delta"]) < 0.05 and compare["segments"]
    # A session without telemetry: times and traps only, and it says so.
    quali_id, _ = session(f1_loaded, (2019, "Italy", "Q"))
    data = run_json(capsys, f1_loaded, "f1", "compare", quali_id, "LEC", "HAM")
    assert data["compare"] is None and "No telemetry" in data["notes"][0]
    rc, text, _ = run(capsys, f1_loaded, "f1", "compare", quali_id, "LEC", "HAM")
    assert rc == 0 and "ST speed (km/h)" in text


def test_analysis_commands_never_load_fastf1(f1_loaded):
    """From a fresh interpreter: the commands answer from the catalog; FastF1 and pandas are never imported."""
    race_id, _ = session(f1_loaded, (2018, "Azerbaijan", "R"))
    code = ("import sys, json, io, contextlib\nfrom app.cli import main\n"
            f"for cmd in (['f1', 'stints', {race_id!r}, '--json'], ['f1', 'pace', {race_id!r}, '--json']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        assert main(cmd) == 0\n"
            "print(json.dumps([m for m in ('fastf1', 'pandas', 'requests') if m in sys.modules]))")
    env = {**os.environ, "PITWALL_HOME": str(f1_loaded.store.paths.home)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == []
