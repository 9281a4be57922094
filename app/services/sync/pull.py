"""Pull races from the bucket into this cache: only races whose manifest exists and whose objects verify.

Files land atomically and are checked against the manifest's sha256 before the race's catalog rows are
inserted (one transaction per race), so an interrupted or failed pull leaves no half race behind.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError

from app.errors import Cancelled, PitwallError, Progress, no_progress
from app.fileio import file_sha256
from app.services.sync import layout, manifest, pool, state
from app.services.sync.config import S3Target, SyncError, check_bucket, explain
from app.services.sync.state import Item
from app.services.sync.transfer import ChecksumMismatch, download
from app.store import Store

DISK_MARGIN = 50 * 1024 * 1024  # keep this much free after a pull


@dataclass
class PullReport:
    races: list[str] = field(default_factory=list)  # races added to the catalog
    already: list[str] = field(default_factory=list)  # races this cache already has
    skipped: dict[str, str] = field(default_factory=dict)  # race id -> why it was not pulled
    downloaded: int = 0
    bytes_total: int = 0
    bytes_done: int = 0

    def as_dict(self) -> dict:
        return {"races_pulled": self.races, "already_local": self.already,
                "skipped": [{"race_id": r, "reason": why} for r, why in self.skipped.items()],
                "downloaded": self.downloaded, "bytes_total": self.bytes_total, "bytes_done": self.bytes_done}


def remote_races(client, target: S3Target) -> list[str]:
    """Race ids that are complete in the bucket (their manifest exists)."""
    out: list[str] = []
    try:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=target.bucket, Prefix=target.key("races/"))
        for page in pages:
            for obj in page.get("Contents", []):
                race_id = layout.race_of_manifest(obj["Key"], target.prefix)
                if race_id:
                    out.append(race_id)
    except (ClientError, BotoCoreError) as exc:
        raise explain(exc, target, "listing races") from None
    return out


def read_manifest(client, target: S3Target, race_id: str) -> manifest.Manifest:
    try:
        body = client.get_object(Bucket=target.bucket, Key=target.key(layout.manifest_key(race_id)))["Body"].read()
    except (ClientError, BotoCoreError) as exc:
        raise explain(exc, target, f"reading the manifest of race {race_id}") from None
    return manifest.parse(body, race_id)


def pull(store: Store, target: S3Target, progress: Progress = no_progress,
         on_item: Callable[[int, int], None] | None = None) -> PullReport:
    if store.archive_files is not None:
        from app.archive import NO_SYNC

        raise PitwallError(NO_SYNC)
    client = target.client()
    check_bucket(target, client)
    report = PullReport()
    wanted: list[manifest.Manifest] = []
    local = {r.id: r for r in store.races()}
    hashes = {r.content_hash: r.id for r in local.values() if r.content_hash}
    for race_id in remote_races(client, target):
        if race_id in local:
            report.already.append(race_id)
            continue
        try:
            m = read_manifest(client, target, race_id)
        except ValueError as exc:
            report.skipped[race_id] = f"bad manifest: {exc}"
            continue
        content_hash = m.rows["races"][0].get("content_hash")
        if content_hash and content_hash in hashes:
            report.skipped[race_id] = f"the same file is already in the cache as race {hashes[content_hash]}"
            continue
        wanted.append(m)

    home = store.paths.home
    with store.engine.connect() as conn:
        has_frames = "frames" in manifest.tables(conn)
    items = [Item(o["kind"], m.race_id, manifest.local_path(o["key"]), o["key"], ref=o.get("ref"),
                  size=int(o["size"]), sha256=o["sha256"]) for m in wanted for o in m.objects
             if o["kind"] != "frame" or has_frames]  # stills need a catalog that knows frames
    todo = [i for i in items if not _have(store, i)]
    need = sum(i.size for i in todo)
    free = shutil.disk_usage(home).free
    if need + DISK_MARGIN > free:
        raise SyncError(f"Not enough free disk space to pull: {need / 1e6:.1f} MB needed, "
                        f"{free / 1e6:.1f} MB free in {home}. Nothing was changed.")

    def fetch(item: Item, on_bytes) -> str:
        assert item.sha256 is not None  # every object in a manifest has its checksum
        try:
            download(client, target, item.key, home / item.local_path, item.sha256, item.size, on_bytes)
        except ChecksumMismatch as exc:
            raise SyncError(str(exc)) from None
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise SyncError(f"The disk is full ({home}); free some space and pull again.") from None
            raise SyncError(f"Could not write {item.local_path}: {exc.strerror or exc}") from None
        return "downloaded"

    totals = pool.Totals(bytes_total=need, items_total=len(todo))
    result = pool.run(todo, fetch, target, "downloading", totals, progress, lambda _: None, on_item)
    failed = {i.key: err or "not downloaded" for i, o, err in result.outcomes if o in ("failed", "skipped")}
    report.downloaded = sum(1 for _, o, _ in result.outcomes if o == "downloaded")
    report.bytes_total, report.bytes_done = totals.bytes_total, totals.bytes_done

    for m in wanted:
        mine = [i for i in items if i.race_id == m.race_id]
        errors = [failed[i.key] for i in mine if i.key in failed]
        if errors:
            report.skipped[m.race_id] = errors[0]
            _remove_files(store, mine)
            continue
        _add_race(store, target, m, mine)
        report.races.append(m.race_id)
    if result.stopped:
        raise SyncError(f"{result.stopped} ({len(report.races)} races were pulled completely; pull again for "
                        "the rest)")
    if result.cancelled:
        raise Cancelled("Pull cancelled; races pulled completely are kept, pull again for the rest.")
    return report


def _have(store: Store, item: Item) -> bool:
    """A file that is already here with the right checksum (an earlier, interrupted pull) is not fetched again."""
    path = store.paths.home / item.local_path
    return path.is_file() and path.stat().st_size == item.size and file_sha256(path) == item.sha256


def _remove_files(store: Store, items: list[Item]) -> None:
    for item in items:
        (store.paths.home / item.local_path).unlink(missing_ok=True)


def _add_race(store: Store, target: S3Target, m: manifest.Manifest, items: list[Item]) -> None:
    """Catalog rows and sync state in one transaction: the race appears whole or not at all."""
    with store.engine.begin() as conn:
        manifest.apply(conn, m)
    home = store.paths.home
    for item in items:
        st = (home / item.local_path).stat()
        item.size, item.mtime_ns = st.st_size, st.st_mtime_ns
    # The bucket holds this race's manifest: record it as synced so a later push does not send it back.
    data = manifest.build(store, m.race_id, items).to_bytes()
    own = Item("manifest", m.race_id, f"manifest:{m.race_id}", layout.manifest_key(m.race_id), size=len(data),
               sha256=hashlib.sha256(data).hexdigest())
    state.mark(store, target.id, [*items, own], state.SYNCED)
