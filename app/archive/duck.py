"""DuckDB over the team archive: the bucket's Parquet read in place, and a shared catalog copied in.

DuckDB's own S3 support (the httpfs extension) cannot be installed offline, so the bucket is given to DuckDB as
an fsspec filesystem over pyarrow's S3 client: `read_parquet('s3://…/samples/*/*/*/*.parquet',
hive_partitioning = true)` then lists and reads the objects directly, nothing is downloaded first. The
credentials stay inside the filesystem object; no SQL statement or setting holds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from app.archive.layout import SAMPLE_COLUMNS, SAMPLES

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.archive.s3 import RemoteArchive

PARTITIONS = {"source": "VARCHAR", "track": "VARCHAR", "race_id": "VARCHAR"}


def arrow_filesystem(remote: RemoteArchive):
    """pyarrow's S3 filesystem for the archive's target."""
    from urllib.parse import urlsplit

    from pyarrow import fs

    target = remote.target
    kwargs: dict = {"region": target.region or "us-east-1"}
    if target.access_key and target.secret_key:
        kwargs |= {"access_key": target.access_key, "secret_key": target.secret_key.get_secret_value()}
    if target.endpoint:
        parts = urlsplit(target.endpoint)
        kwargs |= {"endpoint_override": parts.netloc, "scheme": parts.scheme or "https"}
    kwargs["force_virtual_addressing"] = not target.path_style
    return fs.S3FileSystem(**kwargs)


def register_archive(conn: duckdb.DuckDBPyConnection, remote: RemoteArchive) -> str:
    """Let `conn` read s3:// URLs of the archive's bucket; returns the archive's URL (for the allow-list)."""
    from fsspec.implementations.arrow import ArrowFSWrapper  # type: ignore[import-untyped]

    class _S3(ArrowFSWrapper):
        protocol = ("s3", "s3a")

    conn.register_filesystem(_S3(arrow_filesystem(remote)))
    return remote.url("")


def samples_glob(remote: RemoteArchive) -> str:
    return remote.url(SAMPLES) + "*/*/*/*.parquet"


def create_samples_view(conn: duckdb.DuckDBPyConnection, remote: RemoteArchive, name: str = "samples") -> None:
    """Every lap's samples in the bucket as one relation: race_id, lap_id, source, track and the channels."""
    types = ", ".join(f"'{k}': {v}" for k, v in PARTITIONS.items())
    glob = samples_glob(remote).replace("'", "''")
    # Every file has the one schema, so DuckDB reads the first file's footer to bind, not every file's (as
    # union_by_name would: minutes for a season over S3). Channels outside the schema: read_parquet directly.
    columns = ", ".join(f'"{c}"' for c in SAMPLE_COLUMNS)
    try:
        conn.execute(f"""
            CREATE VIEW {name} AS SELECT race_id, lap_id, source, track, {columns}
            FROM read_parquet('{glob}', hive_partitioning = true, hive_types = {{{types}}})""")
        conn.execute(f"SELECT * FROM {name} LIMIT 0").fetchall()
    except duckdb.IOException:  # no lap in the archive yet: an empty relation with the key columns
        conn.execute(f"DROP VIEW IF EXISTS {name}")
        conn.execute(f"CREATE VIEW {name} AS SELECT NULL::VARCHAR AS race_id, NULL::VARCHAR AS lap_id, "
                     "NULL::VARCHAR AS source, NULL::VARCHAR AS track WHERE false")


def copy_catalog(conn: duckdb.DuckDBPyConnection, engine: Engine) -> list[str]:
    """Every table of a shared catalog (PostgreSQL) as a DuckDB table of the same name; returns the names."""
    from sqlalchemy import MetaData, select

    meta = MetaData()
    meta.reflect(engine)
    names = []
    with engine.connect() as src:
        for name, table in sorted(meta.tables.items()):
            rows = src.execute(select(*table.c)).fetchall()
            arrays = {}
            for i, column in enumerate(table.c):
                values = [row[i] for row in rows]
                try:
                    arrays[column.name] = pa.array(values)
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    arrays[column.name] = pa.array([None if v is None else str(v) for v in values], pa.string())
            if not rows:
                arrays = {c.name: pa.array([], pa.string()) for c in table.c}
            conn.register("_catalog_import", pa.table(arrays))
            conn.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _catalog_import')
            conn.unregister("_catalog_import")
            names.append(name)
    return names
