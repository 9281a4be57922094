"""Command start-up: `pitwall --help`, `pitwall races --json` and a cached `pitwall f1 load`, against a bare
`python -c "import sqlite3, json"` from the same interpreter, all measured in this run.

The bench prepares its own data directory: the demo AMS2 race ingested and 2025 Australia FP1 loaded from the
bundled FastF1 recording. Every command runs as a fresh process (what a person or a script pays); the rounds
interleave the baseline and the commands so machine noise hits them alike; each time is the best of N.
Target: every command within 8x the baseline. Measurements on stderr; last line: one JSON object.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import report  # noqa: E402

DEMO = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
RECORDED = ROOT / "resources" / "demo" / "f1-recorded.tar.xz"
SESSION = ["2025", "Australia", "FP1"]
TARGET = 8.0


def pitwall() -> list[str]:
    script = Path(sys.executable).parent / "pitwall"  # the console script, as people run it
    return [str(script)] if script.is_file() else [sys.executable, "-m", "app.cli"]


def timed(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {proc.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (the best counts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-cli-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PITWALL_")}
        env["PITWALL_HOME"] = str(Path(tmp) / "home")
        cli = pitwall()
        t0 = time.perf_counter()
        subprocess.run([*cli, "ingest", str(DEMO)], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*cli, "f1", "load", *SESSION, "--f1-recorded", str(RECORDED)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"prepared the data directory (demo race, 2025 Australia FP1) in {time.perf_counter() - t0:.1f} s",
              file=sys.stderr)

        commands = {
            "baseline": [sys.executable, "-c", "import sqlite3, json"],
            "--help": [*cli, "--help"],
            "races --json": [*cli, "races", "--json"],
            "f1 load (cached)": [*cli, "f1", "load", *SESSION, "--json"],
        }
        best = {name: float("inf") for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                best[name] = min(best[name], timed(argv, env))

    base = best.pop("baseline")
    ratios = {name: t / base for name, t in best.items()}
    print(f"bare python (import sqlite3, json): {base * 1000:.0f} ms", file=sys.stderr)
    for name, t in best.items():
        print(f"pitwall {name}: {t * 1000:.0f} ms = {ratios[name]:.1f}x", file=sys.stderr)
    slowest = max(best, key=best.get)
    report("cli_start_seconds", best[slowest], base, ratios[slowest],
           f"<= {TARGET:g}x bare python for --help, races --json, cached f1 load",
           all(r <= TARGET for r in ratios.values()), slowest=slowest, runs=args.runs,
           ratios={name: round(r, 2) for name, r in ratios.items()})


if __name__ == "__main__":
    main()
