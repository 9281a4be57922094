"""Race locks for a shared catalog server: a PostgreSQL session advisory lock per race (and `race_lock`, which
picks the server's lock or the lock file of app/store/locks.py for a store).

The same contract as the lock files of app/store/locks.py, across machines: held for as long as an ingest
writes the race, on a connection of its own. The server drops it when that connection goes, however the
writer died (crash, killed process, lost network, server restart), so "lock free" means "nobody is writing
this race" and recovery on any machine may mark the race Failed.
"""

from __future__ import annotations

import hashlib
import time
from typing import TYPE_CHECKING

from app.store.locks import WAIT_S, RaceLock, lock, try_lock

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.store.store import Store


def lock_key(race_id: str) -> int:
    """A signed 64-bit key (what pg_advisory_lock takes) from the race id."""
    return int.from_bytes(hashlib.sha256(race_id.encode()).digest()[:8], "big", signed=True)


class ServerLock:
    def __init__(self, conn, key: int) -> None:
        self._conn, self.key = conn, key

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.exec_driver_sql(f"SELECT pg_advisory_unlock({self.key})")
            except Exception:  # the connection is gone: the server has dropped the lock with it
                pass
            finally:
                self._conn.close()
                self._conn = None


def try_server_lock(engine: Engine, race_id: str) -> ServerLock | None:
    key = lock_key(race_id)
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = bool(conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar())
    except BaseException:
        conn.close()
        raise
    if not got:
        conn.close()
        return None
    return ServerLock(conn, key)


def server_lock(engine: Engine, race_id: str, wait: float = WAIT_S) -> ServerLock | None:
    """try_server_lock, retried for a moment (a recovery holds a free race's lock while it checks it)."""
    deadline = time.monotonic() + wait
    while True:
        held = try_server_lock(engine, race_id)
        if held is not None or time.monotonic() >= deadline:
            return held
        time.sleep(0.05)


def race_lock(store: Store, race_id: str, wait: bool) -> RaceLock | ServerLock | None:
    """The store's lock for a race: on the catalog server when it is shared, else a lock file in the data
    directory. `wait`: retry for a moment (a recovery may be looking at the race)."""
    if store.shared:
        return server_lock(store.engine, race_id) if wait else try_server_lock(store.engine, race_id)
    path = store.paths.race_lock(race_id)
    return lock(path) if wait else try_lock(path)
