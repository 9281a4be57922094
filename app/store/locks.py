"""One lock file per race, held (flock) for as long as an ingest writes that race.

The kernel drops the lock when its process dies, however it dies, so "lock free" means "nobody is writing
this race": recovery may then mark it Failed and remove its temporary files, and must leave it alone otherwise.
"""

import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; recovery then trusts the status alone, as before
    fcntl = None  # type: ignore[assignment]

WAIT_S = 2.0  # how long a new ingest waits for a recovery that is looking at the same race


class RaceLock:
    def __init__(self, path: Path, fd: int) -> None:
        self.path, self._fd = path, fd

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = -1


def try_lock(path: Path) -> RaceLock | None:
    """The lock if nobody holds it (not even this process, through another descriptor), else None."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    if fcntl is None:
        return RaceLock(path, fd)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return RaceLock(path, fd)


def lock(path: Path, wait: float = WAIT_S) -> RaceLock | None:
    """try_lock, retried for a moment: a recovery holds a free race's lock only while it checks it."""
    deadline = time.monotonic() + wait
    while True:
        held = try_lock(path)
        if held is not None or time.monotonic() >= deadline:
            return held
        time.sleep(0.05)
