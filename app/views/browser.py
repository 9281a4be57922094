"""Races & laps dock: every opened race with its status, and the current race's laps to pick for comparison.

The selection can span sessions: laps selected in another race stay selected (pinned, listed under the lap
table) while this race's rows are picked, so a lap can be compared with one from any session at the track.
"""

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QMenu,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.laps import format_lap_time
from app.services.sync.names import normalise_prefix
from app.services.sync.saved import sync_target_id
from app.services.sync.state import race_states
from app.store.schema import Lap
from app.views.context import AppContext
from app.views.models import ID_ROLE, LapModel, RaceModel, is_full_valid
from app.views.pinned import PinnedLaps
from app.workers.analysis import lap_name
from app.workers.runner import Job


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
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, RaceModel.SYNC_COL):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
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
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.race_view)
        splitter.addWidget(laps_box)
        splitter.setSizes([110, 300])
        self.setWidget(splitter)
        self.known: dict[str, Lap] = {}  # every lap row seen, by id: pinned laps of other races keep their rows

        self._syncing = False  # set while the tables follow SharedState, so they do not echo it back
        self._refresh_timer = QTimer(self, singleShot=True, interval=400)
        self._refresh_timer.timeout.connect(self.refresh)

        self.race_view.selectionModel().selectionChanged.connect(self._race_clicked)
        self.lap_view.selectionModel().selectionChanged.connect(self._laps_clicked)
        ctx.state.race_changed.connect(self._show_race)
        ctx.state.selection_changed.connect(self._show_selection)
        ctx.state.reference_changed.connect(lambda _: self._show_pinned())
        ctx.runner.job_added.connect(self._watch)
        self.refresh()
        if ctx.state.race is None and self.races.races:  # start where the user left off: the newest race
            ctx.state.set_race(self.races.races[0].id)

    # ---- catalog → models
    def refresh(self) -> None:
        """Re-read the catalog (a few small SQLite queries, well under a millisecond each; no network)."""
        store = self.ctx.store
        races = store.races()
        counts = store.lap_counts()
        settings = self.ctx.settings
        target = sync_target_id(settings)
        sync = race_states(store, target) if target else {}
        where = f"s3://{settings.s3_bucket}/{normalise_prefix(settings.s3_prefix)}" if target else None
        self.races.set_races(races, counts, sync, where)
        self._show_race(self.ctx.state.race)

    def _watch(self, job: Job) -> None:
        if job.quiet:
            return
        # Show Processing while a job runs (throttled) and the outcome as soon as it ends.
        job.progress.connect(lambda *_: self._refresh_timer.isActive() or self._refresh_timer.start())
        job.finished.connect(self.refresh)

    def _show_race(self, race_id: str | None) -> None:
        self._syncing = True
        try:
            row = self.races.row_of(race_id) if race_id else -1
            if row >= 0:
                self.race_view.selectRow(row)
            else:
                self.race_view.clearSelection()
            laps = self.ctx.store.laps(race_id) if race_id else []
            self.known.update((lap.id, lap) for lap in laps)
            if {lap.id for lap in laps} != {lap.id for lap in self.laps.laps}:  # same laps: keep scroll and sort
                self.laps.set_laps(laps)
            self._show_selection(self.ctx.state.selection)
        finally:
            self._syncing = False

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
        for lap_id in self.pinned_ids():
            lap = self.known.get(lap_id)
            text = (f"{lap_name(lap)}  {format_lap_time(lap.lap_time)} · {names.get(lap.race_id, '?')}"
                    if lap is not None else lap_id)
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
        self.ctx.state.prefer_colours({lap.id: lap.team_color for lap in laps if lap.team_color})
        self.ctx.state.set_selection(lap_ids, reference=reference)
