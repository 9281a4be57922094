"""Recovery after a crash, in sqlite3 alone so that every start of the command line can afford it.

A race left Processing whose lock nobody holds was being written by a process that died: it becomes
Failed (interrupted, retryable) and its half-written files go. A race whose lock is held is being written right
now, by another window or command: it is left alone, its temporary files too.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection, Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from app.domain.enums import RaceStatus
from app.home import env_setting
from app.store.locks import try_lock
from app.store.paths import DataPaths

log = logging.getLogger(__name__)
INTERRUPTED = "Interrupted before it finished (Pitwall was closed or crashed); open the file again to retry."
TEMP_SUFFIX = ".part"  # app.fileio.write_atomic's temporary files


def recover(home: Path, writing: Collection[str] = ()) -> int:
    """Mark interrupted races Failed and remove files no catalog row lists; returns how many were marked.

    `writing`: races the calling process is writing itself (their locks are held by it).
    """
    paths = DataPaths(Path(home))
    if not paths.catalog.is_file() or env_setting("catalog_url"):  # a shared catalog: Store.recover does it
        return 0
    try:
        return _recover(paths, writing)
    except (OSError, sqlite3.Error) as exc:  # a read-only or busy data directory: the listing still works
        log.warning("Recovery skipped: %s", exc)
        return 0


def _recover(paths: DataPaths, writing: Collection[str]) -> int:
    with closing(sqlite3.connect(paths.catalog, timeout=30)) as conn:
        try:
            processing = [r[0] for r in conn.execute("SELECT id FROM races WHERE status = ?",
                                                     (RaceStatus.PROCESSING.value,))]
            listed = dict(conn.execute("SELECT race_id, count(path) FROM laps GROUP BY race_id").fetchall())
        except sqlite3.OperationalError:  # a catalog not created yet: nothing to recover
            return 0
        marked = 0
        for race_id in processing:
            with _unless_written(paths, race_id, writing) as free:
                if not free:
                    continue
                now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
                with conn:
                    marked += conn.execute(
                        "UPDATE races SET status = ?, error = ?, updated_at = ? WHERE id = ? AND status = ?",
                        (RaceStatus.FAILED.value, INTERRUPTED, now, race_id, RaceStatus.PROCESSING.value),
                    ).rowcount
                remove_unlisted_files(conn, paths, race_id)
                for folder in (paths.raw_dir / race_id, paths.session_table(race_id, "x").parent):
                    for tmp in folder.glob(f"*{TEMP_SUFFIX}"):
                        tmp.unlink(missing_ok=True)
        # Files no row lists, of races nobody is writing: a crash after a commit, before old files went.
        if paths.laps_dir.is_dir():
            for folder in paths.laps_dir.iterdir():
                if folder.is_dir() and sum(1 for _ in folder.iterdir()) != listed.get(folder.name, 0):
                    with _unless_written(paths, folder.name, writing) as free:
                        if free:
                            remove_unlisted_files(conn, paths, folder.name)
    return marked


def remove_unlisted_files(conn: sqlite3.Connection, paths: DataPaths, race_id: str) -> None:
    """Remove the lap files of a race that no lap row lists (call with the race's lock held)."""
    folder = paths.laps_dir / race_id
    if not folder.is_dir():
        return
    listed = {r[0] for r in conn.execute("SELECT path FROM laps WHERE race_id = ?", (race_id,))}
    for path in folder.iterdir():
        if paths.relative(path) not in listed:
            path.unlink(missing_ok=True)


@contextmanager
def _unless_written(paths: DataPaths, race_id: str, writing: Collection[str]) -> Iterator[bool]:
    """True, with the race's lock held meanwhile, when no job or process is writing the race."""
    held = None if race_id in writing else try_lock(paths.race_lock(race_id))
    try:
        yield held is not None
    finally:
        if held is not None:
            held.release()
