"""Lap overlay dock: channels of the selected laps stacked against distance, plus delta time to the reference.

Everything drawn comes from the selection's analysis in the shared state (app.workers.analysis): every lap on
the reference lap's distance axis, so laps line up corner by corner; the delta and its uncertainty band are the
service's series, and the cursor readout reads the same series. Redraws are coalesced on a zero-delay timer;
curves draw only what is visible (clip to view + peak downsampling); mouse moves reach the shared cursor through
a rate-limited proxy.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDockWidget, QGraphicsItem, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.services.laps import format_lap_time
from app.views.context import AppContext
from app.views.overlay_marks import DistanceMarks
from app.views.theme import GRID, MUTED, TEXT
from app.workers.analysis import SelectionAnalysis

# (channel, axis label, unit, relative height)
CHANNEL_PLOTS = (
    ("speed", "Speed", "km/h", 3.0),
    ("throttle", "Throttle", "%", 1.4),
    ("brake", "Brake", "%", 1.4),
    ("gear", "Gear", "", 1.2),
    ("rpm", "RPM", "", 1.6),
    ("steering", "Steering", "%", 1.6),
)
DELTA = "delta"
AXIS_WIDTH = 62  # equal left axes keep the stacked plots aligned
LEGEND_COLUMNS = 6
LEGEND_ROWS = 4  # more laps than fit in these rows: the legend names the first ones and says how many more
BAND_ALPHA = 60  # the uncertainty band: the lap's colour, mostly transparent


def legend_name(analysis: SelectionAnalysis, lap_id: str) -> str:
    """"Lap 4  1:37.499  (ref)", with the session when the laps come from several, and why a lap is not drawn."""
    name = f"{analysis.labels[lap_id]}  {format_lap_time(analysis.lap_times.get(lap_id))}"
    if lap_id == analysis.reference_id:
        name += "  (ref)"
    return name + _why_not_drawn(analysis, lap_id, " · ")


def _why_not_drawn(analysis: SelectionAnalysis, lap_id: str, sep: str) -> str:
    if lap_id in analysis.missing:
        return f"{sep}no telemetry"
    if lap_id in analysis.elsewhere:
        return f"{sep}other track ({analysis.elsewhere[lap_id]})"
    return ""


class LapOverlayDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Lap overlay")
        self.setObjectName("dock_overlay")
        self.ctx = ctx
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.ci.setSpacing(0)
        self.glw.ci.setContentsMargins(4, 4, 10, 4)
        self.readout = QLabel()
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setStyleSheet(f"padding: 4px 8px; color: {TEXT}; background: #181b20;")
        # A fixed box: new text on every mouse move must not re-layout (and so repaint) the plots below.
        self.readout.setFixedHeight(26)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.readout.setText(f"<span style='color:{MUTED}'>Select laps in the browser to compare them.</span>")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.readout)
        layout.addWidget(self.glw, 1)
        self.setWidget(body)

        self.plots: dict[str, pg.PlotItem] = {}
        self.cursor_lines: list[pg.InfiniteLine] = []
        rows = [*CHANNEL_PLOTS, (DELTA, "Δ time", "s", 2.0)]
        # Row 0: the legend, as a strip above the plots so it never hides a curve.
        self.legend = pg.LegendItem(colCount=LEGEND_COLUMNS, labelTextColor=TEXT, labelTextSize="9pt",
                                    horSpacing=24)
        self.glw.addItem(self.legend, row=0, col=0)
        self.glw.ci.layout.setRowMaximumHeight(0, 26)
        for i, (key, label, unit, stretch) in enumerate(rows):
            row = i + 1
            plot = self.glw.addPlot(row=row, col=0)
            self.glw.ci.layout.setRowStretchFactor(row, int(stretch * 10))
            plot.setLabel("left", label, units=unit or None)
            plot.getAxis("left").setWidth(AXIS_WIDTH)
            # A cached grid item, not the axes' own grid: the axis grid repaints in full on every cursor move.
            grid = pg.GridItem(pen=pg.mkPen(GRID, width=1), textPen=None)
            grid.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.addItem(grid, ignoreBounds=True)
            plot.setMouseEnabled(x=True, y=False)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.getViewBox().setAutoVisible(y=True)  # y fits what is visible after zooming x
            if i:
                plot.setXLink(self.plots[CHANNEL_PLOTS[0][0]])
            if i < len(rows) - 1:
                plot.getAxis("bottom").setStyle(showValues=False)
                plot.getAxis("bottom").setHeight(4)
            else:
                plot.setLabel("bottom", "Distance (reference lap)", units="m")
            pen = pg.mkPen("#e8eaed", width=1, style=Qt.PenStyle.DashLine)
            line = pg.InfiniteLine(angle=90, movable=False, pen=pen)
            line.setZValue(100)
            line.hide()
            plot.addItem(line, ignoreBounds=True)
            self.cursor_lines.append(line)
            self.plots[key] = plot
        zero = pg.InfiniteLine(angle=0, pos=0, movable=False, pen=pg.mkPen(GRID, width=1))
        self.plots[DELTA].addItem(zero, ignoreBounds=True)
        self.plots["brake"].setYRange(0, 100, padding=0.05)
        self.marks = DistanceMarks(list(self.plots.values()), self.plots["speed"])
        self.bands: dict[str, pg.FillBetweenItem] = {}  # lap id → its delta's uncertainty band

        self.analysis: SelectionAnalysis | None = None  # what is drawn
        self._legend_entries: list[tuple[pg.PlotDataItem, str]] = []  # (sample item, name) of every lap
        self._drawn_laps: tuple[str, ...] = ()
        self._redraw_timer = QTimer(self, singleShot=True, interval=0)
        self._redraw_timer.timeout.connect(self.redraw)
        self._following_range = False
        self._mouse = pg.SignalProxy(self.glw.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)

        ctx.state.selection_changed.connect(self._selection_changed)
        ctx.state.analysis_changed.connect(lambda _: self._redraw_timer.start())
        ctx.state.cursor_changed.connect(self._show_cursor)
        ctx.state.range_changed.connect(self._follow_range)
        self.plots["speed"].getViewBox().sigXRangeChanged.connect(self._range_moved)

    # ---- drawing
    def _selection_changed(self, lap_ids: list[str]) -> None:
        if lap_ids:
            self.readout.setText(f"<span style='color:{MUTED}'>Comparing {len(lap_ids)} lap(s)…</span>")

    def redraw(self) -> None:
        state = self.ctx.state
        analysis = state.analysis
        if analysis is None or analysis.selection != state.selection:
            return  # a newer selection's analysis is on its way
        self.analysis = analysis
        for plot in self.plots.values():
            for item in plot.listDataItems():
                plot.removeItem(item)
        for band in self.bands.values():
            self.plots[DELTA].removeItem(band)
        self.bands = {}
        self._legend_entries = []
        for lap_id in analysis.selection:
            colour = state.colour(lap_id)
            series = analysis.series.get(lap_id)
            is_ref = lap_id == analysis.reference_id
            pen = pg.mkPen(colour, width=2.0 if is_ref else 1.4)
            name = legend_name(analysis, lap_id)
            if series is None:  # listed, with the reason, but nothing to draw
                stand_in = pg.PlotDataItem(pen=pg.mkPen(colour, width=1.4, style=Qt.PenStyle.DotLine))
                self._legend_entries.append((stand_in, name))
                continue
            for key, *_ in CHANNEL_PLOTS:
                if key in series.channels:
                    curve = self._curve(key, series.distance, series.channels[key], pen)
                    if key == "speed":
                        self._legend_entries.append((curve, name))
            d = series.delta
            self._curve(DELTA, d.distance, d.delta, pen)
            if not is_ref:
                self.bands[lap_id] = self._band(d.distance, d.delta, d.uncertainty, colour)
        self._fit_legend()
        comparison = analysis.comparison
        self.marks.show(comparison.sector_lines if comparison else [], comparison.corners if comparison else [])
        self._fit_rows(analysis)
        laps = tuple(analysis.series)
        if laps and laps != self._drawn_laps:  # a new reference alone keeps the zoom
            lo = min(float(s.distance[0]) for s in analysis.series.values())
            hi = max(float(s.distance[-1]) for s in analysis.series.values())
            self.plots["speed"].setXRange(lo, hi, padding=0.01)
        self._drawn_laps = laps
        self._show_cursor(state.cursor)
        if math.isnan(state.cursor):
            self.readout.setText(self._summary(analysis))

    def _fit_legend(self) -> None:
        """As many columns as the longest name leaves room for, up to LEGEND_ROWS rows; the rest counted."""
        entries = self._legend_entries
        self.legend.clear()
        if not entries:
            return
        per_column = 7 * max(len(name) for _, name in entries) + 60  # ~7 px a character at 9 pt, plus the line
        columns = max(1, min(LEGEND_COLUMNS, (self.glw.width() - 20) // per_column))
        if columns != self.legend.columnCount:
            self.legend.setColumnCount(columns)
        room = columns * LEGEND_ROWS
        shown = entries if len(entries) <= room else entries[: room - 1]
        for item, name in shown:
            self.legend.addItem(item, name)
        if len(shown) < len(entries):
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(MUTED)), f"+{len(entries) - len(shown)} more laps")
        rows = math.ceil(min(len(entries), room) / columns)
        self.glw.ci.layout.setRowMaximumHeight(0, 26 + 20 * max(rows - 1, 0))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._legend_entries:
            self._fit_legend()

    def _summary(self, analysis: SelectionAnalysis) -> str:
        if not analysis.selection:
            return f"<span style='color:{MUTED}'>Select laps in the browser to compare them.</span>"
        shown = len(analysis.series)
        text = f"{shown} of {len(analysis.selection)} lap(s) on the reference distance axis"
        if analysis.comparison is not None:
            text += f" · aligned by {', '.join(sorted({s.delta.alignment for s in analysis.series.values()}))}"
        return f"<span style='color:{MUTED}'>{text}. Move the mouse over the plots.</span>"

    def _fit_rows(self, analysis: SelectionAnalysis) -> None:
        """A channel none of the laps has (F1 cars send no steering) gives its height to the others."""
        layout = self.glw.ci.layout
        series = list(analysis.series.values())
        for row, (key, _label, _unit, stretch) in enumerate(CHANNEL_PLOTS, start=1):
            shown = not series or any(key in s.channels for s in series)
            self.plots[key].setVisible(shown)
            layout.setRowStretchFactor(row, int(stretch * 10) if shown else 0)
            layout.setRowMaximumHeight(row, 100_000 if shown else 0)

    def _curve(self, key: str, x: np.ndarray, y: np.ndarray, pen) -> pg.PlotDataItem:
        # Gear holds until the next change: draw it as steps, not slopes between gears.
        item = pg.PlotDataItem(x, np.asarray(y, dtype=np.float64), pen=pen,
                               stepMode="left" if key == "gear" else None)
        self.plots[key].addItem(item)
        item.setClipToView(True)  # after addItem: both look up the view box the item is in
        item.setDownsampling(auto=True, method="peak")
        item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        return item

    def _band(self, x: np.ndarray, delta: np.ndarray, half: np.ndarray, colour: str) -> pg.FillBetweenItem:
        """The delta's uncertainty as a band around its curve (the bounds are not plot items of their own)."""
        fill = QColor(colour)
        fill.setAlpha(BAND_ALPHA)
        band = pg.FillBetweenItem(pg.PlotCurveItem(x, delta - half), pg.PlotCurveItem(x, delta + half),
                                  brush=pg.mkBrush(fill))
        band.setZValue(-5)
        self.plots[DELTA].addItem(band)
        return band

    # ---- cursor
    def _mouse_moved(self, event) -> None:
        pos = event[0]
        for plot in self.plots.values():
            if plot.sceneBoundingRect().contains(pos):
                self.ctx.state.set_cursor(plot.getViewBox().mapSceneToView(pos).x())
                return

    def _show_cursor(self, distance: float) -> None:
        visible = self.analysis is not None and bool(self.analysis.series) and not math.isnan(distance)
        for line in self.cursor_lines:
            line.setVisible(visible)
            if visible:
                line.setPos(distance)
        if visible and self.analysis is not None:
            self.readout.setText(self._readout(self.analysis, distance))

    def _readout(self, analysis: SelectionAnalysis, distance: float) -> str:
        parts = [f"<b>{distance:7.0f} m</b>"]
        for lap_id in analysis.selection:
            colour = self.ctx.state.colour(lap_id)
            text = f"<span style='color:{colour}'>■ {analysis.labels[lap_id]}</span>&nbsp; "
            series = analysis.series.get(lap_id)
            if series is None:
                parts.append(text + _why_not_drawn(analysis, lap_id, ""))
                continue
            speed = series.value("speed", distance)
            if math.isnan(speed):
                text += "—"
            else:
                gear, thr, brk = (series.value(k, distance) for k in ("gear", "throttle", "brake"))
                text += f"{speed:5.0f} km/h · G{gear:.0f} · T{thr:3.0f}% · B{brk:3.0f}%"
                delta = series.delta_at(distance) if lap_id != analysis.reference_id else None
                if delta is not None:
                    text += f" · Δ {delta[0]:+.3f} ±{delta[1]:.3f} s"
            parts.append(text)
        return "&nbsp;&nbsp;&nbsp;&nbsp;".join(parts)

    # ---- shared x range
    def _range_moved(self, _vb, x_range) -> None:
        if not self._following_range:
            self.ctx.state.set_range(*x_range)

    def _follow_range(self, lo: float, hi: float) -> None:
        self._following_range = True
        try:
            self.plots["speed"].setXRange(lo, hi, padding=0)
        finally:
            self._following_range = False
