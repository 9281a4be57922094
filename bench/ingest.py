"""Ingest speed and memory on 2-hour and 6-hour AMS2 recordings built by repeating the real Montreal laps.

Measured in this run, best of N on both sides:
- in-process ingest of the 2-hour file vs a zlib-ng decompress of the same file (the floor: Pitwall inflates with
  zlib-ng; target <= 2x) -- the main metric, printed last;
- the whole `pitwall ingest` command (a subprocess: interpreter start, imports, catalog) vs a standard-library
  zlib.decompress of the file (target <= 2.5x);
- peak RSS of `pitwall ingest` (subprocess, process start included) on the 2-hour and 6-hour files: the 6-hour
  peak within 1.25x of the 2-hour one, the 2-hour one under 600 MB;
- seconds of ingest per recorded hour, for both files (time should grow linearly).
Measurements on stderr; one JSON object per target on stdout, the main one last.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np
from zlib_ng import zlib_ng

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.ingest import ingest_file  # noqa: E402
from app.sources.ams2.container import decompress, index_packets  # noqa: E402
from app.sources.ams2.walk import u32_view  # noqa: E402
from app.store import Store  # noqa: E402
from bench._common import best_of, report  # noqa: E402

DEMO = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
PITWALL = ROOT / ".venv" / "bin" / "pitwall"
HOUR_S = 3600


def build_long_recording(path: Path, min_seconds: float) -> None:
    """Repeat the four full laps (packets from the line of lap 1 to the line of lap 5), shifting ticks and lap
    numbers, straight into a zlib stream on disk (the 6-hour file is 1.5 GB of packets: never all in memory)."""
    raw = decompress(DEMO.read_bytes())
    idx = index_packets(raw)
    buf = np.frombuffer(raw, np.uint8)
    u32 = u32_view(buf)
    starts, lengths, types = idx.offsets, idx.lengths, idx.types
    tim = starts[(types == 3) & (lengths == 1063)]
    local = buf[tim + 1057].astype(np.int64)
    rec = tim + 33 + 32 * local
    f32 = np.ndarray((len(buf) - 3,), dtype="<f4", buffer=buf, strides=(1,))  # f32 at any byte offset
    lap, lap_time = buf[rec + 21], f32[rec + 22]
    tick_tim = u32[tim + 1059].astype(np.int64)
    # From the line where the timed lap 1 starts to the line where lap 5 starts.
    first_row = np.flatnonzero((lap == 1) & (lap_time >= 0) & (lap_time < 0.1) & (tick_tim > 100_000))[0]
    first = int(tick_tim[first_row] - int(lap_time[first_row] * 1000))
    last = int(tick_tim[np.flatnonzero(lap == 5)[0]])
    tick_at = np.where(types == 0, starts + 555, starts + 1059)
    known = ((types == 0) & (lengths == 559)) | ((types == 3) & (lengths == 1063))
    ticks = np.where(known, u32[np.where(known, tick_at, 0)], 0).astype(np.int64)
    body = known & (ticks >= first) & (ticks < last)
    span = last - first

    # One repetition as a contiguous container; each repetition rewrites only ticks and lap numbers in place.
    pieces = [raw[s - 4 : s + n] for s, n, keep in zip(starts.tolist(), lengths.tolist(), body.tolist(),
                                                          strict=True) if keep]
    rep = np.frombuffer(b"".join(pieces), np.uint8).copy()
    sizes = lengths[body].astype(np.int64) + 4
    at = np.concatenate(([0], np.cumsum(sizes)[:-1])) + 4  # packet starts inside rep
    rep_types = types[body]
    rep_tick_at = at + np.where(rep_types == 0, 555, 1059)
    rep_ticks = ticks[body]
    t_at = at[rep_types == 3]
    laps_at = np.concatenate([t + 33 + 32 * np.arange(rep[t + 12]) + 21 for t in t_at.tolist()])
    laps0 = rep[laps_at].astype(np.int64)
    rep_u32 = np.ndarray((len(rep) - 3,), dtype="<u4", buffer=rep, strides=(1,))
    head = b"".join(raw[s - 4 : s + n] for s, n, t in zip(starts.tolist(), lengths.tolist(), types.tolist(),
                                                          strict=True) if t not in (0, 3))  # race data, game state
    packer = zlib_ng.compressobj(6)
    with open(path, "wb") as fh:
        fh.write(packer.compress(head))
        for r in range(int(np.ceil(min_seconds * 1000 / span))):
            rep_u32[rep_tick_at] = rep_ticks + r * span
            rep[laps_at] = (laps0 + 4 * r) % 256
            fh.write(packer.compress(rep.tobytes()))
        fh.write(packer.flush())


def ingest_in_process(path: Path, work: Path, repeat: int) -> tuple[float, int, float]:
    """(best seconds, laps, recorded hours) for ingest into a fresh data directory."""
    homes = []

    def fresh() -> None:
        home = work / f"home-{len(homes)}"
        homes.append(home)
        store = Store(home)
        result = ingest_file(store, path)
        assert result.race.status == "Ready" and not result.damaged, result.race.error
        store.close()

    best = best_of(fresh, repeat=repeat)
    store = Store(homes[0])
    laps = store.laps(store.races()[0].id)
    hours = sum(lap.lap_time or 0 for lap in laps) / HOUR_S
    store.close()
    for home in homes:
        shutil.rmtree(home, ignore_errors=True)
    return best, len(laps), hours


# Spawns the measured commands from a small process of its own: a child's ru_maxrss counts the pages of the
# process it was forked from, so forking this one (hundreds of MB after the in-process runs) would inflate it.
LAUNCHER = """
import json, os, subprocess, sys, time
for line in sys.stdin:
    cmd, env = json.loads(line)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    print(json.dumps([time.perf_counter() - t0, usage.ru_maxrss, proc.returncode, err[-2000:]]), flush=True)
