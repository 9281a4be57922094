"""Forget a race: its catalog rows in one transaction, then its files; camera stills linked to it stay."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select, update

from app.domain.enums import RaceStatus
from app.errors import PitwallError
from app.store.locks import try_lock
from app.store.schema import Frame, Lap, Race, Result, SyncItem

if TYPE_CHECKING:
    from app.store import Store


def forget_race(store: Store, race_id: str, force: bool = False) -> None:
    """Remove a race, its laps, results and sync state, then its raw file, lap files and session tables.

    Stills linked to the race (or one of its laps) are unlinked, not deleted: they belong to their camera.
    Rows go first, in one transaction, so the catalog never lists a lap whose file is gone; a crash before the
    files are removed leaves only unlisted files. A race still Processing is refused unless `force` (it may be
    an ingest running in another window; one interrupted by a crash is Failed after the next start).
    """
    with store.session() as s:
        race = s.get(Race, race_id)
        if race is None:
            raise PitwallError(f"No race with id {race_id}")
        if race.status == RaceStatus.PROCESSING and not force:
            raise PitwallError(f"Race {race_id} is still being processed; wait for it to finish (or use --force).")
        where = (race.source, race.track)  # the race's folder in a team archive's bucket
        lap_ids = select(Lap.id).where(Lap.race_id == race_id)
        s.execute(update(Frame).where((Frame.race_id == race_id) | Frame.lap_id.in_(lap_ids))
                  .values(race_id=None, lap_id=None, session_time=None))
        s.execute(delete(SyncItem).where(SyncItem.race_id == race_id))
        s.execute(delete(Result).where(Result.race_id == race_id))
        s.execute(delete(Lap).where(Lap.race_id == race_id))
        s.execute(delete(Race).where(Race.id == race_id))
    paths = store.paths
    for folder in (paths.raw_dir / race_id, paths.laps_dir / race_id,
                   paths.session_table(race_id, "x").parent):
        shutil.rmtree(folder, ignore_errors=True)
    store.delete_archived(race_id, *where)  # team archive: its objects (nothing in local mode)
    _drop_lock(paths.race_lock(race_id))


def _drop_lock(path: Path) -> None:
    """Remove the race's lock file unless another process holds it (a forced forget of a running ingest)."""
    held = try_lock(path) if path.exists() else None
    if held is not None:
        try:
            path.unlink(missing_ok=True)
        finally:
            held.release()
