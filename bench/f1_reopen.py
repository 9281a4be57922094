"""Reopening an F1 session: Pitwall's cache vs FastF1's `Session.load()` from its own warm cache.

Uses the recorded 2025 Australia FP1 (laps, telemetry of 20 drivers, weather, race control), replayed offline.
Both sides are measured in this run, after one Pitwall load that also warms FastF1's own cache:
- baseline: `fastf1.get_session(...).load()` (laps, telemetry, weather, messages) from the warm FastF1 cache;
- value: Pitwall's `open_session` of the cached session (race row + lap table), with a fresh Store.
Target: >= 20x faster. Last line: one JSON object.
"""

import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import load_settings  # noqa: E402
from app.services.f1 import f1_config, open_session  # noqa: E402
from app.sources.f1.replay import fastf1_call  # noqa: E402
from app.store import Store  # noqa: E402
from bench._common import best_of, report  # noqa: E402

ARCHIVE = ROOT / "tests" / "data" / "f1" / "recorded.tar.xz"
SESSION = (2025, "Australia", "FP1")
TARGET = 20.0


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-f1-") as tmp:
        tmp = Path(tmp)
        with tarfile.open(ARCHIVE) as tar:
            tar.extractall(tmp / "recorded", filter="data")
        settings = load_settings(home=tmp / "home", f1_recorded=tmp / "recorded")
        store = Store(settings.home)
        t0 = time.perf_counter()
        first = open_session(store, settings, *SESSION)
        print(f"first load through FastF1 into Pitwall: {time.perf_counter() - t0:.2f} s, "
              f"{len(first.laps)} laps", file=sys.stderr)
        cfg = f1_config(settings, store)
        store.close()

        def fastf1_warm_load() -> None:
            import fastf1

            with fastf1_call(cfg, "bench"):
                ses = fastf1.get_session(*SESSION)
                ses.load(laps=True, telemetry=True, weather=True, messages=True)
                assert len(ses.laps) == len(first.laps)

        def pitwall_reopen() -> None:
            fresh = Store(settings.home)
            try:
                again = open_session(fresh, settings, *SESSION)
                assert again.already_cached and len(again.laps) == len(first.laps)
            finally:
                fresh.close()

        baseline = best_of(fastf1_warm_load, repeat=3)
        value = best_of(pitwall_reopen, repeat=5)

        def read_all_channels() -> None:  # for information: every lap's telemetry, which views load lazily
            fresh = Store(settings.home)
            for lap in fresh.laps(first.race.id):
                fresh.lap_channels(lap)
            fresh.close()

        channels = best_of(read_all_channels, repeat=1)
        print(f"FastF1 Session.load() warm: {baseline * 1000:.1f} ms; Pitwall reopen: {value * 1000:.1f} ms; "
              f"(reading all {len(first.laps)} laps' telemetry from Pitwall: {channels * 1000:.0f} ms)",
              file=sys.stderr)
        ratio = baseline / value
        report("f1_reopen_seconds", value, baseline, ratio, f">= {TARGET:g}x faster than FastF1 warm load",
               ratio >= TARGET, session="2025 Australia FP1", laps=len(first.laps),
               all_telemetry_seconds=round(channels, 3))


if __name__ == "__main__":
    main()
