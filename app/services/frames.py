"""Camera stills in the cache: original bytes + thumbnail on disk, one catalog row each, linked to races.

Linking a still to a race, a lap and a session time (seconds since the session's time 0):
- explicit: a race id, with or without a session time. Without one, it is computed from the capture time
  when the race knows its wall-clock start.
- automatic: a race whose `meta["started_at"]` (ISO-8601, UTC wall-clock time at session time 0) is known and
  whose laps span the capture time. AMS2 race files carry no wall-clock start, so they link explicitly only.
A race's span ends with its last timed lap; a last lap without a time counts as OPEN_LAP_SECONDS long.
The lap is the one running at that session time; with several drivers on track the frame's `driver` or
`team` meta picks one, else only the race and the time are kept.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np
from sqlalchemy import select, update

from app.errors import PitwallError
from app.fileio import write_atomic
from app.store import Store
from app.store.schema import Frame, Lap, Race, utcnow

OPEN_LAP_SECONDS = 300.0


@dataclass(frozen=True)
class LinkRequest:
    race_id: str | None = None
    session_time: float | None = None
    auto: bool = True


@dataclass(frozen=True)
class Link:
    race_id: str | None = None
    lap_id: str | None = None
    session_time: float | None = None


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def race_start(race: Race) -> datetime | None:
    raw = json.loads(race.meta or "{}").get("started_at")
    if not raw:
        return None
    try:
        return _naive_utc(datetime.fromisoformat(str(raw).replace("Z", "+00:00")))
    except ValueError:
        return None


def _lap_end(lap: Lap, laps: list[Lap]) -> float:
    if lap.lap_time:
        return lap.start_time + lap.lap_time
    later = [x.start_time for x in laps if x.driver == lap.driver and x.start_time > lap.start_time]
    return min(later) if later else float("inf")


def find_lap(laps: list[Lap], session_time: float, hints: dict) -> Lap | None:
    running = [lap for lap in laps if lap.start_time <= session_time < _lap_end(lap, laps)]
    for key in ("driver", "team"):
        wanted = str(hints.get(key) or "").lower()
        if wanted and len(running) > 1:
            running = [lap for lap in running if wanted in str(getattr(lap, key) or "").lower()]
    return running[0] if len(running) == 1 else None


def resolve_link(store: Store, captured_at: datetime, request: LinkRequest, hints: dict) -> Link:
    captured = _naive_utc(captured_at)
    if request.race_id:
        race = store.race(request.race_id)
        if race is None:
            raise PitwallError(f"No race with id {request.race_id}")
        t = request.session_time
        start = race_start(race)
        if t is None and start is not None:
            t = (captured - start).total_seconds()
        lap = find_lap(store.laps(race.id), t, hints) if t is not None else None
        return Link(race.id, lap.id if lap else None, t)
    if not request.auto:
        return Link()
    for race in store.races():  # newest first
        start = race_start(race)
        if start is None or captured < start:
            continue
        laps = store.laps(race.id)
        t = (captured - start).total_seconds()
        end = max((min(_lap_end(lap, laps), lap.start_time + OPEN_LAP_SECONDS) for lap in laps), default=0.0)
        if t <= end:
            lap = find_lap(laps, t, hints)
            return Link(race.id, lap.id if lap else None, t)
    return Link()


def _write_bytes(blob: bytes, tmp: str) -> int:
    return Path(tmp).write_bytes(blob)


def save_frame(store: Store, camera_id: str, image: np.ndarray, captured_at: datetime, source: str,
               data: bytes | None = None, suffix: str = ".jpg", meta: dict | None = None,
               link: Link = Link(), burst_id: str | None = None, burst_index: int | None = None) -> Frame:
    """Write the still and its thumbnail, then the catalog row; a failure leaves neither behind."""
    from app.sources.camera.images import encode_jpeg, thumbnail  # OpenCV: loaded when a still is saved

    if data is None:
        data, suffix = encode_jpeg(image), ".jpg"
    frame_id = str(uuid.uuid4())
    path = store.paths.frame_file(camera_id, frame_id, suffix)
    thumb = store.paths.frame_thumb(camera_id, frame_id)
    written = []
    archived: list[str] = []
    try:
        for dest, blob in ((path, data), (thumb, thumbnail(image))):
            write_atomic(dest, partial(_write_bytes, blob))
            written.append(dest)
        archived = [store.paths.relative(path), store.paths.relative(thumb)]
        store.archive_local_files(archived)  # team archive: in the bucket before the row lists them
        height, width = image.shape[:2]
        row = Frame(
            id=frame_id, camera_id=camera_id, path=store.paths.relative(path),
            thumb_path=store.paths.relative(thumb), captured_at=_naive_utc(captured_at), source=source,
            width=width, height=height, sha256=hashlib.sha256(data).hexdigest(),
            meta=json.dumps(meta or {}, default=str), race_id=link.race_id, lap_id=link.lap_id,
            session_time=link.session_time, burst_id=burst_id, burst_index=burst_index, created_at=utcnow(),
        )
        with store.session() as s:
            s.add(row)
    except BaseException:
        for dest in written:
            dest.unlink(missing_ok=True)
        if archived:
            store.unarchive_local_files(archived)
        raise
    return row


def ensure_thumbnail(store: Store, frame: Frame) -> Path:
    """The thumbnail, rebuilt from the still when missing (S3 sync carries the stills, not their thumbnails)."""
    thumb = store.local_file(frame.thumb_path)  # team archive: downloaded when another machine took it
    original = store.paths.absolute(frame.path)
    if not thumb.exists() and store.local_file(frame.path).exists():
        from app.services.imagediff import read_still  # OpenCV: only when a thumbnail is missing
        from app.sources.camera.images import thumbnail

        image = read_still(original)
        tmp = thumb.with_name(thumb.name + ".part")
        tmp.write_bytes(thumbnail(image))
        tmp.replace(thumb)
    return thumb


def mark_partial(store: Store, burst_id: str) -> None:
    with store.session() as s:
        s.execute(update(Frame).where(Frame.burst_id == burst_id).values(partial=True))


def find_duplicate(store: Store, camera_id: str, sha256: str) -> Frame | None:
    with store.session() as s:
        return s.scalars(select(Frame).where(Frame.camera_id == camera_id, Frame.sha256 == sha256)).first()


def get_frame(store: Store, frame_id: str) -> Frame | None:
    with store.session() as s:
        return s.get(Frame, frame_id)


def list_frames(store: Store, camera_id: str | None = None, race_id: str | None = None,
                session: str | None = None, limit: int | None = None) -> list[Frame]:
    """Newest first; `session` matches the free-form session name in the metadata (e.g. FP1)."""
    query = select(Frame).order_by(Frame.captured_at.desc(), Frame.burst_index)
    if camera_id:
        query = query.where(Frame.camera_id == camera_id)
    if race_id:
        query = query.where(Frame.race_id == race_id)
    with store.session() as s:
        rows = list(s.scalars(query))
    if session:
        rows = [f for f in rows if str(json.loads(f.meta or "{}").get("session", "")) == session]
    return rows[:limit] if limit else rows


def link_frame(store: Store, frame_id: str, request: LinkRequest) -> Frame:
    """Attach an existing still to a race (and lap/time) after the fact."""
    frame = get_frame(store, frame_id)
    if frame is None:
        raise PitwallError(f"No frame with id {frame_id}")
    link = resolve_link(store, frame.captured_at, request, json.loads(frame.meta or "{}"))
    with store.session() as s:
        row = s.get(Frame, frame_id)
        assert row is not None, frame_id
        row.race_id, row.lap_id, row.session_time = link.race_id, link.lap_id, link.session_time
    linked = get_frame(store, frame_id)
    assert linked is not None, frame_id
    return linked


def delete_frame(store: Store, frame_id: str) -> None:
    with store.session() as s:
        frame = s.get(Frame, frame_id)
        if frame is None:
            raise PitwallError(f"No frame with id {frame_id}")
        rels = [frame.path, frame.thumb_path]
        s.delete(frame)
    for rel in rels:
        store.paths.absolute(rel).unlink(missing_ok=True)
    store.unarchive_local_files(rels)


def frame_dict(store: Store, frame: Frame) -> dict:
    return {
        "id": frame.id, "camera_id": frame.camera_id, "source": frame.source,
        "captured_at": frame.captured_at.isoformat() + "Z", "width": frame.width, "height": frame.height,
        "sha256": frame.sha256, "path": str(store.paths.absolute(frame.path)),
        "thumb_path": str(store.paths.absolute(frame.thumb_path)), "meta": json.loads(frame.meta or "{}"),
        "race_id": frame.race_id, "lap_id": frame.lap_id, "session_time": frame.session_time,
        "burst_id": frame.burst_id, "burst_index": frame.burst_index, "partial": bool(frame.partial),
    }
