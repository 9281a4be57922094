"""Worksheet costs, each against a baseline measured in the same run on the same data (best of N):

1. Math channels: a worksheet of five math channels evaluated over 20 real AMS2 laps by the restricted parser
   (app.services.mathchannels.evaluate_all) vs the same five written as plain numpy by hand. The ratio is
   reported; on ~4000-sample laps the tree walk's per-node Python cost (~10 µs) is of the order of the vector
   work itself, so the target is absolute: the whole worksheet over 20 laps within one 60 Hz frame (16.7 ms).
2. XY scatter, one zoom step: 20 laps of g-g points (accel_x vs accel_z) rebuilt and painted into an offscreen
   image with Pitwall's PointCloud vs pyqtgraph's ScatterPlotItem (the obvious way). Target ratio ≤ 0.5.

The laps are the demo recording's (resources/demo/montreal_4laps.ams2), repeated to 20. Prints the measurements
on stderr and, last, one JSON line (values in ms) for the scatter step, the math figures as extra keys.
"""

import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.services.mathchannels import evaluate_all  # noqa: E402
from app.sources.ams2.reader import RaceReader  # noqa: E402
from bench._common import best_of, report  # noqa: E402

DEMO = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
LAPS = 20
REPEATS = 7
WORKSHEET = {
    "brake_speed": "brake * speed",
    "accel": "derivative(speed / 3.6)",
    "smooth_speed": "smooth(speed, 5)",
    "braking_speed": "where(brake > 10, speed, 0)",
    "travelled": "integrate(speed / 3.6)",
}


def by_hand(ch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    speed, brake, t = (np.asarray(ch[n], dtype=np.float64) for n in ("speed", "brake", "time"))
    v = speed / 3.6
    return {
        "brake_speed": brake * speed,
        "accel": np.gradient(v) / np.gradient(t),
        "smooth_speed": np.convolve(speed, np.ones(5), "same") / np.convolve(np.ones(len(speed)), np.ones(5), "same"),
        "braking_speed": np.where(brake > 10, speed, 0.0),
        "travelled": np.concatenate(([0.0], np.cumsum((v[1:] + v[:-1]) / 2 * np.diff(t)))),
    }


def load_laps() -> list[dict[str, np.ndarray]]:
    with open(DEMO, "rb") as fh:
        laps = [lap.channels for lap in RaceReader(fh, DEMO.stat().st_size).laps() if len(lap.channels["time"]) > 1000]
    return [laps[i % len(laps)] for i in range(LAPS)]


def scatter_step(laps, make) -> float:
    import pyqtgraph as pg
    from PySide6.QtGui import QImage, QPainter

    plot = pg.PlotWidget()
    plot.resize(1000, 600)
    items = []

    def step() -> None:
        for item in items:
            plot.removeItem(item)
        items.clear()
        for ch in laps:
            item = make(np.asarray(ch["accel_x"], dtype=np.float64), np.asarray(ch["accel_z"], dtype=np.float64))
            plot.addItem(item)
            items.append(item)
        image = QImage(1000, 600, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        plot.render(painter)
        painter.end()

    step()  # warm up (pyqtgraph's symbol atlas, fonts)
    return best_of(step, REPEATS)


def main() -> None:
    from PySide6.QtWidgets import QApplication

    laps = load_laps()
    samples = sum(len(ch["time"]) for ch in laps)
    for ch in laps:  # the two agree before anything is timed
        ours, mine = evaluate_all(ch, WORKSHEET), by_hand(ch)
        for name in WORKSHEET:
            np.testing.assert_allclose(ours[name], mine[name], rtol=1e-9, atol=1e-9)
    math_ours = best_of(lambda: [evaluate_all(ch, WORKSHEET) for ch in laps], REPEATS)
    math_hand = best_of(lambda: [by_hand(ch) for ch in laps], REPEATS)
    math_ratio = math_ours / math_hand
    print(f"math: {len(WORKSHEET)} channels × {LAPS} laps ({samples} samples): parser {math_ours * 1e3:.1f} ms, "
          f"numpy by hand {math_hand * 1e3:.1f} ms, ratio {math_ratio:.2f}", file=sys.stderr)

    _app = QApplication.instance() or QApplication([])
    import pyqtgraph as pg

    from app.views.point_cloud import PointCloud

    brush = pg.mkBrush("#4fc3f7")
    ours = scatter_step(laps, lambda x, y: PointCloud(x, y, "#4fc3f7"))
    theirs = scatter_step(laps, lambda x, y: pg.ScatterPlotItem(x, y, size=4, pen=None, brush=brush))
    ratio = ours / theirs
    print(f"scatter zoom step, {LAPS} laps, {samples} points: PointCloud {ours * 1e3:.1f} ms, "
          f"ScatterPlotItem {theirs * 1e3:.1f} ms, ratio {ratio:.2f}", file=sys.stderr)
    report("scatter_zoom_step_ms", ours * 1e3, theirs * 1e3, ratio, "<= 0.5", ratio <= 0.5,
           points=samples, math_ms=round(math_ours * 1e3, 2), math_baseline_ms=round(math_hand * 1e3, 2),
           math_ratio=round(math_ratio, 2), math_target="<= 16.7 ms", math_met=bool(math_ours * 1e3 <= 16.7))


if __name__ == "__main__":
    main()
