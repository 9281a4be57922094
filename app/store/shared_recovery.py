"""Recovery on a shared catalog (PITWALL_CATALOG_URL) and for the team archive's objects.

The race's status in the catalog is the shared truth; the race lock (a server advisory lock, see dblocks.py)
says whether anyone, on any machine, is still writing it. A race left Processing whose lock is free was being
written by a process that died, or lost the server: it becomes Failed (interrupted, retryable) and the objects
it had uploaded but never committed go. Lap rows are committed with Ready in one transaction, so such a race
has none to remove.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from app.domain.enums import RaceStatus
from app.errors import PitwallError
from app.store.recovery import INTERRUPTED
from app.store.schema import Lap, Race, utcnow

if TYPE_CHECKING:
    from app.store.store import Store

log = logging.getLogger(__name__)


def recover_shared(store: Store) -> int:
    """Mark interrupted races Failed and remove their uncommitted objects; returns how many were marked."""
    try:
        with store.session() as s:
            processing = list(s.scalars(select(Race.id).where(Race.status == RaceStatus.PROCESSING)))
    except SQLAlchemyError as exc:  # the server is down: the caller's next query says so clearly
        log.warning("Recovery skipped: %s", type(exc).__name__)
        return 0
    marked = 0
    for race_id in processing:
        held = store.try_race_lock(race_id)
        if held is None:
            continue  # someone is writing it right now
        try:
            with store.session() as s:
                result = s.execute(
                    update(Race).where(Race.id == race_id, Race.status == RaceStatus.PROCESSING)
                    .values(status=RaceStatus.FAILED, error=INTERRUPTED, updated_at=utcnow())
                )
                marked += int(getattr(result, "rowcount", 0) or 0)
            remove_uncommitted(store, race_id)
            shutil.rmtree(store.paths.laps_dir / race_id, ignore_errors=True)  # lap files staged for upload here
        finally:
            held.release()
    return marked


def recover_local_with_archive(store: Store, recover_local: Callable[[], int]) -> int:
    """An SQLite catalog with its files in the bucket: the local recovery, then the uncommitted objects of the
    races it marked Failed."""
    with store.session() as s:
        before = set(s.scalars(select(Race.id).where(Race.status == RaceStatus.PROCESSING)))
    marked = recover_local()
    if marked:
        with store.session() as s:
            failed = set(s.scalars(select(Race.id).where(Race.id.in_(before), Race.status == RaceStatus.FAILED)))
        for race_id in failed:
            held = store.try_race_lock(race_id)
            if held is not None:
                try:
                    remove_uncommitted(store, race_id)
                finally:
                    held.release()
    return marked


def remove_uncommitted(store: Store, race_id: str) -> int:
    """The race's objects no lap row lists (call with the race's lock held). Returns how many went."""
    files = store.archive_files
    if files is None:
        return 0
    with store.session() as s:
        race = s.get(Race, race_id)
        if race is None:
            return 0
        source, track, ready = race.source, race.track, race.status == RaceStatus.READY
        listed = {p for p in s.scalars(select(Lap.path).where(Lap.race_id == race_id)) if p}
    try:
        return files.remove_unlisted(race_id, source, track, listed, keep_catalog=ready)
    except PitwallError as exc:  # the bucket is unreachable: the next recovery tries again
        log.warning("Could not remove the uncommitted objects of race %s: %s", race_id, exc)
        return 0
