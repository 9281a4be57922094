"""A cap on camera streams open at once: each grab or preview holds a slot while its stream is open."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from app.errors import PitwallError


class StreamLimiter:
    """A counting semaphore that also remembers how busy it got (for status and for tests)."""

    def __init__(self, max_streams: int = 10) -> None:
        if max_streams < 1:
            raise ValueError("max_streams must be at least 1")
        self.max_streams = max_streams
        self._cond = threading.Condition()
        self.active = 0
        self.peak = 0
        self.waited = 0  # how many requests had to queue for a slot

    @contextmanager
    def slot(self, timeout: float = 30.0) -> Iterator[None]:
        deadline = time.monotonic() + timeout
        with self._cond:
            if self.active >= self.max_streams:
                self.waited += 1
            while self.active >= self.max_streams:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PitwallError(
                        f"All {self.max_streams} camera streams are busy; waited {timeout:g} s for one to free up"
                    )
                self._cond.wait(left)
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            yield
        finally:
            with self._cond:
                self.active -= 1
                self._cond.notify()


_shared: StreamLimiter | None = None
_shared_lock = threading.Lock()


def shared_limiter(max_streams: int = 10) -> StreamLimiter:
    """The process-wide limiter (the window and the command line each have one process)."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared.max_streams != max_streams and _shared.active == 0:
            _shared = StreamLimiter(max_streams)
        return _shared
