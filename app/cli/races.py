"""`pitwall ingest`, `races`, `laps`, `export-lap`, `forget`.

`races` and `laps` read the catalog through the quick sqlite3 reader: they answer without SQLAlchemy or pyarrow.
"""

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from app.cli.common import open_reader, open_store, print_json, stderr_progress, table
from app.errors import PitwallError

EXPORT_FORMATS = ("csv", "parquet")  # app.services.export.FORMATS, without importing pyarrow (a test keeps them equal)
PARTIAL = 2  # exit code: some files of a folder were refused


def register(sub) -> None:
    p = sub.add_parser("ingest", help="open a race file (AMS2, MoTeC .ld, CSV/Parquet) or every race file in a folder")
    p.add_argument("file", type=Path, metavar="FILE|DIR")
    p.add_argument("--map", action="append", metavar="CHANNEL=COLUMN",
                   help="CSV/Parquet: which column is which channel (speed=Speed_kmh, time=t, lap=Lap); repeatable")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("races", help="list races and sessions in the cache")
    p.add_argument("--failed", action="store_true", help="only races that failed (with the reason)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_races)

    p = sub.add_parser("laps", help="list the laps of a race")
    p.add_argument("race_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_laps)

    p = sub.add_parser("export-lap", help="write one lap's samples to CSV or Parquet")
    p.add_argument("lap_uuid")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="csv")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(run=cmd_export_lap)

    p = sub.add_parser("forget", help="remove a race and its files from the cache (linked stills stay, unlinked)")
    p.add_argument("race_id")
    p.add_argument("--force", action="store_true", help="also when the race is still marked Processing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_forget)


def _print_laps(laps) -> None:
    from app.services.laps import format_lap_time, lap_dicts

    # F1 laps (and any source that names its drivers) get driver and team columns. "label" tells laps apart
    # where the game's lap counter repeats (AMS2 restarts it at 1 on every run from the pits).
    people = any(lap.driver or lap.team for lap in laps)
    labels = [d["label"] for d in lap_dicts(laps)]
    rows = [[label, lap.number, *([lap.driver, lap.team] if people else []), format_lap_time(lap.lap_time),
             ",".join(lap.flag_list), lap.sample_count, lap.id] for label, lap in zip(labels, laps, strict=True)]
    print(table(rows, ["label", "lap", *(["driver", "team"] if people else []), "time", "flags", "samples",
                       "lap uuid"]))


def _ingest_dict(result) -> dict:
    from app.services.laps import lap_dicts, race_dict

    return {**race_dict(result.race, len(result.laps)), "already_cached": result.already_cached,
            "damaged": result.damaged, "warnings": result.warnings, "laps": lap_dicts(result.laps)}


def cmd_ingest(args) -> int:
    if args.file.is_dir():
        return _ingest_folder(args)
    from app.services.ingest import ingest_file

    ingest: Callable[..., Any] = ingest_file
    if args.map:  # a CSV/Parquet table with its column mapping (other formats need none)
        from app.services.table_import import TABLE_SUFFIXES, ingest_table, parse_mapping

        if args.file.suffix.lower() not in TABLE_SUFFIXES:
            raise PitwallError("--map is for CSV and Parquet files")
        ingest = partial(ingest_table, mapping=parse_mapping(args.map))
    # On failure the race row (if one was made) is Failed with the reason; main() says it once, on stderr.
    result = ingest(open_store(args), args.file, progress=stderr_progress(args.file.name))
    if args.json:
        print_json(_ingest_dict(result))
    else:
        damaged = "  (damaged)" if result.damaged else ""
        print(f"{result.race.id}  {result.race.status}  {result.race.track or ''}  {len(result.laps)} laps{damaged}")
        for warning in result.warnings:
            print(f"warning: {warning}")
        _print_laps(result.laps)
    return 0


def _ingest_folder(args) -> int:
    from app.services.ingest_folder import ingest_folder

    items = ingest_folder(open_store(args), args.file, progress=stderr_progress(args.file.name))
    failed = [i for i in items if i.error]
    if args.json:
        print_json([{"file": str(i.file), "ok": i.error is None, "error": i.error,
                     **(_ingest_dict(i.result) if i.result else {})} for i in items])
    else:
        print(table([_folder_row(i) for i in items], ["file", "race id", "status", "track", "laps", "note"]))
        cached = sum(1 for i in items if i.result and i.result.already_cached)
        print(f"{len(items)} files: {len(items) - len(failed) - cached} ingested, {cached} already cached, "
              f"{len(failed)} failed", file=sys.stderr)
    for i in failed:
        print(f"pitwall: {i.file.name}: {i.error}", file=sys.stderr)
    return PARTIAL if failed else 0


def _folder_row(item) -> list:
    if item.result is None:
        return [item.file.name, "", "Failed", "", "", item.error]
    race = item.result.race
    return [item.file.name, race.id, race.status, race.track or "", len(item.result.laps),
            "already cached" if item.result.already_cached else ""]


def cmd_races(args) -> int:
    from app.domain.enums import RaceStatus
    from app.services.laps import race_dict

    catalog = open_reader(args)
    races = [r for r in catalog.races() if not args.failed or r.status == RaceStatus.FAILED]
    counts = catalog.lap_counts()
    if args.json:
        print_json([race_dict(r, counts.get(r.id, 0)) for r in races])
    else:
        rows = [[r.id, r.source, r.status, r.track, r.name, counts.get(r.id, 0), r.error or ""] for r in races]
        print(table(rows, ["race id", "source", "status", "track", "name", "laps", "error"]))
    return 0


def cmd_laps(args) -> int:
    from app.services.laps import lap_dicts

    catalog = open_reader(args)
    if catalog.race(args.race_id) is None:
        raise PitwallError(f"No race with id {args.race_id}")
    laps = catalog.laps(args.race_id)
    if args.json:
        print_json(lap_dicts(laps))
    else:
        _print_laps(laps)
    return 0


def cmd_export_lap(args) -> int:
    from app.services.export import export_channels

    store = open_store(args)
    lap = store.lap(args.lap_uuid)
    if lap is None:
        raise PitwallError(f"No lap with uuid {args.lap_uuid}")
    path = export_channels(store.lap_channels(lap), args.output, args.format)
    print(path, file=sys.stderr)
    return 0


def cmd_forget(args) -> int:
    from app.services.forget import forget_race

    forget_race(open_store(args), args.race_id, force=args.force)
    if args.json:
        print_json({"race_id": args.race_id, "removed": True})
    else:
        print(f"{args.race_id} removed", file=sys.stderr)
    return 0
