"""`pitwall f1 schedule YEAR` and `pitwall f1 load YEAR EVENT SESSION`: F1 sessions through FastF1.
(The analysis commands of a cached session are in app/cli/f1_session.py.)

A session already in the cache is answered from the quick catalog reader, without FastF1, pandas or SQLAlchemy.
"""

import sys
from pathlib import Path

from app.cli.common import open_reader, print_json, stderr_progress, table


def register(sub) -> None:
    p = sub.add_parser("f1", help="F1 sessions through FastF1 (schedule, load) and their analysis "
                                  "(stints, pace, positions, compare)")
    f1_sub = p.add_subparsers(dest="f1_command", required=True, metavar="F1_COMMAND")

    s = f1_sub.add_parser("schedule", help="a season's events and their sessions")
    s.add_argument("year", type=int)
    _common(s)
    s.set_defaults(run=cmd_schedule)

    s = f1_sub.add_parser("load", help="load a session into the cache (instant when it is cached already)")
    s.add_argument("year", type=int)
    s.add_argument("event", help="event name, country, place or round number (Australia, Monza, 5)")
    s.add_argument("session", help="FP1, FP2, FP3, Q, SQ, S, R or the full name")
    s.add_argument("--drivers", help="only report these drivers, e.g. VER,HAM")
    s.add_argument("--frame-skip", type=int, default=None,
                   help="keep every Nth telemetry sample for huge sessions (default 1: full resolution)")
    _common(s)
    s.set_defaults(run=cmd_load)

    from app.cli import f1_session  # standard library only at import time, like this module

    f1_session.register(f1_sub)


def _common(p) -> None:
    p.add_argument("--f1-recorded", type=Path, metavar="DIR",
                   help="replay recorded FastF1 responses from DIR and make no network calls "
                        "(also $PITWALL_F1_RECORDED)")
    p.add_argument("--json", action="store_true")


def _context(args):
    from app.config import load_settings
    from app.store import Store

    overrides: dict = {}
    if getattr(args, "home", None):
        overrides["home"] = args.home
    if args.f1_recorded:
        overrides["f1_recorded"] = args.f1_recorded.expanduser().resolve()
    settings = load_settings(**overrides)
    return settings, Store(settings.home)


def cmd_schedule(args) -> int:
    from app.services import f1

    settings, store = _context(args)
    events = f1.schedule(settings, store, args.year, progress=stderr_progress(f"schedule {args.year}"))
    if args.json:
        print_json({"year": args.year, "events": [e.to_dict() for e in events]})
    else:
        rows = [[e.round, e.name, e.country, e.date, ", ".join(s.name for s in e.sessions)] for e in events]
        print(table(rows, ["round", "event", "country", "date", "sessions"]))
    return 0


def _quick_frame_skip(args) -> int | None:
    """The frame skip asked for, when it is known without the full settings (None: ask them)."""
    from app.home import DEFAULT_F1_FRAME_SKIP, env_setting

    if args.frame_skip is not None:
        return args.frame_skip
    return DEFAULT_F1_FRAME_SKIP if env_setting("f1_frame_skip") is None else None


def cmd_load(args) -> int:
    from app.services import f1
    from app.services.laps import format_lap_time

    skip = _quick_frame_skip(args)
    result = None
    if skip is not None and skip >= 1:
        catalog = open_reader(args)
        result = f1.open_cached(catalog, args.year, args.event, args.session, skip)
        catalog.close()
    if result is None:
        settings, store = _context(args)
        skip = args.frame_skip if args.frame_skip is not None else settings.f1_frame_skip
        result = f1.open_session(store, settings, args.year, args.event, args.session,
                                 progress=stderr_progress(f"{args.year} {args.event} {args.session}"),
                                 frame_skip=skip)
    drivers = args.drivers.split(",") if args.drivers else None
    summary = f1.driver_summary(result.laps, drivers)
    race = result.race
    if args.json:
        print_json({
            "session_id": race.id, "status": race.status, "name": race.name,
            "already_cached": result.already_cached, "lap_count": len(result.laps), "warnings": result.warnings,
            "drivers": summary,
        })
    else:
        for note in result.warnings:
            print(f"note: {note}", file=sys.stderr)
        cached = "  (from the cache)" if result.already_cached else ""
        print(f"{race.id}  {race.status}  {race.name}  {len(result.laps)} laps{cached}")
        rows = [[d["driver"], d["team"], d["laps"], format_lap_time(d["fastest_lap_time"])] for d in summary]
        print(table(rows, ["driver", "team", "laps", "fastest"]))
    return 0