"""


class Launcher:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def run(self, cmd: list[str], env: dict) -> tuple[float, float]:
        """(wall seconds, peak RSS in MB) of one command, interpreter start included."""
        self.proc.stdin.write(json.dumps([cmd, env]) + "\n")
        self.proc.stdin.flush()
        seconds, maxrss_kb, code, err = json.loads(self.proc.stdout.readline())
        assert code == 0, err
        return seconds, maxrss_kb / 1024  # ru_maxrss is in KB on Linux

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def cli_ingest(launcher: Launcher, path: Path, home: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `pitwall ingest FILE --json` into an empty data directory."""
    shutil.rmtree(home, ignore_errors=True)
    return launcher.run([str(PITWALL), "ingest", str(path), "--json"], {**os.environ, "PITWALL_HOME": str(home)})


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="pitwall-bench-"))
    launcher = Launcher()  # while this process is still small
    try:
        run(work, launcher)
    finally:
        launcher.close()
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, launcher: Launcher) -> None:
    files = {}
    for hours in (2, 6):
        path = work / f"montreal_{hours}h.ams2"
        t0 = time.perf_counter()
        build_long_recording(path, hours * HOUR_S)
        files[hours] = path
        print(f"{hours} h recording: {path.stat().st_size / 1e6:.1f} MB compressed (built in "
              f"{time.perf_counter() - t0:.1f} s)", file=sys.stderr)

    blob = files[2].read_bytes()
    raw_mb = len(zlib_ng.decompress(blob)) / 1e6
    t_ng = best_of(lambda: zlib_ng.decompress(blob), repeat=5)
    t_zlib = best_of(lambda: zlib.decompress(blob), repeat=5)
    print(f"2 h: {raw_mb:.0f} MB of packets; zlib-ng decompress {t_ng:.3f} s, zlib.decompress {t_zlib:.3f} s",
          file=sys.stderr)

    seconds, laps, rec_hours = {}, {}, {}
    for hours, path in files.items():
        seconds[hours], laps[hours], rec_hours[hours] = ingest_in_process(path, work, 5 if hours == 2 else 2)
        print(f"{hours} h: in-process ingest {seconds[hours]:.3f} s, {laps[hours]} laps, {rec_hours[hours]:.2f} h "
              f"of timed laps, {seconds[hours] / rec_hours[hours]:.3f} s per recorded hour", file=sys.stderr)

    cli_s, rss = {}, {}
    for hours, path in files.items():
        runs = [cli_ingest(launcher, path, work / "cli-home") for _ in range(3 if hours == 2 else 1)]
        cli_s[hours] = min(s for s, _ in runs)
        rss[hours] = max(m for _, m in runs)
        print(f"{hours} h: `pitwall ingest` {cli_s[hours]:.3f} s, peak RSS {rss[hours]:.0f} MB", file=sys.stderr)

    per_hour = {h: seconds[h] / rec_hours[h] for h in files}
    linear = per_hour[6] / per_hour[2]
    report("ams2_ingest_seconds_per_recorded_hour", per_hour[6], per_hour[2], linear, "6 h per-hour <= 1.25x 2 h",
           linear <= 1.25, seconds_2h=round(seconds[2], 3), seconds_6h=round(seconds[6], 3),
           recorded_hours_2h=round(rec_hours[2], 2), recorded_hours_6h=round(rec_hours[6], 2))
    rss_ratio = rss[6] / rss[2]
    report("ams2_ingest_peak_rss_6h_vs_2h", rss[6], rss[2], rss_ratio, "<= 1.25 and 2 h < 600 MB",
           rss_ratio <= 1.25 and rss[2] < 600, peak_rss_mb_2h=round(rss[2]), peak_rss_mb_6h=round(rss[6]))
    cli_ratio = cli_s[2] / t_zlib
    report("ams2_cli_ingest_vs_zlib_decompress", cli_s[2], t_zlib, cli_ratio, "<= 2.5", cli_ratio <= 2.5)
    ratio = seconds[2] / t_ng
    report("ams2_ingest_vs_zlib_ng_decompress", seconds[2], t_ng, ratio, "<= 2.0", ratio <= 2.0,
           laps=laps[2], recording_hours=round(rec_hours[2], 2), raw_mb=round(raw_mb))


if __name__ == "__main__":
    main()
