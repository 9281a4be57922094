"""A season's events and their sessions, from FastF1's event schedule."""

from dataclasses import asdict, dataclass, field

import pandas as pd

from app.errors import PitwallError, Progress, no_progress
from app.sources.f1.replay import F1Config, fastf1_call

FIRST_SEASON = 2018  # FastF1 has lap timing and telemetry from 2018 on


@dataclass
class SessionInfo:
    name: str  # FastF1's name: "Practice 1", "Qualifying", "Sprint", "Sprint Qualifying", "Race", ...
    date: str | None  # UTC, ISO 8601


@dataclass
class EventInfo:
    year: int
    round: int
    name: str
    country: str
    location: str
    date: str | None  # event (race) day, ISO date
    format: str
    sessions: list[SessionInfo] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _iso(value) -> str | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).isoformat()


def event_schedule(cfg: F1Config, year: int, progress: Progress = no_progress) -> list[EventInfo]:
    """The championship events of a season (testing left out: it is not a numbered round)."""
    if year < FIRST_SEASON:
        raise PitwallError(f"FastF1 has session data from {FIRST_SEASON} on; {year} is not available.")
    with fastf1_call(cfg, f"Schedule {year}", progress, 0, 100, steps=4):
        import fastf1

        frame = fastf1.get_event_schedule(year, include_testing=False)
    events = []
    for _, row in frame.iterrows():
        sessions = []
        for i in range(1, 6):
            name = row.get(f"Session{i}")
            if isinstance(name, str) and name and name != "None":
                sessions.append(SessionInfo(name, _iso(row.get(f"Session{i}DateUtc"))))
        date = row.get("EventDate")
        events.append(EventInfo(
            year=year, round=int(row["RoundNumber"]), name=str(row["EventName"]), country=str(row["Country"]),
            location=str(row["Location"]), date=None if pd.isna(date) else pd.Timestamp(date).date().isoformat(),
            format=str(row.get("EventFormat", "")), sessions=sessions,
        ))
    progress(100, 100)
    return events
