"""Live recording memory: `pitwall record` in its own process while the real Montreal datagrams are replayed
over a real UDP socket, numbered on as one long session, at many times the game's rate.

The recorder's resident memory (VmRSS, sampled 4x a second) must stay flat: it keeps compressed packets only until
the next sync point. Baseline: the compressed stream size of the same run, which is what a recorder holding the
whole recording until it stops keeps in memory. Also printed: packets/s received, dropped packets (the recorder's
own count), CPU time per packet. Last line: one JSON object.
"""

import argparse
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.sources.ams2.container import decompress, index_packets  # noqa: E402
from bench._common import report  # noqa: E402

SHORT = ROOT / "tests" / "data" / "montreal_short.ams2"
TARGET_MB = 5.0


def datagrams() -> tuple[list[bytes], float]:
    """The recording's datagrams and the rate the game sent them at (packets per second of game ticks)."""
    raw = decompress(SHORT.read_bytes())
    idx = index_packets(raw)
    packets = [raw[o : o + n] for o, n in zip(idx.offsets.tolist(), idx.lengths.tolist(), strict=True)]
    ticks = [struct.unpack_from("<I", p, 555)[0] for p in packets if p[10] == 0 and len(p) >= 559]
    return packets, len(packets) / ((ticks[-1] - ticks[0]) / 1000)


def rss_mb(pid: int) -> float:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) / 1024


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=30, help="times the recording is replayed")
    parser.add_argument("--speed", type=float, default=40.0, help="times the game's packet rate")
    args = parser.parse_args()
    packets, game_rate = datagrams()
    rate = game_rate * args.speed
    total = len(packets) * args.repeats
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-") as tmp:
        out = Path(tmp) / "long.ams2"
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "record", "-o", str(out), "--port", "0",
                                 "--host", "127.0.0.1", "--json"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, "PITWALL_HOME": tmp})
        port = int(re.search(r":(\d+),", proc.stderr.readline()).group(1))
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        samples: list[tuple[int, float]] = []  # (packets sent, RSS MB)
        start = time.monotonic()
        next_sample = start
        for n in range(total):
            p = packets[n % len(packets)]
            sock.sendto((n + 1).to_bytes(4, "little") + p[4:], ("127.0.0.1", port))  # one session's numbering
            if n % 50 == 49:
                now = time.monotonic()
                if now >= next_sample:
                    samples.append((n + 1, rss_mb(proc.pid)))
                    next_sample = now + 0.25
                time.sleep(max(0.0, start + (n + 1) / rate - now))
        elapsed = time.monotonic() - start
        sock.close()
        time.sleep(1.0)
        cpu = cpu_s(proc.pid)
        samples.append((total, rss_mb(proc.pid)))
        proc.send_signal(signal.SIGTERM)  # a clean stop: the stream is terminated
        stdout, _ = proc.communicate(timeout=30)
        summary = json.loads(stdout)
        size_mb = out.stat().st_size / 1e6
    warm = next(rss for sent, rss in samples if sent >= total // 10)
    peak = max(rss for _, rss in samples)
    growth = peak - warm
    game_minutes = total / game_rate / 60
    print(f"{total} datagrams ({game_minutes:.0f} min of game at {game_rate:.0f}/s) sent in {elapsed:.1f} s "
          f"({total / elapsed:.0f}/s, {args.speed:g}x the game's rate); recorded {summary['packets']}, dropped "
          f"{summary['dropped']} (socket overflows {summary['socket_overflows']}); recorder CPU {cpu:.1f} s "
          f"({cpu / max(summary['packets'], 1) * 1e6:.1f} us/packet); file {size_mb:.1f} MB", file=sys.stderr)
    print(f"recorder RSS: {samples[0][1]:.1f} MB at start, {warm:.1f} MB after 10%, peak {peak:.1f} MB, "
          f"end {samples[-1][1]:.1f} MB", file=sys.stderr)
    report("record_rss_growth_mb", growth, size_mb, size_mb / max(growth, 0.1), f"< {TARGET_MB:g} MB",
           growth < TARGET_MB, packets=summary["packets"], dropped=summary["dropped"],
           packets_per_s=round(total / elapsed), game_minutes=round(game_minutes, 1))


if __name__ == "__main__":
    main()
