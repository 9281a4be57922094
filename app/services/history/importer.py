"""`pitwall import ergast PATH`: an Ergast dump (folder, .csv.gz, zip) into typed Parquet tables in the archive.

Every file is read by pyarrow's CSV reader straight into its types (each required column must be there and
every value of a typed column must convert, else one line names the file, the column and the value), then
written: ids and counts as integers, dates as DATE, times of day as TIME, lap and stop times in seconds,
`\\N` and empty fields as NULL. Nothing is published until every table is written; any failure leaves the
current history as it was. The same dump twice (same contents, whatever the packaging) is
recognised by its hash and changes nothing.
"""

import csv
import gzip
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from app.errors import PitwallError, Progress, check, no_progress
from app.services.history import source
from app.services.history.schema import BY_NAME, TableSpec
from app.services.history.store import HistoryPaths, current, publish
from app.services.history.summary_sql import SUMMARY_VERSION
from app.store.locks import try_lock


@dataclass
class ImportResult:
    source: str
    version: str  # the dump's content hash (first 16 hex digits)
    changed: bool  # False: this very dump was the current history already
    tables: list[dict] = field(default_factory=list)  # {name, rows, columns}
    seasons: dict = field(default_factory=dict)  # {first, last, count}
    path: str = ""
    elapsed: float = 0.0

    def as_dict(self) -> dict:
        return {"source": self.source, "version": self.version, "changed": self.changed, "tables": self.tables,
                "rows": sum(t["rows"] for t in self.tables), "seasons": self.seasons, "path": self.path,
                "elapsed": round(self.elapsed, 3)}


def import_ergast(home: Path, path: Path, progress: Progress = no_progress) -> ImportResult:
    """Import the dump at `path` into the data directory `home` (see the module docstring)."""
    start = time.perf_counter()
    paths = HistoryPaths(Path(home))
    paths.versions.mkdir(parents=True, exist_ok=True)
    lock = try_lock(paths.lock)
    if lock is None:
        raise PitwallError("Another Ergast import is running in this data directory; wait for it to finish.")
    try:
        _clear_stale_staging(paths)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=paths.versions))
        try:
            result = _import(Path(home), Path(path), staging, progress)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()
    result.elapsed = time.perf_counter() - start
    return result


def _import(home: Path, path: Path, staging: Path, progress: Progress) -> ImportResult:
    check(progress, 0, 1)
    files = source.locate(path, staging)
    version = source.dump_hash(files)[:16]
    now = current(home)
    if now is not None and now.get("version") == version and now.get("summary_version") == SUMMARY_VERSION:
        return ImportResult(str(path), version, False, now["tables"], now["seasons"], now["dir"])
    specs = [BY_NAME[name] for name in files]
    total = sum(f.stat().st_size for f in files.values()) or 1
    done = 0
    check(progress, 0, total)
    tables: list[dict] = []
    seasons: dict = {"first": None, "last": None, "count": 0}
    for spec in specs:
        file = files[spec.name]
        typed = _convert(spec, file, staging / f"{spec.name}.parquet")
        tables.append({"name": spec.name, "rows": typed.num_rows, "columns": typed.column_names})
        if spec.name == "races":
            years = pc.drop_null(typed.column("year"))
            bounds = pc.min_max(years).as_py() if len(years) else {"min": None, "max": None}
            seasons = {"first": bounds["min"], "last": bounds["max"], "count": len(pc.unique(years))}
        done += file.stat().st_size
        check(progress, done, total)
    shutil.rmtree(staging / "input", ignore_errors=True)
    summaries = _write_summaries(staging, [spec.name for spec in specs])
    for f in staging.iterdir():
        _fsync(f)
    manifest: dict = {
        "version": version, "folder": f"{version}-s{SUMMARY_VERSION}", "source": str(path),
        "imported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "tables": tables, "seasons": seasons,
        "summaries": summaries, "summary_version": SUMMARY_VERSION,
    }
    target = publish(home, staging, manifest)
    return ImportResult(str(path), version, True, tables, seasons, str(target))


