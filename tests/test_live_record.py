"""Recording live AMS2 UDP: real datagrams from a real recording, sent over a real socket.

The recorder streams to disk: the file is readable while recording and after the recorder is killed (an
unterminated zlib stream ending on a packet boundary), and it counts packets lost on the way.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib

import pytest

from app.errors import InvalidFile, PitwallError
from app.services.ingest import ingest_file
from app.sources.ams2 import read_race_file
from app.sources.ams2.container import decompress, index_packets
from app.sources.ams2.live import FLUSH_INTERVAL, PacketCounter, record
from tests.conftest import ROOT, SHORT_RACE


def short_datagrams() -> list[bytes]:
    raw = decompress(SHORT_RACE.read_bytes())
    idx = index_packets(raw)
    return [raw[o : o + n] for o, n in zip(idx.offsets.tolist(), idx.lengths.tolist(), strict=True)]


@pytest.fixture(scope="module")
def datagrams() -> list[bytes]:
    return short_datagrams()


def replay(port: int, datagrams: list[bytes], per_second: int = 10_000) -> None:
    """Send at a steady rate (~100x the game's), not in bursts that overrun the socket buffer of a busy machine."""
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    start = time.monotonic()
    for i, d in enumerate(datagrams):
        out.sendto(d, ("127.0.0.1", port))
        if i % 50 == 49:
            time.sleep(max(0.0, start + (i + 1) / per_second - time.monotonic()))
    out.close()


def packets_in(path) -> list[bytes]:
    """The datagrams in a race file, its zlib stream terminated or not (zlib itself reads up to the last sync
    point); index_packets raises if the data ends inside a packet."""
    raw = zlib.decompressobj().decompress(path.read_bytes())
    idx = index_packets(raw)
    return [raw[o : o + n] for o, n in zip(idx.offsets.tolist(), idx.lengths.tolist(), strict=True)]


class Recorder:
    """record() on a thread, as the window's job runs it."""

    def __init__(self, path, **kwargs) -> None:
        self.path, self.stop, self.ready, self.port = path, threading.Event(), threading.Event(), None
        self.stats, self.error, self.live = None, None, None
        kwargs.setdefault("keep_going", self._keep_going)
        self.thread = threading.Thread(target=self._run, kwargs=kwargs)
        self.thread.start()
        assert self.ready.wait(5)

    def _run(self, **kwargs) -> None:
        try:
            self.stats = record(self.path, port=0, host="127.0.0.1", on_ready=self._on_ready, **kwargs)
        except PitwallError as exc:
            self.error = exc

    def _keep_going(self, stats) -> bool:
        self.live = stats
        return not self.stop.is_set()

    def _on_ready(self, port: int) -> None:
        self.port = port
        self.ready.set()

    def finish(self, expect: int | None = None):
        """Stop once `expect` packets have arrived (the last ones may still be in the socket buffer)."""
        deadline = time.monotonic() + 10
        while expect is not None and (self.live is None or self.live.packets < expect) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
        self.stop.set()
        self.thread.join(15)
        assert not self.thread.is_alive()
        return self.stats


def test_record_replayed_stream_then_ingest(store, tmp_path, datagrams):
    rec = Recorder(tmp_path / "live.ams2", idle_timeout=1.0)
    replay(rec.port, datagrams)
    rec.thread.join(15)
    stats = rec.stats
    assert stats.packets == len(datagrams) and stats.telemetry == 5083
    assert stats.dropped == 0 and stats.file_bytes == (tmp_path / "live.ams2").stat().st_size
    recorded = read_race_file(tmp_path / "live.ams2")
    original = read_race_file(SHORT_RACE)
    assert [lap.sample_count for lap in recorded.laps] == [lap.sample_count for lap in original.laps]
    assert ingest_file(store, tmp_path / "live.ams2").race.status == "Ready"


def test_nothing_arrives_is_a_clear_error(tmp_path):
    with pytest.raises(PitwallError, match="No AMS2 packets arrived"):
        record(tmp_path / "none.ams2", port=0, host="127.0.0.1", idle_timeout=0.3)
    assert not (tmp_path / "none.ams2").exists()


def test_the_file_grows_while_recording(tmp_path, datagrams):
    path = tmp_path / "growing.ams2"
    rec = Recorder(path)
    half = len(datagrams) // 2
    replay(rec.port, datagrams[:half])
    time.sleep(FLUSH_INTERVAL + 0.5)  # one sync point later, every packet sent is on disk
    assert packets_in(path) == datagrams[:half]  # readable mid-recording, byte for byte
    replay(rec.port, datagrams[half:])
    stats = rec.finish(len(datagrams))
    assert stats.packets == len(datagrams)
    assert decompress(path.read_bytes())  # a clean stop terminates the stream
    assert packets_in(path) == datagrams


def test_lost_packets_are_counted_from_the_packet_numbers(tmp_path, datagrams):
    first = datagrams[:3000]
    kept = [d for i, d in enumerate(first) if i % 50 != 25]  # 60 never arrive
    rec = Recorder(tmp_path / "gappy.ams2")
    replay(rec.port, kept, per_second=4000)
    replay(rec.port, first, per_second=4000)  # the game restarted: its counter starts again, nothing lost there
    stats = rec.finish(len(kept) + len(first))
    assert stats.overflows == 0, "the machine was too busy to keep up"
    assert stats.packets == len(kept) + len(first)
    assert stats.gaps == stats.dropped == len(first) - len(kept)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the overflow count is Linux's SO_RXQ_OVFL")
def test_socket_buffer_overflows_are_counted(tmp_path, datagrams):
    """A recorder that falls behind: the kernel drops what the socket buffer cannot hold, and both counts agree."""
    paused, stop = threading.Event(), threading.Event()

    def keep_going(stats) -> bool:
        if stats.packets == 1 and not paused.is_set():
            paused.set()
            time.sleep(1.0)  # busy elsewhere while the game goes on sending
        return not stop.is_set()

    rec = Recorder(tmp_path / "overflow.ams2", keep_going=keep_going)
    # The game numbers every datagram: three laps of the recording, numbered on as one session.
    session = [n.to_bytes(4, "little") + d[4:] for n, d in enumerate(datagrams * 3, start=1)]
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    out.sendto(session[0], ("127.0.0.1", rec.port))
    assert paused.wait(5)
    burst = len(session) - 200
    for d in session[1:burst]:  # ~23k datagrams at once, far more than the socket buffer holds
        out.sendto(d, ("127.0.0.1", rec.port))
    time.sleep(1.5)  # the recorder is back and has drained the buffer
    out.close()
    replay(rec.port, session[burst:])  # the game goes on: the first packet after the loss reveals it
    time.sleep(0.5)  # the last of them received
    stop.set()
    stats = rec.finish()
    assert stats.overflows > 0 and stats.packets + stats.overflows == len(session)
    assert stats.gaps == stats.overflows == stats.dropped  # the kernel's count and the counter's agree
    assert len(packets_in(tmp_path / "overflow.ams2")) == stats.packets


def test_packet_counter_reordering_wrap_and_restarts():
    counter = PacketCounter()
    for n in (10, 11, 13, 12, 14, 14, 20):  # 12 late, 14 twice, 15..19 lost
        counter.see(n)
    assert counter.missing == 5
    for n in (0x7FFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF, 0, 2):  # two new counters (far jumps), then 1 lost at the wrap
        counter.see(n)
    assert counter.missing == 6


def start_cli_recorder(path, home) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "PITWALL_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "record", "-o", str(path), "--port", "0",
                             "--host", "127.0.0.1", "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    match = re.search(r"listening on UDP 127\.0\.0\.1:(\d+)", line)
    assert match, line
    return proc, int(match.group(1))


def stream_for(port: int, datagrams: list[bytes], seconds: float, per_second: int = 1000) -> list[float]:
    """Send the datagrams in order at a steady rate (~9x the game's); returns when each was sent."""
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sent_at: list[float] = []
    start = time.monotonic()
    while time.monotonic() - start < seconds and len(sent_at) < len(datagrams):
        for _ in range(per_second // 100):
            out.sendto(datagrams[len(sent_at)], ("127.0.0.1", port))
            sent_at.append(time.monotonic())
        time.sleep(max(0.0, start + len(sent_at) / per_second - time.monotonic()))
    out.close()
    return sent_at


def test_sigkill_mid_recording_loses_at_most_the_last_second(tmp_path, datagrams):
    path = tmp_path / "killed.ams2"
    proc, port = start_cli_recorder(path, tmp_path / "home")
    try:
        sent_at = stream_for(port, datagrams, seconds=3.0)
        killed_at = time.monotonic()
        proc.send_signal(signal.SIGKILL)  # while packets are arriving: no handler, no cleanup
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    got = packets_in(path)  # the stream was never terminated, and still reads
    assert got == datagrams[: len(got)]  # in order, byte for byte, ending on a packet
    older = sum(1 for t in sent_at if t <= killed_at - 1.0)
    assert older <= len(got) <= len(sent_at), (older, len(got), len(sent_at))


def test_killed_recording_opens_with_the_reader(tmp_path, datagrams):
    path = tmp_path / "killed.ams2"
    proc, port = start_cli_recorder(path, tmp_path / "home")
    try:
        stream_for(port, datagrams, seconds=2.0, per_second=2000)
        time.sleep(FLUSH_INTERVAL + 0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    got = len(packets_in(path))
    try:
        session = read_race_file(path)
    except InvalidFile as exc:  # the reader's tolerance for unterminated streams comes from the ingest work
        pytest.xfail(f"the reader does not accept an unterminated stream yet: {exc}")
    assert session.meta["packets"] == got


def test_sigterm_stops_cleanly(tmp_path, datagrams):
    import json

    path = tmp_path / "terminated.ams2"
    proc, port = start_cli_recorder(path, tmp_path / "home")
    stream_for(port, datagrams, seconds=1.0)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0
    summary = json.loads(out)
    assert summary["packets"] == len(packets_in(path)) > 0 and summary["dropped"] == 0
    assert decompress(path.read_bytes())  # terminated: any reader opens it
