"""Lap sample files: one Parquet file (zstd) per lap, numeric columns only, written atomically."""

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from app.domain.models import Channels
from app.fileio import write_atomic

STATS_COLUMNS = ("time", "session_time", "distance")


def write_lap(path: Path, channels: Channels) -> None:
    for name, col in channels.items():
        if col.dtype.kind not in "biuf":
            raise TypeError(f"channel {name!r} is not numeric ({col.dtype})")
    table = pa.table({name: _arrow(col) for name, col in channels.items()})
    # Dictionary encoding buys nothing on continuous signals and costs a third of the write time; min/max
    # statistics cost a sixth, so they are kept only for the axes a query filters on.
    stats = [name for name in STATS_COLUMNS if name in channels]
    write_atomic(path, lambda tmp: pq.write_table(
        table, tmp, compression="zstd", compression_level=1, use_dictionary=False, write_statistics=stats
    ))


def _arrow(col: np.ndarray) -> pa.Array:
    """A numeric column as an Arrow array over the same memory; pa.array would import pandas (~0.3 s) to check
    whether the column is a pandas object."""
    if col.dtype.kind == "b":  # Arrow packs booleans in bits: let pyarrow convert those
        return pa.array(col)
    col = np.ascontiguousarray(col, dtype=col.dtype.newbyteorder("="))
    return pa.Array.from_buffers(pa.from_numpy_dtype(col.dtype), len(col), [None, pa.py_buffer(col)])


def read_lap(path: Path, columns: list[str] | None = None) -> Channels:
    table = pq.read_table(path, columns=columns)
    return {name: table.column(name).to_numpy() for name in table.column_names}


def lap_columns(path: Path) -> list[str]:
    return pq.read_schema(path).names

