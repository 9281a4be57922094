"""The F1 analysis docks' data: Pitwall's session view over the cache vs FastF1 working it out from its own warm
cache, like for like.

Uses the bundled recording (resources/demo/f1-recorded.tar.xz), the 2018 Baku race (848 laps, 20 drivers),
replayed offline. One Pitwall load first (it also warms FastF1's own cache); then, best of N, in this run:
- FastF1: `load(laps=True, telemetry=False, weather=False, messages=False)`, then stints (groupby Driver and
  Stint), positions and gaps to the leader by lap (what its gallery examples do);
- Pitwall: a fresh Store, `session_view` (laps, drivers, results, stints), positions and gaps by lap.
Target: Pitwall >= 10x faster. Measurements on stderr; last line: one JSON object.
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import load_settings  # noqa: E402
from app.services.f1 import f1_config, open_session  # noqa: E402
from app.services.f1_session.race import gaps_to_leader, positions  # noqa: E402
from app.services.f1_session.view import session_view  # noqa: E402
from app.sources.f1.replay import fastf1_call  # noqa: E402
from app.store import Store  # noqa: E402
from bench._common import best_of, report  # noqa: E402

ARCHIVE = ROOT / "resources" / "demo" / "f1-recorded.tar.xz"
SESSION = (2018, "Azerbaijan", "R")
TARGET = 10.0


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pitwall-bench-f1s-") as tmp:
        settings = load_settings(home=Path(tmp) / "home", f1_recorded=ARCHIVE)
        store = Store(settings.home)
        t0 = time.perf_counter()
        first = open_session(store, settings, *SESSION)
        print(f"first load through FastF1 into Pitwall: {time.perf_counter() - t0:.2f} s, "
              f"{len(first.laps)} laps", file=sys.stderr)
        cfg = f1_config(settings, store)
        race_id = first.race.id
        store.close()
        counts: dict[str, int] = {}

        def fastf1_way() -> None:
            import fastf1

            with fastf1_call(cfg, "bench"):
                ses = fastf1.get_session(*SESSION)
                ses.load(laps=True, telemetry=False, weather=False, messages=False)
            laps = ses.laps
            stints = laps.groupby(["Driver", "Stint"]).agg(
                compound=("Compound", "first"), first_lap=("LapNumber", "min"), laps=("LapNumber", "count"))
            pos = laps.pivot_table(index="LapNumber", columns="Driver", values="Position")
            leader = laps.groupby("LapNumber")["Time"].transform("min")
            gaps = (laps["Time"] - leader).dt.total_seconds()
            counts["fastf1"] = len(stints) + int(pos.notna().sum().sum()) + int(gaps.notna().sum())

        def pitwall_way() -> None:
            fresh = Store(settings.home)
            try:
                view = session_view(fresh, race_id)
                assert view is not None
                pos = positions(view.laps, view.drivers)
                gaps = gaps_to_leader(view.laps)
                counts["pitwall"] = len(view.stints) + sum(map(len, pos.values())) + sum(map(len, gaps.values()))
            finally:
                fresh.close()

        fastf1_s = best_of(fastf1_way, repeat=3)
        pitwall_s = best_of(pitwall_way, repeat=5)

    ratio = fastf1_s / pitwall_s
    print(f"stints, positions and gaps of {len(first.laps)} laps: FastF1 warm load + pandas {fastf1_s * 1000:.0f} ms, "
          f"Pitwall from its cache {pitwall_s * 1000:.0f} ms = {ratio:.1f}x (items: {counts})", file=sys.stderr)
    report("f1_session_view_speedup", pitwall_s, fastf1_s, ratio, f">= {TARGET}x", ratio >= TARGET,
           unit="s", laps=len(first.laps))


if __name__ == "__main__":
    main()
