"""Race dock: position by lap for every driver, gap to the leader by lap, and the results table (grid, finish,
places gained, points, status), all from what the session already loaded."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.f1_session.race import gaps_to_leader, positions, results_table
from app.services.f1_session.view import SessionView
from app.services.laps import format_lap_time
from app.views.context import AppContext
from app.views.f1_common import F1SessionDock, distinct_colours, plain_axes, shown_code
from app.views.theme import ERROR, MUTED, OK

RESULT_HEADERS = ["Pos", "Driver", "Team", "Grid", "+/−", "Points", "Status", "Laps", "Fastest"]
NOT_A_RACE = "Positions and gaps by lap are for races and sprints; this session's classification is under Results."


def _plot_page(left: str) -> tuple[QWidget, pg.PlotItem, QLabel]:
    page = QWidget()
    widget = pg.PlotWidget()
    plot = widget.getPlotItem()
    plain_axes(plot, left, "Lap")
    empty = QLabel(NOT_A_RACE)
    empty.setWordWrap(True)
    empty.setStyleSheet(f"color: {MUTED}")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(empty)
    layout.addWidget(widget, 1)
    return page, plot, empty


class RaceDock(F1SessionDock):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Race", "dock_f1_race", ctx)
        self.tabs = QTabWidget()
        page, self.positions_plot, self.positions_empty = _plot_page("Position")
        self.positions_plot.invertY(True)
        self.tabs.addTab(page, "Positions")
        page, self.gaps_plot, self.gaps_empty = _plot_page("Gap to leader (s)")
        self.gaps_plot.invertY(True)  # the leader on top, as in the positions chart
        self.tabs.addTab(page, "Gap to leader")
        self.results = QTableWidget(0, len(RESULT_HEADERS))
        self.results.setHorizontalHeaderLabels(RESULT_HEADERS)
        self.results.verticalHeader().hide()
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setShowGrid(False)
        self.results.setAlternatingRowColors(True)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.results.horizontalHeader().setStretchLastSection(False)
        self.tabs.addTab(self.results, "Results")
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.position_lines: dict[str, pg.PlotDataItem] = {}
        self.gap_lines: dict[str, pg.PlotDataItem] = {}
        self.start()

    def show_view(self, view: SessionView | None) -> None:
        for plot in (self.positions_plot, self.gaps_plot):
            plot.clear()
        self.position_lines, self.gap_lines = {}, {}
        self.results.setRowCount(0)
        race = view is not None and view.is_race
        for widget in (self.positions_empty, self.gaps_empty):
            widget.setVisible(not race)
        if view is None:
            return
        self._fill_results(view)
        if not race:
            self.tabs.setCurrentWidget(self.results)
            return
        pos = positions(view.laps, view.drivers)
        gaps = gaps_to_leader(view.laps)
        colours = distinct_colours(view.drivers)
        for d in view.drivers:
            colour = colours[d.code]
            if d.code in pos:
                laps, places = zip(*pos[d.code], strict=True)
                self.position_lines[d.code] = self.positions_plot.plot(list(laps), list(places),
                                                                       pen=pg.mkPen(colour, width=2), name=d.code)
                label = pg.TextItem(shown_code(d.code), color=colour, anchor=(0, 0.5))
                label.setPos(laps[-1] + 0.4, places[-1])
                self.positions_plot.addItem(label)
            if d.code in gaps:
                laps, gap = zip(*gaps[d.code], strict=True)
                self.gap_lines[d.code] = self.gaps_plot.plot(list(laps), list(gap), pen=pg.mkPen(colour, width=1.5),
                                                             name=d.code)
        count = max((p for points in pos.values() for _, p in points), default=20)
        axis = self.positions_plot.getAxis("left")
        axis.setTicks([[(p, str(p)) for p in range(1, count + 1)]])
        self.positions_plot.setYRange(0.5, count + 0.5, padding=0)
        self._clip_gaps(gaps)

    def _clip_gaps(self, gaps: dict[str, list[tuple[int, float]]]) -> None:
        """Lapped cars and retirements run off far behind: show the field (the 90th percentile) at first."""
        values = sorted(g for points in gaps.values() for _, g in points)
        if values:
            top = values[int(0.9 * (len(values) - 1))]
            self.gaps_plot.setYRange(-1.0, max(top * 1.1, 5.0), padding=0)

    def _fill_results(self, view: SessionView) -> None:
        rows = results_table(view.drivers)
        colours = distinct_colours(view.drivers)
        self.results.setRowCount(len(rows))
        for r, row in enumerate(rows):
            gained = row["gained"]
            points = row["points"]
            cells = [row["position"], shown_code(row["driver"]), row["team"], row["grid"],
                     "" if gained is None else f"{gained:+d}",
                     "" if points is None else f"{points:g}", row["status"], row["laps"],
                     format_lap_time(row["fastest"]) if row["fastest"] else ""]
            for c, value in enumerate(cells):
                item = QTableWidgetItem("" if value is None else str(value))
                if c == 1:
                    item.setForeground(QColor(colours[row["driver"]]))
                if c == 4 and gained:
                    item.setForeground(QColor(OK if gained > 0 else ERROR))
                if c in (0, 3, 4, 5, 7, 8):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.results.setItem(r, c, item)
        self.results.resizeColumnsToContents()
