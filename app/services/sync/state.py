"""Sync state per item in the catalog (table sync_items), scoped to one S3 target.

No row = local-only; then uploading → synced, or failed with the reason. An item left "uploading" by a crash
is checked against the bucket on the next push instead of being uploaded again blindly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select, text

from app.store import Store
from app.store.schema import SyncItem, utcnow

LOCAL_ONLY = "local-only"
UPLOADING = "uploading"
SYNCED = "synced"
FAILED = "failed"

UPSERT = text("""
    INSERT INTO sync_items (target, kind, race_id, local_path, object_key, sha256, size, mtime_ns, state, error,
                            updated_at)
    VALUES (:target, :kind, :race_id, :local_path, :object_key, :sha256, :size, :mtime_ns, :state, :error,
            :updated_at)
    ON CONFLICT (target, object_key) DO UPDATE SET
        kind = excluded.kind, race_id = excluded.race_id, local_path = excluded.local_path,
        sha256 = excluded.sha256, size = excluded.size, mtime_ns = excluded.mtime_ns, state = excluded.state,
        error = excluded.error, updated_at = excluded.updated_at
""")


@dataclass
class Item:
    """One file to mirror: where it is locally (relative to home) and where it goes in the bucket."""

    kind: str  # raw, lap, frame, manifest
    race_id: str | None
    local_path: str
    key: str  # relative to the target prefix
    ref: str | None = None  # id of the catalog row the file belongs to (race, lap or frame)
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None
    data: bytes | None = None  # manifests are built in memory


def rows(store: Store, target_id: str, kind: str | None = None):
    """object_key -> row (kind, state, sha256, size, mtime_ns, error) of one target, optionally of one kind.
    Plain rows, not ORM objects: a push reads thousands of them."""
    query = select(SyncItem.object_key, SyncItem.kind, SyncItem.state, SyncItem.sha256, SyncItem.size,
                   SyncItem.mtime_ns, SyncItem.error).where(SyncItem.target == target_id)
    if kind is not None:
        query = query.where(SyncItem.kind == kind)
    with store.engine.connect() as conn:
        return {r.object_key: r for r in conn.execute(query)}


def mark(store: Store, target_id: str, items: Iterable[Item], state: str, error: str | None = None) -> None:
    """Record the state of several items in one transaction (an upsert on target + key, in plain SQL because
    pushes record hundreds of items a second)."""
    now = utcnow()
    params = [{"target": target_id, "kind": i.kind, "race_id": i.race_id, "local_path": i.local_path,
               "object_key": i.key, "sha256": i.sha256, "size": i.size, "mtime_ns": i.mtime_ns, "state": state,
               "error": error, "updated_at": now} for i in items]
    if params:
        with store.engine.begin() as conn:
            conn.execute(UPSERT, params)


def mark_each(store: Store, target_id: str, results: Iterable[tuple[Item, str, str | None]]) -> None:
    """Record different states at once: (item, state, error) triples, one transaction."""
    by_state: dict[tuple[str, str | None], list[Item]] = {}
    for item, state, error in results:
        by_state.setdefault((state, error), []).append(item)
    for (state, error), items in by_state.items():
        mark(store, target_id, items, state, error)


def forget_race(store: Store, target_id: str, race_id: str) -> None:
    with store.session() as s:
        s.execute(delete(SyncItem).where(SyncItem.target == target_id, SyncItem.race_id == race_id))


def race_states(store: Store, target_id: str) -> dict[str, tuple[str, str | None]]:
    """Per race: (state, reason) for the browsers. Cheap: catalog only, no file system or network."""
    out: dict[str, tuple[str, str | None]] = {}
    with store.session() as s:
        items = list(s.scalars(select(SyncItem).where(SyncItem.target == target_id, SyncItem.race_id.is_not(None))))
    by_race: dict[str, list[SyncItem]] = {}
    for row in items:
        assert row.race_id is not None  # the query keeps only rows with a race
        by_race.setdefault(row.race_id, []).append(row)
    for race_id, race_rows in by_race.items():
        failed = [r for r in race_rows if r.state == FAILED]
        if failed:
            out[race_id] = (FAILED, failed[0].error)
        elif any(r.state == UPLOADING for r in race_rows):
            out[race_id] = (UPLOADING, None)
        elif any(r.kind == "manifest" and r.state == SYNCED for r in race_rows):
            out[race_id] = (SYNCED, None)
        else:
            out[race_id] = (UPLOADING, None)
    return out
