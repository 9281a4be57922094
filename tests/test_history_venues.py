"""The mapping from the user's sessions to Ergast circuits: every FastF1 event location of the recorded
schedules lands on the circuit the history has for that season and round, and AMS2 track names land on theirs."""

import json

import pytest

from app.cli import main
from app.services.history.venues import Circuit, VenueMatcher
from tests.history_support import csv_rows

pytestmark = pytest.mark.usefixtures("no_network")

SEASONS = (2018, 2019, 2021, 2022, 2023)  # in the recorded schedules and in the bundled history
NEWER = (2024, 2025)  # in the recorded schedules only


@pytest.fixture(scope="module")
def matcher() -> VenueMatcher:
    circuits = [Circuit(int(r["circuitId"]), r["circuitRef"], r["name"], r["location"], r["country"])
                for r in csv_rows("circuits")]
    return VenueMatcher(circuits)  # names only: no (season, round) shortcut


def schedule(home, recorded, year: int, capsys) -> list[dict]:
    assert main(["--home", str(home), "f1", "schedule", str(year), "--f1-recorded", str(recorded), "--json"]) == 0
    return json.loads(capsys.readouterr().out)["events"]


def test_fastf1_locations_map_to_the_historical_circuit(matcher, home, f1_recorded, capsys):
    ref_of = {r["circuitId"]: r["circuitRef"] for r in csv_rows("circuits")}
    by_round = {(int(r["year"]), int(r["round"])): ref_of[r["circuitId"]] for r in csv_rows("races")}
    by_location: dict[str, str] = {}
    checked = 0
    for year in SEASONS:
        for event in schedule(home, f1_recorded, year, capsys):
            if event["round"] == 0:  # pre-season testing
                continue
            want = by_round[(year, event["round"])]
            got = matcher.match(event["location"], {"event": event["name"]})
            assert got is not None and got.ref == want, (year, event["name"], event["location"])
            by_location[event["location"]] = want
            checked += 1
    assert checked > 100
    # newer seasons: the same venues (some spelled differently by FastF1) map to the same circuits
    for year in NEWER:
        for event in schedule(home, f1_recorded, year, capsys):
            if event["round"] == 0:
                continue
            got = matcher.match(event["location"], {"event": event["name"]})
            assert got is not None, (year, event["location"])
            if event["location"] in by_location:
                assert got.ref == by_location[event["location"]]
    assert matcher.match_name("Miami Gardens").ref == "miami"


def test_season_and_round_decide_for_f1_sessions_in_the_history(matcher):
    by_round = {(int(r["year"]), int(r["round"])): int(r["circuitId"]) for r in csv_rows("races")}
    inside = VenueMatcher(matcher.circuits, by_round)
    # 1950 round 1 was Silverstone, whatever the session calls its track
    assert inside.match("Somewhere", {"year": 1950, "round": 1}).ref == "silverstone"
    assert inside.match("Monza", {"year": 2031, "round": 1}).ref == "monza"  # outside: by name


@pytest.mark.parametrize("track, ref", [
    ("Montreal Grand Prix", "villeneuve"),  # the real AMS2 demo recording's track
    ("Interlagos GP", "interlagos"), ("Interlagos_Historic_1976", "interlagos"),
    ("Spa-Francorchamps 2020", "spa"), ("Spa Francorchamps 1993", "spa"), ("Silverstone 1975", "silverstone"),
    ("Monza GP", "monza"), ("Monza 1971 10k", "monza"), ("Imola GP", "imola"), ("Hockenheim GP", "hockenheimring"),
    ("Brands Hatch Indy", "brands_hatch"), ("Kyalami 2019", "kyalami"), ("Jacarepagua 1988", "jacarepagua"),
    ("Buenos Aires Circuito 6", "galvez"), ("Red Bull Ring GP", "red_bull_ring"), ("Zandvoort 2023", "zandvoort"),
    ("Nurburgring Nordschleife", "nurburgring"), ("Circuit of the Americas", "americas"), ("Jerez", "jerez"),
    ("Estoril 1988", "estoril"), ("Adelaide Historic", "adelaide"), ("Long Beach", "long_beach"),
    ("Watkins Glen GP", "watkins_glen"), ("Barcelona GP", "catalunya"), ("Azure Circuit", "monaco"),
    ("Kansai GP", "suzuka"), ("Donington GP", "donington"), ("Montréal", "villeneuve"),
])
def test_ams2_tracks(matcher, track, ref):
    got = matcher.match(track)
    assert got is not None and got.ref == ref, track


@pytest.mark.parametrize("track", ["Cadwell Park", "Snetterton 300", "Velo Citta", "Circuit", "Grand Prix", ""])
def test_tracks_without_an_f1_circuit_match_nothing(matcher, track):
    assert matcher.match(track) is None
