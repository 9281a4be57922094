"""The pages of the F1 history dock: a driver's career by season and a circuit's races, each with a chart."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QTableView, QVBoxLayout, QWidget

from app.services.history.browse import Page
from app.services.laps import format_lap_time
from app.views.history_model import Column, RowsModel
from app.views.theme import ACCENT, MUTED, OK, TEXT

RACES_COLOUR, PODIUM_COLOUR, WIN_COLOUR, OWN_COLOUR = "#5c6673", "#4fc3f7", ACCENT, OK


def _title() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setStyleSheet(f"color: {TEXT}; padding: 4px 8px;")
    return label


def _plot(left: str, bottom: str = "season") -> pg.PlotWidget:
    widget = pg.PlotWidget()
    item = widget.getPlotItem()
    item.showGrid(x=True, y=True, alpha=0.25)
    item.setLabel("left", left)
    item.setLabel("bottom", bottom)
    item.addLegend(offset=(-10, 8), brush=pg.mkBrush(20, 22, 26, 220))  # top right, over headroom left for it
    return widget


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class DriverPage(QWidget):
    """Seasons as bars (races, podiums, wins) over points as a line."""

    COLUMNS = [Column("year", "Season"), Column("races", "Races"), Column("wins", "Wins"),
               Column("podiums", "Podiums"), Column("poles", "Poles"), Column("points", "Points", "{:g}"),
               Column("best_finish", "Best"), Column("sprints", "Sprints")]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = _title()
        self.counts = _plot("Grands Prix")
        self.points = _plot("points")
        self.points.setXLink(self.counts)
        self.model = RowsModel(self.COLUMNS, self)
        self.table = _table(self.model)
        charts = QVBoxLayout()
        charts.addWidget(self.counts, 3)
        charts.addWidget(self.points, 2)
        chart_box = QWidget()
        chart_box.setLayout(charts)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(chart_box)
        split.addWidget(self.table)
        split.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)

    def set_page(self, page: Page) -> None:
        s = page.summary
        seasons = f"{s['first_season']}–{s['last_season']}" if s.get("first_season") else "no seasons"
        sprints = f" · sprints {s['sprints']} ({s['sprint_wins']} won)" if s.get("sprints") else ""
        self.title.setText(
            f"<b>{s['driver']}</b> <span style='color:{MUTED}'>{s.get('driver_ref') or 'your sessions'} · "
            f"{seasons}</span><br>{s['races']} races · {s['wins']} wins · {s['podiums']} podiums · "
            f"{s.get('poles') or 0} poles · {s.get('points') or 0:g} points{sprints}")
        self.model.set_rows(page.rows)
        self.table.resizeColumnsToContents()
        self.counts.getPlotItem().clear()
        self.points.getPlotItem().clear()
        if not page.rows:
            return
        years = np.array([r["year"] for r in page.rows], dtype=float)
        for offset, key, colour, name in ((-0.27, "races", RACES_COLOUR, "races"),
                                          (0.0, "podiums", PODIUM_COLOUR, "podiums"),
                                          (0.27, "wins", WIN_COLOUR, "wins")):
            heights = np.array([r[key] or 0 for r in page.rows], dtype=float)
            bars = pg.BarGraphItem(x=years + offset, height=heights, width=0.26, brush=colour, pen=None, name=name)
            self.counts.getPlotItem().addItem(bars)  # the legend picks it up by its name
        points = np.array([r["points"] or 0 for r in page.rows], dtype=float)
        self.points.getPlotItem().plot(years, points, pen=pg.mkPen(ACCENT, width=2), symbol="o", symbolSize=6,
                                       symbolBrush=ACCENT, name="points")
        self.counts.getPlotItem().setXRange(years.min() - 0.8, years.max() + 0.8, padding=0)
        tallest = max((r["races"] or 0) for r in page.rows)
        self.counts.getPlotItem().setYRange(0, max(tallest, 1) * 1.45, padding=0)  # room for the legend


class CircuitPage(QWidget):
    """Winners by year, and the fastest race lap of each year as a line with the user's best beside it."""

    COLUMNS = [Column("year", "Year"), Column("race", "Race"), Column("winner", "Winner"), Column("team", "Team"),
               Column("fastest_lap", "Fastest lap", format_lap_time), Column("fastest_lap_driver", "Set by")]

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = _title()
        self.chart = _plot("fastest lap (s)", "year")
        self.model = RowsModel(self.COLUMNS, self)
        self.table = _table(self.model)
        self.note = QLabel()
        self.note.setStyleSheet(f"color: {MUTED}; padding: 2px 8px;")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([480, 480])
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        self.own_line: pg.InfiniteLine | None = None

    def set_page(self, page: Page) -> None:
        s = page.summary
        years = f"{s['first_year']}–{s['last_year']}" if s.get("first_year") else "your sessions"
        record = (f"fastest race lap {format_lap_time(s['fastest_lap'])} · {s.get('fastest_lap_driver') or ''} "
                  f"{s.get('fastest_lap_year') or ''}" if s.get("fastest_lap") is not None else "no lap times recorded")
        where = ", ".join(x for x in (s.get("location"), s.get("country")) if x)
        self.title.setText(f"<b>{s['circuit']}</b> <span style='color:{MUTED}'>{where} · {years}</span><br>"
                           f"{s['races']} races · {record}")
        self.model.set_rows(page.rows)
        self.table.resizeColumnsToContents()
        item = self.chart.getPlotItem()
        item.clear()
        self.own_line = None
        timed = [r for r in page.rows if r.get("fastest_lap") is not None]
        if timed:
            item.plot([r["year"] for r in timed], [r["fastest_lap"] for r in timed], pen=pg.mkPen(ACCENT, width=2),
                      symbol="o", symbolSize=6, symbolBrush=ACCENT, name="fastest race lap")
        own = s.get("own_fastest_lap")
        if own is not None:
            label = f"yours {format_lap_time(own)} ({s.get('own_fastest_driver')}, {s.get('own_tracks')})"
            self.own_line = pg.InfiniteLine(pos=own, angle=0, pen=pg.mkPen(OWN_COLOUR, width=2,
                                            style=Qt.PenStyle.DashLine), label=label,
                                            labelOpts={"color": OWN_COLOUR, "position": 0.5,
                                                       "anchors": [(0.5, 1), (0.5, 1)]})
            item.addItem(self.own_line)
            delta = s.get("own_delta")
            self.note.setText(f"Your best here: {format_lap_time(own)} in {s.get('own_fastest_race')}"
                              + (f" ({delta:+.3f} s to the race lap record)" if delta is not None else ""))
        else:
            self.note.setText("No lap of yours at this circuit." if s.get("circuit_ref") else "")
        if not timed and own is None:
            self.note.setText(self.note.text() or "No lap times recorded here (race laps are timed from 2004).")
