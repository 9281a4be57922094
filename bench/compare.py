"""Full lap analysis of 20 laps against a reference vs a plain np.interp time-at-distance delta, same laps, one run.

The laps are the 2025 Melbourne FP1 laps from the bundled FastF1 recording (loaded into a temporary data
directory first, not timed): the fastest lap of each of the 20 drivers, against the session's fastest.
Full analysis = edges on the line, alignment (distance and track position, sector pins), delta with its
uncertainty band, segments of a known track model and 25 mini-sectors. The plain delta = each lap's time
interpolated at the reference's distances and subtracted, nothing else. Best of N for both.
Prints the measurements on stderr and, last, one JSON line (values in ms): metric, value, baseline, ratio, target,
met.
"""

import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import load_settings  # noqa: E402
from app.services.analysis.archive import clean_traces  # noqa: E402
from app.services.analysis.comparison import analyse, model_from  # noqa: E402
from app.services.f1 import open_session  # noqa: E402
from app.store import Store  # noqa: E402
from bench._common import best_of, report  # noqa: E402

RECORDED = ROOT / "resources" / "demo" / "f1-recorded.tar.xz"
REPEATS = 15
TARGET = 5.0


def plain_delta(laps, ref) -> list[np.ndarray]:
    d_ref, t_ref = ref.channels["distance"], ref.channels["time"]
    return [np.interp(d_ref, lap.channels["distance"], lap.channels["time"]) - t_ref for lap in laps]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(home=Path(tmp) / "home", f1_recorded=RECORDED)
        store = Store(settings.home)
        race = open_session(store, settings, 2025, "Australia", "FP1").race
        traces = [t for t in clean_traces(store, [race]) if t.has_telemetry]
        fastest: dict[str, object] = {}
        for t in traces:
            driver = t.label.split()[0]
            if driver not in fastest or t.lap_time < fastest[driver].lap_time:
                fastest[driver] = t
        laps = sorted(fastest.values(), key=lambda t: t.lap_time)[:20]
        ref = laps[0]
        model = model_from(traces, race.track)  # the track model is built once per track and saved
        store.close()

    plain = best_of(lambda: plain_delta(laps, ref), REPEATS)
    from app.services.compare import delta_time  # the overlay's delta until now: a 1 m grid, no alignment

    metre_grid = best_of(lambda: [delta_time(lap.channels, ref.channels) for lap in laps], REPEATS)
    full = best_of(lambda: analyse(laps, ref, model, minisector_count=25), REPEATS)
    ratio = full / plain
    print(f"{len(laps)} laps, {sum(len(t.channels['time']) for t in laps)} samples", file=sys.stderr)
    print(f"plain np.interp delta: {plain * 1e3:.2f} ms; full analysis: {full * 1e3:.2f} ms; "
          f"ratio {ratio:.1f}x (target <= {TARGET:g}x)", file=sys.stderr)
    print(f"for scale: the old 1 m-grid np.interp delta takes {metre_grid * 1e3:.2f} ms "
          f"(full analysis = {full / metre_grid:.1f}x of it)", file=sys.stderr)
    # In milliseconds: the baseline is ~0.1 ms, which seconds rounded to 4 places would not keep.
    report("compare_20_laps_vs_plain_delta_ms", full * 1e3, plain * 1e3, ratio, f"<= {TARGET:g}x", ratio <= TARGET)

if __name__ == "__main__":
    main()
