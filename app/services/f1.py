"""F1 sessions in the cache: open one (FastF1 only when it is not cached yet), and what the views show of it.

FastF1, pandas and the Store are imported where they are used: a cached session opens without them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.domain.enums import LapFlag, RaceStatus
from app.errors import Cancelled, PitwallError, Progress, no_progress
from app.services.f1_session.laps import driver_of
from app.services.lap_timing import timing_marks
from app.sources.f1.names import session_name
from app.sources.f1.replay import F1Config

if TYPE_CHECKING:
    from app.config import Settings
    from app.sources.f1.schedule import EventInfo
    from app.store import Store
    from app.store.catalog_read import CatalogReader, LapRow, RaceRow
    from app.store.schema import Lap, Race



@dataclass
class F1OpenResult:
    race: Race | RaceRow  # RaceRow / LapRow when read back through the quick CatalogReader
    laps: list[Lap] | list[LapRow]
    already_cached: bool = False
    warnings: list[str] = field(default_factory=list)


def f1_config(settings: Settings, store: Store) -> F1Config:
    return F1Config(cache_dir=settings.f1_cache or store.paths.fastf1_cache, recorded=settings.f1_recorded)


def schedule(settings: Settings, store: Store, year: int, progress: Progress = no_progress) -> list[EventInfo]:
    from app.sources.f1.schedule import event_schedule

    return event_schedule(f1_config(settings, store), year, progress)


def _matches_event(meta: dict, event: str) -> bool:
    text = event.strip().casefold()
    if text.isdigit():
        return int(text) == meta.get("round")
    names = [str(meta.get(k, "")).casefold() for k in ("event", "country", "location")]
    return any(text == n or (len(text) >= 3 and text in n) for n in names)


def find_cached(store: Store | CatalogReader, year: int, event: str, session: str,
                frame_skip: int = 1) -> Race | RaceRow | None:
    """A Ready session in the catalog that matches what the user typed, without asking FastF1."""
    wanted = session_name(session)
    if wanted is None:
        return None
    hits = []
    for race in store.races():
        if race.source != "f1" or race.status != RaceStatus.READY:
            continue
        meta = json.loads(race.meta or "{}")
        if (meta.get("year") == year and meta.get("session") == wanted and meta.get("frame_skip", 1) == frame_skip
                and _matches_event(meta, str(event))):
            hits.append(race)
    return hits[0] if len(hits) == 1 else None


def open_cached(store: Store | CatalogReader, year: int, event: str, session: str,
                frame_skip: int = 1) -> F1OpenResult | None:
    """The session from the cache alone (any catalog reader will do), None when it is not there."""
    cached = find_cached(store, year, event, session, frame_skip)
    return F1OpenResult(cached, store.laps(cached.id), already_cached=True) if cached is not None else None


def open_session(store: Store, settings: Settings, year: int, event: str, session: str,
                 progress: Progress = no_progress, frame_skip: int = 1) -> F1OpenResult:
    """Open an F1 session into the cache; a session already there opens from the cache alone.

    FastF1 runs before anything is written: a failure leaves the catalog and cache as they were.
    """
    if frame_skip < 1:
        raise PitwallError("frame skip must be 1 (full resolution) or more")
    cached = open_cached(store, year, event, session, frame_skip)
    if cached is not None:
        progress(100, 100)
        return cached

    from app.sources.f1.session import load_session

    loaded = load_session(f1_config(settings, store), year, event, session, progress, frame_skip)
    known = store.find_by_hash(loaded.key)  # typed differently, e.g. "Melbourne" after "Australia"
    if known is not None and known.status == RaceStatus.READY:
        progress(100, 100)
        return F1OpenResult(known, store.laps(known.id), already_cached=True, warnings=loaded.warnings)

    data = loaded.data
    data.meta["warnings"] = loaded.warnings
    race = store.begin_race("f1", data.name, content_hash=loaded.key, track=data.track, meta=data.meta)
    try:
        store.drop_session_tables(race.id)
        for name, table in loaded.tables.items():
            store.save_session_table(race.id, name, table)
        laps = store.save_session(race.id, data, results=loaded.results,
                                  progress=lambda d, t: progress(95 + 5 * d // max(t, 1), 100))
    except BaseException as exc:
        store.drop_session_tables(race.id)
        reason = "Cancelled by the user; load the session again to retry." if isinstance(exc, Cancelled) \
            else f"Could not store the session: {exc}"
        store.fail_race(race.id, reason)
        if isinstance(exc, OSError):
            raise PitwallError(f"Could not write to the cache: {exc.strerror or exc}") from exc
        raise
    stored = store.race(race.id)
    assert stored is not None, race.id
    return F1OpenResult(stored, laps, warnings=loaded.warnings)


def driver_summary(laps: Sequence[Lap | LapRow], drivers: list[str] | None = None) -> list[dict]:
    """Per driver, in order of their fastest lap: team, lap count, fastest lap time (deleted laps excluded).

    Every lap counts for a driver: sessions without a driver list name drivers by car number.
    """
    wanted = {d.strip().upper() for d in drivers} if drivers else None
    rows: dict[str, dict] = {}
    for lap in laps:
        meta = json.loads(lap.meta or "{}")
        code = driver_of(lap, meta)
        number = str(meta.get("driver_number") or "")
        if wanted and code.upper() not in wanted and number not in wanted:
            continue
        row = rows.setdefault(code, {"driver": code, "driver_number": number or None, "team": lap.team or None,
                                     "team_color": lap.team_color, "laps": 0, "fastest_lap_time": None})
        row["laps"] += 1
        if lap.lap_time is not None and LapFlag.INVALID not in lap.flag_list:
            best = row["fastest_lap_time"]
            row["fastest_lap_time"] = lap.lap_time if best is None else min(best, lap.lap_time)
    if wanted:
        found = {d.upper() for d in rows} | {str(r["driver_number"]) for r in rows.values()}
        missing = sorted(wanted - found)
        if missing:
            raise PitwallError(f"No laps for driver(s) {', '.join(missing)} in this session.")
    return sorted(rows.values(), key=lambda r: (r["fastest_lap_time"] is None, r["fastest_lap_time"] or 0))


def lap_bests(laps: Sequence[Lap | LapRow]) -> dict[str, dict[str, str]]:
    """Timing-screen colours of an F1 session (see app.services.lap_timing.timing_marks, the one rule)."""
    return timing_marks(laps, per_driver=True)


@dataclass
class SessionInfo:
    """What the session-info view shows: classification, weather summary, race control and track status."""

    results: list[dict] = field(default_factory=list)
    weather: dict = field(default_factory=dict)
    race_control: list[dict] = field(default_factory=list)
    track_status: list[dict] = field(default_factory=list)


def session_info(store: Store, race_id: str) -> SessionInfo:
    """Read a session's results and tables from the cache (disk: call it off the GUI thread)."""
    info = SessionInfo()
    keys = ("position", "abbreviation", "driver", "team", "team_color", "best_lap_time", "points", "status", "grid")
    info.results = [{k: getattr(r, k) for k in keys} for r in store.results(race_id)]
    weather = store.session_table(race_id, "weather")
    if weather is not None and weather.num_rows:
        rows = weather.to_pylist()
        for key in ("air_temp", "track_temp", "humidity", "wind_speed"):
            values = [r[key] for r in rows if r.get(key) is not None]
            if values:
                info.weather[key] = (min(values), max(values))
        info.weather["rainfall"] = any(r.get("rainfall") for r in rows)
        info.weather["samples"] = len(rows)
    messages = store.session_table(race_id, "race_control")
    if messages is not None:
        info.race_control = messages.to_pylist()
    status = store.session_table(race_id, "track_status")
    if status is not None:
        info.track_status = status.to_pylist()
    return info


def ready_session_info(store: Store, race_id: str) -> SessionInfo | None:
    """The session's info, or None when the race is gone, is not F1 or is not Ready (pool thread: it reads the
    catalog, so the view never has to decide this on the GUI thread)."""
    race = store.race(race_id)
    if race is None or race.source != "f1" or race.status != RaceStatus.READY:
        return None
    return session_info(store, race_id)


def cached_sessions(store: Store | CatalogReader, year: int) -> set[tuple[int, str]]:
    """(round, session name) of every Ready F1 session of `year` in the catalog (pool thread)."""
    out = set()
    for race in store.races():
        if race.source == "f1" and race.status == RaceStatus.READY:
            meta = json.loads(race.meta or "{}")
            if meta.get("year") == year:
                out.add((meta.get("round"), meta.get("session")))
    return out
