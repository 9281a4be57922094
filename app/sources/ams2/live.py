"""Record the live AMS2 UDP stream into a race file (the same container Pitwall opens), streamed to disk.

The file grows while recording. Compressed packets wait in memory only until the next sync point (every
FLUSH_INTERVAL), where a zlib Z_SYNC_FLUSH ends them on a byte boundary and the file is flushed to the OS. So the
file always ends on a packet boundary of a valid, not yet terminated, zlib stream: a recorder that is killed
loses less than a second, and memory stays flat however long the session. A clean stop terminates the stream.
"""

import socket
import struct
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from app.errors import PitwallError

DEFAULT_PORT = 5606  # AMS2 / Project CARS 2 UDP default
FLUSH_INTERVAL = 0.5  # s between sync points; with the receive timeout below, < 1 s of packets is only in memory
RECEIVE_TIMEOUT = 0.25  # s; also how often keep_going is asked when nothing arrives
REORDER_WINDOW = 64  # a packet number this far behind the newest is a late arrival; further back, a new counter
MAX_GAP = 100_000  # a jump further ahead than this is a new counter (game restarted), not lost packets
_U32 = struct.Struct("<I")
# Linux tells how many datagrams the kernel dropped on a full socket buffer (SO_RXQ_OVFL, not in `socket`).
_SO_RXQ_OVFL = 40 if sys.platform.startswith("linux") else None


@dataclass
class RecordStats:
    packets: int = 0
    bytes: int = 0
    telemetry: int = 0
    timings: int = 0
    seconds: float = 0.0  # from the start to the last packet
    rate: float = 0.0  # packets per second over the last second or so
    gaps: int = 0  # packets missing from the game's packet counter (header offset 0, +1 per datagram)
    overflows: int = 0  # datagrams the OS dropped because the socket buffer was full (Linux only)
    file_bytes: int = 0  # written to the race file so far

    @property
    def dropped(self) -> int:
        """Packets lost. Counter gaps include socket overflows, but only a PCARS2 sender numbers its packets."""
        return max(self.gaps, self.overflows)

    def summary(self) -> str:
        return f"{self.packets} packets, {self.rate:.0f}/s, {self.dropped} dropped"


class PacketCounter:
    """Counts gaps in the PCARS2 header's global packet number (u32 at offset 0)."""

    def __init__(self) -> None:
        self.last: int | None = None
        self.missing = 0

    def see(self, number: int) -> None:
        if self.last is None:
            self.last = number
            return
        ahead = (number - self.last) & 0xFFFFFFFF  # modulo 2**32: the counter wraps
        if 0 < ahead <= MAX_GAP:
            self.missing += ahead - 1
            self.last = number
        elif ahead == 0:
            pass  # a duplicate
        elif (self.last - number) & 0xFFFFFFFF <= REORDER_WINDOW:
            self.missing = max(0, self.missing - 1)  # late: it was counted missing when a later one came
        else:
            self.last = number  # a new counter (the game restarted): no loss can be told


class StreamWriter:
    """The race-file container written incrementally; readable (unterminated) after every sync()."""

    def __init__(self, path: Path, level: int = 6) -> None:
        self.path = Path(path)
        self.size = 0
        self._packer = zlib.compressobj(level)
        self._pending: list[bytes] = []
        self._dirty = False
        self._fh: BinaryIO | None = None

    def add(self, datagram) -> None:
        if self._fh is None:  # created with the first packet: a recording of nothing leaves no file
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "wb")  # kept open for the whole recording, closed by close()
        for part in (self._packer.compress(_U32.pack(len(datagram))), self._packer.compress(datagram)):
            if part:
                self._pending.append(part)
        self._dirty = True

    def sync(self) -> None:
        """Write what is pending up to a byte boundary (Z_SYNC_FLUSH) and hand it to the OS."""
        if self._dirty:
            self._write(self._packer.flush(zlib.Z_SYNC_FLUSH))
            self._dirty = False

    def close(self) -> None:
        if self._fh is not None:
            self._write(self._packer.flush())  # Z_FINISH: a complete stream
            self._fh.close()
            self._fh = None

    def _write(self, tail: bytes) -> None:
        self._pending.append(tail)
        data = b"".join(self._pending)  # one write: the file never ends inside a packet
        self._pending.clear()
        assert self._fh is not None  # opened by the first add()
        try:
            self._fh.write(data)
            self._fh.flush()
        except OSError as exc:
            raise PitwallError(f"Cannot write the recording {self.path}: {exc.strerror or exc}") from None
        self.size += len(data)


def record(
    output: Path,
    port: int = DEFAULT_PORT,
    host: str = "0.0.0.0",
    keep_going: Callable[[RecordStats], bool] = lambda stats: True,
    idle_timeout: float | None = None,
    on_ready: Callable[[int], None] | None = None,
) -> RecordStats:
    """Receive datagrams into `output` until keep_going(stats) is False or nothing arrives for idle_timeout s."""
    sock = _listen(host, port)
    port = sock.getsockname()[1]  # the real one when 0 asked the system to pick
    if on_ready:
        on_ready(port)
    stats = RecordStats()
    writer = StreamWriter(Path(output))
    counter = PacketCounter()
    buf = bytearray(65_536)
    view = memoryview(buf)
    receive = _receiver(sock, view)
    start = last_packet = last_sync = rate_since = time.monotonic()
    rate_packets = 0
    try:
        while keep_going(stats):  # Ctrl+C ends a recording like any other stop: the stream is terminated
            try:
                n = receive(stats)
            except TimeoutError:
                n = -1
            now = time.monotonic()
            if n >= 0:
                last_packet = now
                writer.add(view[:n])
                stats.packets += 1
                stats.bytes += n
                if n >= 12:
                    counter.see(_U32.unpack_from(buf)[0])
                    stats.gaps = counter.missing
                    stats.telemetry += buf[10] == 0
                    stats.timings += buf[10] == 3
                stats.seconds = now - start
            elif idle_timeout is not None and now - last_packet > idle_timeout:
                break
            if now - last_sync >= FLUSH_INTERVAL:
                writer.sync()
                last_sync = now
                stats.file_bytes = writer.size
                if now - rate_since >= 1.0:
                    stats.rate = (stats.packets - rate_packets) / (now - rate_since)
                    rate_since, rate_packets = now, stats.packets
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        writer.close()
    stats.file_bytes = writer.size
    if stats.packets == 0:
        raise PitwallError(f"No AMS2 packets arrived on UDP port {port}: is UDP output on in the game "
                           "(Options → System → UDP Protocol Version = Project CARS 2)?")
    return stats


def _listen(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PitwallError(f"Cannot listen on UDP port {port}: {exc.strerror or exc}") from None
    sock.settimeout(RECEIVE_TIMEOUT)
    return sock


def _receiver(sock: socket.socket, view: memoryview) -> Callable[[RecordStats], int]:
    """recv into the one buffer; where the OS reports socket-buffer overflows, recvmsg to read that count too."""
    if _SO_RXQ_OVFL is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, _SO_RXQ_OVFL, 1)
        except OSError:
            pass
        else:
            space = socket.CMSG_SPACE(4)

            def receive(stats: RecordStats) -> int:
                n, ancillary, _flags, _addr = sock.recvmsg_into([view], space)
                for level, kind, data in ancillary:
                    if level == socket.SOL_SOCKET and kind == _SO_RXQ_OVFL and len(data) >= 4:
                        stats.overflows = _U32.unpack_from(data)[0]  # the kernel's running total
                return n

            return receive
    return lambda stats: sock.recv_into(view)
