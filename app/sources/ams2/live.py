"""Record the live AMS2 UDP stream into a race file (the same container Pitwall opens)."""

import socket
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.errors import PitwallError
from app.fileio import write_atomic

DEFAULT_PORT = 5606  # AMS2 / Project CARS 2 UDP default
_U32 = struct.Struct("<I")


@dataclass
class RecordStats:
    packets: int = 0
    bytes: int = 0
    telemetry: int = 0
    timings: int = 0
    seconds: float = 0.0


def record(
    output: Path,
    port: int = DEFAULT_PORT,
    host: str = "0.0.0.0",
    keep_going: Callable[[RecordStats], bool] = lambda stats: True,
    idle_timeout: float | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> RecordStats:
    """Receive datagrams until keep_going(stats) is False or nothing arrives for idle_timeout seconds.

    Datagrams are compressed as they arrive (memory stays flat over a long session) and the file appears
    atomically when recording stops, so a half-written recording is never mistaken for a race file.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PitwallError(f"Cannot listen on UDP port {port}: {exc.strerror or exc}") from None
    sock.settimeout(0.25)
    port = sock.getsockname()[1]  # the real one when 0 asked the system to pick
    if on_ready:
        on_ready(port)
    stats = RecordStats()
    packer = zlib.compressobj(6)
    chunks: list[bytes] = []
    start = last = time.monotonic()
    try:
        while keep_going(stats):  # Ctrl+C ends a recording like any other stop: the file is still written
            try:
                data = sock.recv(65_535)
            except TimeoutError:
                if idle_timeout is not None and time.monotonic() - last > idle_timeout:
                    break
                continue
            last = time.monotonic()
            chunks.append(packer.compress(_U32.pack(len(data)) + data))
            stats.packets += 1
            stats.bytes += len(data)
            if len(data) > 10:
                stats.telemetry += data[10] == 0
                stats.timings += data[10] == 3
            stats.seconds = last - start
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    chunks.append(packer.flush())
    if stats.packets == 0:
        raise PitwallError(f"No AMS2 packets arrived on UDP port {port}: is UDP output on in the game "
                           "(Options → System → UDP Protocol Version = Project CARS 2)?")

    def write(tmp: str) -> None:
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)

    write_atomic(Path(output), write)
    return stats
