"""`pitwall import ergast PATH`: the Formula 1 history (Ergast tables) into the archive."""

from pathlib import Path

from app.cli.common import home_from, print_json, stderr_progress, table


def register(sub) -> None:
    p = sub.add_parser("import", help="import reference data into the archive: ergast (F1 history since 1950)")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND")
    e = kinds.add_parser("ergast", help="an Ergast dump: a folder of CSV files (plain or .csv.gz) or its zip")
    e.add_argument("path", type=Path, metavar="PATH")
    e.add_argument("--json", action="store_true", help="tables, row counts and seasons as JSON")
    e.set_defaults(run=cmd_import_ergast)


def cmd_import_ergast(args) -> int:
    from app.services.history.importer import import_ergast

    result = import_ergast(home_from(args), args.path, stderr_progress("Importing Ergast"))
    if args.json:
        print_json(result.as_dict())
        return 0
    seasons = result.seasons
    print(table([[t["name"], f"{t['rows']:,}"] for t in result.tables], ["table", "rows"]))
    what = "imported" if result.changed else "already imported (nothing changed)"
    print(f"Ergast {result.version}: seasons {seasons['first']}–{seasons['last']} ({seasons['count']}), {what}, "
          f"{result.elapsed:.2f} s")
    return 0
