"""Window start-up: from process start to the first paint of the main window with `pitwall gui --demo`
(offscreen), against a bare `python -c "import sqlite3, json"`, and which heavy libraries were loaded by then.

Each start is a fresh process on a data directory where the demo race is already in the cache (the first start,
not timed, ingests it). The child notes the first Paint event of any widget in the main window, using the
system-wide monotonic clock the parent read just before starting it. Best of N.
Target: FastF1, boto3 and OpenCV are not imported before the first paint (the time is reported beside it).
(pandas may appear: the Reports dock's first report runs on a worker thread at start, and pyarrow's pandas shim
imports it on the first `pa.array`; the GUI thread never imports it.)
Measurements on stderr; last line: one JSON object.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import report  # noqa: E402

HEAVY = ("fastf1", "pandas", "boto3", "botocore", "cv2", "duckdb", "pyarrow", "sqlalchemy", "pydantic_settings",
         "numpy", "pyqtgraph", "scipy", "requests")
MUST_NOT = ("fastf1", "boto3", "botocore", "cv2")


def child() -> None:
    """Run `pitwall gui --demo`; at the first paint of the main window print the time and the heavy modules."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) \
                    and obj.window().objectName() == "pitwall_main":
                print(json.dumps({"painted": time.monotonic(),
                                  "heavy": sorted(m for m in HEAVY if m in sys.modules)}), flush=True)
                os._exit(0)
            return False

    app = QApplication(sys.argv[:1])
    spy = FirstPaint()
    app.installEventFilter(spy)
    from app.cli import main

    sys.exit(main(["gui", "--demo"]))


def start_once(env: dict) -> tuple[float, list[str]]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, __file__, "--child"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"the window did not paint: {proc.stderr[-800:]}")
    out = json.loads(lines[-1])
    return out["painted"] - started, out["heavy"]


def bare(env: dict) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", "import sqlite3, json"], env=env, check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-gui-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PITWALL_")}
        env.update(PITWALL_HOME=str(Path(tmp) / "home"), QT_QPA_PLATFORM="offscreen")
        first, _ = start_once(env)  # ingests the demo race into the fresh data directory
        print(f"first start (fresh data directory): first paint after {first:.2f} s", file=sys.stderr)
        paint, base, heavy = float("inf"), float("inf"), []
        for _ in range(args.runs):
            base = min(base, bare(env))
            t, heavy = start_once(env)
            paint = min(paint, t)
    bad = [m for m in MUST_NOT if m in heavy]
    print(f"bare python: {base * 1000:.0f} ms; pitwall gui --demo, first paint: {paint * 1000:.0f} ms "
          f"({paint / base:.1f}x)", file=sys.stderr)
    print(f"heavy modules loaded before the first paint: {', '.join(heavy) or 'none'}", file=sys.stderr)
    report("gui_first_paint_seconds", paint, base, paint / base,
           f"{', '.join(MUST_NOT)} not imported before the first paint", not bad, heavy_before_paint=heavy,
           runs=args.runs)


if __name__ == "__main__":
    main()
