"""XY scatter dock: any channel against any channel for each selected lap, coloured per lap or by a third
channel. Presets: g-g diagram, speed vs rpm (gear ratios show as lines), throttle vs steering. Only the samples
of the A/B range — or else of the zoomed range — are drawn; the shared cursor is a ringed dot on each lap.

It reads the selected laps' series (reference axis) and math channels from the shared state; no computing here
beyond picking samples.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QDockWidget, QHBoxLayout, QLabel

from app.services.channels import channel_info
from app.services.distribution import range_mask
from app.views.context import AppContext
from app.views.dock_body import dock_body
from app.views.point_cloud import PointCloud
from app.views.theme import MUTED, TEXT
from app.views.worksheet_widgets import ChannelCombo, LapViews, RedrawWhenSeen, channel_text

PRESETS = {  # label → (x, y)
    "g-g diagram": ("accel_x", "accel_z"),
    "Speed vs rpm": ("rpm", "speed"),
    "Throttle vs steering": ("steering", "throttle"),
}
COLOUR_MAP = pg.colormap.get("CET-L8")  # perceptual dark-blue → yellow; readable on the dark plot
MAX_POINTS_PER_LAP = 20000  # beyond this a lap is thinned evenly: the cloud's shape is what a person reads


class ScatterDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("XY scatter")
        self.setObjectName("dock_scatter")
        self.ctx = ctx
        self.laps = LapViews(ctx.state)
        self.preset = QComboBox()
        self.preset.addItems(["Custom", *PRESETS])
        self.preset.setToolTip("Ready-made axes")
        self.preset.activated.connect(lambda _: self._preset_chosen())
        self.x_combo, self.y_combo = ChannelCombo(), ChannelCombo()
        self.colour_combo = ChannelCombo(empty="Lap colour")
        self.colour_combo.setToolTip("Colour the points by a third channel, or each lap in its own colour")
        for combo in (self.x_combo, self.y_combo, self.colour_combo):
            combo.picked.connect(lambda _: self._axes_picked())
        self.x_combo.set_current("accel_x")
        self.y_combo.set_current("accel_z")
        self.preset.setCurrentText("g-g diagram")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        for text, widget in (("", self.preset), ("X", self.x_combo), ("Y", self.y_combo),
                             ("Colour", self.colour_combo)):
            if text:
                label = QLabel(text)
                label.setStyleSheet(f"color: {MUTED};")
                bar.addWidget(label)
            bar.addWidget(widget)
        bar.addStretch(1)
        self.plot = pg.PlotWidget()
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.cursor_dots = pg.ScatterPlotItem(size=11, pen=pg.mkPen(TEXT, width=1.5), pxMode=True)
        self.cursor_dots.setZValue(10)
        self.plot.addItem(self.cursor_dots)
        # the colour scale of a third channel, right of the plot; hidden while points take their lap's colour
        self.colour_bar = pg.ColorBarItem(values=(0, 1), width=14, colorMap=COLOUR_MAP, interactive=False,
                                          colorMapMenu=False)
        self.plot.getPlotItem().layout.addItem(self.colour_bar, 2, 5)
        self.colour_bar.hide()
        self.message = pg.TextItem("", color=MUTED, anchor=(0.5, 0.5))
        self.plot.addItem(self.message, ignoreBounds=True)
        self.status = QLabel()
        self.status.setStyleSheet(f"color: {MUTED};")
        self.setWidget(dock_body(bar, self.plot, self.status))
        self.clouds: dict[str, PointCloud] = {}  # lap id → its points
        self._redraw = RedrawWhenSeen(self, self.redraw)  # coalesces a zoom's many range changes
        state = ctx.state
        for signal in (state.analysis_changed, state.math_channels_changed, state.ab_range_changed,
                       state.selection_changed):
            signal.connect(self._redraw.request)
        # zooming matters only while no A/B range is set (the A/B range wins)
        state.range_changed.connect(self._zoomed)
        state.cursor_changed.connect(lambda _: self._move_cursor())
        self.redraw()

    # ---- settings a workspace keeps
    def view_settings(self) -> dict:
        return {"x": self.x_combo.current_name(),
                "y": self.y_combo.current_name(),
                "colour": self.colour_combo.current_name(), "preset": self.preset.currentText()}

    def apply_view_settings(self, settings: dict) -> None:
        for key, combo in (("x", self.x_combo), ("y", self.y_combo), ("colour", self.colour_combo)):
            if isinstance(settings.get(key), str):
                combo.set_current(settings[key])
        if settings.get("preset") in ("Custom", *PRESETS):
            self.preset.setCurrentText(settings["preset"])
        self.redraw()

    def _preset_chosen(self) -> None:
        axes = PRESETS.get(self.preset.currentText())
        if axes:
            self.x_combo.set_current(axes[0])
            self.y_combo.set_current(axes[1])
            self.redraw()

    def _axes_picked(self) -> None:
        axes = (self.x_combo.current_name(), self.y_combo.current_name())
        match = [k for k, v in PRESETS.items() if v == axes]
        self.preset.setCurrentText(match[0] if match else "Custom")
        self.redraw()

    # ---- drawing
    def window_range(self) -> tuple[tuple[float, float] | None, str]:
        state = self.ctx.state
        if state.ab_range is not None:
            lo, hi = state.ab_range
            return state.ab_range, f"A/B range {lo:.0f}–{hi:.0f} m"
        views = [v for v in self.laps.views if len(v.distance)]
        if state.x_range is not None and views:
            lo, hi = state.x_range
            if lo > min(v.distance[0] for v in views) or hi < max(v.distance[-1] for v in views):
                return state.x_range, f"zoomed range {max(lo, 0):.0f}–{hi:.0f} m"
        return None, "whole lap"

    def _zoomed(self, *_range: float) -> None:
        if self.ctx.state.ab_range is None:
            self._redraw.request()

    def redraw(self) -> None:
        self._redraw.stale = False
        views = self.laps.current()
        catalogue = self.laps.catalogue()
        for combo in (self.x_combo, self.y_combo, self.colour_combo):
            combo.set_channels(catalogue)
        for item in self.clouds.values():
            self.plot.removeItem(item)
        self.clouds = {}
        x_name, y_name = self.x_combo.current_name(), self.y_combo.current_name()
        colour_by = self.colour_combo.current_name()
        span, span_text = self.window_range()
        if not views:
            self._say("Select laps in the browser to plot one channel against another.")
            self.status.setText("")
            self.cursor_dots.setData([])
            return
        if not x_name or not y_name:
            self._say("These laps have no such channel: pick X and Y above.")
            return
        self.message.setText("")
        c_values = [v.channels[colour_by] for v in views if colour_by and colour_by in v.channels]
        c_range = _finite_range(c_values) if colour_by else None
        shown = 0
        for view in views:
            if x_name not in view.channels or y_name not in view.channels:
                continue
            keep = range_mask(view.distance, span)
            x, y = np.asarray(view.channels[x_name])[keep], np.asarray(view.channels[y_name])[keep]
            ok = np.isfinite(x) & np.isfinite(y)
            idx = np.flatnonzero(ok)
            if len(idx) > MAX_POINTS_PER_LAP:
                idx = idx[np.linspace(0, len(idx) - 1, MAX_POINTS_PER_LAP).astype(int)]
            if c_range is not None and colour_by in view.channels:
                c = np.asarray(view.channels[colour_by])[keep][idx]
                item = PointCloud(x[idx], y[idx], view.colour, values=_normalise(c, c_range), colour_map=COLOUR_MAP)
            else:
                item = PointCloud(x[idx], y[idx], view.colour)
            item.setToolTip(view.label)
            self.plot.addItem(item)
            self.clouds[view.lap_id] = item
            shown += 1
        self.plot.setLabel("bottom", channel_text(channel_info(x_name, x_name in self.ctx.state.math_channels)))
        self.plot.setLabel("left", channel_text(channel_info(y_name, y_name in self.ctx.state.math_channels)))
        self._fit(x_name, y_name)
        colour_note = ""
        self.colour_bar.setVisible(c_range is not None)
        if c_range is not None:
            self.colour_bar.setLevels(c_range)
            c_info = channel_info(colour_by, colour_by in self.ctx.state.math_channels)
            self.colour_bar.axis.setLabel(channel_text(c_info))
            colour_note = f" · colour: {colour_by} {c_range[0]:.4g} – {c_range[1]:.4g}"
        missing = len(views) - shown
        self.status.setText(f"{shown} lap(s), {span_text}{colour_note}"
                            + (f" · {missing} lap(s) lack {x_name} or {y_name}" if missing else ""))
        if not shown:
            self._say(f"No selected lap has both {x_name} and {y_name}.")
        self._move_cursor()

    def _fit(self, x_name: str, y_name: str) -> None:
        """Frame the bulk of the points (a few game glitches far out would shrink the cloud to a dot); a g-g
        diagram keeps one scale on both axes so a circle of grip looks round."""
        xs = [item.x for item in self.clouds.values()]
        ys = [item.y for item in self.clouds.values()]
        gg = (x_name, y_name) == PRESETS["g-g diagram"]
        self.plot.getViewBox().setAspectLocked(gg)
        if not xs or not sum(len(x) for x in xs):
            return
        x, y = np.concatenate(xs), np.concatenate(ys)
        (x0, x1), (y0, y1) = np.percentile(x, [0.2, 99.8]), np.percentile(y, [0.2, 99.8])
        pad_x, pad_y = max((x1 - x0) * 0.08, 1e-6), max((y1 - y0) * 0.08, 1e-6)
        self.plot.setRange(xRange=(x0 - pad_x, x1 + pad_x), yRange=(y0 - pad_y, y1 + pad_y), padding=0)

    def _move_cursor(self) -> None:
        d = self.ctx.state.cursor
        x_name, y_name = self.x_combo.current_name(), self.y_combo.current_name()
        spots = []
        if np.isfinite(d):
            for view in self.laps.views:
                if view.lap_id not in self.clouds:
                    continue
                x, y = view.at(x_name, d), view.at(y_name, d)
                if np.isfinite(x) and np.isfinite(y):
                    spots.append({"pos": (x, y), "brush": pg.mkBrush(view.colour)})
        self.cursor_dots.setData(spots)

    def _say(self, text: str) -> None:
        for item in self.clouds.values():
            self.plot.removeItem(item)
        self.clouds = {}
        self.message.setText(text)
        self.message.setPos(0, 0)
        self.plot.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)


def _finite_range(values: list[np.ndarray]) -> tuple[float, float] | None:
    parts = [np.asarray(v, dtype=np.float64) for v in values]
    finite = np.concatenate([p[np.isfinite(p)] for p in parts]) if parts else np.empty(0)
    if not len(finite):
        return None
    lo, hi = float(finite.min()), float(finite.max())
    return (lo, hi if hi > lo else lo + 1.0)


def _normalise(values: np.ndarray, span: tuple[float, float]) -> np.ndarray:
    lo, hi = span
    return np.clip((np.nan_to_num(np.asarray(values, dtype=np.float64), nan=lo) - lo) / (hi - lo), 0.0, 1.0)
