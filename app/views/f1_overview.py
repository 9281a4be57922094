"""Session overview dock: every driver's lap times across the session, coloured by tyre compound, pit laps
marked, slow and flag laps hidden on request, drivers toggled from a legend in team colours."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout

from app.services.f1_session.laps import by_driver
from app.services.f1_session.pace import shown, slow_threshold
from app.services.f1_session.view import SessionView
from app.services.laps import format_lap_time
from app.views.context import AppContext
from app.views.f1_common import DriverLegend, F1SessionDock, compound_colour, compound_key, plain_axes
from app.views.theme import MUTED

# Symbols: a timed lap is a dot; pit laps and deleted laps stand out.
SYMBOLS = {"timed": "o", "out": "t1", "in": "t", "deleted": "x"}


def lap_symbol(lap) -> str:
    if lap.deleted:
        return SYMBOLS["deleted"]
    if lap.pit_out:
        return SYMBOLS["out"]
    if lap.pit_in:
        return SYMBOLS["in"]
    return SYMBOLS["timed"]


class SessionOverviewDock(F1SessionDock):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Session overview", "dock_f1_overview", ctx)
        self.legend = DriverLegend()
        self.hide_slow = QCheckBox("Hide laps over 107 %")
        self.hide_slow.setChecked(True)
        self.hide_slow.setToolTip("Hide laps slower than 107 % of the session's fastest (out-laps, cool-downs)")
        self.hide_flags = QCheckBox("Hide yellow / SC / VSC / red laps")
        self.hide_flags.setToolTip("Hide laps with a yellow flag, safety car, VSC or red flag (track status)")
        self.key = QLabel()
        self.key.setStyleSheet(f"color: {MUTED}")
        self.plot_widget = pg.PlotWidget()
        self.plot = self.plot_widget.getPlotItem()
        plain_axes(self.plot, "Lap time (s)", "Lap")
        self.counts = QLabel()
        self.counts.setStyleSheet(f"color: {MUTED}")

        top = QHBoxLayout()
        top.addWidget(self.hide_slow)
        top.addWidget(self.hide_flags)
        top.addStretch(1)
        top.addWidget(self.counts)
        right = QVBoxLayout()
        right.addLayout(top)
        right.addWidget(self.plot_widget, 1)
        right.addWidget(self.key)
        row = QHBoxLayout(self.body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.legend)
        row.addLayout(right, 1)

        self.curves: dict[str, tuple[pg.PlotDataItem, pg.ScatterPlotItem]] = {}
        self.tips: dict[str, str] = {}  # lap id → hover text
        self.legend.changed.connect(self.redraw)
        self.hide_slow.toggled.connect(self.redraw)
        self.hide_flags.toggled.connect(self.redraw)
        self.start()

    def show_view(self, view: SessionView | None) -> None:
        self.plot.clear()
        self.curves = {}
        self.legend.set_drivers(view.drivers if view else [], checked=5)
        self.key.setText(f"{compound_key(self.compound_colours, self.compounds)} &nbsp; {MARKS}" if view else "")

    def toggle_lap(self, lap_id: str) -> None:
        """A clicked lap joins the selection (the overlay, delta and map compare it), or leaves it."""
        view, state = self.view, self.ctx.state
        lap = next((lap for lap in view.laps if lap.id == lap_id), None) if view else None
        if lap is None:
            return
        if lap_id in state.selection:
            state.set_selection([i for i in state.selection if i != lap_id])
            return
        state.prefer_colours({lap_id: self.legend.colours.get(lap.driver, MUTED)})
        state.set_selection([*state.selection, lap_id])

    def _clicked(self, _item, points, _event=None) -> None:
        for point in points[:1]:
            self.toggle_lap(point.data())

    def redraw(self) -> None:
        view = self.view
        for line, points in self.curves.values():
            self.plot.removeItem(line)
            self.plot.removeItem(points)
        self.curves, self.tips = {}, {}
        if view is None:
            self.counts.clear()
            return
        threshold = slow_threshold(view.laps)
        laps = by_driver(view.laps)
        drawn = hidden = 0
        for code in self.legend.checked():
            driver = view.driver(code)
            mine = laps.get(code, [])
            keep = [lap for lap in mine if shown(lap, threshold, self.hide_slow.isChecked(),
                                                 self.hide_flags.isChecked())]
            hidden += sum(1 for lap in mine if lap.lap_time is not None) - len(keep)
            if not keep or driver is None:
                continue
            colour = self.legend.colours.get(code, MUTED)
            x = [lap.number for lap in keep]
            y = [lap.lap_time for lap in keep]
            line = pg.PlotDataItem(*_runs(x, y), pen=pg.mkPen(colour, width=1.2), connect="finite")
            line.setOpacity(0.55)
            points = pg.ScatterPlotItem(
                x=x, y=y, size=8, pen=pg.mkPen(colour, width=1.2),
                brush=[pg.mkBrush(compound_colour(lap.compound, self.compound_colours)) for lap in keep],
                symbol=[lap_symbol(lap) for lap in keep],
                data=[lap.id for lap in keep], hoverable=True, tip=lambda x, y, data: self.tips.get(data, ""))
            points.sigClicked.connect(self._clicked)
            for lap in keep:
                self.tips[lap.id] = (f"{code} lap {lap.number}: {format_lap_time(lap.lap_time)} "
                                     f"{(lap.compound or '').lower()}, tyre age {lap.tyre_life} · click: compare it")
            self.plot.addItem(line)
            self.plot.addItem(points)
            self.curves[code] = (line, points)
            drawn += len(keep)
        self.counts.setText(f"{drawn} laps shown, {hidden} hidden · click a lap to add it to the comparison"
                            if self.curves else "No driver selected")
        self.plot.enableAutoRange()


MARKS = "● timed lap &nbsp; ▲ out-lap &nbsp; ▼ in-lap &nbsp; ✕ deleted &nbsp; (outline and line: team colour)"


def _runs(x: list[int], y: list) -> tuple[list[float], list[float]]:
    """The line joins consecutive laps only: a gap in the lap numbers (hidden laps, a stop) breaks it."""
    xs: list[float] = []
    ys: list[float] = []
    for i, (a, b) in enumerate(zip(x, y, strict=True)):
        if i and a != x[i - 1] + 1:
            xs.append(float("nan"))
            ys.append(float("nan"))
        xs.append(float(a))
        ys.append(float(b))
    return xs, ys
