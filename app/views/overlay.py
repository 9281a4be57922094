"""Lap overlay dock: channels of the selected laps stacked against distance, plus delta time to the reference.

Redraws are coalesced on a zero-delay timer (several state signals in a row draw once); curves draw only what
is visible (clip to view + peak downsampling); mouse moves reach the shared cursor through a rate-limited proxy.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QGraphicsItem, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.services.compare import delta_time, distance_grid, value_at
from app.services.laps import format_lap_time
from app.views.context import AppContext
from app.views.theme import GRID, MUTED, TEXT
from app.workers.lapdata import LapTrace

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


def lap_name(trace: LapTrace) -> str:
    """"Lap 7", or "VER lap 7" for an F1 lap."""
    driver = trace.lap.driver
    return f"{driver} lap {trace.lap.number}" if driver else f"Lap {trace.lap.number}"


def lap_label(trace: LapTrace) -> str:
    return f"{lap_name(trace)}  {format_lap_time(trace.lap.lap_time)}"


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
        self.legend = pg.LegendItem(colCount=6, labelTextColor=TEXT, labelTextSize="9pt", horSpacing=24)
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
                plot.setLabel("bottom", "Distance", units="m")
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

        self._traces: list[LapTrace] = []
        self._redraw_timer = QTimer(self, singleShot=True, interval=0)
        self._redraw_timer.timeout.connect(self.redraw)
        self._following_range = False
        self._mouse = pg.SignalProxy(self.glw.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)

        ctx.state.selection_changed.connect(self._selection_changed)
        ctx.state.reference_changed.connect(lambda _: self._redraw_timer.start())
        ctx.state.cursor_changed.connect(self._show_cursor)
        ctx.state.range_changed.connect(self._follow_range)
        ctx.laps.loaded.connect(lambda _: self._redraw_timer.start())
        self.plots["speed"].getViewBox().sigXRangeChanged.connect(self._range_moved)

    # ---- drawing
    def _selection_changed(self, lap_ids: list[str]) -> None:
        self.ctx.laps.request(lap_ids)
        self._redraw_timer.start()

    def redraw(self) -> None:
        state = self.ctx.state
        if not self.ctx.laps.has_all(state.selection):
            return  # `loaded` schedules another redraw
        traces = [self.ctx.laps.get(i) for i in state.selection]
        self._traces = traces
        for plot in self.plots.values():
            for item in plot.listDataItems():
                plot.removeItem(item)
        self.legend.clear()
        reference = self.ctx.laps.get(state.reference) if state.reference else None
        for trace in traces:
            ch = trace.channels
            is_ref = reference is not None and trace.lap.id == reference.lap.id
            pen = pg.mkPen(state.colour(trace.lap.id), width=2.0 if is_ref else 1.4)
            name = lap_label(trace) + ("  (ref)" if is_ref else "")
            for key, *_ in CHANNEL_PLOTS:
                if key in ch:
                    curve = self._curve(key, ch["distance"], ch[key], pen)
                    if key == "speed":
                        self.legend.addItem(curve, name)
            if reference is not None:
                grid = distance_grid([ch, reference.channels], step=2.0)
                d, delta = delta_time(ch, reference.channels, grid)
                self._curve(DELTA, d, delta, pen)
        self._fit_rows(traces)
        if traces:
            hi = max(float(t.channels["distance"].max()) for t in traces)
            lo = min(float(t.channels["distance"].min()) for t in traces)
            self.plots["speed"].setXRange(lo, hi, padding=0.01)
        self._show_cursor(state.cursor)

    def _fit_rows(self, traces: list[LapTrace]) -> None:
        """A channel none of the laps has (F1 cars send no steering) gives its height to the others."""
        layout = self.glw.ci.layout
        for row, (key, _label, _unit, stretch) in enumerate(CHANNEL_PLOTS, start=1):
            shown = not traces or any(key in t.channels for t in traces)
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

    # ---- cursor
    def _mouse_moved(self, event) -> None:
        pos = event[0]
        for plot in self.plots.values():
            if plot.sceneBoundingRect().contains(pos):
                self.ctx.state.set_cursor(plot.getViewBox().mapSceneToView(pos).x())
                return

    def _show_cursor(self, distance: float) -> None:
        visible = bool(self._traces) and not math.isnan(distance)
        for line in self.cursor_lines:
            line.setVisible(visible)
            if visible:
                line.setPos(distance)
        self.readout.setText(self._readout(distance) if visible else self.readout.text())

    def _readout(self, distance: float) -> str:
        ref = self.ctx.laps.get(self.ctx.state.reference) if self.ctx.state.reference else None
        parts = [f"<b>{distance:7.0f} m</b>"]
        for trace in self._traces:
            ch = trace.channels
            colour = self.ctx.state.colour(trace.lap.id)
            speed, gear = value_at(ch, "speed", distance), value_at(ch, "gear", distance)
            thr, brk = value_at(ch, "throttle", distance), value_at(ch, "brake", distance)
            text = f"<span style='color:{colour}'>■ {lap_name(trace)}</span>&nbsp; "
            if math.isnan(speed):
                text += "—"
            else:
                text += f"{speed:5.0f} km/h · G{gear:.0f} · T{thr:3.0f}% · B{brk:3.0f}%"
                if ref is not None and trace.lap.id != ref.lap.id:
                    t_lap, t_ref = value_at(ch, "time", distance), value_at(ref.channels, "time", distance)
                    text += f" · Δ {t_lap - t_ref:+.3f} s"
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
