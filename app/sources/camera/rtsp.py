"""Grab stills from an RTSP camera with OpenCV's FFmpeg backend: one frame, or a burst at a chosen rate.

Time limits that hold: the open and read timeouts only work when given to the VideoCapture constructor, so
every open goes through `_open_capture`. A plain TCP probe first tells "refused" from "no answer" quickly.
Reconnects back off (0.25 s, 0.5 s, 1 s ...) and never run past the open timeout. A stream that dies
mid-burst keeps the frames already read and is reported as partial.
"""

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from app.errors import PitwallError, Progress, no_progress
from app.sources.camera._cv import cv2
from app.sources.camera.limiter import StreamLimiter
from app.sources.camera.urls import TRANSPORTS, host_port, mask_url

BACKOFF_START = 0.25
BACKOFF_MAX = 2.0


class CameraError(PitwallError):
    """A camera could not be reached or stopped sending; the message never holds credentials."""


@dataclass(frozen=True)
class GrabOptions:
    transport: str = "tcp"
    open_timeout: float = 5.0
    read_timeout: float = 5.0
    reconnects: int = 2
    queue_timeout: float = 30.0


@dataclass
class Still:
    image: np.ndarray  # BGR, as OpenCV decodes it
    captured_at: datetime  # UTC
    index: int


@dataclass
class GrabResult:
    stills: list[Still] = field(default_factory=list)
    requested: int = 1
    partial: bool = False
    cancelled: bool = False
    error: str | None = None
    reconnects: int = 0


