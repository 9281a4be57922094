"""Lap analysis over the archive: laps from the store as traces, track models per track, the CLI's answers."""

import numpy as np

from app.domain.track import TrackModel
from app.errors import PitwallError
from app.services.analysis.best import minisectors, sector_best
from app.services.analysis.comparison import analyse, compare_json, default_reference, model_from
from app.services.analysis.trace import LapTrace
from app.store import Store
from app.store.schema import Lap, Race
from app.store.tracks import TrackModels

QUICK_SHARE = 1.02  # laps within 2 % of the fastest count towards the mini-sector best


def lap_label(lap: Lap, race: Race | None = None) -> str:
    who = f"{lap.driver} " if lap.driver else ""
    return f"{who}L{lap.number}" + (f" · {race.name}" if race is not None else "")


def trace_of(store: Store, lap: Lap, race: Race, with_session: bool = False) -> LapTrace:
    return LapTrace(
        lap_id=lap.id, label=lap_label(lap, race if with_session else None), channels=store.lap_channels(lap),
        lap_time=lap.lap_time, sectors=(lap.sector1, lap.sector2, lap.sector3), flags=tuple(lap.flag_list),
        race_id=race.id, track=race.track, distance_is_track_reference=race.source == "ams2",
    )


def _lap(store: Store, lap_id: str) -> Lap:
    lap = store.lap(lap_id)
    if lap is None:
        raise PitwallError(f"No lap {lap_id} in the cache (see `pitwall laps RACE_ID`).")
    return lap


def _races(store: Store, race_id: str | None, track: str | None) -> list[Race]:
    if race_id:
        race = store.race(race_id)
        if race is None:
            raise PitwallError(f"No race {race_id} in the cache (see `pitwall races`).")
        return [race]
    races = [r for r in store.races() if r.track and track and r.track.lower() == track.lower()]
    if not races:
        known = sorted({r.track for r in store.races() if r.track})
        raise PitwallError(f"No race at track {track!r} in the cache; tracks: {', '.join(known) or 'none'}.")
    return races


def clean_traces(store: Store, races: list[Race], with_session: bool = False) -> list[LapTrace]:
    """The clean full laps (timed, not invalidated) of the races, with their telemetry."""
    out = []
    for race in races:
        for lap in store.laps(race.id):
            if lap.lap_time is not None and not lap.flag_list:
                out.append(trace_of(store, lap, race, with_session))
    return out


def track_model(store: Store, track: str | None, races: list[Race] | None = None) -> TrackModel | None:
    """The saved model of a track, or one derived from its races' clean laps (then saved)."""
    if not track:
        return None
    models = TrackModels(store.paths.tracks_dir)
    model = models.load(track)
    if model is not None:
        return model
    races = races if races is not None else [r for r in store.races() if r.track == track]
    model = model_from([t for t in clean_traces(store, races) if t.has_telemetry], track)
    if model is not None:
        models.save(model)
    return model


def compare_laps(store: Store, lap_id: str, reference_id: str) -> dict:
    lap, ref = _lap(store, lap_id), _lap(store, reference_id)
    cross = lap.race_id != ref.race_id
    a, b = (trace_of(store, x, x.race, with_session=cross) for x in (lap, ref))
    for t in (a, b):
        if not t.has_telemetry:
            raise PitwallError(f"Lap {t.lap_id} has no telemetry to compare.")
    if cross and (lap.race.track or "").lower() != (ref.race.track or "").lower():
        raise PitwallError(f"The laps are at different tracks ({lap.race.track} and {ref.race.track}).")
    model = track_model(store, ref.race.track)
    return compare_json(analyse([a, b], b, model), a.lap_id)


def corners_report(store: Store, race_id: str | None = None, track: str | None = None,
                   edits: list[tuple[str, str]] | None = None, redetect: bool = False) -> dict:
    """The track's corners; `edits` are (operation, argument) pairs applied and kept (see `apply_edit`)."""
    races = _races(store, race_id, track)
    name = races[0].track or races[0].name
    models = TrackModels(store.paths.tracks_dir)
    if redetect:
        models.path(name).unlink(missing_ok=True)
    model = track_model(store, name, races)
    if model is None:
        raise PitwallError("No clean full lap with telemetry to find the corners on.")
    for op, arg in edits or []:
        model = apply_edit(model, op, arg)
    if edits:
        models.save(model)
    return {"track": model.track, "length": model.length, "sector_lines": model.sector_lines,
            "source_lap": model.source_lap, "edited": model.edited,
            "corners": [{"name": c.name, "start": c.start, "apex": c.apex, "end": c.end} for c in model.corners]}


def best_report(store: Store, race_id: str | None = None, track: str | None = None,
                minisector_count: int = 25) -> dict:
    races = _races(store, race_id, track)
    traces = clean_traces(store, races, with_session=len(races) > 1)
    out = sector_best(traces)
    out["minisectors_best"] = None
    out["minisectors"] = minisector_count
    with_data = [t for t in traces if t.has_telemetry]
    ref = default_reference(with_data)
    if ref is not None and ref.is_clean:
        # Only laps near the pace: a slow lap is never the quickest anywhere, but its alignment noise
        # (a few hundredths per boundary) would still be summed into the best.
        quick = [t for t in with_data if t.full_lap_time <= ref.full_lap_time * QUICK_SHARE]
        comparison = analyse(quick, ref, None, minisector_count)
        mini = comparison.minisectors or minisectors([comparison.reference], minisector_count)
        out["minisectors_best"] = round(mini.best_total, 3)
        out["minisectors_laps"] = len(quick)
        bands = [comparison.deltas[lap_id].uncertainty_at(mini.edges) for lap_id in comparison.deltas]
        out["minisectors_uncertainty"] = round(float(np.max(bands, axis=0).sum()), 3)
    out["races"] = [r.id for r in races]
    out["laps_considered"] = len(traces)
    return out


def apply_edit(model: TrackModel, op: str, arg: str) -> TrackModel:
    """`rename T3=Hairpin`, `merge T1,T2`, `split T5@1250`, `move T3:apex=700` (start, apex or end)."""
    from app.services.analysis import trackedit

    try:
        if op == "rename":
            old, new = arg.split("=", 1)
            return trackedit.rename(model, old, new)
        if op == "merge":
            a, b = arg.split(",", 1)
            return trackedit.merge(model, a.strip(), b.strip())
        if op == "split":
            name, at = arg.rsplit("@", 1)
            return trackedit.split(model, name, float(at))
        if op == "move":
            name, rest = arg.split(":", 1)
            key, value = rest.split("=", 1)
            if key not in ("start", "apex", "end"):
                raise ValueError(key)
            return trackedit.move(model, name, **{key: float(value)})
    except ValueError:
        raise PitwallError(f"Cannot read {op} {arg!r}: see `pitwall corners --help` for the forms.") from None
    raise PitwallError(f"Unknown corner edit {op!r}.")
