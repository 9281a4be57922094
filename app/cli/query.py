"""`pitwall query "SQL"` and `pitwall report ...`: SQL over the archive and the built-in reports."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

from app.cli.common import print_json, settings_from, table
from app.errors import PitwallError

if TYPE_CHECKING:
    from app.services.analytics import QueryResult

SHOWN_ROWS = 200  # plain-text output; --csv and --json print everything
# The same names as app.services.analytics.reports.DEVICE_REPORTS (a test keeps them equal); not imported here
# because that loads DuckDB, and registering the commands must stay cheap.
DEVICE_REPORTS = ("overview", "daily", "list", "latest")


def register(sub) -> None:
    p = sub.add_parser("query", help="run read-only SQL over the archive (tables: races, laps, results, samples)")
    p.add_argument("sql", help="one SQL statement; {{LAPS}}, {{SAMPLES}}, {{S3_PATH}} placeholders allowed")
    p.add_argument("--source", help="device telemetry (Parquet folder or s3://bucket/prefix) as device_telemetry")
    p.add_argument("--unrestricted", action="store_true",
                   help="allow writes, ATTACH and reading anywhere (off unless you opt in)")
    _output_flags(p)
    p.set_defaults(run=cmd_query)

    p = sub.add_parser("report", help="built-in reports: circuits, drivers, devices overview|daily|list|latest")
    p.add_argument("kind", choices=("circuits", "drivers", "devices"))
    p.add_argument("which", nargs="?", choices=DEVICE_REPORTS, help="for devices: which report")
    p.add_argument("--source", help="for devices: a Parquet file or folder, or an s3://bucket/prefix URL")
    _output_flags(p)
    p.set_defaults(run=cmd_report)


def _output_flags(p) -> None:
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="rows as a JSON list of objects")
    fmt.add_argument("--csv", action="store_true", help="rows as CSV with a header line")


def _open(args, source: str | None, unrestricted: bool = False):
    from app.services.analytics import DeviceSource, open_archive
    from app.store import Store

    settings = settings_from(args)
    store = Store(settings.home)
    devices = DeviceSource.parse(source) if source else None
    return store, open_archive(store, devices, unrestricted=unrestricted or settings.sql_unrestricted)


def cmd_query(args) -> int:
    from app.services.analytics import run_query
    from app.services.analytics.queries import expand

    store, archive = _open(args, args.source, args.unrestricted)
    try:
        result = run_query(archive, expand(args.sql, has_devices=archive.devices is not None))
    finally:
        archive.close()
        store.close()
    _print(result, args)
    return 0


def cmd_report(args) -> int:
    if args.kind == "devices":
        if not args.which:
            raise PitwallError("Which device report? overview, daily, list or latest.")
        if not args.source:
            raise PitwallError("Device reports need --source: a Parquet folder or an s3://bucket/prefix URL.")
        name = f"devices {args.which}"
    else:
        if args.which:
            raise PitwallError(f"The {args.kind} report takes no sub-report.")
        name = args.kind
    from app.services.analytics import run_report

    store, archive = _open(args, args.source if args.kind == "devices" else None)
    try:
        result = run_report(archive, name)
    finally:
        archive.close()
        store.close()
    _print(result, args)
    return 0


def _print(result: QueryResult, args) -> None:
    if result.truncated:
        print(f"pitwall: only the first {result.row_count} rows are shown", file=sys.stderr)
    if args.json:
        print_json([{k: _plain(v) for k, v in row.items()} for row in result.records()])
    elif args.csv:
        import pyarrow.csv as pacsv

        pacsv.write_csv(result.table, sys.stdout.buffer)
    else:
        rows = [[_plain(v) for v in row] for row in result.rows(0, SHOWN_ROWS)]
        print(table(rows, result.columns))
        more = result.row_count - len(rows)
        print(f"({result.row_count} rows{f', {more} not shown: use --csv or --json' if more > 0 else ''})",
              file=sys.stderr)


def _plain(value):
    """JSON has no NaN or infinity: show them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
