"""Lap sample files: one Parquet file (zstd) per lap, numeric columns only, written atomically."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from app.domain.models import Channels
from app.fileio import write_atomic

STATS_COLUMNS = ("time", "session_time", "distance")


LAP_ID = "lap_id"  # the one non-channel column, in the team archive's dataset files only
CHANNELS_KEY = b"pitwall.channels"  # dataset files: which of the schema's columns this lap really has


def write_lap(path: Path, channels: Channels, lap_id: str | None = None) -> None:
    """`lap_id` given: a file of the team archive's dataset, with one schema across sources (every channel
    DOUBLE, plus the lap_id column, so engines reading the bucket join samples to the catalog's laps)."""
    for name, col in channels.items():
        if col.dtype.kind not in "biuf":
            raise TypeError(f"channel {name!r} is not numeric ({col.dtype})")
    if lap_id is None:
        table = pa.table({name: _arrow(col) for name, col in channels.items()})
    else:
        table = _dataset_table(channels, lap_id)
    # Dictionary encoding buys nothing on continuous signals and costs a third of the write time; min/max
    # statistics cost a sixth, so they are kept only for the axes a query filters on.
    stats = [name for name in STATS_COLUMNS if name in channels]
    dictionary = [LAP_ID] if lap_id is not None else False
    write_atomic(path, lambda tmp: pq.write_table(
        table, tmp, compression="zstd", compression_level=1, use_dictionary=dictionary, write_statistics=stats
    ))


def _dataset_table(channels: Channels, lap_id: str) -> pa.Table:
    """The team archive's one schema: lap_id, every known channel (NULL where this lap has none), any other
    channel after them; which channels are real is kept in the file's metadata for reading back."""
    from app.archive.layout import SAMPLE_COLUMNS

    length = len(next(iter(channels.values()))) if channels else 0
    columns = {LAP_ID: pa.DictionaryArray.from_arrays(pa.array(np.zeros(length, np.int32)), pa.array([lap_id]))}
    for name in (*SAMPLE_COLUMNS, *sorted(set(channels) - set(SAMPLE_COLUMNS))):
        col = channels.get(name)
        columns[name] = pa.nulls(length, pa.float64()) if col is None else _arrow(np.asarray(col, np.float64))
    return pa.table(columns).replace_schema_metadata({CHANNELS_KEY: ",".join(channels).encode()})


def _arrow(col: np.ndarray) -> pa.Array:
    """A numeric column as an Arrow array over the same memory; pa.array would import pandas (~0.3 s) to check
    whether the column is a pandas object."""
    if col.dtype.kind == "b":  # Arrow packs booleans in bits: let pyarrow convert those
        return pa.array(col)
    col = np.ascontiguousarray(col, dtype=col.dtype.newbyteorder("="))
    return pa.Array.from_buffers(pa.from_numpy_dtype(col.dtype), len(col), [None, pa.py_buffer(col)])


def read_lap(path: Path, columns: list[str] | None = None) -> Channels:
    table = pq.read_table(path, columns=columns)
    real = _channels_of(table.schema)
    return {name: table.column(name).to_numpy() for name in table.column_names if name in real}


def lap_columns(path: Path) -> list[str]:
    schema = pq.read_schema(path)
    return [name for name in schema.names if name in _channels_of(schema)]


class _Every:
    def __contains__(self, name: object) -> bool:
        return name != LAP_ID


def _channels_of(schema: pa.Schema) -> set[str] | _Every:
    """The lap's own channels: all columns of a local file; in a dataset file those its metadata lists."""
    listed = (schema.metadata or {}).get(CHANNELS_KEY)
    return set(listed.decode().split(",")) - {""} if listed is not None else _Every()

