"""`pitwall query "SQL"` and `pitwall report ...`: SQL over the archive and the built-in reports."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

from app.cli.common import home_from, print_json, settings_from, table
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

    p = sub.add_parser("report", help="built-in reports: circuits, drivers, devices overview|daily|list|latest; "
                                      "session RACE_ID -o report.pdf|.html")
    p.add_argument("kind", choices=("circuits", "drivers", "devices", "session"))
    p.add_argument("which", nargs="?", help="devices: overview|daily|list|latest; session: the race id")
    p.add_argument("-o", "--output", help="session: the report file, .pdf or .html")
    p.add_argument("--reference", metavar="LAP_UUID", help="session: compare the best lap with this lap")
    p.add_argument("--source", help="for devices: a Parquet file or folder, or an s3://bucket/prefix URL")
    p.add_argument("--ref", help="drivers: one driver's career by season (a driverRef, e.g. hamilton); "
                                 "circuits: every race at one circuit (a circuitRef, e.g. monza)")
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
    if args.kind == "session":
        from app.cli.session_report import cmd_session_report

        return cmd_session_report(args)
    if args.kind == "devices":
        if not args.which:
            raise PitwallError("Which device report? overview, daily, list or latest.")
        if args.which not in DEVICE_REPORTS:
            raise PitwallError(f"Unknown device report {args.which!r}: overview, daily, list or latest.")
        if not args.source:
            raise PitwallError("Device reports need --source: a Parquet folder or an s3://bucket/prefix URL.")
        name = f"devices {args.which}"
    elif args.ref:
        return _report_page(args)
    else:
        if args.which:
            raise PitwallError(f"The {args.kind} report takes no sub-report.")
        name = args.kind
        # the history summaries read the data directory directly: no DuckDB connection, no catalog copy
        from app.services.analytics.reports import summary_report

        _print(summary_report(home_from(args), name), args, PLAIN_COLUMNS.get(name))
        return 0
    from app.services.analytics import run_report

    store, archive = _open(args, args.source if args.kind == "devices" else None)
    try:
        result = run_report(archive, name)
    finally:
        archive.close()
        store.close()
    _print(result, args, PLAIN_COLUMNS.get(name))
    return 0


# Plain-text output of the history reports: the columns that fit a terminal (--json and --csv have them all).
PLAIN_COLUMNS = {
    "drivers": ["driver", "driver_ref", "races", "wins", "podiums", "poles", "points", "first_season",
                "last_season", "sprints"],
    "circuits": ["circuit", "circuit_ref", "country", "races", "fastest_lap", "fastest_lap_driver",
                 "fastest_lap_year", "first_year", "last_year", "own_fastest_lap"],
}


def _report_page(args) -> int:
    from app.services.analytics.reports import page_report

    _print(page_report(home_from(args), args.kind, args.ref), args)
    return 0


def _print(result: QueryResult, args, columns: list[str] | None = None) -> None:
    if result.truncated:
        print(f"pitwall: only the first {result.row_count} rows are shown", file=sys.stderr)
    if args.json:
        print_json([{k: _plain(v) for k, v in row.items()} for row in result.records()])
    elif args.csv:
        import pyarrow.csv as pacsv

        pacsv.write_csv(result.table, sys.stdout.buffer)
    else:
        shown = result.table.select(columns) if columns else result.table
        cell = _text if columns else _plain
        rows = [[cell(v) for v in r.values()] for r in shown.slice(0, SHOWN_ROWS).to_pylist()]
        print(table(rows, shown.column_names))
        more = result.row_count - len(rows)
        print(f"({result.row_count} rows{f', {more} not shown: use --csv or --json' if more > 0 else ''})",
              file=sys.stderr)


def _text(value):
    """Plain-text cells: times in seconds to three decimals."""
    if isinstance(value, float):
        return None if not math.isfinite(value) else f"{value:.3f}".rstrip("0").rstrip(".")
    return value


def _plain(value):
    """JSON has no NaN or infinity: show them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
