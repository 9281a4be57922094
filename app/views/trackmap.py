"""Track map dock: the reference lap's line coloured by a channel, or by which lap is fastest in each mini-sector;
sector lines across the track, corner names with what the first compared lap gained or lost there, and the
cursor on every lap.

Everything comes from the selection's analysis in the shared state: the line is the reference lap, positions
are read at reference distances (the cursor's axis). The coloured line is drawn as a few dozen curves, one per
colour, each connecting only its own segments: standard pyqtgraph items, cheap to draw, no per-point pens.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QDockWidget, QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.analysis.best import MiniSectors
from app.services.analysis.comparison import Comparison
from app.services.lap_series import LapSeries
from app.views.context import AppContext
from app.views.plot_channels import HIDDEN, apply_math, available_channels
from app.views.plot_config import label_and_unit
from app.views.plot_layer import LayeredView
from app.views.theme import MUTED
from app.views.trackmap_marks import MapMarks, TrackGeometry
from app.workers.analysis import SelectionAnalysis

COLOUR_CHANNELS = ("speed", "throttle", "brake", "gear", "rpm", "steering", "accel_x", "accel_z")
MINISECTORS = "fastest lap (mini-sectors)"
BANDS = 48
COLOUR_MAP = "turbo"
MARKER, MARKER_REF = 5, 7  # cursor dot radius, px


def _describe(name: str) -> str:
    label, unit = label_and_unit(name)
    return f"{label} ({unit})" if unit else label


class TrackMapDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Track map")
        self.setObjectName("dock_trackmap")
        self.ctx = ctx
        self.channel = QComboBox()  # what `state.map_channel` names: any channel of the laps, or mini-sectors
        self.channel.setMinimumContentsLength(18)
        self._fill_channels([])
        self.channel.setToolTip("Colour the line by a channel of the reference lap, or by the lap that is "
                                "fastest in each mini-sector")
        self.legend = QLabel()  # mini-sector mode: which colour is which lap
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.caption = QLabel()  # whose gain/loss the corner labels show
        self.caption.setStyleSheet(f"color: {MUTED}")
        self.glw = LayeredView()  # the track cached as one layer; the cursor's markers are painted over it
        self.glw.paint_marks = self._paint_markers
        self.plot = self.glw.addPlot(row=0, col=0)
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.cmap = pg.colormap.get(COLOUR_MAP)
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=self.cmap, interactive=False, width=14,
                                   colorMapMenu=False)
        self.bar.axis.enableAutoSIPrefix(False)
        self.glw.addItem(self.bar, row=0, col=1)
        # Until there is a line to colour a bare 0–1 scale means nothing: transparent, not hidden (a colour bar
        # hidden before its first layout never gets room for its values).
        self.bar.setOpacity(0.0)
        self.empty = pg.TextItem("Select laps to see the track", color=MUTED, anchor=(0.5, 0.5))
        self.plot.addItem(self.empty)
        self._spots: list[tuple[str, tuple[float, float], QColor, bool]] = []  # lap, map position, colour, ref
        self._painted: list[QRect] = []  # where markers were painted last
        self.shadow = pg.PlotDataItem(pen=pg.mkPen("#000000", width=7))  # a dark outline under the coloured line
        self.shadow.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.plot.addItem(self.shadow)
        self.bands: list[pg.PlotCurveItem] = []
        self.marks = MapMarks(self.plot)
        self.start = pg.ScatterPlotItem(size=9, symbol="s", brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("#000000"))
        self.start_label = pg.TextItem("S/F", color="#ffffff", anchor=(-0.25, 0.5))
        for item in (self.start, self.start_label):
            item.setZValue(40)
            self.plot.addItem(item)
        self.start_label.hide()

        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        label = QLabel("Colour by")
        label.setStyleSheet(f"color: {MUTED}")
        top.addWidget(label)
        top.addWidget(self.channel)
        top.addWidget(self.legend)
        top.addStretch(1)
        top.addWidget(self.caption)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.glw, 1)
        self.setWidget(body)

        self.analysis: SelectionAnalysis | None = None
        self._xz: np.ndarray | None = None  # reference lap points, for hover lookup
        self._distance: np.ndarray | None = None
        self._redraw_timer = QTimer(self, singleShot=True, interval=0)
        self._redraw_timer.timeout.connect(self.redraw)
        self._mouse = pg.SignalProxy(self.glw.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)
        self.channel.currentIndexChanged.connect(self._channel_picked)
        ctx.state.map_channel_changed.connect(self._map_channel_changed)
        ctx.state.analysis_changed.connect(lambda _: self._redraw_timer.start())
        ctx.state.math_channels_changed.connect(lambda _: self._redraw_timer.start())
        ctx.state.cursor_changed.connect(self._show_cursor)
        # The map follows the plots' zoom a moment later: a pan of the plots is not slowed by the map.
        self._range_timer = QTimer(self, singleShot=True, interval=250)
        self._range_timer.timeout.connect(self._follow_state_range)
        ctx.state.range_changed.connect(lambda *_: self._range_timer.start())

    # ---- the colouring channel (shared state)
    def _fill_channels(self, names: list[tuple[str, str]]) -> None:
        """(name, text) choices; the state's channel stays chosen (listed even before a lap has it)."""
        wanted = self.ctx.state.map_channel
        choices = names or [(c, _describe(c)) for c in COLOUR_CHANNELS]
        if wanted not in {n for n, _ in choices} and wanted != MINISECTORS:
            choices = [*choices, (wanted, _describe(wanted))]
        current = [(self.channel.itemData(i), self.channel.itemText(i)) for i in range(self.channel.count())]
        if current != [*choices, (MINISECTORS, MINISECTORS)]:
            self.channel.blockSignals(True)
            self.channel.clear()
            for name, text in [*choices, (MINISECTORS, MINISECTORS)]:
                self.channel.addItem(text, name)
            self.channel.blockSignals(False)
        self.channel.blockSignals(True)
        self.channel.setCurrentIndex(max(self.channel.findData(wanted), 0))
        self.channel.blockSignals(False)

    def _channel_picked(self, _index: int) -> None:
        if self.channel.currentData():
            self.ctx.state.set_map_channel(self.channel.currentData())

    def _map_channel_changed(self, name: str) -> None:
        index = self.channel.findData(name)
        if index >= 0:  # not listed yet (a math channel just made): the redraw lists and picks it
            self.channel.blockSignals(True)
            self.channel.setCurrentIndex(index)
            self.channel.blockSignals(False)
        self._redraw_timer.start()

    def bar_shown(self) -> bool:
        """Whether a person sees the colour scale."""
        return self.bar.isVisible() and self.bar.opacity() > 0

    def colour_channel(self) -> str:
        return self.ctx.state.map_channel

    def reference_series(self) -> LapSeries | None:
        a = self.analysis
        return a.series.get(a.reference_id) if a is not None and a.reference_id else None

    def redraw(self) -> None:
        state = self.ctx.state
        if state.analysis is None or state.analysis.selection != state.selection:
            return  # the selection's own analysis is on its way
        analysis = self.analysis = state.analysis
        for band in self.bands:
            self.plot.removeItem(band)
        self.bands = []
        apply_math(analysis, state.math_channels)
        ref = self.reference_series()
        comparison = analysis.comparison
        infos = available_channels(analysis, list(state.math_channels))
        self._fill_channels([(i.name, f"{i.label} ({i.unit})" if i.unit else i.label)
                             for i in infos if i.name not in HIDDEN and i.name != "delta"])
        if ref is None or ref.map_axes is None or comparison is None:
            self.empty.setText("Select laps to see the track" if not analysis.selection
                               else "No positions to draw a map from")
            self.empty.show()
            self.bar.setOpacity(0.0)
            self.shadow.setData([], [])
            self.start.setData([])
            self.start_label.hide()
            self.marks.clear()
            self.legend.clear()
            self.caption.clear()
            self._xz = self._distance = None
            self._show_cursor(state.cursor)
            return
        a, b = ref.map_axes  # AMS2: x/z, F1: x/y
        x, z = ref.channels[a], ref.channels[b]
        self.empty.hide()
        self.shadow.setData(x, z)
        self.start.setData([x[0]], [z[0]])
        self.start_label.setPos(x[0], z[0])
        self.start_label.show()
        if state.map_channel == MINISECTORS and comparison.minisectors is not None:
            self._colour_by_minisector(analysis, comparison.minisectors, ref, x, z)
        else:
            self._colour_by_channel(ref, x, z)
        self._show_marks(analysis, comparison, ref, TrackGeometry(x, z, ref.distance))
        self._xz = np.column_stack((x, z))
        self._distance = ref.distance
        self.plot.autoRange(padding=0.06)
        if state.x_range is not None:
            self._follow_range(*state.x_range)
        self._show_cursor(state.cursor)

    # ---- colouring
    def _draw_groups(self, x: np.ndarray, z: np.ndarray, group: np.ndarray, colours: dict[int, QColor]) -> None:
        """Segment i (point i → i + 1) is drawn in the colour of its group."""
        for g in np.unique(group):
            connect = np.zeros(len(x), dtype=bool)
            connect[:-1] = group == g
            curve = pg.PlotCurveItem(x, z, connect=connect, pen=pg.mkPen(colours[int(g)], width=4), antialias=True)
            curve.setZValue(10)
            # Cached as a pixmap: the cursor's markers move over the line without it being drawn again.
            curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.plot.addItem(curve)
            self.bands.append(curve)

    def _colour_by_channel(self, ref: LapSeries, x: np.ndarray, z: np.ndarray) -> None:
        name = self.ctx.state.map_channel
        name = name if name in ref.channels else "speed"
        values = ref.channels[name] if name in ref.channels else np.zeros(len(ref.distance))
        finite = values[np.isfinite(values)]
        lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
        hi = hi if hi > lo else lo + 1.0
        seg = np.clip(((values[:-1] + values[1:]) / 2 - lo) / (hi - lo), 0, 1)  # a segment: its mean value
        band = np.minimum((seg * BANDS).astype(int), BANDS - 1)
        self._draw_groups(x, z, band, {b: self.cmap.map((b + 0.5) / BANDS, mode="qcolor") for b in range(BANDS)})
        self.bar.setLevels((lo, hi))
        label, unit = label_and_unit(name)
        self.bar.axis.setLabel(f"{label} ({unit})" if unit else label)
        self.bar.setOpacity(1.0)
        self.bar.show()
        self.legend.clear()

    def _colour_by_minisector(self, analysis: SelectionAnalysis, mini: MiniSectors, ref: LapSeries,
                              x: np.ndarray, z: np.ndarray) -> None:
        fastest = mini.fastest  # row of the quickest lap in each mini-sector
        middle = (ref.distance[:-1] + ref.distance[1:]) / 2
        k = np.clip(np.searchsorted(mini.edges, middle, side="right") - 1, 0, len(fastest) - 1)
        rows = fastest[k]
        lap_ids = analysis.minisector_laps
        self._draw_groups(x, z, rows, {r: QColor(self.ctx.state.colour(lap_ids[r])) for r in range(len(lap_ids))})
        self.bar.hide()
        won = np.bincount(fastest, minlength=len(lap_ids))
        self.legend.setText("&nbsp;&nbsp;".join(
            f"<span style='color:{self.ctx.state.colour(i)}'>■</span> {analysis.labels[i]} ({won[r]})"
            for r, i in enumerate(lap_ids)))
        self.legend.setToolTip(f"Fastest lap in each of the {len(fastest)} mini-sectors (how many it won)")

    def _show_marks(self, analysis: SelectionAnalysis, comparison: Comparison, ref: LapSeries,
                    geo: TrackGeometry) -> None:
        others = analysis.others
        gains = None
        if others:
            rows = analysis.segments.get(others[0], [])
            gains = {r["name"]: r["time_delta"] for r in rows if r["kind"] == "corner"}
            self.caption.setText(f"Corners: {analysis.labels[others[0]]} vs {analysis.labels[ref.lap_id]}")
        else:
            self.caption.clear()
        self.marks.show(geo, comparison.sector_lines, comparison.corners, gains)

    # ---- cursor
    def marker_position(self, lap_id: str) -> tuple[float, float] | None:
        """Where the marker of a lap is drawn now (None when hidden)."""
        return next((pos for i, pos, _, _ in self._spots if i == lap_id), None)

    def _show_cursor(self, distance: float) -> None:
        spots = []
        analysis = self.analysis
        if self._xz is not None and analysis is not None and not math.isnan(distance):
            state = self.ctx.state
            for lap_id, series in analysis.series.items():
                pos = series.position(distance)
                if pos is None:
                    continue
                spots.append((lap_id, pos, QColor(state.colour(lap_id)), lap_id == analysis.reference_id))
        self._spots = spots
        self.glw.update_marks(self._painted + self._marker_rects())

    def _marker_rects(self) -> list[QRect]:
        to_px = self.glw.view_transform(self.plot.getViewBox())
        rects = []
        for _, (x, y), _, is_ref in self._spots:
            p = to_px.map(QPointF(x, y))
            r = MARKER_REF if is_ref else MARKER
            rects.append(QRect(round(p.x()) - r - 2, round(p.y()) - r - 2, 2 * r + 5, 2 * r + 5))
        return rects

    def _paint_markers(self, painter: QPainter) -> None:
        """The cursor on every lap: a dot in the lap's colour (the reference's larger, ringed white)."""
        self._painted = self._marker_rects()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        to_px = self.glw.view_transform(self.plot.getViewBox())
        for _, (x, y), colour, is_ref in self._spots[::-1]:  # the reference (first) on top
            r = MARKER_REF if is_ref else MARKER
            painter.setPen(QPen(QColor("#ffffff" if is_ref else "#000000"), 2))
            painter.setBrush(colour)
            painter.drawEllipse(to_px.map(QPointF(x, y)), r, r)

    # ---- zoomed with the plots
    def _follow_state_range(self) -> None:
        if self.ctx.state.x_range is not None:
            self._follow_range(*self.ctx.state.x_range)

    def _follow_range(self, lo: float, hi: float) -> None:
        """The map shows the stretch the plots show (the whole track when they show most of the lap)."""
        if self._xz is None or self._distance is None or len(self._distance) < 2:
            return
        d = self._distance
        if hi - lo >= 0.85 * (d[-1] - d[0]):
            self.plot.autoRange(padding=0.06)
            return
        i, j = np.searchsorted(d, [lo, hi])
        part = self._xz[max(i - 1, 0):j + 1]
        if len(part) < 2:
            return
        (x0, z0), (x1, z1) = part.min(axis=0), part.max(axis=0)
        pad = 0.15 * max(x1 - x0, z1 - z0, 50.0)
        self.plot.setRange(xRange=(x0 - pad, x1 + pad), yRange=(z0 - pad, z1 + pad), padding=0)

    def _mouse_moved(self, event) -> None:
        pos = event[0]
        if self._xz is None or self._distance is None or not self.plot.sceneBoundingRect().contains(pos):
            return
        p = self.plot.getViewBox().mapSceneToView(pos)
        nearest = int(np.argmin((self._xz[:, 0] - p.x()) ** 2 + (self._xz[:, 1] - p.y()) ** 2))
        self.ctx.state.set_cursor(float(self._distance[nearest]))
