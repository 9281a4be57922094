"""F1 session analysis over the cache, checked against FastF1's own Laps table (asked of FastF1 in the test,
not through Pitwall's code path): stints, pace, positions, gaps, results, and sessions with gaps in their data."""

import json

import pandas as pd
import pytest

from app.services.f1 import driver_summary, f1_config
from app.services.f1_session.compare import bests_table, column_leaders, fastest_laps, first_look
from app.services.f1_session.drivers import drivers, missing_notes
from app.services.f1_session.laps import f1_laps
from app.services.f1_session.pace import pace_rows, select_drivers, shown, slow_threshold
from app.services.f1_session.race import gaps_to_leader, positions, results_table
from app.services.f1_session.stints import stints
from app.services.f1_session.view import session_view
from app.sources.f1.replay import fastf1_call
from tests.f1_support import SESSIONS, load_without_driver_list

pytestmark = pytest.mark.usefixtures("no_network")
IDS = [f"{k[0]}-{k[1]}-{k[2]}" for k in SESSIONS]


def fastf1_laps(loaded, key) -> tuple[pd.DataFrame, pd.DataFrame]:
    """FastF1's Laps and results of a session, straight from FastF1 (warm cache, no telemetry)."""
    import fastf1

    with fastf1_call(f1_config(loaded.settings, loaded.store), "reference"):
        ses = fastf1.get_session(*key)
        ses.load(laps=True, telemetry=False, weather=False, messages=False)
        return pd.DataFrame(ses.laps), pd.DataFrame(ses.results)


def none_if_na(value):
    return None if pd.isna(value) else value


def compound(value) -> str | None:
    """FastF1's compound, where it writes an unknown one as the text "nan" (2018) or leaves it blank: None."""
    return value if isinstance(value, str) and value.lower() not in ("", "nan", "none") else None


@pytest.fixture(scope="module")
def reference(f1_loaded):
    return {key: fastf1_laps(f1_loaded, key) for key in SESSIONS}


@pytest.mark.parametrize("key", list(SESSIONS), ids=IDS)
def test_stints_group_the_laps_as_fastf1s_stint_column(f1_loaded, reference, key):
    laps = f1_laps(f1_loaded.results[key].laps)
    frame, _ = reference[key]
    want = {}
    for (driver, stint), group in frame.dropna(subset=["Stint"]).groupby(["Driver", "Stint"]):
        group = group.sort_values("LapNumber")
        first = group.iloc[0]
        want[(driver, int(stint))] = {
            "compound": next((c for c in group["Compound"] if compound(c)), None),
            "first_lap": int(group["LapNumber"].min()), "last_lap": int(group["LapNumber"].max()),
            "laps": len(group), "tyre_life_start": None if pd.isna(first["TyreLife"]) else int(first["TyreLife"]),
            "fresh": None if pd.isna(first["FreshTyre"]) else bool(first["FreshTyre"]),
        }
    got = {(s.driver, s.stint): {k: v for k, v in s.to_dict().items() if k not in ("driver", "stint")}
           for s in stints(laps)}
    assert got == want
    assert sum(s["laps"] for s in want.values()) == frame["Stint"].notna().sum()


@pytest.mark.parametrize("key", list(SESSIONS), ids=IDS)
def test_pace_rows_match_fastf1s_laps(f1_loaded, reference, key):
    laps = f1_laps(f1_loaded.results[key].laps)
    frame, _ = reference[key]
    rows = pace_rows(laps)
    assert len(rows) == len(frame) == SESSIONS[key]
    ours = {(r["driver"], r["lap"]): r for r in rows}
    for _, lap in frame.iterrows():
        row = ours[(lap["Driver"], int(lap["LapNumber"]))]
        lap_time = none_if_na(lap["LapTime"])
        assert row["lap_time"] == (None if lap_time is None else pytest.approx(lap_time.total_seconds(), abs=1e-6))
        assert row["compound"] == compound(lap["Compound"])
        assert row["stint"] == (None if pd.isna(lap["Stint"]) else int(lap["Stint"]))
        assert row["tyre_life"] == (None if pd.isna(lap["TyreLife"]) else int(lap["TyreLife"]))
        assert row["pit_in"] == (not pd.isna(lap["PitInTime"]))
        assert row["pit_out"] == (not pd.isna(lap["PitOutTime"]))
        assert row["track_status"] == (none_if_na(lap["TrackStatus"]) or None)
        assert row["position"] == (None if pd.isna(lap["Position"]) else int(lap["Position"]))
    # Rows come per driver in lap order; --drivers keeps only the ones asked for, in that order.
    two = select_drivers(laps, [frame["Driver"].iloc[-1].lower(), frame["Driver"].iloc[0]])
    subset = pace_rows(laps, two)
    assert [r["driver"] for r in subset] == sorted([r["driver"] for r in subset], key=two.index)
    assert len(subset) == frame["Driver"].isin(two).sum()


