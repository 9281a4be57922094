"""Histogram dock: where a channel spent the lap — the share of time in each bin, per selected lap, over the
whole lap or the A/B range. Throttle, brake, speed, gear and tyre temperatures are the usual questions.

The binning and time weighting are app/services/distribution.py; this dock draws one stepped outline per lap
(lap colours), lightly filled, so many laps stay readable on top of each other.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QDockWidget, QHBoxLayout, QLabel, QSpinBox

from app.services.channels import channel_info
from app.services.distribution import bin_edges, range_mask, time_histogram
from app.views.context import AppContext
from app.views.dock_body import dock_body
from app.views.theme import MUTED
from app.views.worksheet_widgets import ChannelCombo, LapViews, RedrawWhenSeen, channel_text

MAX_FILLED = 4  # more laps than this: outlines only, fills would hide each other


class HistogramDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Histogram")
        self.setObjectName("dock_histogram")
        self.ctx = ctx
        self.laps = LapViews(ctx.state)
        self.channel = ChannelCombo()
        self.channel.set_current("throttle")
        self.channel.picked.connect(lambda _: self.redraw())
        self.bins = QSpinBox()
        self.bins.setRange(5, 200)
        self.bins.setValue(25)
        self.bins.setSuffix(" bins")
        self.bins.setToolTip("Number of bins (a whole-number channel such as gear gets one bin per value)")
        self.bins.valueChanged.connect(lambda _: self.redraw())
        self.use_ab = QCheckBox("A/B range only")
        self.use_ab.setChecked(True)
        self.use_ab.setToolTip("Count only the samples of the A/B range when one is set")
        self.use_ab.toggled.connect(lambda _: self.redraw())
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        label = QLabel("Channel")
        label.setStyleSheet(f"color: {MUTED};")
        for widget in (label, self.channel, self.bins, self.use_ab):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.plot = pg.PlotWidget()
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.setLabel("left", "time in bin [%]")
        self.message = pg.TextItem("", color=MUTED, anchor=(0.5, 0.5))
        self.plot.addItem(self.message, ignoreBounds=True)
        self.status = QLabel()
        self.status.setStyleSheet(f"color: {MUTED};")
        self.setWidget(dock_body(bar, self.plot, self.status))
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.result: dict[str, np.ndarray] = {}  # lap id → percent per bin, as drawn
        self.edges = np.array([0.0, 1.0])
        self._redraw = RedrawWhenSeen(self, self.redraw)
        state = ctx.state
        for signal in (state.analysis_changed, state.math_channels_changed, state.ab_range_changed,
                       state.selection_changed):
            signal.connect(self._redraw.request)
        self.redraw()

    def view_settings(self) -> dict:
        return {"channel": self.channel.current_name(), "bins": self.bins.value(),
                "ab_only": self.use_ab.isChecked()}

    def apply_view_settings(self, settings: dict) -> None:
        if isinstance(settings.get("channel"), str):
            self.channel.set_current(settings["channel"])
        if isinstance(settings.get("bins"), int):
            self.bins.setValue(settings["bins"])
        if isinstance(settings.get("ab_only"), bool):
            self.use_ab.setChecked(settings["ab_only"])
        self.redraw()

    def redraw(self) -> None:
        self._redraw.stale = False
        views = self.laps.current()
        self.channel.set_channels(self.laps.catalogue())
        for item in self.curves.values():
            self.plot.removeItem(item)
        self.curves, self.result = {}, {}
        name = self.channel.current_name()
        state = self.ctx.state
        span = state.ab_range if self.use_ab.isChecked() else None
        if not views:
            self._say("Select laps in the browser to see where a channel spends the lap.")
            return
        have = [v for v in views if name and name in v.channels]
        if not have:
            self._say("Pick a channel above." if not name else f"No selected lap has {name}.")
            return
        self.message.setText("")
        masks = {v.lap_id: range_mask(v.distance, span) for v in have}
        values = {v.lap_id: np.asarray(v.channels[name], dtype=np.float64) for v in have}
        self.edges = bin_edges([values[i][m] for i, m in masks.items()], self.bins.value())
        for view in have:
            pct = time_histogram(values[view.lap_id], view.channels["time"], self.edges, masks[view.lap_id])
            self.result[view.lap_id] = pct
            colour = pg.mkColor(view.colour)
            fill = pg.mkColor(view.colour)
            fill.setAlpha(45)
            filled = len(have) <= MAX_FILLED
            curve = pg.PlotDataItem(self.edges, pct, stepMode="center", pen=pg.mkPen(colour, width=1.6),
                                    fillLevel=0 if filled else None, brush=fill if filled else None)
            self.plot.addItem(curve)
            self.curves[view.lap_id] = curve
        info = channel_info(name, name in state.math_channels)
        self.plot.setLabel("bottom", channel_text(info))
        self.plot.enableAutoRange()
        where = f"A/B range {span[0]:.0f}–{span[1]:.0f} m" if span else "whole lap"
        flat = [v.label for v in have if not np.any(np.nan_to_num(values[v.lap_id]))]
        note = f" · {', '.join(flat)}: all zero (no data)" if flat else ""
        self.status.setText(f"{len(have)} lap(s), {where}, time-weighted{note}")

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setPos(0, 0)
        self.plot.setRange(xRange=(-1, 1), yRange=(-1, 1), padding=0)
        self.status.setText("")
