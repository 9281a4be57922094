"""Drivers and circuits over the Ergast history and the user's own sessions together.

Rows keep the keys of the archive-only reports (drivers: driver, races_entered, podiums, wins, points; circuits:
circuit, races, fastest_lap, fastest_driver, fastest_date, fastest_race) and add the history's. A session of the
user's that is also in the history (an F1 race of a season and round the dump has) is counted once, from the
history; its laps still show beside the historical ones (`own_*` fields). Without an import, the rows are the
archive-only reports' rows with the history fields empty.
"""

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from app.services.history import readers
from app.services.history import summary_sql as sql
from app.services.history.readers import History, read_history
from app.services.history.venues import VenueMatcher, normalise


def _blank(keys: tuple[str, ...]) -> dict[str, Any]:
    return dict.fromkeys(keys)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def venue_matcher(history: History) -> VenueMatcher:
    return VenueMatcher(history.circuit_list, history.rounds)


def _in_history(row: dict, rounds) -> bool:
    key = (_int(row.get("year")), _int(row.get("round")))
    return None not in key and key in rounds


# ---- drivers

DRIVER_KEYS = ("driver", "driver_ref", "races", "races_entered", "wins", "podiums", "poles", "points",
               "first_season", "last_season", "sprints", "sprint_wins", "sprint_podiums", "sprint_points",
               "history_races", "own_races", "code", "nationality")


def drivers(home: Path, history: History | None = None) -> list[dict]:
    history = history or read_history(home, circuits=False)
    rounds, sprint_rounds = history.rounds, history.sprint_rounds
    rows: dict[str, dict] = {}
    by_name: dict[str, str] = {}  # a name → the driver of that name who raced last (FastF1 sessions are recent)
    for h in sorted(history.drivers, key=lambda h: h["last_season"] or 0):
        row = _blank(DRIVER_KEYS)
        row.update(h, history_races=h["races"], own_races=0, races_entered=h["races"])
        rows[f"ref:{h['driver_ref']}"] = row
        by_name[normalise(h["driver"])] = f"ref:{h['driver_ref']}"
    own: dict[str, dict] = {}
    for e in readers.own_rows(home, readers.OWN_ENTRIES):
        session = e["session"]
        if session == "Race" and not _in_history(e, rounds):
            group = "race"
        elif session == "Sprint" and not _in_history(e, sprint_rounds):
            group = "sprint"
        else:
            continue  # a qualifying or practice session, or a race the history already counts
        mine = own.setdefault(normalise(e["driver"] or ""),  # one driver however a source spells the name
                              {"name": e["driver"], "race": {}, "sprint": {}, "years": set()})
        best = mine[group].setdefault(e["id"], {"position": None, "grid": None, "points": None})
        if e["position"] is not None:
            best["position"] = min(best["position"] or e["position"], e["position"])
        if e["grid"] is not None:
            best["grid"] = e["grid"]
        if e["points"] is not None:
            best["points"] = (best["points"] or 0.0) + e["points"]
        if _int(e["year"]) is not None:
            mine["years"].add(_int(e["year"]))
    for name, mine in own.items():
        key = by_name.get(name, f"own:{name}")
        if key not in rows:
            rows[key] = _blank(DRIVER_KEYS)
            rows[key].update(driver=mine["name"], races=0, wins=0, podiums=0, sprints=0, sprint_wins=0,
                             sprint_podiums=0, history_races=0)
        _add_own(rows[key], mine)
    out = list(rows.values())
    out.sort(key=lambda r: (-(r["podiums"] or 0), -(r["races_entered"] or 0), r["driver"]))
    return out


def _add_own(row: dict, mine: dict) -> None:
    races, sprints = mine["race"].values(), mine["sprint"].values()
    row["own_races"] = len(races)
    row["races"] = (row["races"] or 0) + len(races)
    row["races_entered"] = row["races"]
    row["wins"] = (row["wins"] or 0) + sum(r["position"] == 1 for r in races)
    row["podiums"] = (row["podiums"] or 0) + sum(r["position"] is not None and r["position"] <= 3 for r in races)
    grid_poles = sum(r["grid"] == 1 for r in races)
    if grid_poles or row["poles"] is not None:
        row["poles"] = (row["poles"] or 0) + grid_poles
    points = [r["points"] for r in races if r["points"] is not None]
    if points:
        row["points"] = (row["points"] or 0.0) + sum(points)
    row["sprints"] = (row["sprints"] or 0) + len(sprints)
    row["sprint_wins"] = (row["sprint_wins"] or 0) + sum(r["position"] == 1 for r in sprints)
    row["sprint_podiums"] = (row["sprint_podiums"] or 0) + sum(
        r["position"] is not None and r["position"] <= 3 for r in sprints)
    sprint_points = [r["points"] for r in sprints if r["points"] is not None]
    if sprint_points:
        row["sprint_points"] = (row["sprint_points"] or 0.0) + sum(sprint_points)
    years = mine["years"]
    if years:
        row["first_season"] = min([y for y in (row["first_season"], *years) if y is not None])
        row["last_season"] = max([y for y in (row["last_season"], *years) if y is not None])


