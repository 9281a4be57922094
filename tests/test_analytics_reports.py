"""Circuits and drivers reports on real data: recorded Ergast results and the real AMS2 race files."""

from collections import defaultdict

import pytest

from app.services.analytics import open_archive, run_query, run_report
from app.services.analytics.queries import expand, find_query
from app.services.ingest import ingest_file
from tests.analytics_support import best_time, driver_name, ergast_races, load_ergast
from tests.conftest import DEMO_RACE, SHORT_RACE


@pytest.fixture
def archive(store):
    load_ergast(store)
    for path in (DEMO_RACE, SHORT_RACE):
        ingest_file(store, path)
    a = open_archive(store)
    yield a
    a.close()


def expected_circuits(store) -> dict[str, dict]:
    """Per circuit from the raw responses and the stored AMS2 laps, without SQL."""
    out: dict[str, dict] = defaultdict(lambda: {"races": 0, "best": None})
    for session, race in ergast_races():
        circuit = out[race["Circuit"]["circuitName"]]
        circuit["races"] += session == "Race"
        for entry in race.get("Results") or race["QualifyingResults"]:
            t = best_time(session, entry)
            if t is not None and (circuit["best"] is None or t < circuit["best"][0]):
                circuit["best"] = (t, driver_name(entry), race["date"])
    for race in store.races():
        if race.source != "ams2":
            continue
        circuit = out[race.track]
        circuit["races"] += 1
        for lap in store.laps(race.id):
            if lap.lap_time is not None and "invalid" not in lap.flag_list:
                if circuit["best"] is None or lap.lap_time < circuit["best"][0]:
                    circuit["best"] = (lap.lap_time, "You", race.created_at.date().isoformat())
    return dict(out)


def test_circuits_fastest_lap_and_race_count(store, archive):
    rows = {r["circuit"]: r for r in run_report(archive, "circuits").records()}
    expected = expected_circuits(store)
    assert set(rows) == set(expected)
    assert {"Bahrain International Circuit", "Silverstone Circuit", "Montreal Grand Prix"} <= set(rows)
    for name, want in expected.items():
        got = rows[name]
        assert got["races"] == want["races"], name
        assert got["fastest_lap"] == pytest.approx(want["best"][0]), name
        assert got["fastest_driver"] == want["best"][1], name
        assert got["fastest_date"].isoformat() == want["best"][2], name
    assert rows["Bahrain International Circuit"]["races"] == 4
    assert rows["Montreal Grand Prix"]["races"] == 2
    # Jeddah: the qualifying session is not a race, but its laps count for the fastest lap
    assert rows["Jeddah Corniche Circuit"]["races"] == 3
    assert "Qualifying" in rows["Jeddah Corniche Circuit"]["fastest_race"]


def test_drivers_podiums_and_races_entered(archive):
    podiums: dict[str, int] = defaultdict(int)
    entered: dict[str, int] = defaultdict(int)
    for session, race in ergast_races():
        if session != "Race":
            continue  # a qualifying top three is not a podium
        for entry in race["Results"]:
            entered[driver_name(entry)] += 1
            podiums[driver_name(entry)] += int(entry["position"]) <= 3
    entered["You"] = 2  # the two AMS2 race files
    podiums["You"] = 0

    rows = run_report(archive, "drivers").records()
    got = {r["driver"]: (r["podiums"], r["races_entered"]) for r in rows}
    assert got == {d: (podiums[d], entered[d]) for d in entered}
    assert rows[0]["podiums"] == max(podiums.values())  # most podiums first
    assert got["Max Verstappen"][0] >= 5


def test_example_query_joins_laps_with_samples(store, archive):
    rows = run_query(archive, expand(find_query(store.paths.queries_dir, "lap_top_speed").text)).records()
    timed = [lap for race in store.races() for lap in store.laps(race.id) if lap.lap_time is not None]
    assert len(rows) == len(timed) == 4
    for row in rows:
        lap = next(lap for lap in timed if lap.lap_time == row["lap_time"])
        speed = store.lap_channels(lap, ["speed"])["speed"]
        assert row["top_speed"] == pytest.approx(float(speed.max()))


def test_reports_empty_archive(store):
    a = open_archive(store)
    try:
        assert run_report(a, "circuits").row_count == 0
        assert run_report(a, "drivers").row_count == 0
    finally:
        a.close()
