"""App bundle start-up: `dist/pitwall-VERSION/pitwall --help` against the installed `pitwall --help` from the
virtual environment (the baseline), both measured in this run as fresh processes, rounds interleaved, best of N.
Also prints the bundle's size. Target: within 2.5x the installed command (the bootloader starts its own
interpreter and imports from the bundle's compressed archive: ~0.1 s on top; modules as loose files, PyInstaller's
noarchive, measured no faster and 40 MB bigger).
Build the bundle first (`./dev package`); without one the bench says so and reports met=false.
"""

import argparse
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import report  # noqa: E402

TARGET = 2.5


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    folder = ROOT / "dist" / f"{project['name']}-{project['version']}"
    bundle = folder / ("pitwall.exe" if os.name == "nt" else "pitwall")
    installed = Path(sys.executable).parent / ("pitwall.exe" if os.name == "nt" else "pitwall")
    if not bundle.is_file():
        print(f"no bundle at {bundle}: run ./dev package first", file=sys.stderr)
        report("bundle_help_s", 0.0, 0.0, 0.0, f"<= {TARGET}x installed", False, note="no bundle built")
        return
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20
    best_b = best_i = float("inf")
    for _ in range(args.rounds):
        best_i = min(best_i, timed([str(installed), "--help"]))
        best_b = min(best_b, timed([str(bundle), "--help"]))
    print(f"installed pitwall --help {best_i:.3f} s, bundle {best_b:.3f} s, bundle size {size:.0f} MB",
          file=sys.stderr)
    ratio = best_b / best_i
    report("bundle_help_s", best_b, best_i, ratio, f"<= {TARGET}x installed", ratio <= TARGET, size_mb=round(size, 1))


if __name__ == "__main__":
    main()
