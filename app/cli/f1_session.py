"""`pitwall f1 stints|pace|positions|compare SESSION_ID`: a cached F1 session analysed, never calling FastF1."""

from __future__ import annotations

from typing import Any

from app.cli.common import open_reader, open_store, print_json, table


def register(f1_sub) -> None:
    s = f1_sub.add_parser("stints", help="tyre stints per driver of a cached session")
    s.add_argument("session_id")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_stints)

    s = f1_sub.add_parser("pace", help="every lap's time, tyre, stint, pit and track status")
    s.add_argument("session_id")
    s.add_argument("--drivers", help="only these drivers, e.g. VER,HAM (or car numbers)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_pace)

    s = f1_sub.add_parser("positions", help="a race's position and gap to the leader by lap")
    s.add_argument("session_id")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_positions)

    s = f1_sub.add_parser("compare", help="two drivers' fastest laps: sectors, speed traps, where the time goes")
    s.add_argument("session_id")
    s.add_argument("driver_a")
    s.add_argument("driver_b")
    s.add_argument("--json", action="store_true")
    s.set_defaults(run=cmd_compare)


def _laps(catalog, session_id: str) -> tuple[Any, list]:
    from app.errors import PitwallError
    from app.services.f1_session.laps import f1_laps

    race = catalog.race(session_id)
    if race is None or race.source != "f1":
        raise PitwallError(f"No F1 session {session_id} in the cache (see `pitwall races`).")
    if race.status != "Ready":
        raise PitwallError(f"F1 session {session_id} is {race.status}, not Ready.")
    return race, f1_laps(catalog.laps(session_id))


def _time(value: float | None) -> str:
    from app.services.laps import format_lap_time

    return format_lap_time(value) if value is not None else ""


def cmd_stints(args) -> int:
    from app.services.f1_session.stints import stints

    catalog = open_reader(args)
    try:
        _, laps = _laps(catalog, args.session_id)
    finally:
        catalog.close()
    rows = [s.to_dict() for s in stints(laps)]
    if args.json:
        print_json(rows)
    else:
        print(table([[r["driver"], r["stint"], r["compound"], f"{r['first_lap']}–{r['last_lap']}", r["laps"],
                      r["tyre_life_start"], {True: "new", False: "used"}.get(r["fresh"], "")] for r in rows],
                    ["driver", "stint", "compound", "laps", "count", "tyre age", "tyres"]))
    return 0


def cmd_pace(args) -> int:
    from app.services.f1_session.pace import pace_rows

    catalog = open_reader(args)
    try:
        _, laps = _laps(catalog, args.session_id)
    finally:
        catalog.close()
    keys = ("driver", "lap", "lap_time", "compound", "stint", "tyre_life", "pit_in", "pit_out", "track_status",
            "position")
    rows = [{k: r[k] for k in keys} | {"sectors": r["sectors"], "deleted": r["deleted"]}
            for r in pace_rows(laps, args.drivers.split(",") if args.drivers else None)]
    if args.json:
        print_json(rows)
    else:
        pit = {(True, False): "in", (False, True): "out", (True, True): "out/in"}
        print(table([[r["driver"], r["lap"], _time(r["lap_time"]) + (" (deleted)" if r["deleted"] else ""),
                      r["compound"], r["stint"], r["tyre_life"], pit.get((r["pit_in"], r["pit_out"]), ""),
                      r["track_status"], r["position"]] for r in rows],
                    ["driver", "lap", "time", "compound", "stint", "tyre age", "pit", "status", "pos"]))
    return 0


def cmd_positions(args) -> int:
    from app.errors import PitwallError
    from app.services.f1_session.drivers import drivers
    from app.services.f1_session.race import RACE_SESSIONS, position_rows

    store = open_store(args)
    try:
        race, laps = _laps(store, args.session_id)
        import json

        session = json.loads(race.meta or "{}").get("session")
        if session not in RACE_SESSIONS:
            raise PitwallError(f"Positions by lap are for races and sprints; {race.name} is not one.")
        rows = position_rows(laps, drivers(laps, store.results(args.session_id)))
    finally:
        store.close()
    if args.json:
        print_json(rows)
    else:
        print(table([[r["driver"], r["lap"], r["position"],
                      "" if r["gap_to_leader"] is None else f"+{r['gap_to_leader']:.3f} s"] for r in rows],
                    ["driver", "lap", "pos", "gap to leader"]))
    return 0


def cmd_compare(args) -> int:
    from app.services.f1_session.compare import SPEED_LABELS, compare_drivers

    store = open_store(args)
    try:
        race, laps = _laps(store, args.session_id)
        out = compare_drivers(store, laps, args.driver_a, args.driver_b, race.track)
    finally:
        store.close()
    if args.json:
        print_json(out)
        return 0
    a, b = out["laps"]
    rows = [["lap", f"L{a['lap']} {_time(a['lap_time'])}", f"L{b['lap']} {_time(b['lap_time'])}",
             _delta(out["lap_time_delta"], "s")]]
    for k in range(3):
        rows.append([f"S{k + 1}", _num(a["sectors"][k]), _num(b["sectors"][k]), _delta(out["sector_deltas"][k], "s")])
    for key, label in SPEED_LABELS.items():
        rows.append([f"{label} speed (km/h)", _num(a[key], 0), _num(b[key], 0),
                     _delta(out["speed_trap_deltas"][key], "km/h", 1)])
    print(table(rows, ["", out["drivers"][0], out["drivers"][1], "Δ (first − second)"]))
    for note in out["notes"]:
        print(f"note: {note}")
    if out["compare"]:
        c = out["compare"]
        print(f"telemetry: {_delta(c['delta_at_line'], 's')} at the line (± {c['uncertainty']:.3f} s, "
              f"aligned by {c['alignment']}); biggest losses:")
        worst = sorted(c["segments"], key=lambda s: -(s["time_delta"] or 0))[:3]
        for seg in worst:
            print(f"  {seg['name']}: {_delta(seg['time_delta'], 's')}")
    return 0


def _num(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _delta(value: float | None, unit: str, digits: int = 3) -> str:
    return "" if value is None else f"{value:+.{digits}f} {unit}"
