"""Crash recovery with real processes: an ingest another process is running is left alone; one that was killed
is marked Failed at the next start, leaves no stray files, and opens again. Damaged files: Ready, marked."""

import json
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from app.domain.models import RaceStatus
from app.services.ingest import ingest_file
from app.sources.ams2.container import decompress
from tests.conftest import DEMO_RACE, ROOT

# An ingest in its own process that stops halfway (through the real progress callback) until `gate` exists,
# so that the test can act while it is surely in the middle: lap files written, the race Processing.
PAUSED_INGEST = """
import sys, time
from pathlib import Path
from app.services.ingest import ingest_file
from app.store import Store

home, path, gate = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])

def progress(done, total):
    if done >= 50 and not gate.exists():
        gate.with_suffix(".paused").touch()
        while not gate.exists():
            time.sleep(0.02)
    return True

result = ingest_file(Store(home), path, progress)
print(result.race.status, len(result.laps), flush=True)
"""


def pitwall(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PITWALL_HOME": str(home)}, timeout=120)


@pytest.fixture(scope="module")
def long_race(tmp_path_factory) -> Path:
    """A 20-minute recording: the real Montreal laps repeated (the benchmark's builder)."""
    from bench.ingest import build_long_recording

    path = tmp_path_factory.mktemp("long") / "montreal_20min.ams2"
    build_long_recording(path, 20 * 60)
    return path


def start_paused(home: Path, path: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    gate = tmp_path / "gate"
    proc = subprocess.Popen([sys.executable, "-c", PAUSED_INGEST, str(home), str(path), str(gate)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    # Paused: the decoder waits in the callback; the lap writers finish the laps they hold.
    while not (gate.with_suffix(".paused").exists() and lap_files(home)
               and not any(p.suffix == ".part" for p in lap_files(home))):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the ingest never reached its halfway point"
        time.sleep(0.05)
    return proc, gate


def lap_files(home: Path) -> list[Path]:
    return sorted(p for p in (home / "laps").rglob("*") if p.is_file()) if (home / "laps").is_dir() else []


def races(home: Path) -> list[dict]:
    done = pitwall(home, "races", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_recovery_leaves_an_ingest_running_elsewhere_alone(home, tmp_path, long_race):
    ingest, gate = start_paused(home, long_race, tmp_path)
    try:
        written = lap_files(home)
        (race,) = races(home)  # a second process: the command line recovers at start
        assert race["status"] == RaceStatus.PROCESSING
        # A store opened (and recovering) in a third process changes nothing either.
        probe = subprocess.run([sys.executable, "-c", "import sys; from app.store import Store; "
                                "print(Store(sys.argv[1]).recover())", str(home)], cwd=ROOT, capture_output=True,
                               text=True, timeout=60)
        assert probe.stdout.strip() == "0", probe.stderr
        assert all(p.exists() for p in written), "recovery removed files of a running ingest"
        busy = pitwall(home, "ingest", str(long_race))  # the same file again, meanwhile
        assert busy.returncode == 1 and "another Pitwall" in busy.stderr and busy.stderr.count("\n") == 1
    finally:
        gate.touch()
    out, err = ingest.communicate(timeout=120)
    assert ingest.returncode == 0, err
    status, laps = out.split()
    (race,) = races(home)
    assert status == race["status"] == RaceStatus.READY and race["lap_count"] == int(laps) > 10
    assert len(lap_files(home)) == int(laps)


def test_killed_ingest_is_failed_at_next_start_and_opens_again(home, tmp_path, long_race):
    ingest, _gate = start_paused(home, long_race, tmp_path)
    os.kill(ingest.pid, signal.SIGKILL)
    ingest.wait(timeout=30)
    assert lap_files(home), "the ingest had written laps before it died"

    (race,) = races(home)
    assert race["status"] == RaceStatus.FAILED and "Interrupted" in race["error"]
    assert lap_files(home) == [], "no stray lap files after recovery"
    assert not list((home / "raw").rglob("*.part"))

    again = pitwall(home, "ingest", str(long_race), "--json")
    assert again.returncode == 0, again.stderr
    result = json.loads(again.stdout)
    assert result["race_id"] == race["race_id"] and result["status"] == RaceStatus.READY
    assert result["damaged"] is False and result["warnings"] == []
    assert len(lap_files(home)) == len(result["laps"])


def test_damaged_file_is_ready_marked_damaged(store, tmp_path):
    raw = decompress(DEMO_RACE.read_bytes())
    cut = tmp_path / "cut.ams2"
    packer = zlib.compressobj(6)
    cut.write_bytes(packer.compress(raw[: len(raw) // 2]) + packer.flush(zlib.Z_SYNC_FLUSH))  # never closed

    result = ingest_file(store, cut)
    assert result.race.status == RaceStatus.READY and result.damaged
    assert any("truncated" in w for w in result.warnings)
    assert json.loads(result.race.meta)["damaged"] is True
    again = ingest_file(store, cut)
    assert again.already_cached and again.damaged and again.warnings == result.warnings


def test_cli_says_damaged_and_why(home, tmp_path):
    blob = DEMO_RACE.read_bytes()
    cut = tmp_path / "cut.ams2"
    cut.write_bytes(blob[: len(blob) // 2])
    done = pitwall(home, "ingest", str(cut), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["status"] == RaceStatus.READY and out["damaged"] is True
    assert any("truncated" in w for w in out["warnings"])

    text = pitwall(home, "ingest", str(cut))
    assert "(damaged)" in text.stdout and "warning: The zlib stream is truncated" in text.stdout

    nothing = tmp_path / "nothing.ams2"
    nothing.write_bytes(blob[:40])
    refused = pitwall(home, "ingest", str(nothing))
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "nothing usable" in refused.stderr