def _write_summaries(staging: Path, names: list[str]) -> list[str]:
    """The history-only drivers and circuits summaries, computed once here so every report just reads them."""
    import duckdb

    from app.services.history.summary_sql import SUMMARIES
    from app.services.history.views import register_tables

    conn = duckdb.connect(":memory:", config={"autoinstall_known_extensions": "false",
                                              "autoload_known_extensions": "false", "threads": "2"})
    try:
        register_tables(conn, {n: staging / f"{n}.parquet" for n in names})
        for name in SUMMARIES:
            out = str(staging / f"{name}.parquet").replace("'", "''")
            conn.execute(f"COPY (SELECT * FROM ergast.{name}) TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
    except duckdb.Error as exc:
        raise PitwallError(f"Could not summarise the dump: {str(exc).strip().splitlines()[0]}") from exc
    finally:
        conn.close()
    return list(SUMMARIES)


def _convert(spec: TableSpec, file: Path, out: Path) -> pa.Table:
    """Check one file against its spec and write it typed; errors name the file and the column."""
    header = _header(file)
    missing = [c for c in spec.column_names if c not in header and c not in spec.optional]
    if missing:
        raise PitwallError(f"{file.name}: column {', '.join(missing)} missing "
                           f"(it has {', '.join(header) or 'no columns'}).")
    kinds = dict(spec.columns)
    types = {c: _ARROW.get(kinds.get(c, "str"), pa.string()) for c in header}
    options = pacsv.ConvertOptions(column_types=types, null_values=["\\N", ""], strings_can_be_null=True,
                                   quoted_strings_can_be_null=False)
    try:
        table = pacsv.read_csv(file, convert_options=options)
    except pa.ArrowInvalid as exc:
        raise PitwallError(_conversion_error(file.name, header, kinds, exc)) from exc
    except (OSError, EOFError) as exc:
        raise PitwallError(f"{file.name}: cannot be read ({exc}).") from exc
    columns = []
    for name in spec.column_names + [c for c in header if c not in kinds]:  # newer dumps' extra columns: text
        kind = kinds.get(name, "str")
        if name not in header:  # an optional column this (older) dump does not have
            columns.append(pa.nulls(table.num_rows, _TYPED[kind]))
            continue
        column = table.column(name)
        if kind in ("seconds", "clock"):
            column = _parse_times(file.name, name, kind, column)
        columns.append(column)
    typed = pa.table(columns, names=spec.column_names + [c for c in header if c not in kinds])
    pq.write_table(typed, out, compression="zstd")
    return typed


_ARROW = {"int": pa.int64(), "float": pa.float64(), "date": pa.date32(), "str": pa.string(),
          "clock": pa.string(), "seconds": pa.string()}
_TYPED = {"int": pa.int64(), "float": pa.float64(), "date": pa.date32(), "str": pa.string(),
          "clock": pa.time32("s"), "seconds": pa.float64()}
_KIND_TEXT = {"int": "a whole number", "float": "a number", "date": "a date (YYYY-MM-DD)",
              "clock": "a time of day (HH:MM:SS)", "seconds": "a time (m:ss.sss)"}
_COLUMN_NO = re.compile(r"CSV column #(\d+)")
_VALUE = re.compile(r"invalid value '([^'\n]*)'")


def _header(file: Path) -> list[str]:
    try:
        with (gzip.open(file, "rt", encoding="utf-8-sig", newline="") if file.name.lower().endswith(".gz")
              else open(file, encoding="utf-8-sig", newline="")) as fh:
            return [c.strip() for c in next(csv.reader(fh), [])]
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise PitwallError(f"{file.name}: cannot be read ({exc}).") from exc


def _conversion_error(filename: str, header: list[str], kinds: dict[str, str], exc: Exception) -> str:
    text = str(exc)
    number, value = _COLUMN_NO.search(text), _VALUE.search(text)
    if number and int(number.group(1)) < len(header):
        column = header[int(number.group(1))]
        what = f" {value.group(1)!r}" if value else ""
        return f"{filename}: column {column} has a value that is not {_KIND_TEXT[kinds.get(column, 'str')]}:{what}."
    return f"{filename}: not a readable CSV file ({text.splitlines()[0] if text else type(exc).__name__})."


def _parse_times(filename: str, name: str, kind: str, column: pa.ChunkedArray) -> pa.Array:
    """'1:27.452' / '26.898' / '1:34:50.616' → seconds (double); 'HH:MM:SS' → time of day."""
    text = pc.utf8_trim_whitespace(column.combine_chunks())
    pattern = _CLOCK if kind == "clock" else _SECONDS
    ok = pc.match_substring_regex(text, pattern)
    bad = pc.and_(pc.is_valid(text), pc.invert(ok))
    if pc.any(bad).as_py():
        example = pc.filter(text, bad)[0].as_py()
        raise PitwallError(f"{filename}: column {name} has a value that is not {_KIND_TEXT[kind]}: {example!r}.")
    parts = pc.extract_regex(text, pattern)
    hours, minutes, secs = (_number(pc.struct_field(parts, [i])) for i in range(3))  # nulls stay null
    total = pc.add(pc.add(pc.multiply(hours, 3600.0), pc.multiply(minutes, 60.0)), secs)
    if kind == "clock":
        return pc.cast(pc.cast(pc.round(total), pa.int32()), pa.time32("s"))
    return pc.round(total, 3)  # Ergast times have millisecond resolution


_SECONDS = r"^(?:(?:(?P<h>\d+):)?(?P<m>\d+):)?(?P<s>\d+(?:\.\d+)?)$"
_CLOCK = r"^(?P<h>\d{1,2}):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d(?:\.\d+)?))?$"


def _number(part: pa.Array) -> pa.Array:
    return pc.cast(pc.if_else(pc.equal(part, ""), "0", part), pa.float64())


def _clear_stale_staging(paths: HistoryPaths) -> None:
    """Staging folders of imports that died (we hold the lock, so none is running)."""
    for folder in paths.versions.glob(".staging-*"):
        shutil.rmtree(folder, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
