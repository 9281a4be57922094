"""Races & laps dock: every opened race with its status, and the current race's laps to pick for comparison.

The catalog is read on the job runner (app.services.race_listing), never on the GUI thread: after each job that
changes it (SharedState.catalog_changed), and for a race's laps each time it comes on show.

The selection can span sessions: laps selected in another race stay selected (pinned, listed under the lap
table) while this race's rows are picked, so a lap can be compared with one from any session at the track.
"""

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.forget import forget_race
from app.services.laps import format_lap_time
from app.services.race_listing import RaceListing, race_laps, race_warnings, read_listing
from app.store.schema import Lap
from app.views.context import AppContext
from app.views.dock_body import wrapping_policy
from app.views.models import ID_ROLE, LapModel, RaceModel, is_full_valid
from app.views.pinned import PinnedLaps
from app.views.theme import ERROR, MUTED, WARN, readable
from app.workers.analysis import lap_name
from app.workers.runner import Job

EMPTY_HINT = ("No races yet. Open an AMS2 race file (File → Open race file…, Ctrl+O) or drop one on the window, "
              "load a Formula 1 session (File → Load F1 session…), or try File → Open the demo race.")


def _table(model) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.horizontalHeader().setHighlightSections(False)
    return view


class BrowserDock(QDockWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("Races && laps")
        self.setObjectName("dock_browser")
        self.ctx = ctx
        self.races = RaceModel(self)
        self.laps = LapModel(self)
        self.race_view = _table(self.races)
        self.race_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.race_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name takes what is left, elided
        header.setMinimumSectionSize(40)
        for col in range(1, len(RaceModel.HEADERS)):  # track, date, laps, status, sync: never cut
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.race_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.race_view.customContextMenuRequested.connect(self._race_menu)
        # Why the race on show failed, or what its damaged file lost: read here, not only in a tooltip.
        self.race_note = QLabel()
        self.race_note.setWordWrap(True)
        self.race_note.setSizePolicy(wrapping_policy())
        self.race_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.race_note.setContentsMargins(4, 2, 4, 2)
        self.race_note.hide()
        self.lap_view = _table(self.laps)
        self.lap_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.lap_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lap_view.horizontalHeader().setStretchLastSection(True)
        self.lap_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # session order first
        self.lap_view.setSortingEnabled(True)  # the model sorts its own rows (click a header: by S1, by time, …)
        self.lap_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.lap_view.customContextMenuRequested.connect(self._lap_menu)

        self.pinned = PinnedLaps()
        self.pinned.remove_requested.connect(self.unpin)
        self.pinned.reference_requested.connect(self.use_as_reference)
        laps_box = QWidget()
        box = QVBoxLayout(laps_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.lap_view, 1)
        box.addWidget(self.pinned)
        races_box = QWidget()
        top = QVBoxLayout(races_box)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(2)
        top.addWidget(self.race_view, 1)
        top.addWidget(self.race_note)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(races_box)
        splitter.addWidget(laps_box)
        splitter.setSizes([110, 300])
        self.setWidget(splitter)
        self.known: dict[str, Lap] = {}  # every lap row seen, by id: pinned laps of other races keep their rows

        self._syncing = False  # set while the tables follow SharedState, so they do not echo it back
        # race id → its laps, read since that race came on show (a race shown again is read again)
        self._laps_of: dict[str, list[Lap]] = {}
        self._shown_race: str | None = None  # the race whose laps the lap table holds
        self._reading: Job | None = None  # the catalog read under way
        self._again = False  # the catalog changed while it was read: read it again after
        self._loading: set[str] = set()  # races whose laps are being read
        self.listed = False  # the first listing has arrived

        self.race_view.selectionModel().selectionChanged.connect(self._race_clicked)
        self.lap_view.selectionModel().selectionChanged.connect(self._laps_clicked)
        ctx.state.race_changed.connect(self._show_race)
        ctx.state.selection_changed.connect(self._show_selection)
        ctx.state.reference_changed.connect(lambda _: self._show_pinned())
        ctx.state.analysis_changed.connect(lambda _: self._show_pinned())  # names of laps selected elsewhere
        ctx.state.catalog_changed.connect(lambda _settled: self.refresh())
        self.refresh()

    # ---- catalog → models (read on the job runner)
    def refresh(self) -> Job | None:
        """Read the catalog again on the runner (races, lap counts, sync state, the shown race's laps); a read
        asked for while one runs follows it. Returns the read's job, None when it follows the running one."""
        if self._reading is not None:
            self._again = True
            return None
        store, settings, race_id = self.ctx.store, self.ctx.settings, self.ctx.state.race
        job = self.ctx.runner.submit("Read the race list", lambda _p: read_listing(store, settings, race_id),
                                     quiet=True, kind="catalog-read")
        self._reading = job
        job.result.connect(self._listed)
        job.finished.connect(lambda: self._read_over(job))
        return job

    def _read_over(self, job: Job) -> None:
        if self._reading is job:
            self._reading = None
        if self._again:
            self._again = False
            self.refresh()

    def _listed(self, listing: RaceListing) -> None:
        self.races.set_races(listing.races, listing.lap_counts, listing.sync, listing.sync_where)
        self._laps_of = {listing.race_id: listing.laps} if listing.race_id and listing.laps is not None else {}
        first, self.listed = not self.listed, True
        state = self.ctx.state
        if state.race is not None and self.races.row_of(state.race) < 0 and not self._again:
            state.set_race(None)  # forgotten (here or by another process)
        if first and state.race is None and self.races.races:  # start where the user left off: the newest race
            state.set_race(self.races.races[0].id)
        else:
            self._show_race(state.race)

    def _request_laps(self, race_id: str) -> None:
        if race_id in self._loading:
            return
        self._loading.add(race_id)
        store = self.ctx.store
        job = self.ctx.runner.submit("Read a race's laps", lambda _p: race_laps(store, race_id), quiet=True,
                                     kind="catalog-read")
        job.result.connect(lambda laps: self._laps_read(race_id, laps))
        job.finished.connect(lambda: self._loading.discard(race_id))

    def _laps_read(self, race_id: str, laps: list[Lap]) -> None:
        self._laps_of[race_id] = laps
        if race_id == self.ctx.state.race:
            self._show_race(race_id)

    def _show_race(self, race_id: str | None) -> None:
        self._syncing = True
        try:
            row = self.races.row_of(race_id) if race_id else -1
            if row >= 0:
                self.race_view.selectRow(row)
            else:
                self.race_view.clearSelection()
            self._show_note(self.races.races[row] if row >= 0 else None)
            if race_id != self._shown_race:  # another race on show: what was read for others is stale then
                self._laps_of = {k: v for k, v in self._laps_of.items() if k == race_id}
            if race_id is not None and race_id not in self._laps_of:
                self._request_laps(race_id)  # shown when read; the old rows stay until then
                return
            laps = self._laps_of.get(race_id, []) if race_id else []
            self._shown_race = race_id
            self.known.update((lap.id, lap) for lap in laps)
            if {lap.id for lap in laps} != {lap.id for lap in self.laps.laps}:  # same laps: keep scroll and sort
                self.laps.set_laps(laps)
            self._show_selection(self.ctx.state.selection)
        finally:
            self._syncing = False

    def _show_note(self, race) -> None:
        """Under the race table: why the race on show failed, what its damaged file lost, or, with no race
        yet, how to get one."""
        warnings = race_warnings(race) if race is not None else []
        if race is not None and race.error:
            colour, text = ERROR, f"{race.name}: {race.error}"
        elif race is not None and warnings:
            colour, text = WARN, f"⚠ {race.name} is damaged; opened with what could be read. " + " ".join(warnings)
        elif self.listed and not self.races.races:
            colour, text = MUTED, EMPTY_HINT
        else:
            colour, text = MUTED, ""
        self.race_note.setStyleSheet(f"color: {colour};")
        self.race_note.setText(text)
        self.race_note.setToolTip(self.races.tooltip(race) if race is not None and text else "")
        self.race_note.setVisible(bool(text))

    def _show_selection(self, lap_ids: list[str]) -> None:
        was, self._syncing = self._syncing, True
        try:
            selection = QItemSelection()
            for row, lap in enumerate(self.laps.laps):
                if lap.id in lap_ids:
                    selection.select(self.laps.index(row, 0), self.laps.index(row, self.laps.columnCount() - 1))
            self.lap_view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._syncing = was
        self._show_pinned()

    def pinned_ids(self) -> list[str]:
        """Selected laps that are not in the race shown: other sessions' laps, kept in the comparison."""
        here = {lap.id for lap in self.laps.laps}
        return [i for i in self.ctx.state.selection if i not in here]

    def _show_pinned(self) -> None:
        names = {race.id: race.name for race in self.races.races}
        rows = []
        analysis = self.ctx.state.analysis  # laps selected by a workspace or another view: named by the analysis
        for lap_id in self.pinned_ids():
            lap = self.known.get(lap_id)
            if lap is not None:
                text = f"{lap_name(lap)}  {format_lap_time(lap.lap_time)} · {names.get(lap.race_id, '?')}"
            elif analysis is not None and lap_id in analysis.labels:
                text = f"{analysis.labels[lap_id]}  {format_lap_time(analysis.lap_times.get(lap_id))}"
            else:
                text = "lap from another session (loading…)"
            rows.append((lap_id, text, self.ctx.state.colour(lap_id)))
        self.pinned.show_laps(rows, self.ctx.state.reference)

    def unpin(self, lap_ids: list[str]) -> None:
        self.select([i for i in self.ctx.state.selection if i not in set(lap_ids)])

    # ---- user → SharedState
    def _race_clicked(self, *_) -> None:
        if self._syncing:
            return
        rows = self.race_view.selectionModel().selectedRows()
        if rows:
            self.ctx.state.set_race(rows[0].data(ID_ROLE))

    def _race_menu(self, pos) -> None:
        index = self.race_view.indexAt(pos)
        if not index.isValid():
            return
        race = self.races.races[index.row()]
        menu = QMenu(self)
        forget = menu.addAction("Forget this race…")
        forget.setToolTip("Removes the race, its laps and its files from the cache (camera stills stay)")
        forget.setEnabled(race.status != "Processing")
        forget.triggered.connect(lambda: self.forget(race.id))
        menu.exec(self.race_view.viewport().mapToGlobal(pos))

    def forget(self, race_id: str, confirm: bool = True) -> Job | None:
        """Remove a race from the cache on the runner (`pitwall forget`), after asking; its laps leave the
        selection. Returns the job, None when the user said no."""
        row = self.races.row_of(race_id)
        name = self.races.races[row].name if row >= 0 else race_id
        if confirm:
            asked = QMessageBox.question(
                self, "Forget race", f"Remove {name} and its laps from the cache?\n"
                "Its raw file and lap files are deleted; camera stills linked to it stay.")
            if asked != QMessageBox.StandardButton.Yes:
                return None
        gone = {lap_id for lap_id, lap in self.known.items() if lap.race_id == race_id}
        if gone & set(self.ctx.state.selection):
            self.select([i for i in self.ctx.state.selection if i not in gone])
        store = self.ctx.store
        return self.ctx.runner.submit(f"Forget {name}", lambda _p: forget_race(store, race_id), kind="forget")

    def _lap_menu(self, pos) -> None:
        index = self.lap_view.indexAt(pos)
        if not index.isValid():
            return
        lap = self.laps.laps[index.row()]
        menu = QMenu(self)
        action = menu.addAction("Use as reference lap (delta time against it)")
        action.setEnabled(lap.id in self.ctx.state.selection and bool(lap.path))
        action.triggered.connect(lambda: self.use_as_reference(lap.id))
        whose = f"{lap.driver}'s" if lap.driver else "my"
        best = menu.addAction(f"Compare with {whose} best here")
        best.setToolTip("Adds the fastest clean lap at this track from every session in the archive")
        best.setEnabled(bool(self._track_of(lap)))
        best.triggered.connect(lambda: self.compare_with_best(lap))
        menu.exec(self.lap_view.viewport().mapToGlobal(pos))

    def _track_of(self, lap: Lap) -> str | None:
        row = self.races.row_of(lap.race_id)
        return self.races.races[row].track if row >= 0 else None

    def compare_with_best(self, lap: Lap) -> Job:
        """Add `lap` and the fastest clean lap at its track (any session) to the selection; the archive is
        searched on the job runner."""
        job = self.ctx.analysis.find_best(lap, self._track_of(lap))
        job.result.connect(lambda found: self._add_best(lap, found))
        return job

    def _add_best(self, lap: Lap, found) -> None:
        ids = list(self.ctx.state.selection)
        self.known[lap.id] = lap
        ids += [lap.id] if lap.id not in ids else []
        if found is not None:
            best, _race = found
            self.known[best.id] = best
            ids += [best.id] if best.id not in ids else []
        self.select(ids)

    def use_as_reference(self, lap_id: str) -> None:
        """The selected lap the others are compared with (by default the fastest selected)."""
        state = self.ctx.state
        if lap_id in state.selection:
            state.set_selection(state.selection, reference=lap_id)

    def _laps_clicked(self, *_) -> None:
        if self._syncing:
            return
        rows = sorted(i.row() for i in self.lap_view.selectionModel().selectedRows())
        self.select(self.pinned_ids() + [self.laps.laps[r].id for r in rows])

    def select(self, lap_ids: list[str]) -> None:
        """Select laps (any races); the reference is the fastest clean one: never an out-, in- or invalid lap
        while a clean lap with telemetry is selected."""
        laps = [self.known[i] for i in lap_ids if i in self.known]
        clean = [lap for lap in laps if is_full_valid(lap) and lap.path]
        reference = min(clean, key=lambda lap: lap.lap_time or 0.0).id if clean else None
        # Team colours lifted to read on the dark plots and tables (same hue; app.views.theme.readable).
        self.ctx.state.prefer_colours({lap.id: readable(lap.team_color) for lap in laps if lap.team_color})
        self.ctx.state.set_selection(lap_ids, reference=reference)
