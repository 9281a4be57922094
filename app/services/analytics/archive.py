"""A DuckDB connection over the archive: catalog tables, lap samples and device telemetry, read-only by default.

The catalog is copied from SQLite into DuckDB tables (duckdb's sqlite extension is not installed and cannot be
installed offline). Lap files are read in place through a `samples` view. Once everything is registered, the
connection is locked down with DuckDB's own controls: external access off, then an allow-list (never the whole
data directory, which holds camera passwords, the raw catalog and window state): the lap files, the session
tables, the saved queries and the device source's own files; the configuration is locked so a query cannot undo
it. DuckDB applies the list to every reader, glob and replacement scan. Statement types are checked separately
(see safety.py).
"""

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from app.archive.duck import copy_catalog, create_samples_view, register_archive
from app.errors import PitwallError
from app.services.analytics.devices import DeviceSource, register_devices
from app.services.history.views import readable_folder, register_history
from app.store import Store
from app.store.engine import is_sqlite
from app.store.paths import DataPaths

DEVICES_VIEW = "device_telemetry"

_ARROW_TYPES = {"INT": pa.int64(), "FLOAT": pa.float64(), "REAL": pa.float64(), "DOUBLE": pa.float64()}


@dataclass
class Archive:
    """An open analytics connection and what it exposes."""

    conn: duckdb.DuckDBPyConnection
    tables: list[str]
    restricted: bool
    devices: DeviceSource | None = None
    allowed: list[str] = field(default_factory=list)  # folders (ending in "/") and files DuckDB may read
    home: Path | None = None  # the data directory (the history reports read it directly)

    def close(self) -> None:
        self.conn.close()

    def interrupt(self) -> None:
        """Stop the query running on this connection (safe to call from another thread)."""
        self.conn.interrupt()


def open_archive(store: Store, devices: DeviceSource | None = None, unrestricted: bool = False,
                 threads: int | None = None) -> Archive:
    """Open DuckDB over the store. `devices` adds a `device_telemetry` view over a Parquet folder or S3 prefix."""
    paths = store.paths
    paths.duckdb_temp.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    if threads:
        config["threads"] = str(threads)
    conn = duckdb.connect(":memory:", config=config)
    try:
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute(f"SET temp_directory = {_quote(str(paths.duckdb_temp))}")
        local_catalog = is_sqlite(store.catalog_url)
        tables = _copy_catalog(conn, paths.catalog) if local_catalog else copy_catalog(conn, store.engine)
        remote = store.archive_files.remote if store.archive_files is not None else None
        if remote is None:
            _create_samples_view(conn, paths.laps_dir)
        else:  # the team archive: the bucket's Parquet read in place (app/archive/duck.py)
            register_archive(conn, remote)
            create_samples_view(conn, remote)
        history = register_history(conn, paths.home)  # the Ergast tables (empty views until an import)
        folders = readable_folders(paths) + ([remote.url()] if remote is not None else [])
        files = register_devices(conn, DEVICES_VIEW, devices) if devices is not None else []
        allowed = folders + files
        if not unrestricted:
            _lock_down(conn, folders, files)
    except BaseException:
        conn.close()
        raise
    return Archive(conn, tables + ["samples", *history], restricted=not unrestricted, devices=devices, allowed=allowed,
                   home=paths.home)


def readable_folders(paths: DataPaths) -> list[str]:
    """What the restricted console may read under the data directory (trailing "/": DuckDB matches prefixes)."""
    return [str(d) + "/" for d in (paths.laps_dir, paths.sessions_dir, paths.queries_dir)] + [
        readable_folder(paths.home)]  # history/: the imported Ergast tables (Parquet) and their manifest


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_catalog(conn: duckdb.DuckDBPyConnection, catalog: Path) -> list[str]:
    """Every catalog table (whatever migrations exist) becomes a DuckDB table of the same name."""
    if not catalog.exists():
        return []
    src = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        names = [r[0] for r in src.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for name in names:
            columns = [(r[1], (r[2] or "").upper()) for r in src.execute(f"PRAGMA table_info({_ident(name)})")]
            rows = src.execute(f"SELECT * FROM {_ident(name)}").fetchall()
            arrays, selects = [], []
            for i, (col, decl) in enumerate(columns):
                kind = next((t for key, t in _ARROW_TYPES.items() if key in decl), pa.string())
                values = [row[i] for row in rows]
                if kind == pa.string():
                    values = [None if v is None else str(v) for v in values]
                arrays.append(pa.array(values, type=kind))
                selects.append(f"TRY_CAST({_ident(col)} AS TIMESTAMP) AS {_ident(col)}"
                               if "DATE" in decl or "TIME" in decl else _ident(col))
            table = pa.Table.from_arrays(arrays, names=[c for c, _ in columns])
            conn.register("_catalog_import", table)
            conn.execute(f"CREATE TABLE {_ident(name)} AS SELECT {', '.join(selects)} FROM _catalog_import")
            conn.unregister("_catalog_import")
    except sqlite3.Error as exc:
        raise PitwallError(f"Could not read the catalog for SQL: {exc}") from exc
    finally:
        src.close()
    return names


def _create_samples_view(conn: duckdb.DuckDBPyConnection, laps_dir: Path) -> None:
    """All lap files as one relation, with race_id and lap_id taken from the path laps/<race_id>/<lap_id>.parquet."""
    if any(laps_dir.glob("*/*.parquet")):
        pattern = _quote(str(laps_dir / "*" / "*.parquet"))
        conn.execute(f"""
            CREATE VIEW samples AS
            SELECT regexp_extract(filename, '([^/]+)/[^/]+\\.parquet$', 1) AS race_id,
                   regexp_extract(filename, '([^/]+)\\.parquet$', 1) AS lap_id,
                   * EXCLUDE (filename)
            FROM read_parquet({pattern}, filename = true, union_by_name = true)""")
    else:  # no laps yet: an empty relation with the key columns, so joins still parse
        conn.execute("CREATE VIEW samples AS SELECT NULL::VARCHAR AS race_id, NULL::VARCHAR AS lap_id WHERE false")


def _lock_down(conn: duckdb.DuckDBPyConnection, folders: list[str], files: list[str]) -> None:
    conn.execute(f"SET allowed_directories = [{', '.join(_quote(d) for d in folders)}]")
    if files:
        conn.execute(f"SET allowed_paths = [{', '.join(_quote(f) for f in files)}]")
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
