"""Drivers and circuits over the imported Ergast history, checked against pandas over the same CSV files, and
merged with the user's own sessions (recorded Ergast F1 sessions and the real AMS2 Montreal files)."""

import json
from collections import defaultdict

import pytest

from app.cli import main
from app.services.analytics import open_archive, run_query, run_report
from app.services.analytics.queries import expand, find_query
from app.services.history.importer import import_ergast
from app.services.history.venues import normalise
from app.services.ingest import ingest_file
from tests.analytics_support import driver_name, ergast_races, load_ergast
from tests.conftest import DEMO_RACE, SHORT_RACE
from tests.history_support import DUMP, frame, lap_seconds


@pytest.fixture(scope="module")
def pandas_drivers():
    """Per driverId, the drivers report computed with pandas from the CSVs (definitions: summary_sql.py)."""
    import pandas as pd

    res, races, drivers = frame("results"), frame("races"), frame("drivers")
    quali, sprint = frame("qualifying"), frame("sprint_results")
    gp = res.merge(races[["raceId", "year"]], on="raceId")
    out = gp.groupby("driverId").agg(races=("raceId", "nunique"), points=("points", "sum"),
                                     first_season=("year", "min"), last_season=("year", "max"))
    out["wins"] = gp[gp.position == 1].groupby("driverId").raceId.nunique()
    out["podiums"] = gp[gp.position <= 3].groupby("driverId").raceId.nunique()
    grid_poles = res[res.grid == 1][["raceId", "driverId"]]
    quali_poles = quali[(quali.position == 1) & ~quali.raceId.isin(grid_poles.raceId)][["raceId", "driverId"]]
    poles = pd.concat([grid_poles, quali_poles])
    out["poles"] = poles.groupby("driverId").raceId.nunique()
    out["sprints"] = sprint.groupby("driverId").raceId.nunique()
    out["sprint_wins"] = sprint[sprint.position == 1].groupby("driverId").raceId.nunique()
    out["sprint_podiums"] = sprint[sprint.position <= 3].groupby("driverId").raceId.nunique()
    out["sprint_points"] = sprint.groupby("driverId").points.sum()
    out = out.fillna(0).join(drivers.set_index("driverId")[["driverRef", "forename", "surname"]])
    return {row.driverRef: row for row in out.itertuples()}


@pytest.fixture(scope="module")
def pandas_circuits():
    res, races, circuits, drivers = frame("results"), frame("races"), frame("circuits"), frame("drivers")
    done = races[races.raceId.isin(res.raceId)]
    out = done.groupby("circuitId").agg(races=("raceId", "count"), first_year=("year", "min"),
                                        last_year=("year", "max"))
    laps = res.dropna(subset=["fastestLapTime"]).merge(races[["raceId", "circuitId", "year", "date"]], on="raceId")
    laps["seconds"] = laps.fastestLapTime.map(lap_seconds)
    best = laps.sort_values(["seconds", "date", "driverId"]).groupby("circuitId").head(1).set_index("circuitId")
    best = best.join(drivers.set_index("driverId")[["forename", "surname"]], on="driverId")
    out = out.join(best[["seconds", "year", "forename", "surname"]]).join(
        circuits.set_index("circuitId")[["circuitRef", "name", "country"]])
    return {row.circuitRef: row for row in out.itertuples()}


@pytest.fixture
def history_archive(store):
    import_ergast(store.paths.home, DUMP)
    a = open_archive(store)
    yield a
    a.close()


def test_drivers_match_pandas_for_every_driver(history_archive, pandas_drivers):
    rows = {r["driver_ref"]: r for r in run_report(history_archive, "drivers").records()}
    assert set(rows) == set(pandas_drivers)
    for ref, want in pandas_drivers.items():
        got = rows[ref]
        assert got["driver"] == f"{want.forename} {want.surname}"
        for key in ("races", "wins", "podiums", "poles", "first_season", "last_season", "sprints", "sprint_wins",
                    "sprint_podiums"):
            assert got[key] == int(getattr(want, key)), (ref, key)
        assert got["points"] == pytest.approx(want.points) and got["sprint_points"] == pytest.approx(
            want.sprint_points), ref
        assert got["races_entered"] == got["races"]  # the archive-only report's key, same meaning
    ham = rows["hamilton"]
    # the public record to the end of 2023, as a sanity check of the definitions (not of the arithmetic)
    assert (ham["wins"], ham["podiums"], ham["poles"], ham["races"]) == (103, 197, 104, 332)
    assert ham["sprints"] == 12  # sprints apart: not in races, wins or podiums
    assert rows["max_verstappen"]["wins"] == 54 and rows["max_verstappen"]["poles"] == 32


