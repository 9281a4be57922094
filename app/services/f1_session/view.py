"""Everything the F1 analysis docks show of one session, read from the cache in one go (call it off the GUI
thread: it reads the catalog)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.services.f1_session.drivers import Driver, drivers, missing_notes
from app.services.f1_session.laps import F1Lap, f1_laps
from app.services.f1_session.race import RACE_SESSIONS
from app.services.f1_session.stints import Stint, stints

if TYPE_CHECKING:
    from app.store import Store


@dataclass
class SessionView:
    race_id: str
    name: str
    session: str  # FastF1's session name: "Race", "Qualifying", ...
    track: str | None
    laps: list[F1Lap]
    drivers: list[Driver]
    stints: list[Stint]
    notes: list[str] = field(default_factory=list)  # what the session lacks

    @property
    def is_race(self) -> bool:
        return self.session in RACE_SESSIONS

    def driver(self, code: str) -> Driver | None:
        return next((d for d in self.drivers if d.code == code), None)


def session_view(store: Store, race_id: str) -> SessionView | None:
    """None for a race that is not a Ready F1 session."""
    race = store.race(race_id)
    if race is None or race.source != "f1" or race.status != "Ready":
        return None
    meta = json.loads(race.meta or "{}")
    laps = f1_laps(store.laps(race_id))
    results = store.results(race_id)
    listed = drivers(laps, results)
    order = [d.code for d in listed]
    return SessionView(race_id=race_id, name=race.name, session=str(meta.get("session") or ""), track=race.track,
                       laps=laps, drivers=listed, stints=stints(laps, order), notes=missing_notes(laps, results))