# ---- circuits

CIRCUIT_KEYS = ("circuit", "circuit_ref", "country", "location", "races", "fastest_lap", "fastest_lap_driver",
                "fastest_lap_year", "fastest_driver", "fastest_date", "fastest_race", "first_year", "last_year",
                "history_races", "own_races", "own_tracks", "own_fastest_lap", "own_fastest_driver",
                "own_fastest_date", "own_fastest_race", "own_delta")


def circuits(home: Path, history: History | None = None) -> list[dict]:
    history = history or read_history(home, drivers=False)
    matcher = venue_matcher(history)
    rounds = set(matcher.races)
    rows: dict[str, dict] = {}
    for h in history.circuits:
        row = _blank(CIRCUIT_KEYS)
        row.update(h, fastest_driver=h["fastest_lap_driver"], history_races=h["races"], own_races=0)
        rows[f"ref:{h['circuit_ref']}"] = row
    places: dict[str, list[dict]] = defaultdict(list)
    for s in readers.own_rows(home, readers.OWN_SESSIONS):
        meta = {k: s[k] for k in ("year", "round", "location", "event")}
        circuit = matcher.match(s["track"], meta) if matcher.circuits else None
        places[f"ref:{circuit.ref}" if circuit else f"track:{s['track']}"].append(s)
    for key, sessions in places.items():
        if key not in rows:  # a venue the history does not know (or nothing imported): the archive-only row
            rows[key] = _blank(CIRCUIT_KEYS)
            rows[key].update(circuit=sessions[0]["track"], races=0, history_races=0)
        _add_sessions(rows[key], sessions, rounds)
    return sorted(rows.values(), key=lambda r: r["circuit"])


def _add_sessions(row: dict, sessions: list[dict], rounds: set[tuple[int, int]]) -> None:
    races = {s["id"] for s in sessions
             if s["session"] == "Race" and not (s["source"] == "f1" and _in_history(s, rounds))}
    row["own_races"] = len(races)
    row["races"] = (row["races"] or 0) + len(races)
    row["own_tracks"] = ", ".join(sorted({s["track"] for s in sessions}))
    timed = [s for s in sessions if s["lap_time"] is not None]
    if not timed:
        return
    best = min(timed, key=lambda s: (s["lap_time"], s["race_date"] or date.min, s["driver"] or ""))
    row.update(own_fastest_lap=best["lap_time"], own_fastest_driver=best["driver"],
               own_fastest_date=best["race_date"], own_fastest_race=best["name"])
    if row["circuit_ref"] is None:  # no history here: the fastest lap is the user's, as before any import
        row.update(fastest_lap=best["lap_time"], fastest_driver=best["driver"], fastest_date=best["race_date"],
                   fastest_race=best["name"])
    elif row["fastest_lap"] is not None:
        row["own_delta"] = round(best["lap_time"] - row["fastest_lap"], 3)


# ---- pages

def driver_seasons(home: Path, driver_ref: str) -> list[dict]:
    """A driver's career by season: races, wins, podiums, poles, points, best finish, sprints."""
    return _page(home, sql.DRIVER_SEASONS, driver_ref)


def circuit_races(home: Path, circuit_ref: str) -> list[dict]:
    """Every race at a circuit: year, race, date, winner, team, fastest lap and who set it."""
    return _page(home, sql.CIRCUIT_RACES, circuit_ref)


def known_ref(home: Path, kind: str, ref: str) -> bool:
    history = read_history(home, drivers=kind == "drivers", circuits=kind != "drivers")
    if kind == "drivers":
        return any(r["driver_ref"] == ref for r in history.drivers)
    return any(c.ref == ref for c in history.circuit_list)


def _page(home: Path, query: str, ref: str) -> list[dict]:
    conn = readers.history_connection(home)
    try:
        cur = conn.execute(query, {"ref": ref})
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        conn.close()
