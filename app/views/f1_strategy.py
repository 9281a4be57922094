"""Tyre strategy dock: each driver's stints as bars along the lap axis, coloured by compound, with the lap count
and whether the set was new or used (and how old) at the start; drivers in finishing order."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout

from app.services.f1_session.stints import Stint, stint_label
from app.services.f1_session.view import SessionView
from app.views.context import AppContext
from app.views.f1_common import F1SessionDock, compound_colour, compound_key, plain_axes, shown_code
from app.views.theme import BACKGROUND, MUTED

BAR_HEIGHT = 0.72
MIN_LABEL_LAPS = 4  # bars shorter than this get no label (it would not fit); "· used N" from twice that


class StrategyDock(F1SessionDock):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Tyre strategy", "dock_f1_strategy", ctx)
        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        plain_axes(self.plot, "Driver", "Lap")
        self.plot.showGrid(x=True, y=False, alpha=0.15)
        self.plot.invertY(True)  # the winner on top
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 1)
        self.key = QLabel()
        self.key.setStyleSheet(f"color: {MUTED}")
        layout.addWidget(self.key)
        self.bars: dict[str, list[Stint]] = {}  # driver → the stints drawn for it
        self.brushes: list[QBrush] = []
        self.labels: list[pg.TextItem] = []
        self.start()

    def show_view(self, view: SessionView | None) -> None:
        self.plot.clear()
        self.bars, self.brushes, self.labels = {}, [], []
        self.key.setText(f"{compound_key(self.compound_colours, self.compounds)} &nbsp; hatched: a used set "
                         "(\"used 3\": 3 laps old at the start) &nbsp; number: laps in the stint" if view else "")
        if view is None or not view.stints:
            return
        order = [d.code for d in view.drivers if any(s.driver == d.code for s in view.stints)]
        row = {code: i for i, code in enumerate(order)}
        x0, widths, ys = [], [], []
        for stint in view.stints:
            self.bars.setdefault(stint.driver, []).append(stint)
            colour = QColor(compound_colour(stint.compound, self.compound_colours))
            brush = QBrush(colour)
            if stint.fresh is False:  # a used set: the same colour, hatched
                brush = QBrush(colour, Qt.BrushStyle.Dense3Pattern)
            self.brushes.append(brush)
            x0.append(stint.first_lap - 0.5)
            widths.append(stint.last_lap - stint.first_lap + 1)
            ys.append(row[stint.driver])
            label = stint_label(stint) if stint.laps >= MIN_LABEL_LAPS * 2 else str(stint.laps)
            if stint.laps >= MIN_LABEL_LAPS:  # a narrower bar has no room for text
                text = pg.TextItem(label, color=BACKGROUND, anchor=(0.5, 0.5), fill=pg.mkBrush(colour))
                text.setPos(stint.first_lap - 0.5 + widths[-1] / 2, row[stint.driver])
                self.labels.append(text)
        bars = pg.BarGraphItem(x0=x0, width=widths, y=ys, height=BAR_HEIGHT, brushes=self.brushes,
                               pens=[pg.mkPen(BACKGROUND, width=1)] * len(ys))
        self.plot.addItem(bars)
        for text in self.labels:
            self.plot.addItem(text)
        axis = self.plot.getAxis("left")
        axis.setTicks([[(i, shown_code(code)) for i, code in enumerate(order)]])
        axis.setLabel("Driver (finishing order)" if view.is_race else "Driver (classification)")
        self.plot.setYRange(-0.6, len(order) - 0.4, padding=0)
        self.plot.setXRange(0.5, max(s.last_lap for s in view.stints) + 0.5, padding=0.01)