def test_circuits_match_pandas(history_archive, pandas_circuits):
    rows = {r["circuit_ref"]: r for r in run_report(history_archive, "circuits").records()}
    assert set(rows) == set(pandas_circuits)
    for ref, want in pandas_circuits.items():
        got = rows[ref]
        assert (got["circuit"], got["country"], got["races"]) == (want.name, want.country, want.races)
        assert (got["first_year"], got["last_year"]) == (want.first_year, want.last_year)
        if want.seconds != want.seconds:  # NaN: no lap time recorded there (before 2004)
            assert got["fastest_lap"] is None
        else:
            assert got["fastest_lap"] == pytest.approx(want.seconds, abs=1e-9), ref
            assert got["fastest_lap_driver"] == got["fastest_driver"] == f"{want.forename} {want.surname}"
            assert got["fastest_lap_year"] == want.year
    monza = rows["monza"]
    assert (monza["fastest_lap"], monza["fastest_lap_driver"], monza["fastest_lap_year"]) == (
        pytest.approx(81.046), "Rubens Barrichello", 2004)


def test_pages_match_pandas(history_archive):
    from app.services.analytics.reports import page_report

    res, races = frame("results"), frame("races")
    seasons = page_report(history_archive.home, "drivers", "alonso").records()
    mine = res[res.driverId == 4].merge(races[["raceId", "year"]], on="raceId")  # alonso is driverId 4
    assert [s["year"] for s in seasons] == sorted(mine.year.unique())
    for s in seasons:
        year = mine[mine.year == s["year"]]
        assert s["races"] == year.raceId.nunique() and s["wins"] == int((year.position == 1).sum())
        assert s["points"] == pytest.approx(year.points.sum())
    monza = page_report(history_archive.home, "circuits", "monza").records()
    assert len(monza) == 73 and monza[0]["year"] == 1950 and monza[0]["winner"] == "Nino Farina"
    assert min(r["fastest_lap"] for r in monza if r["fastest_lap"]) == pytest.approx(81.046)


def test_console_joins_and_saved_queries(history_archive, store):
    rows = run_query(history_archive, "SELECT d.driverRef, count(*) AS starts FROM drivers d "
                     "JOIN ergast.results r ON r.driverId = d.driverId GROUP BY 1").records()
    counts = frame("results").merge(frame("drivers"), on="driverId").groupby("driverRef").size()
    assert {r["driverRef"]: r["starts"] for r in rows} == counts.to_dict()
    champions = run_query(history_archive, expand(find_query(store.paths.queries_dir, "f1_champions").text))
    by_year = {r["year"]: r["champion"] for r in champions.records()}
    assert len(by_year) == 74 and by_year[2023] == "Max Verstappen" and by_year[1950] == "Nino Farina"
    for name in ("f1_winners_at_circuit", "f1_fastest_laps_by_year"):
        assert run_query(history_archive, expand(find_query(store.paths.queries_dir, name).text)).row_count > 50


