"""Generic telemetry import: a CSV or Parquet table with a time column, channels, and optionally a lap column.

`mapping` names Pitwall channels after the file's columns (`{"speed": "Speed_kmh", "time": "t", "lap": "Lap"}`);
other numeric columns come in under their own name in snake case.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.errors import InvalidFile, PitwallError, Progress, no_progress
from app.services.import_session import ingest_decoded, lap_bounds_from_counter, split_laps
from app.sources.motec.names import pitwall_name

if TYPE_CHECKING:
    from app.domain.models import SessionData
    from app.services.ingest import IngestResult
    from app.store import Store

TABLE_SUFFIXES = (".csv", ".parquet")
TIME_NAMES = ("time", "t", "time_s", "timestamp", "session_time", "elapsed")
LAP_NAMES = ("lap", "lap_number", "lapnumber", "laps")


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """["speed=Speed_kmh", ...] -> {"speed": "Speed_kmh"}; a malformed item is a clear error."""
    out = {}
    for item in items or []:
        for part in item.split(","):
            ours, sep, theirs = part.partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                raise PitwallError(f"--map wants CHANNEL=COLUMN, got {part!r}")
            out[ours.strip()] = theirs.strip()
    return out


def ingest_table(store: Store, path: Path, mapping: dict[str, str] | None = None,
                 progress: Progress = no_progress) -> IngestResult:
    return ingest_decoded(store, path, "table", lambda p: decode_table(p, mapping or {}), progress)


def decode_table(path: Path, mapping: dict[str, str]) -> SessionData:
    from app.domain.models import SessionData

    columns = _read(Path(path))
    lookup = {k.strip().lower(): k for k in columns}

    def find(role: str, guesses: tuple[str, ...]) -> str | None:
        if role in mapping:
            if mapping[role] not in columns:
                raise InvalidFile(f"{Path(path).name}: no column {mapping[role]!r} (have {', '.join(columns)})")
            return mapping[role]
        return next((lookup[g] for g in guesses if g in lookup), None)

    time_col = find("time", TIME_NAMES)
    if time_col is None:
        raise InvalidFile(f"{Path(path).name}: no time column; name it with --map time=COLUMN")
    lap_col = find("lap", LAP_NAMES)
    t = _seconds(columns[time_col], Path(path).name, time_col)
    order = np.argsort(t, kind="stable")
    t = t[order]
    keep = np.concatenate([[True], np.diff(t) > 0])  # repeated time stamps: the first sample stands
    t = t[keep]
    if len(t) < 2:
        raise InvalidFile(f"{Path(path).name}: fewer than two samples")
    renamed = {theirs: ours for ours, theirs in mapping.items() if ours not in ("time", "lap")}
    for theirs in renamed:
        if theirs not in columns:
            raise InvalidFile(f"{Path(path).name}: no column {theirs!r} (have {', '.join(columns)})")
    channels: dict[str, np.ndarray] = {}
    for name, values in columns.items():
        if name in (time_col, lap_col) or values.dtype.kind not in "biuf":
            continue
        key = renamed.get(name) or pitwall_name(name)
        channels[key] = values.astype(np.float64)[order][keep]
    bounds = lap_bounds_from_counter(t, columns[lap_col].astype(np.float64)[order][keep]) if lap_col else []
    t0 = t[0]
    laps = split_laps(t - t0, channels, [b - t0 for b in bounds], first_is_lap=True)
    meta = {"columns": list(columns), "time_column": time_col, "lap_column": lap_col, "mapping": mapping}
    return SessionData("table", Path(path).stem, laps, meta=meta)


def _read(path: Path) -> dict[str, np.ndarray]:
    import pyarrow as pa

    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(path)
        else:
            import pyarrow.csv as pcsv

            table = pcsv.read_csv(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidFile(f"{path.name}: not a readable {path.suffix.lstrip('.').upper()} table ({exc})") from None
    return {name: _column(table.column(name)) for name in table.column_names}


def _column(col) -> np.ndarray:
    import pyarrow as pa

    if pa.types.is_timestamp(col.type):
        return col.cast(pa.int64()).to_numpy(zero_copy_only=False).astype(np.float64) / _per_second(col.type.unit)
    try:
        return col.to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, TypeError):
        return np.asarray(col.to_pylist(), dtype=object)


def _per_second(unit: str) -> float:
    return {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]


def _seconds(values: np.ndarray, file: str, name: str) -> np.ndarray:
    if values.dtype.kind not in "biuf":
        raise InvalidFile(f"{file}: the time column {name!r} is not numeric seconds or a timestamp")
    t = values.astype(np.float64)
    if not np.isfinite(t).all():
        raise InvalidFile(f"{file}: the time column {name!r} has empty or non-numeric values")
    return t
