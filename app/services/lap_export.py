"""Export several laps as one table (CSV or Parquet): lap_uuid, lap_number and lap_label columns, then the
channels."""

from pathlib import Path

import numpy as np

from app.errors import PitwallError
from app.services.export import export_channels
from app.services.laps import race_labels
from app.services.mathchannels import evaluate_all
from app.store import Store


def laps_table(store: Store, lap_ids: list[str], math: dict[str, str] | None = None) -> dict[str, np.ndarray]:
    """Rows of all laps stacked; a channel a lap lacks (or a math channel it cannot compute) is NaN there."""
    parts = []
    for lap_id in lap_ids:
        lap = store.lap(lap_id)
        if lap is None:
            raise PitwallError(f"No lap with uuid {lap_id}")
        channels = store.lap_channels(lap)
        if not channels:
            raise PitwallError(f"Lap {lap_id} has no samples to export.")
        if math:
            channels = {**channels, **evaluate_all(channels, math)}
        parts.append((lap, channels))
    names: list[str] = []
    for _, channels in parts:
        names += [n for n in channels if n not in names]
    labels: dict[str, str] = {}  # one catalog read and one labelling per race, not per exported lap
    for race_id in dict.fromkeys(lap.race_id for lap, _ in parts):
        labels |= race_labels(store.laps(race_id))
    out: dict[str, list[np.ndarray]] = {"lap_uuid": [], "lap_number": [], "lap_label": [], **{n: [] for n in names}}
    for lap, channels in parts:
        rows = len(next(iter(channels.values())))
        out["lap_uuid"].append(np.full(rows, lap.id, dtype=object))
        out["lap_number"].append(np.full(rows, lap.number, dtype=np.int32))
        out["lap_label"].append(np.full(rows, labels[lap.id], dtype=object))
        for n in names:
            col = channels.get(n)
            out[n].append(np.full(rows, np.nan) if col is None else col)
    table = {k: np.concatenate(v) for k, v in out.items()}
    table["lap_uuid"] = table["lap_uuid"].astype(str)
    table["lap_label"] = table["lap_label"].astype(str)
    return table


def export_laps(store: Store, lap_ids: list[str], path: Path, fmt: str, math: dict[str, str] | None = None) -> Path:
    if not lap_ids:
        raise PitwallError("No laps selected to export.")
    return export_channels(laps_table(store, lap_ids, math), Path(path), fmt)
