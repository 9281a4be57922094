"""Push the cache to the bucket: files of every Ready race first, then each race's manifest.

Resumable: what the catalog records as synced (same size and mtime) is not read or sent again; what a crash
left "uploading" or "failed" is checked against the bucket's checksum before being uploaded again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from sqlalchemy import text

from app.domain.models import RaceStatus
from app.errors import Cancelled, PitwallError, Progress, no_progress
from app.fileio import file_sha256
from app.services.sync import layout, manifest, pool, state
from app.services.sync.config import BucketMissing, S3Target, SyncError, create_bucket, explain
from app.services.sync.state import Item
from app.services.sync.transfer import remote_sha256, upload
from app.store import Store

log = logging.getLogger(__name__)

@dataclass
class PushReport:
    races: list[str] = field(default_factory=list)  # races whose manifest is in the bucket (complete)
    uploaded: list[str] = field(default_factory=list)  # keys sent in this run
    already: int = 0  # items confirmed earlier, or found complete in the bucket
    failed: dict[str, str] = field(default_factory=dict)  # key -> reason
    bytes_total: int = 0
    bytes_done: int = 0
    items_total: int = 0
    cancelled: bool = False
    bucket_created: bool = False  # the bucket did not exist: this push created it

    def as_dict(self) -> dict:
        return {"bucket_created": self.bucket_created, "races_complete": self.races,
                "uploaded": len(self.uploaded), "already_synced": self.already,
                "failed": [{"key": k, "error": e} for k, e in self.failed.items()],
                "items_total": self.items_total, "bytes_total": self.bytes_total, "bytes_done": self.bytes_done,
                "cancelled": self.cancelled}


def race_files(store: Store, race_id: str) -> list[Item]:
    """The files of one race, as sync items (sizes and checksums not filled in yet)."""
    race = store.race(race_id)
    assert race is not None, f"no race {race_id}"
    items: list[Item] = []
    if race.raw_path:
        suffix = Path(race.raw_path).suffix or ".bin"
        items.append(Item("raw", race_id, race.raw_path, layout.raw_key(race_id, suffix), ref=race_id))
    for lap in store.laps(race_id):
        if lap.path:
            items.append(Item("lap", race_id, lap.path, layout.lap_key(race_id, lap.id), ref=lap.id))
    items += frame_files(store, race_id)
    return items


def frame_files(store: Store, race_id: str) -> list[Item]:
    """Camera stills linked to the race, when this catalog has a frames table."""
    with store.engine.connect() as conn:
        if "frames" not in manifest.tables(conn):
            return []
        rows = conn.execute(text("SELECT id, camera_id, path FROM frames WHERE race_id = :r"), {"r": race_id})
        return [Item("frame", race_id, path, layout.frame_key(str(cam), str(fid), Path(path).suffix), ref=str(fid))
                for fid, cam, path in rows if path]


def _stat(home: Path, item: Item) -> None:
    st = (home / item.local_path).stat()
    item.size, item.mtime_ns = st.st_size, st.st_mtime_ns


def plan(store: Store, target: S3Target, race_ids: list[str]) -> tuple[dict[str, list[Item]], list[Item], int]:
    """Per race its items; the ones that need sending; how many are already confirmed in the bucket."""
    known = state.rows(store, target.id)
    home = store.paths.home
    per_race: dict[str, list[Item]] = {}
    todo: list[Item] = []
    confirmed = 0
    for race_id in race_ids:
        items = race_files(store, race_id)
        for item in items:
            try:
                _stat(home, item)
            except OSError:
                raise PitwallError(f"Race {race_id}: file {item.local_path} is missing from the cache; "
                                   "open the race again before pushing.") from None
            row = known.get(item.key)
            if row and row.state == state.SYNCED and (row.size, row.mtime_ns) == (item.size, item.mtime_ns):
                item.sha256 = row.sha256
                confirmed += 1
                continue
            item.sha256 = file_sha256(home / item.local_path)
            if row and row.state == state.SYNCED and row.sha256 == item.sha256:
                confirmed += 1  # touched, not changed
                continue
            todo.append(item)
        per_race[race_id] = items
    return per_race, todo, confirmed


def push(store: Store, target: S3Target, race_ids: list[str] | None = None, progress: Progress = no_progress,
         on_item: Callable[[int, int], None] | None = None) -> PushReport:
    """Push the given races (default: every Ready race). Raises SyncError when nothing could be done."""
    if store.archive_files is not None:
        from app.archive import NO_SYNC

        raise PitwallError(NO_SYNC)
    putter = target.putter()
    # With the lean client, boto3 is built only if something needs it (creating a bucket, multipart, ...).
    client = target.client() if putter is None else _LazyClient(target)
    created = _open_bucket(target, client, putter)
    ready = [r.id for r in store.races() if r.status == RaceStatus.READY]
    if race_ids:
        missing = [r for r in race_ids if r not in ready]
        if missing:
            raise PitwallError(f"No Ready race with id {missing[0]} in the cache.")
        ready = [r for r in ready if r in race_ids]
    per_race, todo, confirmed = plan(store, target, ready)
    known = state.rows(store, target.id)
    maybe_remote = {i.key for i in todo if i.key in known}  # a crash may have sent these already
    # Only a key tried before (it has a row: marked uploading before any byte is sent) can have an unfinished
    # multipart upload.
    _abort_stale_uploads(client, target, maybe_remote)

    report = PushReport(already=confirmed, bucket_created=created)
    totals = pool.Totals(bytes_total=sum(i.size for i in todo), items_total=len(todo) + len(ready))
    state.mark(store, target.id, todo, state.UPLOADING)

    def send(item: Item, on_bytes) -> str:
        if item.key in maybe_remote and remote_sha256(client, target, item.key) == item.sha256:
            on_bytes(item.size)
            return "present"
        upload(client, target, store.paths.home, item, on_bytes, putter)
        return "uploaded"

    result = pool.run(todo, send, target, "uploading", totals, progress, _recorder(store, target.id), on_item)
    _collect(report, result)
    if not (result.cancelled or result.stopped):
        _push_manifests(store, target, client, per_race, report, totals, progress, on_item, putter)
    report.bytes_total, report.bytes_done, report.items_total = totals.bytes_total, totals.bytes_done, \
        totals.items_total
    if result.stopped:
        safe = len(report.uploaded) + report.already
        raise SyncError(f"{result.stopped} ({safe} items are safely in the bucket; push again to resume)")
    if result.cancelled:
        raise Cancelled("Push cancelled; what was uploaded is kept, push again to resume.")
    return report


def _open_bucket(target: S3Target, client, putter) -> bool:
    """Check the bucket can be used; create it when it is missing. True when this push created it."""
    try:
        if putter is None:
            client.head_bucket(Bucket=target.bucket)
        else:
            putter.head_bucket()
        return False
    except (ClientError, BotoCoreError) as exc:
        error = explain(exc, target, "opening the bucket")
    if not isinstance(error, BucketMissing):
        raise error
    return create_bucket(target, client)


def _recorder(store, target_id: str):
    """Write each batch of finished transfers to the catalog's sync state."""
    def record(outcomes: list[pool.Outcome]) -> None:
        state.mark_each(store, target_id, [(i, _state_of(o), e) for i, o, e in outcomes])

    return record


