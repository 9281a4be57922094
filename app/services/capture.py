"""Capture jobs: grab stills from a camera, or import image files, and file them in the cache.

Both are plain functions with a progress callback, run by the window's job runner or the command line.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.config import Settings
from app.errors import Cancelled, InvalidFile, PitwallError, Progress, check, no_progress
from app.services.cameras import CameraTarget
from app.services.frames import LinkRequest, find_duplicate, mark_partial, resolve_link, save_frame
from app.sources.camera.images import read_image_file
from app.sources.camera.limiter import StreamLimiter, shared_limiter
from app.sources.camera.rtsp import GrabOptions, Still, grab
from app.sources.camera.urls import check_camera_id, mask_secrets
from app.store import Store
from app.store.schema import Frame


def grab_options(settings: Settings, transport: str = "tcp") -> GrabOptions:
    return GrabOptions(
        transport=transport, open_timeout=settings.camera_open_timeout, read_timeout=settings.camera_read_timeout,
        reconnects=settings.camera_reconnects, queue_timeout=settings.camera_queue_timeout,
    )


@dataclass
class GrabOutcome:
    camera_id: str
    requested: int
    frames: list[Frame] = field(default_factory=list)
    burst_id: str | None = None
    partial: bool = False
    error: str | None = None
    reconnects: int = 0


def grab_stills(store: Store, settings: Settings, target: CameraTarget, frames: int = 1, fps: float | None = None,
                meta: dict | None = None, link: LinkRequest | None = None, progress: Progress = no_progress,
                limiter: StreamLimiter | None = None) -> GrabOutcome:
    """Grab and store; each still is stored as soon as it is read, so a burst that dies keeps its frames."""
    link = link or LinkRequest()
    _check_race(store, link)
    limiter = limiter or shared_limiter(settings.camera_max_streams)
    meta = {**(meta or {}), "camera_url": target.url, "transport": target.transport}
    burst_id = str(uuid.uuid4()) if frames > 1 else None
    out = GrabOutcome(target.camera_id, frames, burst_id=burst_id)

    def store_still(still: Still) -> None:
        where = resolve_link(store, still.captured_at, link, meta)
        out.frames.append(save_frame(
            store, target.camera_id, still.image, still.captured_at, "rtsp", meta=meta, link=where,
            burst_id=burst_id, burst_index=still.index if burst_id else None,
        ))

    try:
        result = grab(target.connect_url, frames, fps, grab_options(settings, target.transport), limiter,
                      progress, store_still, label=f"{target.camera_id} ({target.display})")
    except PitwallError as exc:
        # Messages are built from the masked address; mask again in case a library put the URL in one.
        raise type(exc)(mask_secrets(str(exc), target.credentials.password)) from None
    out.reconnects = result.reconnects
    if result.partial:
        out.partial, out.error = True, mask_secrets(result.error or "", target.credentials.password)
        if burst_id:
            mark_partial(store, burst_id)
            for frame in out.frames:
                frame.partial = True
    if result.cancelled:
        raise Cancelled(f"Cancelled; {len(out.frames)} of {frames} frames kept (marked partial)")
    return out


@dataclass
class ImportItem:
    file: str
    frame: Frame | None = None
    error: str | None = None
    duplicate: bool = False


def import_images(store: Store, settings: Settings, files: list[Path], camera_id: str,
                  meta: dict | None = None, link: LinkRequest | None = None,
                  captured_at: datetime | None = None, progress: Progress = no_progress) -> list[ImportItem]:
    """Import a batch of image files. Each file succeeds or fails on its own, with a one-line reason.

    The capture time is `captured_at` when given, else the file's modification time (UTC).
    """
    check_camera_id(camera_id)
    files = [Path(f) for f in files]
    if not files:
        raise PitwallError("No files to import")
    if len(files) > settings.upload_max_batch_size:
        raise PitwallError(f"{len(files)} files in one import; the limit is {settings.upload_max_batch_size} "
                           "per batch (PITWALL_UPLOAD_MAX_BATCH_SIZE). Nothing was imported.")
    link = link or LinkRequest()
    _check_race(store, link)
    items: list[ImportItem] = []
    for i, path in enumerate(files):
        check(progress, i, len(files))
        item = ImportItem(file=str(path))
        items.append(item)
        try:
            decoded = read_image_file(path, settings.upload_max_file_size)
            duplicate = find_duplicate(store, camera_id, _sha256(decoded.data))
            if duplicate is not None:
                item.frame, item.duplicate = duplicate, True
                continue
            when = captured_at or datetime.fromtimestamp(path.stat().st_mtime, UTC)
            info = {**(meta or {}), "file_name": path.name, "format": decoded.format}
            item.frame = save_frame(
                store, camera_id, decoded.image, when, "upload", data=decoded.data, suffix=decoded.suffix,
                meta=info, link=resolve_link(store, when, link, info),
            )
        except InvalidFile as exc:
            item.error = str(exc)
        except OSError as exc:
            item.error = f"{path.name}: {exc.strerror or exc}"
    check(progress, len(files), len(files))
    return items


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_race(store: Store, link: LinkRequest) -> None:
    if link.race_id and store.race(link.race_id) is None:
        raise PitwallError(f"No race with id {link.race_id}")
