"""How a race unfolded: position and gap to the leader by lap, and the results table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.services.f1_session.drivers import Driver
from app.services.f1_session.laps import F1Lap, by_driver

RACE_SESSIONS = ("Race", "Sprint")


def positions(laps: Sequence[F1Lap], drivers: Sequence[Driver] = ()) -> dict[str, list[tuple[int, int]]]:
    """{driver: [(lap, position), ...]}: FastF1's position at the end of each lap, the grid as lap 0."""
    grid = {d.code: d.grid for d in drivers if d.grid}
    out: dict[str, list[tuple[int, int]]] = {}
    for code, mine in by_driver(laps).items():
        points = [(lap.number, lap.position) for lap in mine if lap.position is not None]
        if points and code in grid:
            points.insert(0, (0, int(grid[code] or 0)))
        if points:
            out[code] = [(n, int(p)) for n, p in points]
    return out


def gaps_to_leader(laps: Sequence[F1Lap]) -> dict[str, list[tuple[int, float]]]:
    """{driver: [(lap, seconds behind the first car to complete that lap), ...]}.

    From the session time at which each driver completed each lap. A lap with neither a lap time nor a position
    was never completed (a car that stopped on track) and is left out.
    """
    done = [lap for lap in laps if lap.end_time is not None and (lap.lap_time is not None or lap.position is not None)]
    leader: dict[int, float] = {}
    for lap in done:
        assert lap.end_time is not None
        leader[lap.number] = min(leader.get(lap.number, lap.end_time), lap.end_time)
    out: dict[str, list[tuple[int, float]]] = {}
    for code, mine in by_driver(done).items():
        points = [(lap.number, (lap.end_time or 0.0) - leader[lap.number]) for lap in mine]
        if points:
            out[code] = points
    return out


def position_rows(laps: Sequence[F1Lap], drivers: Sequence[Driver]) -> list[dict]:
    """`pitwall f1 positions --json`: one row per driver and lap."""
    pos = positions(laps, drivers)
    gap = {code: dict(points) for code, points in gaps_to_leader(laps).items()}
    rows = []
    for d in drivers:
        for lap, p in pos.get(d.code, []):
            g = gap.get(d.code, {}).get(lap)
            rows.append({"driver": d.code, "lap": lap, "position": p,
                         "gap_to_leader": None if g is None else round(g, 3)})
    return rows


def results_table(drivers: Sequence[Driver]) -> list[dict[str, Any]]:
    """Grid, finish, places gained, points and status per driver, in finishing order."""
    rows = []
    for d in drivers:
        gained = d.grid - d.position if d.grid and d.position else None
        rows.append({"position": d.position, "driver": d.code, "name": d.name, "team": d.team, "grid": d.grid,
                     "gained": gained, "points": d.points, "status": d.status, "laps": d.laps,
                     "fastest": d.fastest, "colour": d.colour})
    return rows
