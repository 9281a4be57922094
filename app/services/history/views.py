"""The history in a DuckDB connection: schema `ergast` with one view per table over the current import's Parquet.

Tables the dump did not have (or every table, before any import) are empty views with the right columns, so
saved queries and reports parse and answer with no rows instead of failing. `drivers`, `circuits`, … also
resolve without the schema (search_path); `races` and `results` alone stay Pitwall's own sessions.
"""

from pathlib import Path

import duckdb

from app.services.history.schema import SCHEMA, TABLES
from app.services.history.store import HistoryPaths, summary_files, table_files
from app.services.history.summary_sql import SUMMARIES

_SQL_TYPES = {"int": "BIGINT", "float": "DOUBLE", "str": "VARCHAR", "date": "DATE", "clock": "TIME",
              "seconds": "DOUBLE"}


def register_history(conn: duckdb.DuckDBPyConnection, home: Path) -> list[str]:
    """Create the `ergast.*` views over the current import; returns their qualified names."""
    return register_tables(conn, table_files(home), summary_files(home))


def register_tables(conn: duckdb.DuckDBPyConnection, files: dict[str, Path],
                    summaries: dict[str, Path] | None = None) -> list[str]:
    """Views over these table files (missing tables empty); the summaries precomputed at import, or live SQL."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    names = []
    for spec in TABLES:
        file = files.get(spec.name)
        if file is not None:
            body = f"SELECT * FROM read_parquet({_quote(str(file))})"
        else:
            cols = ", ".join(f"NULL::{_SQL_TYPES[kind]} AS {_ident(c)}" for c, kind in spec.columns)
            body = f"SELECT {cols} WHERE false"
        conn.execute(f"CREATE OR REPLACE VIEW {SCHEMA}.{spec.name} AS {body}")
        names.append(f"{SCHEMA}.{spec.name}")
    for name, live in SUMMARIES.items():
        file = (summaries or {}).get(name)
        body = f"SELECT * FROM read_parquet({_quote(str(file))})" if file is not None else live
        conn.execute(f"CREATE OR REPLACE VIEW {SCHEMA}.{name} AS {body}")
        names.append(f"{SCHEMA}.{name}")
    conn.execute(f"SET search_path = 'main,{SCHEMA}'")
    return names


def readable_folder(home: Path) -> str:
    """The folder the restricted console may read for these views (trailing "/": DuckDB matches prefixes)."""
    return str(HistoryPaths(Path(home)).root) + "/"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