def test_history_and_own_sessions_together(store):
    """Recorded F1 sessions 2021–2025 and two AMS2 files at Montreal, with the history to 2023."""
    load_ergast(store)
    for path in (DEMO_RACE, SHORT_RACE):
        ingest_file(store, path)
    import_ergast(store.paths.home, DUMP)
    a = open_archive(store)
    try:
        drivers = {r["driver"]: r for r in run_report(a, "drivers").records()}
        circuits = {r["circuit_ref"] or r["circuit"]: r for r in run_report(a, "circuits").records()}
    finally:
        a.close()
    res, races, circuit_names = frame("results"), frame("races"), frame("circuits")
    # own races after the history's last season add to the history's counts; earlier ones are in it already
    extra_races: dict[str, int] = defaultdict(int)
    extra_wins: dict[str, int] = defaultdict(int)
    extra_at: dict[str, int] = defaultdict(int)
    for session, race in ergast_races():
        if session != "Race" or int(race["season"]) <= 2023:
            continue
        ref = circuit_names[circuit_names.name == race["Circuit"]["circuitName"]].circuitRef.item()
        extra_at[ref] += 1
        for entry in race["Results"]:
            extra_races[driver_name(entry)] += 1
            extra_wins[driver_name(entry)] += entry["position"] == "1"
    assert extra_races["Max Verstappen"] >= 2 and len(extra_at) >= 2  # the recording has 2024 and 2025 races
    ver_history = res[res.driverId == 830]  # max_verstappen
    ver = drivers["Max Verstappen"]
    assert ver["races"] == ver_history.raceId.nunique() + extra_races["Max Verstappen"]
    assert ver["wins"] == (ver_history.position == 1).sum() + extra_wins["Max Verstappen"]
    assert ver["own_races"] == extra_races["Max Verstappen"] and ver["last_season"] == 2025
    assert drivers["You"]["races"] == 2 and drivers["You"]["driver_ref"] is None
    for ref, extra in extra_at.items():
        history = races[(races.circuitId == circuit_names[circuit_names.circuitRef == ref].circuitId.item())
                        & races.raceId.isin(res.raceId)]
        assert circuits[ref]["races"] == len(history) + extra, ref
    # the AMS2 laps at Montreal beside the historical record there
    montreal = circuits["villeneuve"]
    laps = [lap.lap_time for race in store.races() if race.source == "ams2" for lap in store.laps(race.id)
            if lap.lap_time is not None and "invalid" not in lap.flag_list]
    assert montreal["own_tracks"] == "Montreal Grand Prix" and montreal["own_races"] == 2
    assert montreal["own_fastest_lap"] == pytest.approx(min(laps)) and montreal["own_fastest_driver"] == "You"
    assert montreal["own_delta"] == pytest.approx(min(laps) - montreal["fastest_lap"], abs=1e-3)
    assert "Montreal Grand Prix" not in circuits  # matched to the Ergast circuit, not a row of its own


