"""Lap analysis for the window, off the GUI thread: the selection's comparison, the theoretical bests, and the
archive lookup behind "compare with my best here". Results land in the shared state; docks read them there.

The analysis itself is app.services.analysis (the same functions `pitwall compare` and `pitwall best` call);
this module only decides when to run it, feeds it the laps the LapCache already holds, and drops results that
a newer selection has overtaken.
"""

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer

from app.domain.track import TrackModel
from app.errors import Progress, check
from app.services.analysis.archive import best_report, track_model
from app.services.analysis.comparison import Comparison, analyse, default_reference
from app.services.analysis.trace import LapTrace as AnalysisTrace
from app.services.lap_lookup import best_lap_at, same_track
from app.services.lap_series import LapSeries, lap_series
from app.store import Store
from app.store.schema import Lap
from app.workers.lapdata import LapCache, LapTrace
from app.workers.runner import Job, JobRunner


def lap_name(lap: Lap) -> str:
    """The lap's label (app.services.laps.lap_label): "Run 3 · lap 2", "Out-lap", "VER lap 7"."""
    from app.services.laps import lap_label  # here, so this function's change stays inside it

    return lap_label(lap)


@dataclass
class SelectionAnalysis:
    """What the views show for the selected laps: one comparison against one reference, and what it left out."""

    selection: list[str]
    reference_id: str | None = None
    comparison: Comparison | None = None
    series: dict[str, LapSeries] = field(default_factory=dict)  # compared laps, in selection order
    labels: dict[str, str] = field(default_factory=dict)  # every selected lap; names its session across sessions
    lap_times: dict[str, float | None] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # selected laps without telemetry: listed, never drawn
    elsewhere: dict[str, str] = field(default_factory=dict)  # lap id → its track, not the reference's
    segments: dict[str, list[dict]] = field(default_factory=dict)  # lap id → Comparison.segment_rows
    minisector_laps: list[str] = field(default_factory=list)  # lap ids of comparison.minisectors' rows
    model: TrackModel | None = None

    @property
    def others(self) -> list[str]:
        """The compared laps other than the reference, in selection order."""
        return [i for i in self.series if i != self.reference_id]


def analyse_selection(store: Store, loaded: list[LapTrace], reference_id: str | None,
                      progress: Progress | None = None) -> SelectionAnalysis:
    """Pool thread: the selected laps (channels already loaded) against the reference, on its track's model."""
    selection = [t.lap.id for t in loaded]
    sessions = {t.lap.race_id for t in loaded}
    names = {t.lap.id: lap_name(t.lap) + (f" · {t.lap.race.name}" if len(sessions) > 1 else "") for t in loaded}
    labels = _unique(names)
    traces = {t.lap.id: _trace(t, labels[t.lap.id]) for t in loaded}
    out = SelectionAnalysis(selection, labels=labels, lap_times={t.lap.id: t.lap.lap_time for t in loaded},
                            missing=[i for i, t in traces.items() if not t.has_telemetry])
    with_data = [t for t in traces.values() if t.has_telemetry]
    ref = traces.get(reference_id) if reference_id else None
    ref = ref if ref is not None and ref.has_telemetry else default_reference(with_data)
    if ref is None:
        return out
    compared = []
    for t in with_data:
        if t is ref or t.race_id == ref.race_id or same_track(t.track, ref.track):
            compared.append(t)
        else:
            out.elsewhere[t.lap_id] = t.track or "another track"
    if progress is not None:
        check(progress, 1, 3)
    model = track_model(store, ref.track) if ref.track else None  # the first time, reads the track's clean laps
    if progress is not None:
        check(progress, 2, 3)
    comparison = analyse(compared, ref, model)
    out.reference_id, out.comparison, out.model = ref.lap_id, comparison, model
    out.series = {i: lap_series(comparison.deltas[i], labels[i]) for i in selection if i in comparison.deltas}
    out.segments = {i: comparison.segment_rows(i) for i in out.series}
    by_label = {label: i for i, label in labels.items()}
    out.minisector_laps = [by_label[label] for label in comparison.minisectors.labels] \
        if comparison.minisectors is not None else []
    return out