def test_positions_gaps_and_results_of_a_race(f1_loaded, reference):
    key = (2018, "Azerbaijan", "R")
    laps = f1_laps(f1_loaded.results[key].laps)
    frame, results = reference[key]
    listed = drivers(laps, f1_loaded.store.results(f1_loaded.results[key].race.id))
    pos = positions(laps, listed)
    for driver, group in frame.dropna(subset=["Position"]).groupby("Driver"):
        want = [(int(n), int(p)) for n, p in zip(group["LapNumber"], group["Position"], strict=True)]
        grid = results.set_index("Abbreviation").loc[driver, "GridPosition"]
        assert pos[driver] == ([(0, int(grid))] if grid else []) + want
    # Gap to the leader: from FastF1's session time at the end of each completed lap (a time or a position).
    done = frame.dropna(subset=["Time"])
    done = done[done["LapTime"].notna() | done["Position"].notna()]
    leader = done.groupby("LapNumber")["Time"].min()
    gaps = {d: dict(points) for d, points in gaps_to_leader(laps).items()}
    assert sum(len(g) for g in gaps.values()) == len(done)
    for _, lap in done.iterrows():
        want = (lap["Time"] - leader[lap["LapNumber"]]).total_seconds()
        assert gaps[lap["Driver"]][int(lap["LapNumber"])] == pytest.approx(want, abs=1e-3)
    assert all(gaps[d][n] == 0 for d, n in frame.loc[frame["Position"] == 1, ["Driver", "LapNumber"]].values)
    # Results: classification order, grid, points and status as FastF1 has them.
    table = results_table(listed)
    assert [r["driver"] for r in table] == list(results.sort_values("Position")["Abbreviation"])
    by_code = results.set_index("Abbreviation")
    for r in table:
        assert r["grid"] == int(by_code.loc[r["driver"], "GridPosition"])
        assert r["points"] == by_code.loc[r["driver"], "Points"]
        assert r["status"] == by_code.loc[r["driver"], "Status"]
        assert r["gained"] == r["grid"] - r["position"]
    # The strategy chart's order: finishing order.
    view = session_view(f1_loaded.store, f1_loaded.results[key].race.id)
    assert view.is_race and list(dict.fromkeys(s.driver for s in view.stints)) == [r["driver"] for r in table
                                                                                    if r["laps"]]


def test_slow_and_flag_laps_filter(f1_loaded, reference):
    key = (2018, "Azerbaijan", "R")
    laps = f1_laps(f1_loaded.results[key].laps)
    frame, _ = reference[key]
    threshold = slow_threshold(laps)
    quick = frame[frame["LapTime"] < frame.loc[~frame["Deleted"].eq(True), "LapTime"].min() * 1.07]
    assert sum(shown(lap, threshold, True, False) for lap in laps) == len(quick)
    green = frame[frame["LapTime"].notna() & ~frame["TrackStatus"].fillna("").str.contains("[24567]")]
    assert sum(shown(lap, threshold, False, True) for lap in laps) == len(green)


def test_compare_bests_and_first_look(f1_loaded, reference):
    key = (2025, "Australia", "FP1")
    laps = f1_laps(f1_loaded.results[key].laps)
    frame, _ = reference[key]
    rows = {r["driver"]: r for r in bests_table(laps, ["NOR", "VER"])}
    for driver in ("NOR", "VER"):
        mine = frame[(frame["Driver"] == driver) & ~frame["Deleted"].eq(True)]
        sectors = [mine[f"Sector{k}Time"].min().total_seconds() for k in (1, 2, 3)]
        assert rows[driver]["sectors"] == pytest.approx(sectors)
        assert rows[driver]["theoretical"] == pytest.approx(sum(sectors), abs=1e-3)
        assert rows[driver]["speed_trap"] == mine["SpeedST"].max()
        assert rows[driver]["speed_i1"] == mine["SpeedI1"].max()
    leaders = column_leaders(list(rows.values()))
    assert leaders["speed_trap"] == max(rows.values(), key=lambda r: r["speed_trap"])["driver"]
    picked = fastest_laps(laps, ["NOR", "VER"])
    assert picked["NOR"].lap_time == 77.252 and all(lap.has_telemetry for lap in picked.values())
    first = first_look(laps)  # what the window selects after a load: the three quickest drivers' fastest laps
    quickest = frame.dropna(subset=["LapTime"]).groupby("Driver")["LapTime"].min().sort_values()
    assert [lap.driver for lap in first] == list(quickest.index[:3])


def test_session_without_telemetry_still_summarises(f1_loaded):
    view = session_view(f1_loaded.store, f1_loaded.results[(2019, "Italy", "Q")].race.id)
    assert any("No telemetry" in note for note in view.notes)
    assert len(view.drivers) == 20 and sum(d.laps for d in view.drivers) == len(view.laps) == 275
    assert sum(1 for d in view.drivers if d.fastest) >= 19 and len(view.stints) > 20
    assert first_look(view.laps) == []  # nothing to overlay: the window leaves the selection alone


@pytest.fixture(scope="module")
def no_driver_list(f1_loaded, f1_recorded, tmp_path_factory):
    store, result = load_without_driver_list(f1_recorded, tmp_path_factory.mktemp("no-driver-list"))
    yield store, result
    store.close()


def test_session_without_a_driver_list(no_driver_list, f1_loaded):
    store, result = no_driver_list
    full = f1_loaded.results[(2024, "British", "FP1")].laps
    numbers = {json.loads(lap.meta)["driver_number"]: lap.driver for lap in full}
    # Every lap belongs to a driver: its car number.
    assert len(result.laps) == len(full) and all(lap.driver and lap.driver.isdigit() for lap in result.laps)
    assert {lap.driver for lap in result.laps} == set(numbers)
    summary = driver_summary(result.laps)
    assert len(summary) == 20 and sum(d["laps"] for d in summary) == len(full)
    assert driver_summary(result.laps, ["44"])[0]["driver"] == "44"
    laps = f1_laps(result.laps)
    view = session_view(store, result.race.id)
    assert len(view.drivers) == 20 and all(d.colour.startswith("#") and not d.has_team_colour for d in view.drivers)
    assert any("No driver list" in note for note in missing_notes(laps, store.results(result.race.id)))
    # The per-driver summaries match the full session's, driver for driver.
    ours = {(s.driver, s.stint, s.laps) for s in stints(laps)}
    theirs = {(num, s.stint, s.laps) for s in stints(f1_laps(full)) for num, code in numbers.items()
              if code == s.driver}
    assert ours == theirs
    assert len(pace_rows(laps)) == len(full)
