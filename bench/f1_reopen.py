"""Reopening an F1 session: Pitwall's cache vs FastF1's `Session.load()` from its own warm cache, like for like.

Uses the bundled recording (resources/demo/f1-recorded.tar.xz), 2025 Australia FP1 (421 laps, 20 drivers),
replayed offline. One Pitwall load first (it also warms FastF1's own cache); then, best of N, in this run:
- full: FastF1 `load(laps, telemetry, weather, messages)` vs Pitwall reopening the same things with a fresh
  Store: race row, lap table, results, every lap's telemetry channels, weather, race control, track status;
- lap table: FastF1 `load(laps=True, telemetry=False, weather=False, messages=False)` vs Pitwall's race row,
  lap table and results (what the window shows before a lap is picked).
Target: the full reopen >= 20x faster than FastF1's. Measurements on stderr; last line: one JSON object.
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import load_settings  # noqa: E402
from app.services.f1 import f1_config, open_session, session_info  # noqa: E402
from app.sources.f1.replay import fastf1_call  # noqa: E402
from app.store import Store  # noqa: E402
from bench._common import best_of, report  # noqa: E402

ARCHIVE = ROOT / "resources" / "demo" / "f1-recorded.tar.xz"
SESSION = (2025, "Australia", "FP1")
TARGET = 20.0


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-f1-") as tmp:
        settings = load_settings(home=Path(tmp) / "home", f1_recorded=ARCHIVE)
        store = Store(settings.home)
        t0 = time.perf_counter()
        first = open_session(store, settings, *SESSION)
        print(f"first load through FastF1 into Pitwall: {time.perf_counter() - t0:.2f} s, "
              f"{len(first.laps)} laps", file=sys.stderr)
        cfg = f1_config(settings, store)
        store.close()
        with_telemetry = sum(1 for lap in first.laps if lap.path)

        def fastf1_load(full: bool):
            def run() -> None:
                import fastf1

                with fastf1_call(cfg, "bench"):
                    ses = fastf1.get_session(*SESSION)
                    ses.load(laps=True, telemetry=full, weather=full, messages=full)
                    assert len(ses.laps) == len(first.laps)
                    if full:  # what Pitwall keeps per lap: car data with the position merged onto it
                        assert len(ses.car_data) == 20 and len(ses.pos_data) == 20
            return run

        def pitwall_reopen(full: bool):
            def run() -> None:
                fresh = Store(settings.home)
                try:
                    again = open_session(fresh, settings, *SESSION)
                    assert again.already_cached and len(again.laps) == len(first.laps)
                    if full:
                        read = sum(1 for lap in again.laps if fresh.lap_channels(lap))
                        info = session_info(fresh, again.race.id)
                        assert read == with_telemetry and info.results and info.weather and info.race_control
                    else:
                        assert fresh.results(again.race.id)
                finally:
                    fresh.close()
            return run

        fastf1_full = best_of(fastf1_load(True), repeat=3)
        pitwall_full = best_of(pitwall_reopen(True), repeat=3)
        fastf1_laps = best_of(fastf1_load(False), repeat=3)
        pitwall_laps = best_of(pitwall_reopen(False), repeat=5)

    full_ratio, laps_ratio = fastf1_full / pitwall_full, fastf1_laps / pitwall_laps
    print(f"full (laps, {with_telemetry} laps' telemetry, results, weather, messages): FastF1 warm load "
          f"{fastf1_full * 1000:.0f} ms, Pitwall reopen {pitwall_full * 1000:.0f} ms = {full_ratio:.1f}x",
          file=sys.stderr)
    print(f"lap table only: FastF1 warm load {fastf1_laps * 1000:.0f} ms, Pitwall reopen "
          f"{pitwall_laps * 1000:.1f} ms = {laps_ratio:.1f}x", file=sys.stderr)
    report("f1_reopen_seconds", pitwall_full, fastf1_full, full_ratio,
           f">= {TARGET:g}x faster than FastF1's warm load of the same data", full_ratio >= TARGET,
           session="2025 Australia FP1", laps=len(first.laps), lap_table_seconds=round(pitwall_laps, 4),
           lap_table_baseline=round(fastf1_laps, 4), lap_table_ratio=round(laps_ratio, 2))


if __name__ == "__main__":
    main()