def _trace(loaded: LapTrace, label: str) -> AnalysisTrace:
    lap, race = loaded.lap, loaded.lap.race
    return AnalysisTrace(lap_id=lap.id, label=label, channels=loaded.channels, lap_time=lap.lap_time,
                         sectors=(lap.sector1, lap.sector2, lap.sector3), flags=tuple(lap.flag_list),
                         race_id=lap.race_id, track=race.track, distance_is_track_reference=race.source == "ams2")


def _unique(labels: dict[str, str]) -> dict[str, str]:
    """A session can hold two laps with one number (two stints): the second becomes "Lap 1 (2)"."""
    seen: dict[str, int] = {}
    out = {}
    for lap_id, label in labels.items():
        seen[label] = seen.get(label, 0) + 1
        out[lap_id] = label if seen[label] == 1 else f"{label} ({seen[label]})"
    return out


def best_reports(store: Store, race_id: str) -> dict[str, Any]:
    """Theoretical bests of a session and, when the archive has other sessions there, of its track."""
    race = store.race(race_id)
    out: dict[str, Any] = {"race_id": race_id, "session": None, "track": None,
                           "track_name": race.track if race else None, "session_name": race.name if race else None}
    if race is None or race.status != "Ready":
        return out
    out["session"] = best_report(store, race_id=race_id)
    if race.track and sum(same_track(r.track, race.track) for r in store.races() if r.status == "Ready") > 1:
        out["track"] = best_report(store, track=race.track)
    return out


class AnalysisWorker(QObject):
    """Keeps `state.analysis` (the selection's comparison) and `state.best` (the current race's bests) current."""

    def __init__(self, store: Store, runner: JobRunner, state, laps: LapCache,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store, self._runner, self._state, self._laps = store, runner, state, laps
        self._asked: tuple | None = None  # (selection, reference) of the newest comparison asked for
        self._best_for: str | None = None
        self._timer = QTimer(self, singleShot=True, interval=0)  # several state signals in a row: one analysis
        self._timer.timeout.connect(self._compare)
        self._best_timer = QTimer(self, singleShot=True, interval=0)
        self._best_timer.timeout.connect(self._best)
        state.selection_changed.connect(lambda _: self._timer.start())
        state.reference_changed.connect(lambda _: self._timer.start())
        state.race_changed.connect(lambda _: self._best_timer.start())
        laps.loaded.connect(lambda _: self._timer.start())
        runner.job_added.connect(self._watch)

    def _watch(self, job: Job) -> None:
        if not job.quiet:  # an ingest (or a forget) may change the session's laps: its bests again
            job.finished.connect(self._refresh_best)

    def _refresh_best(self) -> None:
        self._best_for = None
        self._best_timer.start()

    # ---- the selection's comparison
    def _compare(self) -> None:
        state = self._state
        ids = list(state.selection)
        self._laps.keep(ids)
        key = (tuple(ids), state.reference)
        if key == self._asked:
            return
        if not ids:
            self._asked = key
            state.set_analysis(SelectionAnalysis([]))
            return
        if not self._laps.request(ids):
            return  # `loaded` brings us back
        self._asked = key
        loaded = [t for i in ids if (t := self._laps.get(i)) is not None]
        store, reference = self._store, state.reference
        job = self._runner.submit(f"Compare {len(ids)} lap(s)",
                                  lambda p: analyse_selection(store, loaded, reference, p), quiet=True)
        job.result.connect(lambda result, k=key: self._landed(k, result))

    def _landed(self, key: tuple, result: SelectionAnalysis) -> None:
        if key == self._asked:  # a newer selection has its own job coming
            self._state.set_analysis(result)

    # ---- theoretical bests of the current race
    def _best(self) -> None:
        race_id = self._state.race
        if race_id == self._best_for:
            return
        self._best_for = race_id
        if race_id is None:
            self._state.set_best(None)
            return
        store = self._store
        job = self._runner.submit("Theoretical best", lambda p: best_reports(store, race_id), quiet=True)
        job.result.connect(lambda result: result["race_id"] == self._state.race and self._state.set_best(result))

    # ---- compare with my best here
    def find_best(self, lap: Lap, track: str | None) -> Job:
        """The fastest clean lap at `track` in the whole archive (the driver's own for an F1 lap); the job's
        result is (Lap, Race) or None."""
        store, driver = self._store, lap.driver
        who = f"{driver}'s" if driver else "your"
        return self._runner.submit(f"Find {who} best lap at {track or 'this track'}",
                                   lambda p: best_lap_at(store, track, driver))
