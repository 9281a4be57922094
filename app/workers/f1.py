"""F1 jobs for the window: a season's schedule, loading a session, reading a session's info (pool threads)."""

from app.config import Settings
from app.services.f1 import cached_sessions, open_session, ready_session_info, schedule
from app.store import Store
from app.workers.runner import Job, JobRunner


def start_schedule(runner: JobRunner, settings: Settings, store: Store, year: int) -> Job:
    """Job result: list[EventInfo]."""
    # Not a catalog kind: a schedule (FastF1's event list, in its cache) adds no race.
    return runner.submit(f"F1 schedule {year}", lambda progress: schedule(settings, store, year, progress),
                         kind="f1-schedule")


def start_load(runner: JobRunner, settings: Settings, store: Store, year: int, event: str, session: str,
               frame_skip: int = 1, title: str | None = None) -> Job:
    """Job result: app.services.f1.F1OpenResult (instant when the session is in the cache already)."""
    return runner.submit(title or f"F1 {year} {event} {session}",
                         lambda progress: open_session(store, settings, year, event, session, progress, frame_skip),
                         kind="f1-load")  # a catalog kind: views showing races read again when it ends


def start_info(runner: JobRunner, store: Store, race_id: str) -> Job:
    """Job result: app.services.f1.SessionInfo (results, weather, race control, track status), None when the race
    is not a Ready F1 session."""
    return runner.submit("F1 session info", lambda progress: ready_session_info(store, race_id), quiet=True,
                         kind="catalog-read")


def start_cached_sessions(runner: JobRunner, store: Store, year: int) -> Job:
    """Job result: {(round, session name)} of the year's sessions already in the cache."""
    return runner.submit(f"F1 cached sessions {year}", lambda progress: cached_sessions(store, year), quiet=True,
                         kind="catalog-read")


def start_session_view(runner: JobRunner, store: Store, race_id: str) -> Job:
    """Job result: app.services.f1_session.view.SessionView or None (not a Ready F1 session). Cache only."""
    from app.services.f1_session.view import session_view

    return runner.submit("F1 session analysis", lambda progress: session_view(store, race_id), quiet=True,
                         kind="catalog-read")


def start_dominance(runner: JobRunner, store: Store, laps: list, track: str | None) -> Job:
    """Job result: app.services.f1_session.compare.Dominance or None (fewer than two laps with telemetry)."""
    from app.services.f1_session.compare import dominance

    return runner.submit("F1 mini-sector dominance", lambda progress: dominance(store, laps, track=track),
                         quiet=True, kind="analysis")
