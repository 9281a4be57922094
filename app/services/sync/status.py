"""What is where: per race, is it only here, in the bucket too, half-way, failed, or only in the bucket."""

from __future__ import annotations

from collections import Counter

from app.domain.models import RaceStatus
from app.services.sync import state
from app.services.sync.config import S3Target, check_bucket
from app.services.sync.pull import remote_races
from app.store import Store

REMOTE_ONLY = "remote-only"


def status(store: Store, target: S3Target, remote: bool = True) -> dict:
    """Sync status from the catalog and, when `remote`, the bucket's list of complete races."""
    in_bucket: set[str] | None = None
    if remote:
        client = target.client()
        check_bucket(target, client)
        in_bucket = set(remote_races(client, target))
    states = state.race_states(store, target.id)
    items = Counter(r.state for r in state.rows(store, target.id).values())
    races = []
    for race in store.races():
        if race.status != RaceStatus.READY:
            continue
        sync_state, reason = states.get(race.id, (state.LOCAL_ONLY, None))
        if in_bucket is not None and race.id in in_bucket and sync_state == state.LOCAL_ONLY:
            sync_state = state.SYNCED  # pushed by another Pitwall from the same file
        races.append({"race_id": race.id, "name": race.name, "state": sync_state, "error": reason,
                      "in_bucket": None if in_bucket is None else race.id in in_bucket})
    local_ids = {r["race_id"] for r in races}
    for race_id in sorted((in_bucket or set()) - local_ids):
        races.append({"race_id": race_id, "name": None, "state": REMOTE_ONLY, "error": None, "in_bucket": True})
    counts = Counter(r["state"] for r in races)
    return {
        "bucket": target.bucket, "prefix": target.prefix, "endpoint": target.endpoint,
        "races": races,
        "totals": {s: counts.get(s, 0) for s in (state.LOCAL_ONLY, state.UPLOADING, state.SYNCED, state.FAILED,
                                                  REMOTE_ONLY)},
        "items": {s: items.get(s, 0) for s in (state.UPLOADING, state.SYNCED, state.FAILED)},
    }
