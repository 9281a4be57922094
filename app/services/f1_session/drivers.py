"""The drivers of a session: who they are, in which order they are listed, their colour, and what is missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.services.f1_session.laps import F1Lap, by_driver, fastest

# For drivers without a team colour (sessions without a driver list): distinct, readable on the dark theme.
FALLBACK_COLOURS = ("#4fc3f7", "#ff8a3d", "#9ccc65", "#e57cff", "#ffd54f", "#f06292", "#4db6ac", "#b0bec5",
                    "#7986cb", "#a1887f")


@dataclass
class Driver:
    code: str  # what the laps carry: abbreviation or car number
    number: str | None
    name: str | None
    team: str | None
    colour: str  # the team colour as FastF1 gives it (views lift it for contrast), or a fallback
    has_team_colour: bool
    position: int | None  # classified position, None when not classified / no results
    grid: int | None
    points: float | None
    status: str | None
    laps: int
    fastest: float | None


def shown_code(code: str) -> str:
    """A driver as labels show them: the abbreviation, or "#44" for a car number (no driver list)."""
    return f"#{code}" if code.isdigit() else code


def result_dicts(results: Sequence[Any]) -> list[dict]:
    """Result rows (ORM or dicts) as dicts."""
    keys = ("driver_number", "abbreviation", "driver", "team", "team_color", "position", "classified_position",
            "grid", "points", "status", "best_lap_time")
    return [dict(r) if isinstance(r, dict) else {k: getattr(r, k, None) for k in keys} for r in results]


def drivers(laps: Sequence[F1Lap], results: Sequence[Any] = ()) -> list[Driver]:
    """Every driver with a lap or a result: in classification order when there are results, then by fastest lap."""
    mine = by_driver(laps)
    rows = {r.get("abbreviation") or r.get("driver_number"): r for r in result_dicts(results)}
    codes = list(dict.fromkeys([*mine, *(c for c in rows if c)]))
    out = []
    for code in codes:
        r = rows.get(code, {})
        own = mine.get(code, [])
        best = fastest(own)
        team_colour = r.get("team_color") or next((lap.team_color for lap in own if lap.team_color), None)
        out.append(Driver(
            code=code, number=r.get("driver_number") or (str(own[0].meta.get("driver_number")) if own else None),
            name=r.get("driver"), team=r.get("team") or next((lap.team for lap in own if lap.team), None),
            colour=team_colour or "", has_team_colour=bool(team_colour), position=r.get("position"),
            grid=r.get("grid"), points=r.get("points"), status=r.get("status"), laps=len(own),
            fastest=best.lap_time if best else None,
        ))
    out.sort(key=lambda d: (d.position is None, d.position or 0, d.fastest is None, d.fastest or 0.0))
    spare = iter(FALLBACK_COLOURS * (1 + len(out) // len(FALLBACK_COLOURS)))
    for d in out:
        if not d.colour:
            d.colour = next(spare)
    return out


def missing_notes(laps: Sequence[F1Lap], results: Sequence[Any]) -> list[str]:
    """What the session lacks, in words a person can act on."""
    notes = []
    if laps and all(lap.driver.isdigit() for lap in laps):
        notes.append("No driver list in this session: drivers are shown by car number, without team colours.")
    elif not results:
        notes.append("No classification for this session.")
    if laps and not any(lap.has_telemetry for lap in laps):
        notes.append("No telemetry in this session: lap times only (no speed traces, overlay or map).")
    if laps and not any(lap.compound for lap in laps):
        notes.append("No tyre data in this session.")
    return notes
