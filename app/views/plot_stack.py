"""The overlay's stacked plots, built from the plot layout (app.views.plot_config) and drawn from an analysis.

One pyqtgraph PlotItem per configured plot, all x-linked; x is the reference lap's distance or lap time. Each
channel of a plot draws one curve per lap in the lap's colour (a plot's second channel dashed, its third
dotted); a lap is drawn only where it has data. Curves clip to the view and downsample, and are cached as
pixmaps, so the cursor (drawn over them) and panning stay cheap with many laps.
"""

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsItem

from app.services.lap_series import LapSeries, with_gaps
from app.views.overlay_marks import DistanceMarks
from app.views.plot_config import DELTA, FIXED_RANGES, axis_title, label_and_unit
from app.views.plot_items import Band, CursorMark, RangeViewBox
from app.views.plot_layer import LayeredView
from app.views.theme import GRID, TEXT
from app.workers.analysis import SelectionAnalysis

AXIS_WIDTH = 66  # equal left axes keep the stacked plots aligned
BAND_ALPHA = 60  # the uncertainty band: the lap's colour, mostly transparent
STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
KM_FROM_M = 2000.0  # a visible span wider than this labels the distance axis in km
MIN_SHARE = 0.15  # of the two plots' height, the least either keeps when resizing


class PlotStack:
    """The plots of one LayeredView from row `first_row` down; the cursor is painted over the cached layer."""

    def __init__(self, glw: LayeredView, first_row: int, on_range, range_tool, on_menu,
                 on_heights: Callable[[list[float]], None] | None = None) -> None:
        self.glw, self.first_row = glw, first_row
        self._on_heights = on_heights  # a resize by dragging ended: the new heights, top to bottom
        glw.paint_marks = self.paint_cursor
        self.cursor_x: float | None = None  # on this axis (distance or time)
        self._cursor_pen = pg.mkPen("#ffffff", width=1)  # solid: the sector lines are the dashed ones
        self._drawn: list[QRect] = []  # where the cursor was painted last
        self._on_range, self._range_tool, self._on_menu = on_range, range_tool, on_menu
        self.config: list[dict] = []
        self.plots: list[pg.PlotItem] = []
        self.curves: dict[str, list[pg.PlotDataItem]] = {}  # channel → its curves (one a lap that has it)
        self.bands: dict[str, Band] = {}  # lap id → its delta's uncertainty band
        self.cursor_lines: list[CursorMark] = []
        self.regions: list[pg.LinearRegionItem] = []  # the A/B range, one per plot
        self.marks: DistanceMarks | None = None
        self.x_mode = "distance"
        self._ref: LapSeries | None = None  # its time ↔ distance converts x in time mode
        self._delta_laps: list[LapSeries] = []  # comparable laps: they set the delta plot's scale

    # ---- building
    def build(self, config: list[dict]) -> None:
        for plot in self.plots:
            self.glw.ci.removeItem(plot)
        self.config, self.plots, self.cursor_lines, self.regions = [dict(p) for p in config], [], [], []
        self.titles: list[pg.TextItem] = []
        layout = self.glw.ci.layout
        for i, entry in enumerate(self.config):
            row = self.first_row + i
            vb = RangeViewBox(self._on_range, self._range_tool, self._on_menu, self._drag_resize)
            plot = self.glw.addPlot(row=row, col=0, viewBox=vb)
            layout.setRowStretchFactor(row, int(entry["height"] * 10))
            layout.setRowMaximumHeight(row, 100_000)
            left = plot.getAxis("left")
            left.enableAutoSIPrefix(False)  # units are ours: "Δ time (s)", never "(ms)"
            left.setLabel(self._unit(entry["channels"]))
            # The plot's name inside its top-left corner, in pixels of the view box: it never scrolls away
            # and takes no height from the plot.
            title = pg.TextItem(self._title(entry["channels"]), color=TEXT, anchor=(0, 0),
                                fill=pg.mkBrush(24, 27, 32, 210))
            title.setParentItem(vb)
            title.setPos(6, 2)
            title.setZValue(90)
            title.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.titles.append(title)
            left.setWidth(AXIS_WIDTH)
            # The axes' own grid (major ticks): the cursor never repaints the scene (it is drawn over the layer),
            # and a pan redraws it cheaper than a GridItem's three levels of lines.
            plot.showGrid(x=True, y=True, alpha=0.12)
            plot.setMouseEnabled(x=True, y=False)
            plot.hideButtons()
            # y holds the whole lap's range (set when drawn): a pan moves x only, one repaint a step.
            vb.disableAutoRange(pg.ViewBox.YAxis)
            if DELTA in entry["channels"]:
                plot.addItem(pg.InfiniteLine(angle=0, pos=0, movable=False, pen=pg.mkPen(GRID, width=1)),
                             ignoreBounds=True)
            if i:
                plot.setXLink(self.plots[0])
            bottom = plot.getAxis("bottom")
            bottom.enableAutoSIPrefix(False)
            if i < len(self.config) - 1:
                bottom.setStyle(showValues=False)
                bottom.setHeight(4)
            self.cursor_lines.append(CursorMark(self, plot))
            region = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(255, 255, 255, 28),
                                         pen=pg.mkPen("#ffffff", width=1))
            region.setZValue(-20)
            region.hide()
            plot.addItem(region, ignoreBounds=True)
            self.regions.append(region)
            self.plots.append(plot)
        self.glw.ci.layout.setRowStretchFactor(self.first_row + len(self.config), 0)
        self.marks = DistanceMarks(self.plots, self.plots[0]) if self.plots else None
        self._label_x()
        if self.plots:
            self.plots[0].getViewBox().sigXRangeChanged.connect(lambda *_: self._x_range_moved())

    def _drag_resize(self, vb: pg.ViewBox, scene_y: float, finished: bool) -> bool:
        """Move the border under plot i to scene_y, sharing the two plots' height; NaN only asks whether the
        plot can be resized (it has a plot below)."""
        i = self.index_of(vb)
        visible = [k for k, p in enumerate(self.plots) if p.isVisible()]
        below = next((k for k in visible if k > i), None)
        if i < 0 or below is None:
            return False
        if np.isnan(scene_y):
            return True
        top = self.plots[i].sceneBoundingRect().top()
        now = max(self.plots[i].sceneBoundingRect().height(), 1.0)
        # Stretch is not pixels (the layout shares only what the plots' minimum sizes leave): scale plot i's
        # stretch by how much taller it should be now; the plot below keeps the rest. Each move corrects again.
        total = self.config[i]["height"] + self.config[below]["height"]
        wanted = self.config[i]["height"] * max(scene_y - top, 1.0) / now
        self.config[i]["height"] = round(min(max(wanted, MIN_SHARE * total), (1 - MIN_SHARE) * total), 2)
        self.config[below]["height"] = round(total - self.config[i]["height"], 2)
        self.set_heights([p["height"] for p in self.config])
        if finished and self._on_heights is not None:
            self._on_heights([p["height"] for p in self.config])
        return True

    def set_heights(self, heights: list[float]) -> None:
        """New relative heights, without building the plots again."""
        layout = self.glw.ci.layout
        for k, (entry, h) in enumerate(zip(self.config, heights, strict=True)):
            entry["height"] = h
            if self.plots[k].isVisible():
                layout.setRowStretchFactor(self.first_row + k, int(h * 10))

    @staticmethod
    def _title(channels: list[str]) -> str:
        """'Speed (km/h)'; with several channels, which line is which: '━ Throttle (%)  ╍ Brake (%)'."""
        if len(channels) == 1:
            return axis_title(channels)
        marks = ("━", "╍", "┅", "━┅")
        return "   ".join(f"{marks[min(k, 3)]} {axis_title([c])}" for k, c in enumerate(channels))

    @staticmethod
    def _unit(channels: list[str]) -> str:
        units = list(dict.fromkeys(label_and_unit(c)[1] for c in channels))
        return " · ".join(u for u in units if u)

    @property
    def first(self) -> pg.PlotItem | None:
        return self.plots[0] if self.plots else None

    # ---- x axis: distance or time
    def set_reference(self, ref: LapSeries | None) -> None:
        self._ref = ref

    def to_x(self, distance: float | np.ndarray):
        """Reference metres → this axis (the reference lap's time at that distance in time mode)."""
        if self.x_mode == "time" and self._ref is not None and len(self._ref.distance) > 1:
            return np.interp(distance, self._ref.distance, self._ref.time)
        return distance

    def to_distance(self, x: float | np.ndarray):
        if self.x_mode == "time" and self._ref is not None and len(self._ref.distance) > 1:
            return np.interp(x, self._ref.time, self._ref.distance)
        return x

    def _label_x(self) -> None:
        if not self.plots:
            return
        bottom = self.plots[-1].getAxis("bottom")
        if self.x_mode == "time":
            bottom.setScale(1.0)
            bottom.setLabel("Time (reference lap, s)" if self._ref is not None else "Time (s)")
            return
        lo, hi = self.plots[0].getViewBox().viewRange()[0]
        km = hi - lo > KM_FROM_M
        bottom.setScale(0.001 if km else 1.0)
        where = " (reference lap" if self._ref is not None else " ("
        bottom.setLabel(f"Distance{where}{', ' if self._ref is not None else ''}{'km' if km else 'm'})")

    def _x_range_moved(self) -> None:
        self._label_x()
        self.fit_delta()

    # ---- drawing
    def clear(self) -> None:
        for plot in self.plots:
            for item in plot.listDataItems():
                plot.removeItem(item)
        for band in self.bands.values():
            for plot in self.plots:
                if band in plot.items:
                    plot.removeItem(band)
        self.curves, self.bands, self._delta_laps = {}, {}, []

    def draw(self, analysis: SelectionAnalysis, colour: Callable[[str], str]) -> dict[str, pg.PlotDataItem]:
        """Every lap's curves; returns, per lap, one curve to stand for it in the legend."""
        self.clear()
        self.set_reference(analysis.series.get(analysis.reference_id or ""))
        firsts: dict[str, pg.PlotDataItem] = {}
        for lap_id, series in analysis.series.items():
            is_ref = lap_id == analysis.reference_id
            gaps = series.gaps()
            x = series.time if self.x_mode == "time" else series.distance
            for plot, entry in zip(self.plots, self.config, strict=True):
                for k, name in enumerate(entry["channels"]):
                    style = STYLES[min(k, len(STYLES) - 1)]
                    if name == DELTA:
                        curve = self._delta(plot, series, colour(lap_id), is_ref, style)
                    elif name in series.channels:
                        xs, ys = with_gaps(x, series.channels[name], gaps)
                        pen = pg.mkPen(colour(lap_id), width=2.0 if is_ref else 1.4, style=style)
                        curve = self._curve(plot, xs, ys, pen, step=name in ("gear", "drs"))
                    else:
                        continue
                    if curve is not None:
                        self.curves.setdefault(name, []).append(curve)
                        firsts.setdefault(lap_id, curve)
        for plot, entry in zip(self.plots, self.config, strict=True):
            shown = [c for c in entry["channels"] if self.curves.get(c)]
            self.titles[self.plots.index(plot)].setText(self._title(shown or entry["channels"]))
            plot.getAxis("left").setLabel(self._unit(shown or entry["channels"]))
            self._fit_y(plot, entry["channels"])
        self._label_x()
        self.fit_delta()
        return firsts

    def _delta(self, plot: pg.PlotItem, series: LapSeries, colour: str, is_ref: bool,
               style: Qt.PenStyle) -> pg.PlotDataItem | None:
        d = series.delta
        if not len(d.distance):
            return None
        x = d.distance
        if self.x_mode == "time" and len(series.distance) > 1:  # each lap on its own clock, like its channels
            x = np.interp(d.distance, series.distance, series.time)
        # A lap not timed line to line has only a delta relative to its own start: dotted, and off the scale.
        pen = pg.mkPen(colour, width=2.0 if is_ref else 1.4,
                       style=style if series.comparable else Qt.PenStyle.DotLine)
        curve = self._curve(plot, x, d.delta, pen)
        if series.comparable:
            self._delta_laps.append(series)
            if not is_ref:
                self.bands[series.lap_id] = self._band(plot, x, d.delta, d.uncertainty, colour)
        return curve

    def _curve(self, plot: pg.PlotItem, x: np.ndarray, y: np.ndarray, pen, step: bool = False) -> pg.PlotDataItem:
        # Gear holds until the next change: steps, not slopes between gears. NaN breaks the line at a gap.
        item = pg.PlotDataItem(x, np.asarray(y, dtype=np.float64), pen=pen, connect="finite",
                               stepMode="left" if step else None)
        plot.addItem(item)
        item.setClipToView(True)  # after addItem: both look up the view box the item is in
        item.setDownsampling(auto=True, method="peak")
        item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        return item

    def _band(self, plot: pg.PlotItem, x: np.ndarray, delta: np.ndarray, half: np.ndarray,
              colour: str) -> "Band":
        fill = QColor(colour)
        fill.setAlpha(BAND_ALPHA)
        band = Band(x, delta - half, delta + half, fill)
        band.setZValue(-5)
        band.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.addItem(band)
        return band

    def _fit_y(self, plot: pg.PlotItem, channels: list[str]) -> None:
        """A pedal 0–100 %; any other channel its range over every lap drawn (the delta: see fit_delta)."""
        if channels == [DELTA]:
            return
        fixed = [FIXED_RANGES[c] for c in channels if c in FIXED_RANGES]
        if fixed and len(fixed) == len(channels):
            plot.setYRange(min(f[0] for f in fixed), max(f[1] for f in fixed), padding=0.05)
            return
        lo, hi = np.inf, -np.inf
        for name in channels:
            for curve in self.curves.get(name, []) if name != DELTA else []:
                y = curve.getOriginalDataset()[1]
                if y is not None and len(y) and np.isfinite(y).any():
                    lo, hi = min(lo, float(np.nanmin(y))), max(hi, float(np.nanmax(y)))
        if np.isfinite(lo):
            pad = max((hi - lo) * 0.06, 0.5 if hi == lo else 0.0)
            plot.setYRange(lo - pad, hi + pad, padding=0)

    def fit_delta(self) -> None:
        """The delta plots' scale: the comparable laps over the visible stretch (an out-lap's −90 s would
        squash the others flat)."""
        if not self._delta_laps or not self.plots:
            return
        lo, hi = self.to_distance(np.asarray(self.plots[0].getViewBox().viewRange()[0]))
        bottom, top = 0.0, 0.0
        for s in self._delta_laps:
            d = s.delta
            i, j = np.searchsorted(d.distance, [lo, hi])
            if j > i:
                band = d.uncertainty[i:j] if s.lap_id in self.bands else 0.0
                bottom = min(bottom, float(np.nanmin(d.delta[i:j] - band)))
                top = max(top, float(np.nanmax(d.delta[i:j] + band)))
        pad = max((top - bottom) * 0.08, 0.02)
        for plot, entry in zip(self.plots, self.config, strict=True):
            if entry["channels"] == [DELTA]:
                plot.setYRange(bottom - pad, top + pad, padding=0)

    # ---- cursor and A/B range (reference metres)
    def show_cursor(self, distance: float | None) -> None:
        """Move the cursor: only the strips where it was and is now are painted again."""
        self.cursor_x = None if distance is None else float(self.to_x(distance))
        self.glw.update_marks(self._drawn + self._cursor_rects())

    def _cursor_rects(self) -> list[QRect]:
        if self.cursor_x is None:
            return []
        rects = []
        for plot in self.plots:
            if not plot.isVisible():
                continue
            vb = plot.getViewBox()
            box = self.glw.box_of(vb)
            px = round(self.glw.to_viewport(vb, self.cursor_x, 0.0).x())
            if box.left() <= px <= box.right():
                rects.append(QRect(px - 1, box.top(), 3, box.height()))
        return rects

    def paint_cursor(self, painter: QPainter) -> None:
        self._drawn = self._cursor_rects()
        painter.setPen(self._cursor_pen)
        for r in self._drawn:
            x = r.left() + 1
            painter.drawLine(x, r.top(), x, r.bottom())

    def show_range(self, ab: tuple[float, float] | None) -> None:
        for region in self.regions:
            region.setVisible(ab is not None)
            if ab is not None:
                region.setRegion((float(self.to_x(ab[0])), float(self.to_x(ab[1]))))

    def set_x_range(self, lo: float, hi: float, padding: float = 0.0) -> None:
        if self.plots:
            self.plots[0].setXRange(float(self.to_x(lo)), float(self.to_x(hi)), padding=padding)

    def x_range(self) -> tuple[float, float] | None:
        if not self.plots:
            return None
        lo, hi = self.plots[0].getViewBox().viewRange()[0]
        return float(self.to_distance(lo)), float(self.to_distance(hi))

    def plot_at(self, scene_pos) -> pg.PlotItem | None:
        return next((p for p in self.plots if p.sceneBoundingRect().contains(scene_pos)), None)

    def index_of(self, vb: pg.ViewBox) -> int:
        return next((i for i, p in enumerate(self.plots) if p.getViewBox() is vb), -1)
