"""What a source produces before it is stored: a session with its laps and their channels."""

from dataclasses import dataclass, field

import numpy as np

from app.domain.enums import LapFlag, RaceStatus  # noqa: F401 (RaceStatus: re-exported, callers import it here)

Channels = dict[str, np.ndarray]  # equal-length numeric columns, one per channel


@dataclass
class LapData:
    """One lap as decoded from a source."""

    number: int
    channels: Channels
    lap_time: float | None = None  # seconds, None when the lap was not timed to the line
    sectors: tuple[float | None, float | None, float | None] = (None, None, None)
    flags: list[LapFlag] = field(default_factory=list)
    start_time: float = 0.0  # session time (s) at the start of the lap
    driver: str | None = None
    team: str | None = None
    team_color: str | None = None
    extra: dict = field(default_factory=dict)  # source-specific catalog fields (compound, tyre life, ...)

    @property
    def sample_count(self) -> int:
        return len(self.channels["time"]) if self.channels else 0


@dataclass
class SessionData:
    """One race file or session as decoded from a source."""

    source: str  # "ams2", "f1", ...
    name: str
    laps: list[LapData]
    track: str | None = None
    track_length: float | None = None  # metres
    car: str | None = None
    car_class: str | None = None
    meta: dict = field(default_factory=dict)


# Units of the channels every source fills where it can; views and exports read these.
CHANNEL_UNITS: dict[str, str] = {
    "time": "s",
    "session_time": "s",
    "distance": "m",
    "speed": "km/h",
    "throttle": "%",
    "brake": "%",
    "clutch": "%",
    "steering": "%",
    "gear": "",
    "rpm": "rpm",
    "fuel": "l",
    "x": "m",
    "y": "m",
    "z": "m",
    "accel_x": "m/s²",
    "accel_y": "m/s²",
    "accel_z": "m/s²",
    "drs": "",
}
