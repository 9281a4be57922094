"""Catalog rows as plain dicts for the command line, exports and other tools."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rows from Store (ORM) or the quick CatalogReader: the same attributes
    from app.store.catalog_read import LapRow, RaceRow
    from app.store.schema import Lap, Race


def race_dict(race: Race | RaceRow, lap_count: int | None = None) -> dict:
    out = {
        "race_id": race.id,
        "source": race.source,
        "name": race.name,
        "status": race.status,
        "track": race.track,
        "track_length": race.track_length,
        "car": race.car,
        "created_at": race.created_at.isoformat() if race.created_at else None,
        "updated_at": race.updated_at.isoformat() if race.updated_at else None,
        "error": race.error,
    }
    if lap_count is not None:
        out["lap_count"] = lap_count
    return out


def lap_dict(lap: Lap | LapRow) -> dict:
    return {
        "lap_uuid": lap.id,
        "race_id": lap.race_id,
        "number": lap.number,
        "driver": lap.driver,
        "team": lap.team,
        "lap_time": lap.lap_time,
        "sectors": [lap.sector1, lap.sector2, lap.sector3],
        "flags": lap.flag_list,
        "samples": lap.sample_count,
        "start_time": lap.start_time,
        **({"meta": json.loads(lap.meta)} if lap.meta and lap.meta != "{}" else {}),
    }


def format_lap_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:06.3f}" if minutes else f"{rest:.3f}"