class _OptionsGate:
    """OpenCV reads OPENCV_FFMPEG_CAPTURE_OPTIONS (a process-wide variable) inside the constructor.

    Opens that want the same options run together; an open with other options waits until they finish.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._current: str | None = None
        self._count = 0

    @contextmanager
    def using(self, options: str) -> Iterator[None]:
        with self._cond:
            while self._count and self._current != options:
                self._cond.wait()
            os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = options
            self._current = options
            self._count += 1
        try:
            yield
        finally:
            with self._cond:
                self._count -= 1
                self._cond.notify_all()


_gate = _OptionsGate()


def ffmpeg_options(transport: str) -> str:
    if transport not in TRANSPORTS:
        raise PitwallError(f"Unknown transport {transport!r}; use tcp or udp")
    # A short analyzeduration: the first frame arrives in ~0.3-0.6 s instead of ~1 s.
    return f"rtsp_transport;{transport}|analyzeduration;200000"


def _probe(url: str, timeout: float) -> str | None:
    """Connect and close a TCP socket: None when the server answers, else a reason a person understands."""
    host, port = host_port(url)
    try:
        with socket.create_connection((host, port), timeout=max(timeout, 0.05)):
            return None
    except ConnectionRefusedError:
        return f"connection refused by {host}:{port}"
    except TimeoutError:
        return f"no answer from {host}:{port} within {timeout:.1f} s"
    except socket.gaierror:
        return f"unknown host {host}"
    except OSError as exc:
        return f"cannot reach {host}:{port} ({exc.strerror or exc})"


def _open_capture(url: str, opts: GrabOptions, timeout: float) -> cv2.VideoCapture:
    params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, int(timeout * 1000),
              cv2.CAP_PROP_READ_TIMEOUT_MSEC, int(opts.read_timeout * 1000)]
    with _gate.using(ffmpeg_options(opts.transport)):
        return cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)


def open_stream(url: str, opts: GrabOptions, label: str | None = None) -> cv2.VideoCapture:
    """An opened capture, retrying with backoff, all within `opts.open_timeout`; CameraError otherwise."""
    label = label or mask_url(url)
    ffmpeg_options(opts.transport)  # bad transport: fail before touching the network
    start = time.monotonic()
    deadline = start + opts.open_timeout
    delay = BACKOFF_START
    reason: str | None = "no attempt made"
    for _attempt in range(opts.reconnects + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        reason = _probe(url, left)
        if reason is None:
            left = deadline - time.monotonic()
            t0 = time.monotonic()
            cap = _open_capture(url, opts, max(left, 0.1))
            if cap.isOpened():
                return cap
            cap.release()
            if time.monotonic() - t0 >= 0.9 * left:
                reason = f"the server accepted the connection but sent no video within {opts.open_timeout:g} s"
                break
            reason = "the server refused the stream (wrong path or credentials, or an unsupported codec)"
        if time.monotonic() + delay >= deadline:
            break
        time.sleep(delay)
        delay = min(delay * 2, BACKOFF_MAX)
    raise CameraError(f"Camera {label}: could not connect: {reason}")


def _read(cap: cv2.VideoCapture) -> np.ndarray | None:
    ok, image = cap.read()
    return image if ok and image is not None and image.size else None


def grab(
    url: str,
    frames: int = 1,
    fps: float | None = None,
    opts: GrabOptions = GrabOptions(),
    limiter: StreamLimiter | None = None,
    progress: Progress = no_progress,
    on_still: Callable[[Still], None] | None = None,
    label: str | None = None,
) -> GrabResult:
    """Read `frames` stills, spaced 1/fps apart (as fast as the camera sends them when fps is None).

    Raises CameraError when no frame at all could be read. When the stream dies mid-burst and cannot be
    reopened, returns what was read with `partial=True` and the reason in `error`.
    """
    if frames < 1:
        raise PitwallError("The number of frames must be at least 1")
    if fps is not None and fps <= 0:
        raise PitwallError("The frame rate must be above 0")
    label = label or mask_url(url)
    limiter = limiter or StreamLimiter(1)
    result = GrabResult(requested=frames)
    with limiter.slot(opts.queue_timeout):
        cap = open_stream(url, opts, label)
        try:
            _burst(cap, url, frames, fps, opts, label, result, progress, on_still)
        finally:
            cap.release()
    if not result.stills:
        raise CameraError(result.error or f"Camera {label}: no frame received")
    return result


def _burst(cap, url, frames, fps, opts, label, result: GrabResult, progress, on_still) -> None:
    interval = 1.0 / fps if fps else 0.0
    next_due = 0.0
    drops_left = opts.reconnects
    while len(result.stills) < frames:
        if progress(len(result.stills), frames) is False:
            result.partial = result.cancelled = True
            result.error = f"Cancelled after {len(result.stills)} of {frames} frames"
            return
        image = _read(cap)
        if image is None:
            lost = f"Camera {label}: the stream stopped after {len(result.stills)} of {frames} frames"
            if drops_left <= 0:
                result.partial, result.error = True, lost
                return
            drops_left -= 1
            cap.release()
            try:
                cap = open_stream(url, opts, label)
            except CameraError as exc:
                result.partial, result.error = True, f"{lost}; reconnect failed: {str(exc).split(': ', 2)[-1]}"
                return
            result.reconnects += 1
            continue
        now = time.monotonic()
        if now + 0.002 < next_due:
            continue  # drain frames the camera sends faster than the asked rate
        next_due = max(next_due + interval, now) if next_due else now + interval
        still = Still(image=image, captured_at=datetime.now(UTC), index=len(result.stills))
        result.stills.append(still)
        if on_still is not None:
            on_still(still)
    progress(frames, frames)


class PreviewStream:
    """A live view: holds a stream slot and one open capture; `read()` returns the next frame (BGR)."""

    def __init__(self, url: str, opts: GrabOptions, limiter: StreamLimiter, label: str | None = None) -> None:
        self.url, self.opts, self.limiter = url, opts, limiter
        self.label = label or mask_url(url)
        self._slot: AbstractContextManager[None] | None = None
        self._cap: cv2.VideoCapture | None = None

    def __enter__(self) -> "PreviewStream":
        self._slot = self.limiter.slot(self.opts.queue_timeout)
        self._slot.__enter__()
        try:
            self._cap = open_stream(self.url, self.opts, self.label)
        except BaseException:
            self._slot.__exit__(None, None, None)
            raise
        return self

    def read(self) -> np.ndarray:
        assert self._cap is not None, "read() outside the with block"
        image = _read(self._cap)
        if image is None:
            raise CameraError(f"Camera {self.label}: the stream stopped")
        return image

    def __exit__(self, *exc) -> None:
        if self._cap is not None:
            self._cap.release()
        if self._slot is not None:
            self._slot.__exit__(None, None, None)


__all__ = ["CameraError", "GrabOptions", "GrabResult", "PreviewStream", "Still", "grab", "open_stream"]
