"""A local read-through cache of archive objects with a size limit, least recently used first out.

Each object is a file under the cache folder at its key; a hit touches its mtime, so the oldest mtimes are the
least recently used. Files are written to a temporary name and renamed, so a reader never sees half a file,
and evicting a file another thread has open is harmless (POSIX keeps it until it is closed).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

PART = ".part"


class LruCache:
    def __init__(self, root: Path, limit_bytes: int) -> None:
        self.root, self.limit = Path(root), int(limit_bytes)
        self._size: int | None = None  # measured on first use
        self._last = 0
        self._lock = threading.Lock()

    def path(self, key: str) -> Path:
        return self.root / key

    def get(self, key: str, fetch: Callable[[Path], None]) -> Path:
        """The cached file of `key`; on a miss `fetch(tmp)` writes the object to `tmp` first."""
        path = self.path(key)
        try:
            self._touch(path)
            return path
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex}{PART}")
        try:
            fetch(tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        self._added(path)
        return path

    def adopt(self, key: str, src: Path) -> Path:
        """Move a file this process just wrote (and uploaded) into the cache, so it is not downloaded again."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, path)
        self._added(path)
        return path

    def discard(self, key: str) -> None:
        path = self.path(key)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return
        with self._lock:
            if self._size is not None:
                self._size -= size

    def size(self) -> int:
        with self._lock:
            if self._size is None:
                self._size = sum(f.stat().st_size for f in self._files())
            return self._size

    def _files(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return [p for p in self.root.rglob("*") if p.is_file() and not p.name.endswith(PART)]

    def _touch(self, path: Path) -> None:
        """Mark as just used. Explicit nanoseconds, strictly increasing: the kernel's own clock for file times
        ticks only every few milliseconds, and files used within one tick would tie."""
        with self._lock:
            ns = max(time.time_ns(), self._last + 1)
            self._last = ns
        os.utime(path, ns=(ns, ns))

    def _added(self, path: Path) -> None:
        self._touch(path)
        size = path.stat().st_size
        total = self.size()
        with self._lock:
            self._size = total + size
            over = self._size > self.limit
        if over:
            self.evict(keep=path)

    def evict(self, keep: Path | None = None) -> int:
        """Remove the least recently used files until the cache is under 90% of its limit; returns bytes freed."""
        with self._lock:
            entries = []
            for f in self._files():
                try:
                    st = f.stat()
                except FileNotFoundError:
                    continue
                entries.append((st.st_mtime_ns, st.st_size, f))
            stale = time.time() - 3600  # downloads a killed process left half done
            for part in self.root.rglob(f"*{PART}") if self.root.is_dir() else []:
                try:
                    if part.stat().st_mtime < stale:
                        part.unlink()
                except FileNotFoundError:
                    pass
            total = sum(e[1] for e in entries)
            target = int(self.limit * 0.9)
            freed = 0
            for _mtime, size, f in sorted(entries, key=lambda e: e[0]):
                if total - freed <= target:
                    break
                if f == keep:
                    continue
                f.unlink(missing_ok=True)
                freed += size
            self._size = total - freed
            return freed
