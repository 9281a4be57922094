"""Compare drivers dock: pick drivers → their fastest laps go to the overlay and delta (through the shared
selection), the sector and speed-trap bests side by side, and the track coloured by who is quickest in each
mini-sector (the lap analysis' mini-sectors)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.f1_session.compare import Dominance, bests_table, column_leaders, fastest_laps
from app.services.f1_session.view import SessionView
from app.services.laps import format_lap_time
from app.views.context import AppContext
from app.views.f1_common import DriverLegend, F1SessionDock, shown_code
from app.views.models import PURPLE
from app.views.theme import MUTED
from app.workers.f1 import start_dominance

HEADERS = ["Driver", "Fastest", "Lap", "S1", "S2", "S3", "Ideal", "I1", "I2", "FL", "ST"]
MAP_MINISECTORS = "fastest lap (mini-sectors)"  # SharedState.map_channel's mini-sector mode (the track map's)
UNITS = ("Times in s (each driver's best sectors; Ideal: their sum) · top speeds in km/h at intermediate 1 and 2 (I1, "
         "I2), the finish line (FL) and the speed trap (ST) · purple: the best of the drivers compared")
KEYS = ["driver", "fastest", "fastest_lap", "s1", "s2", "s3", "theoretical", "speed_i1", "speed_i2", "speed_fl",
        "speed_trap"]


class CompareDriversDock(F1SessionDock):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Compare drivers", "dock_f1_compare", ctx)
        self.legend = DriverLegend()
        self.overlay_button = QPushButton("Fastest laps → overlay")
        self.overlay_button.setToolTip("Select the checked drivers' fastest laps: the overlay, delta and map "
                                       "compare them (the fastest is the reference)")
        self.overlay_button.clicked.connect(self.show_in_overlay)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(110)
        self.units = QLabel(UNITS)
        self.units.setWordWrap(True)
        self.units.setStyleSheet(f"color: {MUTED}")
        self.map_widget = pg.PlotWidget()
        self.map = self.map_widget.getPlotItem()
        self.map.setAspectLocked(True)
        self.map.hideAxis("left")
        self.map.hideAxis("bottom")
        self.map.setMenuEnabled(False)
        self.wins = QLabel()
        self.wins.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(self.legend, 1)
        left.addWidget(self.overlay_button)
        map_box = QWidget()
        box = QVBoxLayout(map_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.wins)
        box.addWidget(self.map_widget, 1)
        table_box = QWidget()
        tbox = QVBoxLayout(table_box)
        tbox.setContentsMargins(0, 0, 0, 0)
        tbox.addWidget(self.units)
        tbox.addWidget(self.table, 1)
        split = QSplitter()
        split.setOrientation(pg.QtCore.Qt.Orientation.Vertical)
        split.addWidget(table_box)
        split.addWidget(map_box)
        split.setSizes([140, 300])
        row = QHBoxLayout(self.body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left)
        row.addWidget(split, 1)

        self.dominance: Dominance | None = None
        self.segments: list[pg.PlotDataItem] = []
        self._asked: tuple = ()
        self.legend.changed.connect(self.refresh)
        self.start()

    def show_view(self, view: SessionView | None) -> None:
        self.legend.set_drivers(view.drivers if view else [], checked=2)

    def chosen_laps(self) -> list:
        view = self.view
        if view is None:
            return []
        return list(fastest_laps(view.laps, self.legend.checked()).values())

    def refresh(self) -> None:
        view = self.view
        codes = self.legend.checked() if view else []
        rows = bests_table(view.laps, codes) if view else []
        self._fill_table(rows, view)
        laps = self.chosen_laps()
        with_data = [lap for lap in laps if lap.has_telemetry]
        self.overlay_button.setEnabled(bool(with_data))
        self._draw(None)
        if view is None:
            self.wins.clear()
            return
        if len(with_data) < 2:
            reason = ("No telemetry in this session: the mini-sector map needs it." if not any(
                lap.has_telemetry for lap in view.laps) else "Check two or more drivers with telemetry for the "
                      "mini-sector map.")
            self.wins.setText(f"<span style='color:{MUTED}'>{reason}</span>")
            return
        self.wins.setText(f"<span style='color:{MUTED}'>Mini-sectors: working…</span>")
        asked = self._asked = tuple(lap.id for lap in with_data)
        job = start_dominance(self.ctx.runner, self.ctx.store, with_data, view.track)
        job.result.connect(lambda result: self._draw(result) if asked == self._asked else None)

    def show_in_overlay(self) -> None:
        """The checked drivers' fastest laps become the selection (fastest first: the reference)."""
        view = self.view
        laps = sorted((lap for lap in self.chosen_laps() if lap.has_telemetry), key=lambda lap: lap.lap_time or 0)
        if view is None or not laps:
            return
        self.ctx.state.prefer_colours({lap.id: self.legend.colours[lap.driver] for lap in laps
                                       if lap.driver in self.legend.colours})
        self.ctx.state.set_selection([lap.id for lap in laps], reference=laps[0].id)
        self.ctx.state.set_map_channel(MAP_MINISECTORS)  # the track map colours by who is quickest where

    def _fill_table(self, rows: list[dict], view: SessionView | None) -> None:
        leaders = column_leaders(rows)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, key in enumerate(KEYS):
                value = row["sectors"][int(key[1]) - 1] if key in ("s1", "s2", "s3") else row[key]
                if value is None:
                    text = ""
                elif key in ("fastest", "theoretical"):
                    text = format_lap_time(value)
                elif key.startswith("s") and key[1:].isdigit():
                    text = f"{value:.3f}"
                elif key.startswith("speed"):
                    text = f"{value:.0f}"
                else:
                    text = shown_code(str(value)) if key == "driver" else str(value)
                item = QTableWidgetItem(text)
                if key == "driver":
                    item.setForeground(QColor(self.legend.colours.get(row["driver"], MUTED)))
                elif len(rows) > 1 and leaders.get(key) == row["driver"] and value is not None:
                    item.setForeground(QColor(PURPLE))  # the best of the drivers compared
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def _draw(self, dominance: Dominance | None) -> None:
        for item in self.segments:
            self.map.removeItem(item)
        self.segments = []
        self.dominance = dominance
        view = self.view
        if dominance is None or view is None:
            return
        owner = dominance.owner_at(dominance.distance)
        colours = {i: self.legend.colours.get(code, MUTED) for i, code in enumerate(dominance.drivers)}
        self.segments.append(self.map.plot(dominance.x, dominance.y, pen=pg.mkPen("#000000", width=8)))
        # One curve per run of points owned by one driver (joined to the next run so the line has no gaps).
        cuts = np.flatnonzero(np.diff(owner)) + 1
        starts = np.concatenate(([0], cuts))
        ends = np.concatenate((cuts, [len(owner) - 1]))
        for a, b in zip(starts, ends, strict=True):
            sl = slice(int(a), int(b) + 1)
            self.segments.append(self.map.plot(dominance.x[sl], dominance.y[sl],
                                               pen=pg.mkPen(colours[int(owner[a])], width=5)))
        parts = [f"<span style='color:{colours[i]}'>■ {shown_code(code)} {dominance.wins[code]}</span>"
                 for i, code in enumerate(dominance.drivers)]
        self.wins.setText(f"Quickest in each of {len(dominance.owner)} mini-sectors: " + " &nbsp; ".join(parts))
        self.map.autoRange(padding=0.05)
