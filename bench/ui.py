"""The worksheet's responsiveness with many laps: Pitwall's window (20 real AMS2 laps × 8 plots, the track map and
the scatter dock open) against a cached pyqtgraph floor measured in the same run.

The floor is plain pyqtgraph: LAPS curves × PLOTS stacked, x-linked plots on a 2 m grid, every curve cached as a
pixmap (DeviceCoordinateCache, a pixmap cache large enough), one InfiniteLine per plot moved per step. A view
that redraws its curves on a cursor move is slower than that; one that draws the cursor over cached plot layers
(and a map that does not draw its track again) can match it. Measured, offscreen, with Qt's normal painting:
- cursor: one shared-cursor move until painted (median, p95), against the floor's line move; target ratio ≤ 1.0
  and p95 under one 60 Hz frame (16.7 ms);
- pan / zoom: one step of the x range until painted, against the floor panned the same; target ratio ≤ 1.0;
- select: selecting the laps until everything is drawn, against building and painting the floor's curves;
- 100 laps: the same cursor and pan figures with 100 laps selected (`--many 100`), reported.
The laps are the demo race ingested several times (each copy one trailing byte apart: a distinct file).
Measurements on stderr; last line: one JSON object.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import report  # noqa: E402

DEMO = ROOT / "resources" / "demo" / "montreal_4laps.ams2"
FRAME_MS = 1000 / 60
PLOTS = [["speed"], ["throttle"], ["brake"], ["gear"], ["rpm"], ["steering"], ["accel_x"], ["delta"]]
STEPS = 150
WARMUP = 10


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def stats(times: list[float]) -> tuple[float, float]:
    t = sorted(times[WARMUP:])
    return statistics.median(t), t[min(int(len(t) * 0.95), len(t) - 1)]


# ---- the floor: plain cached pyqtgraph (the idea of ../shared/tools/ui_floor.py, kept here)
class Floor:
    def __init__(self, app, laps: int, plots: int) -> None:
        import numpy as np
        import pyqtgraph as pg
        from PySide6 import QtWidgets

        self.app = app
        t0 = time.perf_counter()
        self.win = pg.GraphicsLayoutWidget()
        self.win.resize(1100, 900)
        x = np.arange(0, 4320, 2.0)  # a 4.3 km lap on a 2 m grid
        self.lines, self.first = [], None
        for p in range(plots):
            plot = self.win.addPlot(row=p, col=0)
            if self.first is None:
                self.first = plot
            else:
                plot.setXLink(self.first)
            for i in range(laps):
                y = np.sin(x / (200 + 10 * p) + i * 0.1) * 100 + np.random.default_rng(i).normal(0, 2, x.size)
                curve = plot.plot(x, y, pen=pg.mkPen(pg.intColor(i, laps), width=1.5))
                curve.setClipToView(True)
                curve.setDownsampling(auto=True, method="peak")
                curve.curve.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
            line = pg.InfiniteLine(angle=90, movable=False)
            plot.addItem(line)
            self.lines.append(line)
        self.win.show()
        app.processEvents()
        self.build_s = time.perf_counter() - t0

    def cursor(self) -> list[float]:
        times = []
        for k in range(STEPS):
            t0 = time.perf_counter()
            for line in self.lines:
                line.setValue(50 + (k * 25) % 4200)
            self.app.processEvents()
            times.append((time.perf_counter() - t0) * 1000)
        return times

    def pan(self) -> list[float]:
        return pan_steps(self.app, self.first.getViewBox(), 0.0, 4320.0)

    def close(self) -> None:
        self.win.close()
        self.win.deleteLater()
        self.app.processEvents()


def pan_steps(app, vb, lo: float, hi: float) -> list[float]:
    """Zoom to a quarter of the lap, then pan it along in steps of a twentieth of the view, and back."""
    span = (hi - lo) / 4
    vb.setXRange(lo, lo + span, padding=0)
    app.processEvents()
    times = []
    for k in range(60):
        start = lo + (k % 30) * span / 20 if k < 30 else lo + (60 - k) * span / 20
        t0 = time.perf_counter()
        vb.setXRange(start, start + span, padding=0)
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    return times


# ---- Pitwall
def prepare(home: Path, copies: int) -> None:
    """The demo race `copies` times in one data directory (skipped when it is there already)."""
    from app.services.ingest import ingest_file
    from app.store import Store

    store = Store(home)
    try:
        have = len([r for r in store.races() if r.status == "Ready"])
        files = home.parent / "copies"
        files.mkdir(exist_ok=True)
        for k in range(have, copies):
            path = files / f"montreal_copy{k + 1:03d}.ams2"
            shutil.copyfile(DEMO, path)
            with path.open("ab") as f:
                f.write(bytes([k % 251 + 1]))  # trailing bytes: ignored by the reader, a new file to the cache
            ingest_file(store, path)
    finally:
        store.close()


def timed_laps(window, count: int) -> list[str]:
    store = window.ctx.store  # the timed laps of every copy, in the order they were ingested
    laps = [lap for race in store.races() if race.status == "Ready" for lap in store.laps(race.id)
            if lap.lap_time and not lap.flag_list]
    return [lap.id for lap in laps[:count]]


def wait(app, until, timeout: float = 120.0) -> None:
    end = time.perf_counter() + timeout
    while not until():
        app.processEvents()
        if time.perf_counter() > end:
            raise SystemExit("timed out waiting for the window")
        time.sleep(0.001)


def select(app, window, ids: list[str]) -> float:
    state, overlay = window.ctx.state, window.dock("dock_overlay")
    t0 = time.perf_counter()
    state.set_selection(ids)
    wait(app, lambda: overlay.analysis is not None and overlay.analysis.selection == ids
         and len(overlay.curves_of("speed")) == len(ids))
    app.processEvents()
    return time.perf_counter() - t0


def pitwall_cursor(app, window) -> list[float]:
    state = window.ctx.state
    times = []
    for k in range(STEPS):
        t0 = time.perf_counter()
        state.set_cursor(50.0 + (k * 25) % 4200)
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def measure(app, window, laps: int, plots: bool = True):
    """(cursor median, p95, pan median, p95, select seconds, lap ids) of a window showing the overlay."""
    if plots:
        window.ctx.state.set_plots([{"channels": c, "height": 2.0} for c in PLOTS])
        app.processEvents()
    ids = timed_laps(window, laps)
    select_s = select(app, window, ids)
    med, p95 = stats(pitwall_cursor(app, window))
    first = window.dock("dock_overlay").stack.first
    pan_med, pan_p95 = stats(pan_steps(app, first.getViewBox(), 0.0, 4320.0))
    return med, p95, pan_med, pan_p95, select_s, ids


def worksheet_window(home: Path):
    """A main window holding only the lap overlay (left) and the track map (right), on its own context."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMainWindow

    from app.config import load_settings
    from app.store import Store
    from app.views.context import AppContext
    from app.views.overlay import LapOverlayDock
    from app.views.state import SharedState
    from app.views.trackmap import TrackMapDock
    from app.workers.runner import JobRunner

    settings = load_settings(home=home)
    ctx = AppContext(settings, Store(settings.home), JobRunner(settings.worker_threads), SharedState())
    win = QMainWindow()
    win.ctx = ctx
    win.docks = {}
    for dock, area in ((LapOverlayDock(ctx), Qt.DockWidgetArea.RightDockWidgetArea),
                       (TrackMapDock(ctx), Qt.DockWidgetArea.LeftDockWidgetArea)):
        win.addDockWidget(area, dock)
        win.docks[dock.objectName()] = dock
    win.dock = win.docks.__getitem__
    win.resize(1600, 1000)
    win.show()
    return win


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laps", type=int, default=20)
    parser.add_argument("--many", type=int, default=100, help="also measure with this many laps (0: skip)")
    parser.add_argument("--home", type=Path, help="a data directory to keep the ingested copies in between runs")
    args = parser.parse_args()

    from PySide6.QtGui import QPixmapCache
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    QPixmapCache.setCacheLimit(512 * 1024)  # KiB, as the floor
    tmp = None
    if args.home is None:
        tmp = tempfile.TemporaryDirectory(prefix="pitwall-bench-ui-")
        args.home = Path(tmp.name) / "home"
    args.home.mkdir(parents=True, exist_ok=True)
    copies = -(-max(args.laps, args.many) // 4)  # four timed laps a copy
    t0 = time.perf_counter()
    prepare(args.home, copies)
    log(f"{copies} copies of the demo race in the cache ({time.perf_counter() - t0:.0f} s)")

    floor = Floor(app, args.laps, len(PLOTS))
    f_med, f_p95 = stats(floor.cursor())
    fp_med, fp_p95 = stats(floor.pan())
    floor_build = floor.build_s
    floor.close()
    log(f"floor ({args.laps} laps x {len(PLOTS)} plots, cached): cursor median {f_med:.1f} ms, p95 {f_p95:.1f} ms; "
        f"pan median {fp_med:.1f} ms, p95 {fp_p95:.1f} ms; build + first paint {floor_build * 1000:.0f} ms")

    from app.views.app import build_window

    window = build_window(args.home)
    window.show()
    window.resize(1600, 1000)
    for name in ("dock_scatter",):  # the scatter dock open beside the plots, as a user has it
        if name in window.docks:
            window.docks[name].show()
            window.docks[name].raise_()
    med, p95, pan_med, pan_p95, select_s, ids = measure(app, window, args.laps)
    log(f"pitwall, whole window ({len(ids)} laps x {len(PLOTS)} plots + map + scatter and every other dock): "
        f"cursor median {med:.1f} ms, p95 {p95:.1f} ms (ratio {p95 / f_p95:.2f}); pan median {pan_med:.1f} ms, "
        f"p95 {pan_p95:.1f} ms (ratio {pan_med / fp_med:.2f}); select until drawn {select_s:.2f} s "
        f"({select_s / floor_build:.1f}x the floor's build)")
    many = {}
    if args.many:
        m_med, m_p95, mp_med, _, many_select, ids_many = measure(app, window, args.many, plots=False)
        log(f"pitwall, whole window ({len(ids_many)} laps): cursor median {m_med:.1f} ms, p95 {m_p95:.1f} ms; "
            f"pan median {mp_med:.1f} ms; select until drawn {many_select:.2f} s")
        many = {"many_laps": len(ids_many), "many_cursor_p95_ms": round(m_p95, 1),
                "many_pan_median_ms": round(mp_med, 1), "many_select_s": round(many_select, 2)}
    window.close()
    window.ctx.runner.wait_all(10000)
    window.ctx.store.close()
    # The worksheet alone: the overlay and the map in a window of their own (what this bench is about, without
    # the other docks that also follow the cursor).
    sheet = worksheet_window(args.home)
    w_med, w_p95, w_pan, _, w_select, _ = measure(app, sheet, args.laps)
    log(f"pitwall, overlay + map alone ({args.laps} laps): cursor median {w_med:.1f} ms, p95 {w_p95:.1f} ms "
        f"(ratio {w_p95 / f_p95:.2f}); pan median {w_pan:.1f} ms (ratio {w_pan / fp_med:.2f}); "
        f"select {w_select:.2f} s")
    if args.many:
        s_med, s_p95, s_pan, _, s_select, s_ids = measure(app, sheet, args.many, plots=False)
        log(f"pitwall, overlay + map alone ({len(s_ids)} laps): cursor median {s_med:.1f} ms, p95 {s_p95:.1f} ms; "
            f"pan median {s_pan:.1f} ms; select {s_select:.2f} s")
        many.update(sheet_many_cursor_p95_ms=round(s_p95, 1), sheet_many_pan_median_ms=round(s_pan, 1),
                    sheet_many_select_s=round(s_select, 2))
    sheet.close()
    sheet.ctx.runner.wait_all(10000)
    sheet.ctx.store.close()
    many.update(sheet_cursor_p95_ms=round(w_p95, 1), sheet_cursor_median_ms=round(w_med, 1),
                sheet_pan_median_ms=round(w_pan, 1), sheet_select_s=round(w_select, 2))
    if tmp is not None:
        tmp.cleanup()
    met = p95 / f_p95 <= 1.0 and p95 < FRAME_MS and pan_med / fp_med <= 1.0
    report("ui_cursor_p95_ms", p95, f_p95, p95 / f_p95, "cursor p95 <= floor p95 and < 16.7 ms; pan <= floor", met,
           cursor_median_ms=round(med, 1), floor_cursor_median_ms=round(f_med, 1),
           pan_median_ms=round(pan_med, 1), floor_pan_median_ms=round(fp_med, 1),
           pan_ratio=round(pan_med / fp_med, 2), select_s=round(select_s, 2),
           floor_build_s=round(floor_build, 2), select_ratio=round(select_s / floor_build, 2), laps=len(ids),
           plots=len(PLOTS), **many)


if __name__ == "__main__":
    main()