def test_cli_reports_json(home, capsys):
    assert main(["import", "ergast", str(DUMP)]) == 0
    capsys.readouterr()
    assert main(["report", "drivers", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    keys = {"driver", "driver_ref", "races", "wins", "podiums", "poles", "points", "first_season", "last_season",
            "sprints", "races_entered"}
    assert keys <= set(rows[0]) and rows[0]["driver_ref"] == "hamilton"  # most podiums first
    assert main(["report", "circuits", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    keys = {"circuit", "circuit_ref", "country", "races", "fastest_lap", "fastest_lap_driver", "fastest_lap_year",
            "first_year", "last_year", "fastest_driver", "fastest_date", "fastest_race"}
    assert keys <= set(rows[0]) and len(rows) == 77
    assert main(["report", "drivers", "--ref", "senna", "--json"]) == 0
    assert [r["year"] for r in json.loads(capsys.readouterr().out)] == list(range(1984, 1995))
    assert main(["report", "circuits", "--ref", "nowhere"]) == 1
    assert "No circuit" in capsys.readouterr().err


def test_summaries_stored_at_import_equal_the_live_queries(history_archive):
    """Reports read the summaries computed at import; an import without them computes them live, the same."""
    from app.services.history.store import HistoryPaths

    home = history_archive.home
    stored = {n: run_report(history_archive, n).records() for n in ("drivers", "circuits")}
    pointer = HistoryPaths(home).pointer
    manifest = json.loads(pointer.read_text())
    del manifest["summaries"]
    pointer.write_text(json.dumps(manifest))
    assert {n: run_report(history_archive, n).records() for n in ("drivers", "circuits")} == stored


def test_an_older_dump_without_sprints_and_a_newer_one_with_lap_times(home, tmp_path):
    from tests.history_support import csv_rows, gz_copy, write_table

    older = gz_copy(tmp_path / "older")
    (older / "sprint_results.csv.gz").unlink()
    import_ergast(home, older)
    a = open_archive_at(home)
    try:
        ham = next(r for r in run_report(a, "drivers").records() if r["driver_ref"] == "hamilton")
        assert ham["sprints"] == 0 and ham["races"] == 332  # sprints were never in races
        assert run_query(a, "SELECT count(*) AS n FROM sprint_results").records() == [{"n": 0}]
    finally:
        a.close()
    # lap_times (not bundled: too large) count for the fastest lap when a dump has them
    newer = gz_copy(tmp_path / "newer")
    monza_2023 = next(r["raceId"] for r in csv_rows("races") if r["year"] == "2023" and r["circuitId"] == "14")
    write_table(newer, "lap_times", [
        {"raceId": monza_2023, "driverId": "1", "lap": "5", "position": "3", "time": "1:20.999",
         "milliseconds": "80999"},
        {"raceId": monza_2023, "driverId": "830", "lap": "6", "position": "1", "time": "1:25.000",
         "milliseconds": "85000"}])
    import_ergast(home, newer)
    a = open_archive_at(home)
    try:
        monza = next(r for r in run_report(a, "circuits").records() if r["circuit_ref"] == "monza")
    finally:
        a.close()
    assert (monza["fastest_lap"], monza["fastest_lap_driver"], monza["fastest_lap_year"]) == (
        pytest.approx(80.999), "Lewis Hamilton", 2023)


def open_archive_at(home):
    from app.store import Store

    store = Store(home)
    archive = open_archive(store)
    store.close()
    return archive


def test_console_table_browser_lists_the_history(store):
    from app.config import load_settings
    from app.services.analytics.session import ConsoleSession
    from app.services.history.schema import TABLES

    import_ergast(store.paths.home, DUMP)
    session = ConsoleSession(store, load_settings(home=store.paths.home))
    try:
        names = list(session.schema())
        assert {f"ergast.{t.name}" for t in TABLES} <= set(names)
        assert names.index("laps") < names.index("ergast.results")  # the archive's own tables first
        assert session.run("SELECT * FROM ergast.results LIMIT 100").row_count == 100  # what a click runs
    finally:
        session.close()


@pytest.mark.usefixtures("no_network")
def test_a_real_fastf1_race_inside_the_history_counts_once(home, f1_recorded, capsys):
    """The recorded 2018 Baku race loaded through FastF1: its laps beside Baku's record, not a second race."""
    assert main(["f1", "load", "2018", "Baku", "Race", "--f1-recorded", str(f1_recorded), "--frame-skip", "50",
                 "--json"]) == 0
    drivers = {d["driver"]: d for d in json.loads(capsys.readouterr().out)["drivers"]}
    assert main(["import", "ergast", str(DUMP)]) == 0
    capsys.readouterr()
    assert main(["report", "circuits", "--json"]) == 0
    baku = next(r for r in json.loads(capsys.readouterr().out) if r["circuit_ref"] == "baku")
    best = min((d["fastest_lap_time"], name) for name, d in drivers.items() if d["fastest_lap_time"])
    assert baku["own_tracks"] == "Baku" and baku["own_fastest_lap"] == pytest.approx(best[0])
    res, races = frame("results"), frame("races")
    assert baku["races"] == baku["history_races"] == races[(races.circuitId == 73) & races.raceId.isin(res.raceId)
                                                           ].raceId.nunique()
    assert baku["own_races"] == 0
    assert main(["report", "drivers", "--json"]) == 0
    ham = next(r for r in json.loads(capsys.readouterr().out) if r["driver_ref"] == "hamilton")
    assert ham["races"] == res[res.driverId == 1].raceId.nunique() and ham["own_races"] == 0


@pytest.mark.usefixtures("no_network")
def test_a_real_fastf1_sprint_after_the_history_adds_to_the_sprints_only(home, f1_recorded, capsys):
    """The recorded 2025 Miami sprint: each driver's sprint counts, wins and points grow; races do not."""
    assert main(["import", "ergast", str(DUMP)]) == 0
    capsys.readouterr()
    assert main(["report", "drivers", "--json"]) == 0
    before = {normalise(r["driver"]): r for r in json.loads(capsys.readouterr().out)}
    assert main(["f1", "load", "2025", "Miami", "Sprint", "--f1-recorded", str(f1_recorded), "--frame-skip", "50",
                 "--json"]) == 0
    capsys.readouterr()
    import sqlite3

    con = sqlite3.connect(home / "catalog.sqlite")
    classified = con.execute("SELECT driver, position, points FROM results").fetchall()
    con.close()
    assert len(classified) >= 18
    assert main(["report", "drivers", "--json"]) == 0
    after = {normalise(r["driver"]): r for r in json.loads(capsys.readouterr().out)}
    assert after[normalise("Nico Hulkenberg")]["driver"] == "Nico Hülkenberg"  # FastF1's spelling, matched
    for name, position, points in classified:
        driver = normalise(name)
        old = before.get(driver) or {"races": 0, "sprints": 0, "sprint_wins": 0, "sprint_points": 0.0}
        new = after[driver]
        assert new["races"] == old["races"], driver  # a sprint is not a Grand Prix
        assert new["sprints"] == old["sprints"] + 1, driver
        assert new["sprint_wins"] == old["sprint_wins"] + (position == 1), driver
        assert new["sprint_points"] == pytest.approx((old["sprint_points"] or 0) + (points or 0)), driver
        assert new["last_season"] == 2025
