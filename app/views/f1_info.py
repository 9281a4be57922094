"""Session info dock: for an F1 session, the classification, the weather and the race control messages."""

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDockWidget, QLabel, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget

from app.services.laps import format_lap_time
from app.views.context import AppContext
from app.views.theme import MUTED, readable
from app.workers.f1 import start_info
from app.workers.runner import Job

FLAG_COLOURS = {"YELLOW": "#ffd54f", "DOUBLE YELLOW": "#ffb300", "RED": "#ef5350", "GREEN": "#66bb6a",
                "CLEAR": "#66bb6a", "BLUE": "#4fc3f7", "CHEQUERED": "#e0e0e0"}


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list], colours: list[str | None] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if colours and colours[r] and c == 1:
                item.setForeground(QColor(colours[r]))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


class SessionInfoDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Session info")
        self.setObjectName("dock_f1_info")
        self.ctx = ctx
        self.weather = QLabel()
        self.weather.setWordWrap(True)
        self.results = _table(["Pos", "Driver", "Team", "Best", "Points", "Status"])
        self.messages = _table(["Time (UTC)", "Flag", "Message"])
        self.track_status = _table(["Session time", "Status"])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.results, "Results")
        self.tabs.addTab(self.messages, "Race control")
        self.tabs.addTab(self.track_status, "Track status")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.weather)
        layout.addWidget(self.tabs, 1)
        self.setWidget(body)
        # Room for the weather line and at least six result rows, even when it shares its place with the jobs.
        for table in (self.results, self.messages, self.track_status):
            table.setMinimumHeight(6 * table.verticalHeader().defaultSectionSize() + 28)
        self.setMinimumSize(340, 300)
        self.info = None
        self._race: str | None = None
        ctx.state.race_changed.connect(self.show_race)
        self.show_race(ctx.state.race)

    def show_race(self, race_id: str | None) -> Job | None:
        """Show the race's info; whether it is a Ready F1 session is decided with the read, on the runner.
        Returns the read's job (None without a race)."""
        self._race = race_id
        if race_id is None:
            self._show(None)
            return None

        def show_if_current(info, rid: str = race_id) -> None:
            if rid == self._race:  # the user may have moved on meanwhile
                self._show(info)

        job = start_info(self.ctx.runner, self.ctx.store, race_id)
        job.result.connect(show_if_current)
        return job

    def _show(self, info) -> None:
        self.info = info
        if info is None:
            self.weather.setText(f"<span style='color:{MUTED}'>Weather, results and race control messages "
                                 "appear here for F1 sessions.</span>")
            for table in (self.results, self.messages, self.track_status):
                table.setRowCount(0)
            return
        self.weather.setText(weather_text(info.weather))
        _fill(self.results, [[r["position"], r["abbreviation"], r["team"], format_lap_time(r["best_lap_time"]),
                              "" if r.get("points") is None else f"{r['points']:g}", r.get("status")]
                             for r in info.results],
              [readable(r["team_color"]) if r["team_color"] else None for r in info.results])
        _fill(self.messages, [[str(m.get("time") or "")[11:19], m.get("flag") or m.get("category"), m.get("message")]
                              for m in info.race_control],
              [FLAG_COLOURS.get(str(m.get("flag") or "").upper()) for m in info.race_control])
        _fill(self.track_status, [[format_lap_time(s.get("session_time")), s.get("message")]
                                  for s in info.track_status])


def weather_text(weather: dict) -> str:
    if not weather:
        return f"<span style='color:{MUTED}'>No weather data for this session.</span>"
    parts = []
    for key, label, unit in (("air_temp", "Air", "°C"), ("track_temp", "Track", "°C"),
                             ("humidity", "Humidity", "%"), ("wind_speed", "Wind", "m/s")):
        if key in weather:
            lo, hi = weather[key]
            parts.append(f"{label} {lo:.0f}–{hi:.0f} {unit}" if round(lo) != round(hi) else f"{label} {lo:.0f} {unit}")
    parts.append("rain" if weather.get("rainfall") else "dry")
    return " · ".join(parts)
