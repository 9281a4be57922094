"""An F1 session's laps as the analysis views read them: the catalog row plus the F1 fields kept in its meta.

Works on ORM rows (Store) and on the quick catalog reader's rows alike; plain Python, no pandas, no FastF1.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.enums import LapFlag

# FastF1 track status codes (a lap's status lists every code seen during it, e.g. "124").
TRACK_STATUS = {"1": "clear", "2": "yellow", "3": "?", "4": "safety car", "5": "red", "6": "VSC", "7": "VSC ending"}
NEUTRALISED = set("24567")  # yellow, SC, red, VSC: not a representative lap time
SPEED_KEYS = ("speed_i1", "speed_i2", "speed_fl", "speed_trap")


@dataclass
class F1Lap:
    id: str
    race_id: str
    driver: str  # abbreviation, or the car number when the session had no driver list
    number: int
    lap_time: float | None
    sectors: tuple[float | None, float | None, float | None]
    start_time: float
    end_time: float | None
    flags: list[str]
    team: str | None
    team_color: str | None
    has_telemetry: bool
    path: str | None = None  # lap file, relative to the data directory
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def compound(self) -> str | None:
        value = self.meta.get("compound")  # sessions cached before: FastF1's "nan" text for an unknown compound
        return value if isinstance(value, str) and value.lower() not in ("", "nan", "none") else None

    @property
    def stint(self) -> int | None:
        value = self.meta.get("stint")
        return None if value is None else int(value)

    @property
    def tyre_life(self) -> int | None:
        value = self.meta.get("tyre_life")
        return None if value is None else int(value)

    @property
    def fresh(self) -> bool | None:
        value = self.meta.get("fresh_tyre")
        return None if value is None else bool(value)

    @property
    def pit_in(self) -> bool:
        return bool(self.meta.get("pit_in"))

    @property
    def pit_out(self) -> bool:
        return bool(self.meta.get("pit_out"))

    @property
    def track_status(self) -> str | None:
        return self.meta.get("track_status") or None

    @property
    def position(self) -> int | None:
        value = self.meta.get("position")
        return None if value is None else int(value)

    @property
    def deleted(self) -> bool:
        return LapFlag.INVALID in self.flags

    @property
    def neutralised(self) -> bool:
        """Yellow, safety car, VSC or red flag at some point of the lap."""
        return bool(set(self.track_status or "") & NEUTRALISED)

    @property
    def timed(self) -> bool:
        """A lap time that can be compared: not deleted, not an in- or out-lap."""
        return self.lap_time is not None and not self.deleted and not self.pit_in and not self.pit_out

    def speed(self, key: str) -> float | None:
        value = self.meta.get(key)
        return None if value is None else float(value)


def driver_of(lap: Any, meta: dict) -> str:
    """Every lap belongs to a driver: its abbreviation, else its car number (sessions without a driver list)."""
    if lap.driver:
        return str(lap.driver)
    number = meta.get("driver_number")
    return str(number) if number is not None else "?"


def f1_laps(laps: Sequence[Any]) -> list[F1Lap]:
    """Catalog lap rows (Lap or LapRow) → F1Lap, in session order."""
    out = []
    for lap in sorted(laps, key=lambda lap: lap.start_time):
        meta = json.loads(lap.meta or "{}")
        end = meta.get("end_time")
        if end is None and lap.lap_time is not None:
            end = lap.start_time + lap.lap_time
        out.append(F1Lap(
            id=lap.id, race_id=lap.race_id, driver=driver_of(lap, meta), number=int(lap.number),
            lap_time=lap.lap_time, sectors=(lap.sector1, lap.sector2, lap.sector3), start_time=lap.start_time,
            end_time=end, flags=lap.flag_list, team=lap.team or None, team_color=lap.team_color or None,
            has_telemetry=bool(lap.path) and lap.sample_count > 1, path=lap.path, meta=meta,
        ))
    return out


def by_driver(laps: Sequence[F1Lap]) -> dict[str, list[F1Lap]]:
    """Each driver's laps in lap order, drivers in order of first appearance."""
    out: dict[str, list[F1Lap]] = {}
    for lap in laps:
        out.setdefault(lap.driver, []).append(lap)
    for mine in out.values():
        mine.sort(key=lambda lap: lap.number)
    return out


def fastest(laps: Sequence[F1Lap], with_telemetry: bool = False) -> F1Lap | None:
    """The quickest timed lap (optionally only among laps with telemetry)."""
    timed = [lap for lap in laps if lap.timed and (lap.has_telemetry or not with_telemetry)]
    return min(timed, key=lambda lap: lap.lap_time or 0.0) if timed else None
