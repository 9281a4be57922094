"""Catalog rows as plain dicts for the command line, exports and other tools."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # rows from Store (ORM) or the quick CatalogReader: the same attributes
    from app.store.catalog_read import LapRow, RaceRow
    from app.store.schema import Lap, Race


def race_dict(race: Race | RaceRow, lap_count: int | None = None) -> dict:
    out = {
        "race_id": race.id,
        "source": race.source,
        "name": race.name,
        "status": race.status,
        "track": race.track,
        "track_length": race.track_length,
        "car": race.car,
        "created_at": race.created_at.isoformat() if race.created_at else None,
        "updated_at": race.updated_at.isoformat() if race.updated_at else None,
        "error": race.error,
    }
    if lap_count is not None:
        out["lap_count"] = lap_count
    return out


def lap_dicts(laps: Sequence[Lap | LapRow]) -> list[dict]:
    """`lap_dict` of every lap of one race, labelled as their race's lap table labels them."""
    labels = race_labels(laps)
    return [lap_dict(lap, labels[lap.id]) for lap in laps]


def lap_dict(lap: Lap | LapRow, label: str | None = None) -> dict:
    return {
        "lap_uuid": lap.id,
        "race_id": lap.race_id,
        "number": lap.number,
        "driver": lap.driver,
        "team": lap.team,
        "lap_time": lap.lap_time,
        "sectors": [lap.sector1, lap.sector2, lap.sector3],
        "flags": lap.flag_list,
        "samples": lap.sample_count,
        "start_time": lap.start_time,
        "label": label or lap_label(lap),
        **({"meta": json.loads(lap.meta)} if lap.meta and lap.meta != "{}" else {}),
    }


class LapLike(Protocol):
    """What a lap label needs: an ORM Lap, a quick-reader LapRow or anything with these attributes."""

    @property
    def id(self) -> str: ...
    @property
    def number(self) -> int: ...
    @property
    def driver(self) -> str | None: ...
    @property
    def start_time(self) -> float: ...
    @property
    def meta(self) -> str: ...
    @property
    def flag_list(self) -> list[str]: ...


def lap_labels(laps: Iterable[LapLike]) -> dict[str, str]:
    """A unique, readable label for every lap of one race, by lap id: the one rule behind every view, export
    and command.

    AMS2's lap counter restarts at 1 on each run from the pits, so the number alone repeats: a race with
    several runs (a new run starts at every out-lap) says "Run 3 · lap 2"; out- and in-laps are named so
    rather than numbered, and a lap the recording only caught part of says "(partial)". F1 laps are
    "VER lap 7". A label that would still repeat (a counter that never moved) gets " #2", " #3".
    """
    ordered = sorted(laps, key=lambda lap: lap.start_time)
    runs, run = [], 0
    for i, lap in enumerate(ordered):
        if i == 0 or (not lap.driver and "out-lap" in lap.flag_list):
            run += 1
        runs.append(run)
    several = run > 1 and any(not lap.driver for lap in ordered)
    out: dict[str, str] = {}
    seen: dict[str, int] = {}
    for lap, r in zip(ordered, runs, strict=True):
        label = _own_label(lap, f"Run {r} · " if several and not lap.driver else "")
        seen[label] = seen.get(label, 0) + 1
        out[lap.id] = label if seen[label] == 1 else f"{label} #{seen[label]}"
    return out


def lap_label(lap: LapLike, laps_of_race: Sequence[LapLike] | None = None) -> str:
    """This lap's label: the one stored with it at ingest, else `lap_labels` over its race's laps, else (no
    race at hand, a lap ingested before labels were stored) the best it can say alone."""
    stored = _stored_label(lap)
    if stored:
        return stored
    if laps_of_race:
        return lap_labels(laps_of_race).get(lap.id) or _own_label(lap, "")
    return _own_label(lap, "")


def race_labels(laps: Sequence[LapLike]) -> dict[str, str]:
    """`lap_label` of every lap of one race at once (the stored label, else the rule over the race's laps)."""
    computed: dict[str, str] | None = None
    out = {}
    for lap in laps:
        stored = _stored_label(lap)
        if stored is None:
            computed = computed if computed is not None else lap_labels(laps)
            stored = computed[lap.id]
        out[lap.id] = stored
    return out


def unlabelled(laps: Sequence[LapLike]) -> dict[str, tuple[str, str]]:
    """Laps of one race stored before labels were (lap id → (old meta, meta with its label)): what a cache from
    an older Pitwall needs written once so that a lap read alone later (a legend) carries its label too."""
    missing = [lap for lap in laps if _stored_label(lap) is None and not lap.driver]
    if not missing:
        return {}
    labels = lap_labels(laps)
    out = {}
    for lap in missing:
        meta = json.loads(lap.meta or "{}")
        meta["label"] = labels[lap.id]
        out[lap.id] = (lap.meta, json.dumps(meta, default=str))
    return out


def label_rows(laps: Sequence[Lap]) -> None:
    """Store each lap's label in its meta (ingest, before the rows are committed): a single lap read later
    (a legend, an export) then carries the same label as its race's table."""
    labels = lap_labels(laps)
    for lap in laps:
        meta = json.loads(lap.meta or "{}")
        meta["label"] = labels[lap.id]
        lap.meta = json.dumps(meta, default=str)


def _stored_label(lap: LapLike) -> str | None:
    if not lap.meta or '"label"' not in lap.meta:
        return None
    label = json.loads(lap.meta).get("label")
    return label if isinstance(label, str) and label else None


def _own_label(lap: LapLike, prefix: str) -> str:
    if lap.driver:
        return f"{lap.driver} lap {lap.number}"
    flags = lap.flag_list
    if "out-lap" in flags:
        kind = "out-lap"
    elif "in-lap" in flags:
        kind = "in-lap"
    elif "partial" in flags:
        kind = f"lap {lap.number} (partial)"
    else:
        kind = f"lap {lap.number}"
    return prefix + kind if prefix else kind[0].upper() + kind[1:]


def format_lap_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:06.3f}" if minutes else f"{rest:.3f}"
