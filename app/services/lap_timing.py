"""Timing-screen rules for a list of laps: the best lap, each lap's gap to it, purple and green times.

One place decides them; the lap table (app/views/models.py) only formats what these return, and the F1
session views and commands use the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

TIMING_COLUMNS = ("lap_time", "sector1", "sector2", "sector3")
PURPLE = "purple"  # the session best of a column
GREEN = "green"  # a driver's own best (F1)


class TimedLap(Protocol):
    """A catalog lap row (Store's Lap or the quick reader's LapRow): read-only attributes."""

    @property
    def id(self) -> str: ...
    @property
    def driver(self) -> str | None: ...
    @property
    def lap_time(self) -> float | None: ...
    @property
    def sector1(self) -> float | None: ...
    @property
    def sector2(self) -> float | None: ...
    @property
    def sector3(self) -> float | None: ...
    @property
    def flag_list(self) -> list[str]: ...


L = TypeVar("L", bound=TimedLap)


def is_full_valid(lap: TimedLap) -> bool:
    """A timed lap from line to line with no flag at all (not invalid, not an out-, in- or partial lap)."""
    return lap.lap_time is not None and not lap.flag_list


def not_deleted(lap: TimedLap) -> bool:
    """F1: every lap counts towards a best unless its time was deleted (track limits)."""
    return "invalid" not in lap.flag_list


def best_lap(laps: Sequence[L]) -> L | None:
    """The fastest full valid lap."""
    full = [lap for lap in laps if is_full_valid(lap)]
    return min(full, key=lambda lap: lap.lap_time or 0.0) if full else None


def fastest_full(laps: Sequence[L], count: int) -> list[L]:
    return sorted((lap for lap in laps if is_full_valid(lap)), key=lambda lap: lap.lap_time or 0.0)[:count]


def gap(lap: TimedLap, best: TimedLap | None) -> float | None:
    """Seconds behind the best lap (0 for the best itself); None without a lap time or a best."""
    if best is None or lap.lap_time is None or best.lap_time is None:
        return None
    return 0.0 if lap.id == best.id else lap.lap_time - best.lap_time


def gap_text(lap: TimedLap, best: TimedLap | None) -> str:
    value = gap(lap, best)
    if value is None:
        return ""
    return "best" if best is not None and lap.id == best.id else f"{value:+.3f}"


def timing_marks(laps: Sequence[TimedLap], per_driver: bool,
                 counts: Callable[[TimedLap], bool] | None = None) -> dict[str, dict[str, str]]:
    """{lap id: {column: "purple" | "green"}} for lap_time and the sectors.

    Purple: the quickest value of the column among the laps that count (by default: full valid laps, or for
    `per_driver` (F1) every lap that was not deleted). Green, with `per_driver`: each driver's own quickest.
    Equal times keep the first lap in session order.
    """
    counts = counts or (not_deleted if per_driver else is_full_valid)
    out: dict[str, dict[str, str]] = {}
    eligible = [lap for lap in laps if counts(lap)]
    for col in TIMING_COLUMNS:
        overall: tuple[float, str] | None = None
        personal: dict[str, tuple[float, str]] = {}
        for lap in eligible:
            value = getattr(lap, col)
            if value is None:
                continue
            if overall is None or value < overall[0]:
                overall = (value, lap.id)
            key = lap.driver or ""
            if per_driver and (key not in personal or value < personal[key][0]):
                personal[key] = (value, lap.id)
        for _, lap_id in personal.values():
            out.setdefault(lap_id, {})[col] = GREEN
        if overall is not None:
            out.setdefault(overall[1], {})[col] = PURPLE
    return out
