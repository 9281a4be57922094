"""What the race browser lists, read in one go off the GUI thread: races with lap counts and sync state, and the
laps of the race on show. Also the per-race facts the listing marks: damaged files and their warnings, dates."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.services.laps import unlabelled

if TYPE_CHECKING:
    from app.config import Settings
    from app.store import Store
    from app.store.schema import Lap, Race


@dataclass
class RaceListing:
    races: list[Race]
    lap_counts: dict[str, int]
    sync: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    sync_where: str | None = None  # "s3://bucket/prefix", None when S3 is not configured
    race_id: str | None = None  # the race whose laps were read with the listing
    laps: list[Lap] | None = None


def read_listing(store: Store, settings: Settings, race_id: str | None) -> RaceListing:
    """Pool thread: a few small catalog queries (no network)."""
    from app.services.sync.names import normalise_prefix
    from app.services.sync.saved import sync_target_id
    from app.services.sync.state import race_states

    target = sync_target_id(settings)
    listing = RaceListing(store.races(), store.lap_counts())
    if target:
        listing.sync = race_states(store, target)
        listing.sync_where = f"s3://{settings.s3_bucket}/{normalise_prefix(settings.s3_prefix)}"
    if race_id is not None:
        listing.race_id, listing.laps = race_id, race_laps(store, race_id)
    return listing


def race_laps(store: Store, race_id: str) -> list[Lap]:
    """Pool thread: a race's laps; laps from an older cache get their label stored on the way (once)."""
    laps = store.laps(race_id)
    missing = unlabelled(laps)
    if missing:
        from sqlalchemy import update

        from app.store.schema import Lap as LapRow

        with store.session() as s:
            for lap_id, (old, new) in missing.items():  # only where nobody changed the row meanwhile
                s.execute(update(LapRow).where(LapRow.id == lap_id, LapRow.meta == old).values(meta=new))
        laps = store.laps(race_id)
    return laps


def race_warnings(race: Race) -> list[str]:
    """What a damaged race file lost (ingest keeps it in the race's meta); empty for an intact one."""
    meta = _meta(race)
    return [str(w) for w in meta.get("warnings") or []] if meta.get("damaged") else []


def race_date(race: Race) -> str:
    """When the session took place (F1: the session's start, in its meta), else when the file was opened (local
    time): "2025-03-14 01:30"."""
    when = _meta(race).get("date")
    if isinstance(when, str) and when:
        try:
            return datetime.fromisoformat(when).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return when[:16].replace("T", " ")
    if race.created_at is None:
        return ""
    return race.created_at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")  # stored in UTC


def _meta(race: Race) -> dict:
    try:
        meta = json.loads(race.meta or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}
