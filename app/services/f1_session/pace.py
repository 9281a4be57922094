"""Lap times per driver across a session (`pitwall f1 pace`, the session overview), and which laps to hide."""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import PitwallError
from app.services.f1_session.laps import F1Lap

SLOW_SHARE = 1.07  # FastF1's pick_quicklaps default: laps within 107 % of the session's fastest


def pace_rows(laps: Sequence[F1Lap], drivers: Sequence[str] | None = None) -> list[dict]:
    """One row per lap, by driver then lap number; null where FastF1 did not know."""
    wanted = select_drivers(laps, drivers)
    rows: list[dict] = [{
        "driver": lap.driver, "lap": lap.number, "lap_time": lap.lap_time, "compound": lap.compound,
        "stint": lap.stint, "tyre_life": lap.tyre_life, "pit_in": lap.pit_in, "pit_out": lap.pit_out,
        "track_status": lap.track_status, "position": lap.position,
        "sectors": list(lap.sectors), "deleted": lap.deleted, "lap_id": lap.id,
    } for lap in laps if lap.driver in wanted]
    order = {code: i for i, code in enumerate(wanted)}
    rows.sort(key=lambda r: (order[str(r["driver"])], r["lap"]))
    return rows


def select_drivers(laps: Sequence[F1Lap], drivers: Sequence[str] | None) -> list[str]:
    """The drivers asked for (any case, abbreviation or car number), in the order asked; all when None."""
    present = list(dict.fromkeys(lap.driver for lap in laps))
    if not drivers:
        return present
    by_key = {code.upper(): code for code in present}
    for lap in laps:  # a driver's car number finds them too
        number = lap.meta.get("driver_number")
        if number is not None:
            by_key.setdefault(str(number), lap.driver)
    asked = [d.strip().upper() for d in drivers if d.strip()]
    missing = [d for d in asked if d not in by_key]
    if missing:
        raise PitwallError(f"No laps for driver(s) {', '.join(missing)} in this session "
                           f"(drivers: {', '.join(present)}).")
    return list(dict.fromkeys(by_key[d] for d in asked))


def slow_threshold(laps: Sequence[F1Lap], share: float = SLOW_SHARE) -> float | None:
    """`share` × the session's fastest lap time that was not deleted."""
    times = [lap.lap_time for lap in laps if lap.lap_time is not None and not lap.deleted]
    return min(times) * share if times else None


def shown(lap: F1Lap, threshold: float | None, hide_slow: bool, hide_neutralised: bool) -> bool:
    """Whether the overview plots a lap: it needs a time; slow and flag laps can be hidden."""
    if lap.lap_time is None:
        return False
    if hide_slow and threshold is not None and lap.lap_time > threshold:
        return False
    return not (hide_neutralised and lap.neutralised)
