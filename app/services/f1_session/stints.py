"""Tyre stints: a driver's laps grouped as FastF1's `Stint` column groups them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from app.services.f1_session.laps import F1Lap, by_driver


@dataclass
class Stint:
    driver: str
    stint: int
    compound: str | None
    first_lap: int
    last_lap: int
    laps: int
    tyre_life_start: int | None  # tyre age in laps at the stint's first lap (FastF1 TyreLife)
    fresh: bool | None  # new tyres at the start of the stint (FastF1 FreshTyre)

    def to_dict(self) -> dict:
        return asdict(self)


def stints(laps: Sequence[F1Lap], order: Sequence[str] | None = None) -> list[Stint]:
    """Every (driver, stint) group; laps without a stint number are left out, as pandas' groupby does.

    Drivers come in `order` (e.g. finishing order) when given, else as they first appear; stints by number.
    """
    grouped = by_driver(laps)
    codes = [c for c in (order or []) if c in grouped] + [c for c in grouped if c not in set(order or [])]
    out = []
    for code in codes:
        per_stint: dict[int, list[F1Lap]] = {}
        for lap in grouped[code]:
            if lap.stint is not None:
                per_stint.setdefault(lap.stint, []).append(lap)
        for number in sorted(per_stint):
            group = per_stint[number]  # in lap order
            first = group[0]
            out.append(Stint(
                driver=code, stint=number, compound=next((lap.compound for lap in group if lap.compound), None),
                first_lap=first.number, last_lap=group[-1].number, laps=len(group),
                tyre_life_start=first.tyre_life, fresh=first.fresh,
            ))
    return out


def stint_label(stint: Stint) -> str:
    """"12" for a new set, "12 · used 3" for a set that had 3 laps on it (the strategy dock and the report)."""
    used = stint.fresh is False or (stint.fresh is None and (stint.tyre_life_start or 1) > 1)
    age = (stint.tyre_life_start or 1) - 1
    return f"{stint.laps} · used {age}" if used and age > 0 else (f"{stint.laps} · used" if used else f"{stint.laps}")