def _state_of(outcome: str) -> str:
    return {"uploaded": state.SYNCED, "present": state.SYNCED}.get(outcome, state.FAILED)


def _collect(report: PushReport, result: pool.RunResult) -> None:
    for item, outcome, error in result.outcomes:
        if outcome == "uploaded":
            report.uploaded.append(item.key)
        elif outcome == "present":
            report.already += 1
        elif outcome == "failed":
            report.failed[item.key] = error or "failed"
    report.cancelled = result.cancelled


def _push_manifests(store: Store, target: S3Target, client, per_race: dict[str, list[Item]], report: PushReport,
                    totals: pool.Totals, progress: Progress, on_item, putter=None) -> None:
    """A race's manifest goes up only when every file it lists is confirmed in the bucket."""
    known = state.rows(store, target.id, kind="manifest")
    todo: list[Item] = []
    for race_id, items in per_race.items():
        if any(i.key in report.failed for i in items):
            continue
        data = manifest.build(store, race_id, items).to_bytes()
        item = Item("manifest", race_id, f"manifest:{race_id}", layout.manifest_key(race_id), size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), data=data)
        row = known.get(item.key)
        if row and row.state == state.SYNCED and row.sha256 == item.sha256:
            report.races.append(race_id)
            totals.items_done += 1
            continue
        todo.append(item)
    totals.bytes_total += sum(i.size for i in todo)
    state.mark(store, target.id, todo, state.UPLOADING)

    def send(item: Item, on_bytes) -> str:
        upload(client, target, store.paths.home, item, on_bytes, putter)
        return "uploaded"

    result = pool.run(todo, send, target, "uploading", totals, progress, _recorder(store, target.id), on_item)
    _collect(report, result)
    report.races += [i.race_id for i, o, _ in result.outcomes if o == "uploaded" and i.race_id is not None]


class _LazyClient:
    """A boto3 client created on first use (creating one costs ~0.1 s of CPU, loading botocore's models)."""

    def __init__(self, target: S3Target) -> None:
        self._target, self._client, self._lock = target, None, threading.Lock()

    def __getattr__(self, name: str):
        with self._lock:
            if self._client is None:
                self._client = self._target.client()
        return getattr(self._client, name)


def _abort_stale_uploads(client, target: S3Target, keys: set[str]) -> None:
    """Multipart uploads a crash left open for keys we are about to send: their parts are never visible as an
    object, but they take space; abort them."""
    if not keys:
        return
    full = {target.key(k) for k in keys}
    try:
        listing = client.list_multipart_uploads(Bucket=target.bucket, Prefix=target.prefix)
        for up in listing.get("Uploads", []):
            if up["Key"] in full:
                client.abort_multipart_upload(Bucket=target.bucket, Key=up["Key"], UploadId=up["UploadId"])
    except (ClientError, BotoCoreError) as exc:  # housekeeping only: a server without this API is fine
        log.info("could not list unfinished multipart uploads: %s", explain(exc, target))
