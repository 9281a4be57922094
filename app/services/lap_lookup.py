"""Finding laps across the whole archive (every session at a track), for "compare with my best here"."""

from app.store import Store
from app.store.schema import Lap, Race


def same_track(a: str | None, b: str | None) -> bool:
    """Track names compare case-insensitively; a race without a track name matches nothing."""
    return bool(a and b and a.strip().lower() == b.strip().lower())


def best_lap_at(store: Store, track: str | None, driver: str | None = None) -> tuple[Lap, Race] | None:
    """The fastest clean lap (timed line to line, not invalidated, with telemetry) at a track, in any session;
    only `driver`'s laps when given (an F1 lap: that driver's best)."""
    best: tuple[Lap, Race] | None = None
    best_time = float("inf")
    for race in store.races():
        if race.status != "Ready" or not same_track(race.track, track):
            continue
        for lap in store.laps(race.id):
            if lap.lap_time is None or lap.flag_list or not lap.path:
                continue
            if driver and lap.driver != driver:
                continue
            if lap.lap_time < best_time:
                best, best_time = (lap, race), lap.lap_time
    return best
