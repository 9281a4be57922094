"""F1 sessions dock: pick a year, see its events and sessions, load one in the background (or reopen it)."""

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.f1_session.compare import first_look
from app.services.f1_session.laps import f1_laps
from app.views.context import AppContext
from app.views.state import lighter
from app.views.theme import ERROR, MUTED, OK, readable
from app.workers.f1 import start_cached_sessions, start_load, start_schedule
from app.workers.runner import Job

SESSION_ROLE = Qt.ItemDataRole.UserRole + 1  # (year, round, event name, session name) on session rows


class F1BrowserDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("F1 sessions")
        self.setObjectName("dock_f1_browser")
        self.ctx = ctx
        self.year = QSpinBox()
        self.year.setRange(2018, dt.date.today().year + 1)
        self.year.setValue(max(2018, dt.date.today().year - 1))  # the last complete season
        self.show_button = QPushButton("Show season")
        self.skip = QSpinBox()
        self.skip.setRange(1, 100)
        self.skip.setValue(ctx.settings.f1_frame_skip)
        self.skip.setPrefix("every ")
        self.skip.setSuffix(" sample(s)")
        self.skip.setToolTip("Downsample telemetry for huge sessions; 1 keeps full resolution")
        self.load_button = QPushButton("Load session")
        self.load_button.setEnabled(False)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Event / session", "Country", "Date (UTC)", ""])
        self.tree.setRootIsDecorated(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        for col in (0, 2, 3):  # event and session names, dates and "cached" show whole
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the country gives way (tooltip has it)
        header.setMinimumSectionSize(16)
        self.setMinimumWidth(420)
        self.status = QLabel()
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel("Year"))
        top.addWidget(self.year)
        top.addWidget(self.show_button)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip)
        bottom.addStretch(1)
        bottom.addWidget(self.load_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        self.setWidget(body)

        self.show_button.clicked.connect(self.show_season)
        self.year.editingFinished.connect(self.show_season)
        self.load_button.clicked.connect(self.load_selected)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self.load_selected() if item.parent() else None)
        self._shown_year: int | None = None
        self._marking = 0  # counts the reads of what is cached; only the newest one's answer is shown
        ctx.state.catalog_changed.connect(lambda settled: self._mark_cached() if settled else None)

    # ---- season
    def show_season(self) -> Job | None:
        year = self.year.value()
        if year == self._shown_year and self.tree.topLevelItemCount():
            return None
        self._say(f"Loading the {year} schedule…")
        job = start_schedule(self.ctx.runner, self.ctx.settings, self.ctx.store, year)
        job.result.connect(lambda events: self._fill(year, events))
        job.error.connect(lambda message: self._say(message, ERROR))
        return job

    def _fill(self, year: int, events) -> None:
        self._shown_year = year
        self.tree.clear()
        for ev in events:
            item = QTreeWidgetItem([f"R{ev.round}  {ev.name}", ev.country, ev.date or ""])
            for col in (0, 1):
                item.setToolTip(col, f"Round {ev.round}: {ev.name} ({ev.location}, {ev.country})")
            for s in ev.sessions:
                child = QTreeWidgetItem([s.name, "", (s.date or "")[:16].replace("T", " ")])
                child.setData(0, SESSION_ROLE, (year, ev.round, ev.name, s.name))
                item.addChild(child)
            self.tree.addTopLevelItem(item)
        self._mark_cached()
        self._say(f"{len(events)} events in {year}. Pick a session and load it.")

    # ---- session
    def selected_session(self) -> tuple | None:
        items = self.tree.selectedItems()
        return items[0].data(0, SESSION_ROLE) if items else None

    def _selection_changed(self) -> None:
        self.load_button.setEnabled(self.selected_session() is not None)

    def load_selected(self) -> Job | None:
        chosen = self.selected_session()
        if chosen is None:
            return None
        year, rnd, event, session = chosen
        title = f"F1 {year} {event} — {session}"
        self._say(f"Loading {title}…")
        job = start_load(self.ctx.runner, self.ctx.settings, self.ctx.store, year, str(rnd), session,
                         frame_skip=self.skip.value(), title=title)
        job.result.connect(self._loaded)
        job.error.connect(lambda message: self._say(message, ERROR))
        return job

    def _loaded(self, result) -> None:
        note = " (from the cache)" if result.already_cached else ""
        warn = f" — {result.warnings[0]}" if result.warnings else ""
        self._say(f"{result.race.name}: {len(result.laps)} laps{note}{warn}", OK if not warn else MUTED)
        self.ctx.state.set_race(result.race.id)
        self._show_first_laps(result.laps)  # the "cached" mark follows: a load is a catalog job

    def _show_first_laps(self, rows) -> None:
        """The overlay is not left empty: the three quickest drivers' fastest laps, in readable team colours."""
        laps = first_look(f1_laps(rows))
        if not laps:
            return
        colours: dict[str, str] = {}
        for lap in laps:
            colour = readable(lap.team_color) if lap.team_color else None
            for _ in range(3):  # team-mates: a lighter shade
                if colour is None or colour not in colours.values():
                    break
                colour = lighter(colour)
            if colour:
                colours[lap.id] = colour
        self.ctx.state.prefer_colours(colours)
        self.ctx.state.set_selection([lap.id for lap in laps], reference=laps[0].id)

    def _mark_cached(self) -> Job | None:
        """Mark the shown year's sessions already in the cache; the catalog is read on the runner (the newest
        read wins: one asked for later may finish first). Returns the read's job, None with no season shown."""
        year = self._shown_year
        if year is None:
            return None
        self._marking += 1
        asked = self._marking
        job = start_cached_sessions(self.ctx.runner, self.ctx.store, year)
        job.result.connect(lambda cached: self._show_cached(year, cached) if asked == self._marking else None)
        return job

    def _show_cached(self, year: int, cached: set[tuple[int, str]]) -> None:
        if year != self._shown_year:
            return
        for i in range(self.tree.topLevelItemCount()):
            event = self.tree.topLevelItem(i)
            assert event is not None
            for j in range(event.childCount()):
                child = event.child(j)
                assert child is not None
                _, rnd, _, session = child.data(0, SESSION_ROLE)
                child.setText(3, "cached" if (rnd, session) in cached else "")  # a forgotten one loses its mark
                child.setForeground(3, QColor(OK))

    def _say(self, text: str, colour: str = MUTED) -> None:
        self.status.setStyleSheet(f"color: {colour};")
        self.status.setText(text)
