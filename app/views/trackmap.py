"""Track map dock: the reference lap's line (x against z) coloured by a channel, and the cursor on it.

The coloured line is drawn as a few dozen curves, one per colour band, each connecting only the segments in
its band: standard pyqtgraph items, cheap to draw, no per-point pens.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QDockWidget, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.models import CHANNEL_UNITS
from app.services.compare import position_at
from app.views.context import AppContext
from app.views.theme import MUTED

COLOUR_CHANNELS = ("speed", "throttle", "brake", "gear", "rpm", "steering", "accel_x", "accel_z")
BANDS = 48
COLOUR_MAP = "turbo"


class TrackMapDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Track map")
        self.setObjectName("dock_trackmap")
        self.ctx = ctx
        self.channel = QComboBox()
        self.channel.addItems(COLOUR_CHANNELS)
        self.channel.setToolTip("Colour the line by this channel")
        self.glw = pg.GraphicsLayoutWidget()
        self.plot = self.glw.addPlot(row=0, col=0)
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.cmap = pg.colormap.get(COLOUR_MAP)
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=self.cmap, interactive=False, width=14,
                                   colorMapMenu=False)
        self.glw.addItem(self.bar, row=0, col=1)
        self.markers = pg.ScatterPlotItem(size=13, pxMode=True)
        self.markers.setZValue(50)
        self.plot.addItem(self.markers)
        self.shadow = pg.PlotDataItem(pen=pg.mkPen("#000000", width=7))  # a dark outline under the coloured line
        self.plot.addItem(self.shadow)
        self.bands: list[pg.PlotCurveItem] = []
        self.start = pg.ScatterPlotItem(size=9, symbol="s", brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("#000000"))
        self.start_label = pg.TextItem("S/F", color="#ffffff", anchor=(-0.25, 0.5))
        for item in (self.start, self.start_label):
            item.setZValue(40)
            self.plot.addItem(item)

        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 8, 0)
        label = QLabel("Colour by")
        label.setStyleSheet(f"color: {MUTED}")
        top.addWidget(label)
        top.addWidget(self.channel)
        top.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.glw, 1)
        self.setWidget(body)

        self._xz: np.ndarray | None = None  # reference lap points, for hover lookup
        self._distance: np.ndarray | None = None
        self._redraw_timer = QTimer(self, singleShot=True, interval=0)
        self._redraw_timer.timeout.connect(self.redraw)
        self._mouse = pg.SignalProxy(self.glw.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)
        self.channel.currentTextChanged.connect(lambda _: self._redraw_timer.start())
        ctx.state.selection_changed.connect(self._selection_changed)
        ctx.state.reference_changed.connect(lambda _: self._redraw_timer.start())
        ctx.state.cursor_changed.connect(self._show_cursor)
        ctx.laps.loaded.connect(lambda _: self._redraw_timer.start())

    def _selection_changed(self, lap_ids: list[str]) -> None:
        self.ctx.laps.request(lap_ids)
        self._redraw_timer.start()

    def reference_trace(self):
        state = self.ctx.state
        lap_id = state.reference or (state.selection[0] if state.selection else None)
        return self.ctx.laps.get(lap_id) if lap_id else None

    def redraw(self) -> None:
        for band in self.bands:
            self.plot.removeItem(band)
        self.bands = []
        trace = self.reference_trace()
        if trace is None or "x" not in trace.channels:
            self.shadow.setData([], [])
            self.start.setData([])
            self.start_label.hide()
            self._xz = self._distance = None
            self._show_cursor(self.ctx.state.cursor)
            return
        ch = trace.channels
        x, z = np.asarray(ch["x"], dtype=np.float64), np.asarray(ch["z"], dtype=np.float64)
        name = self.channel.currentText()
        values = np.asarray(ch.get(name, ch["speed"]), dtype=np.float64)
        lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
        hi = hi if hi > lo else lo + 1.0
        # Segment i (point i → i+1) takes the colour of its mean value.
        seg = np.clip(((values[:-1] + values[1:]) / 2 - lo) / (hi - lo), 0, 1)
        band = np.minimum((seg * BANDS).astype(int), BANDS - 1)
        self.shadow.setData(x, z)
        self.start.setData([x[0]], [z[0]])
        self.start_label.setPos(x[0], z[0])
        self.start_label.show()
        for b in np.unique(band):
            connect = np.zeros(len(x), dtype=bool)
            connect[:-1] = band == b
            colour = self.cmap.map((b + 0.5) / BANDS, mode="qcolor")
            curve = pg.PlotCurveItem(x, z, connect=connect, pen=pg.mkPen(colour, width=4), antialias=True)
            curve.setZValue(10)
            self.plot.addItem(curve)
            self.bands.append(curve)
        self.bar.setLevels((lo, hi))
        unit = CHANNEL_UNITS.get(name, "")
        self.bar.axis.setLabel(f"{name} ({unit})" if unit else name)
        self._xz = np.column_stack((x, z))
        self._distance = np.asarray(ch["distance"], dtype=np.float64)
        self.plot.autoRange(padding=0.04)
        self._show_cursor(self.ctx.state.cursor)

    def marker_position(self, lap_id: str) -> tuple[float, float] | None:
        """Where the marker of a lap is drawn now (None when hidden)."""
        for spot in self.markers.points():
            if spot.data() == lap_id:
                return float(spot.pos().x()), float(spot.pos().y())
        return None

    def _show_cursor(self, distance: float) -> None:
        state = self.ctx.state
        spots = []
        if self._xz is not None and not math.isnan(distance):
            for lap_id in state.selection:
                trace = self.ctx.laps.get(lap_id)
                if trace is None or "x" not in trace.channels:
                    continue
                x, z = position_at(trace.channels, distance)
                is_ref = lap_id == state.reference
                spots.append({"pos": (x, z), "data": lap_id, "size": 15 if is_ref else 11,
                              "brush": pg.mkBrush(state.colour(lap_id)),
                              "pen": pg.mkPen("#ffffff" if is_ref else "#000000", width=2)})
        self.markers.setData(spots)

    def _mouse_moved(self, event) -> None:
        pos = event[0]
        if self._xz is None or not self.plot.sceneBoundingRect().contains(pos):
            return
        p = self.plot.getViewBox().mapSceneToView(pos)
        nearest = int(np.argmin((self._xz[:, 0] - p.x()) ** 2 + (self._xz[:, 1] - p.y()) ** 2))
        self.ctx.state.set_cursor(float(self._distance[nearest]))
