"""Run one console query: checked, capped, cancellable, with errors as one clear line."""

import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from app.errors import Cancelled, PitwallError
from app.fileio import write_atomic
from app.services.analytics.archive import Archive
from app.services.analytics.safety import RefusedStatement, check_read_only

MAX_ROWS = 2_000_000  # kept in memory for the table and export; the view renders only visible rows
EXPORT_FORMATS = ("csv", "parquet")
_REFUSED_PATH = re.compile(r'Cannot access (?:file|directory) "([^"\n]*)"')
_EXTENSION = re.compile(r'Function with name "?([\w.]+)"? is not in the catalog, but it exists in the (\w+) extension')


@dataclass
class QueryResult:
    table: pa.Table
    truncated: bool  # more rows existed than were kept
    elapsed: float

    @property
    def columns(self) -> list[str]:
        return self.table.column_names

    @property
    def row_count(self) -> int:
        return self.table.num_rows

    def rows(self, start: int = 0, count: int | None = None) -> list[tuple]:
        """A page of rows as Python values (what a table view or `--json` shows)."""
        part = self.table.slice(start, count)
        cols = [c.to_pylist() for c in part.columns]
        return list(zip(*cols, strict=True)) if cols else []

    def records(self) -> list[dict]:
        return self.table.to_pylist()

    def xy(self, x: str, y: str) -> tuple[np.ndarray, np.ndarray]:
        """Two columns as float arrays for a plot (times as epoch seconds, NULLs as NaN)."""
        return _as_float(self.table.column(x)), _as_float(self.table.column(y))

    def numeric_columns(self) -> list[str]:
        """Columns that `xy` can plot."""
        return [f.name for f in self.table.schema
                if pa.types.is_integer(f.type) or pa.types.is_floating(f.type) or pa.types.is_decimal(f.type)
                or pa.types.is_timestamp(f.type) or pa.types.is_date(f.type)]


def run_query(archive: Archive, sql: str, max_rows: int = MAX_ROWS) -> QueryResult:
    """Run SQL on the archive. Restricted archives refuse anything but reads."""
    if archive.restricted:
        sql = check_read_only(archive.conn, sql)
    start = time.perf_counter()
    try:
        rel = archive.conn.sql(sql)
        if rel is None:  # a statement without a result (only possible when unrestricted)
            return QueryResult(pa.table({}), False, time.perf_counter() - start)
        reader = rel.to_arrow_reader(batch_size=100_000)
        batches, kept, truncated = [], 0, False
        for batch in reader:
            if kept + batch.num_rows > max_rows:
                batches.append(batch.slice(0, max_rows - kept))
                truncated = True
                break
            batches.append(batch)
            kept += batch.num_rows
        reader.close()
        table = pa.Table.from_batches(batches, schema=reader.schema)
    except duckdb.InterruptException as exc:
        raise Cancelled("Query cancelled.") from exc
    except duckdb.PermissionException as exc:
        raise RefusedStatement(refusal(exc)) from exc
    except duckdb.CatalogException as exc:
        extension = _EXTENSION.search(str(exc))
        if archive.restricted and extension:
            raise RefusedStatement(f"Refused: {extension.group(1)} needs DuckDB's {extension.group(2)} extension, "
                                   "which the read-only SQL console does not load; the catalog tables "
                                   "(races, laps, …) are already there to query.") from exc
        raise PitwallError(_first_line(exc)) from exc
    except duckdb.Error as exc:
        raise PitwallError(_first_line(exc)) from exc
    return QueryResult(table, truncated, time.perf_counter() - start)


def export_result(result: QueryResult, path: Path, fmt: str | None = None) -> Path:
    """Write a result to CSV or Parquet (format from the suffix unless given)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in EXPORT_FORMATS:
        raise PitwallError(f"Unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}.")
    if fmt == "parquet":
        write_atomic(path, lambda tmp: pq.write_table(result.table, tmp, compression="zstd"))
    else:
        write_atomic(path, lambda tmp: pacsv.write_csv(result.table, tmp))
    return path


def refusal(exc: duckdb.PermissionException) -> str:
    """One line saying what the console reads, naming the path DuckDB refused (never anything read from it)."""
    where = _REFUSED_PATH.search(str(exc))
    what = f'not "{where.group(1)}"' if where else _first_line(exc).removeprefix("Permission Error: ")
    return (f"Refused: the read-only SQL console reads only lap files (laps/), session tables (sessions/), saved "
            f"queries (queries/), the F1 history (history/) and the device source, {what}. Opt out with --unrestricted "
            "(PITWALL_SQL_UNRESTRICTED=1).")


def _as_float(column: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_date(column.type):
        column = pc.cast(column, pa.timestamp("s"))
    if pa.types.is_timestamp(column.type):
        seconds = pc.divide(pc.cast(pc.cast(column, pa.int64()), pa.float64()), _TIME_SCALE[column.type.unit])
    elif pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_decimal(column.type):
        seconds = pc.cast(column, pa.float64())
    else:
        raise PitwallError(f"A {column.type} column cannot be plotted: pick a number or time column.")
    return pc.fill_null(seconds, float("nan")).to_numpy()


_TIME_SCALE = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
