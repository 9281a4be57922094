"""`pitwall ingest`, `races`, `laps`, `export-lap`."""

import sys
from pathlib import Path

from app.cli.common import open_store, print_json, stderr_progress, table
from app.errors import PitwallError
from app.services.export import FORMATS, export_channels
from app.services.ingest import ingest_file
from app.services.laps import format_lap_time, lap_dict, race_dict


def register(sub) -> None:
    p = sub.add_parser("ingest", help="open an AMS2 race file into the cache")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("races", help="list races and sessions in the cache")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_races)

    p = sub.add_parser("laps", help="list the laps of a race")
    p.add_argument("race_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_laps)

    p = sub.add_parser("export-lap", help="write one lap's samples to CSV or Parquet")
    p.add_argument("lap_uuid")
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(run=cmd_export_lap)


def _print_laps(laps) -> None:
    rows = [[lap.number, format_lap_time(lap.lap_time), ",".join(lap.flag_list), lap.sample_count, lap.id]
            for lap in laps]
    print(table(rows, ["lap", "time", "flags", "samples", "lap uuid"]))


def cmd_ingest(args) -> int:
    store = open_store(args)
    try:
        result = ingest_file(store, args.file, progress=stderr_progress(args.file.name))
    except PitwallError:
        # The race row (if one was made) is Failed with the reason; say it once, on stderr.
        raise
    out = {**race_dict(result.race, len(result.laps)), "already_cached": result.already_cached,
           "laps": [lap_dict(lap) for lap in result.laps]}
    if args.json:
        print_json(out)
    else:
        print(f"{result.race.id}  {result.race.status}  {result.race.track or ''}  {len(result.laps)} laps")
        _print_laps(result.laps)
    return 0


def cmd_races(args) -> int:
    store = open_store(args)
    races = store.races()
    counts = store.lap_counts()
    if args.json:
        print_json([race_dict(r, counts.get(r.id, 0)) for r in races])
    else:
        rows = [[r.id, r.source, r.status, r.track, r.name, counts.get(r.id, 0), r.error or ""] for r in races]
        print(table(rows, ["race id", "source", "status", "track", "name", "laps", "error"]))
    return 0


def cmd_laps(args) -> int:
    store = open_store(args)
    if store.race(args.race_id) is None:
        raise PitwallError(f"No race with id {args.race_id}")
    laps = store.laps(args.race_id)
    if args.json:
        print_json([lap_dict(lap) for lap in laps])
    else:
        _print_laps(laps)
    return 0


def cmd_export_lap(args) -> int:
    store = open_store(args)
    lap = store.lap(args.lap_uuid)
    if lap is None:
        raise PitwallError(f"No lap with uuid {args.lap_uuid}")
    path = export_channels(store.lap_channels(lap), args.output, args.format)
    print(path, file=sys.stderr)
    return 0
