"""Export lap samples to CSV or Parquet."""

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from app.domain.models import Channels
from app.errors import PitwallError
from app.fileio import write_atomic

FORMATS = ("csv", "parquet")


def export_channels(channels: Channels, path: Path, fmt: str) -> Path:
    if fmt not in FORMATS:
        raise PitwallError(f"Unknown export format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if not channels:
        raise PitwallError("This lap has no samples to export.")
    path = Path(path)
    if fmt == "parquet":
        table = pa.table({k: pa.array(v) for k, v in channels.items()})
        write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
    else:
        names = list(channels)
        columns = [np.asarray(channels[n]).tolist() for n in names]

        def write_csv(tmp: str) -> None:
            with open(tmp, "w", newline="") as fh:
                out = csv.writer(fh)
                out.writerow(names)
                out.writerows(zip(*columns, strict=True))

        write_atomic(path, write_csv)
    return path
