"""The F1 part of a session report: pace and tyre strategy, taken from app.services.f1_session, so every number
is the one the Session overview / Tyre strategy docks and `pitwall f1 pace|stints` show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.services.f1_session.colours import compound_palette
from app.services.f1_session.drivers import shown_code
from app.services.f1_session.laps import TRACK_STATUS
from app.services.f1_session.pace import pace_rows, shown, slow_threshold
from app.services.f1_session.stints import Stint
from app.services.f1_session.view import SessionView, session_view
from app.services.laps import format_lap_time

if TYPE_CHECKING:
    from app.store import Store

PACE_DRIVERS = 10  # the chart draws the first ten of the classification; the table lists everyone


@dataclass
class F1Section:
    view: SessionView
    pace: list[dict]  # `pitwall f1 pace` rows, drivers in classification order
    stints: list[Stint]  # `pitwall f1 stints` rows, drivers in classification order
    palette: dict[str, str]  # compound -> colour, the docks' scheme for this session's season
    threshold: float | None  # 107 % of the fastest lap: slower laps are off the pace chart
    series: dict[str, list[tuple[int, float, str | None]]] = field(default_factory=dict)  # chart: (lap, time, tyre)


def f1_section(store: Store, race_id: str) -> F1Section | None:
    view = session_view(store, race_id)
    if view is None:
        return None
    order = [d.code for d in view.drivers if d.laps]
    threshold = slow_threshold(view.laps)
    section = F1Section(view=view, pace=pace_rows(view.laps, order) if order else [], stints=view.stints,
                        palette=compound_palette({lap.compound for lap in view.laps if lap.compound}),
                        threshold=threshold)
    # The overview dock's default filters: no lap outside 107 %, no flag lap, and no in- or out-lap.
    for lap in view.laps:
        if lap.driver in order[:PACE_DRIVERS] and shown(lap, threshold, True, True) and lap.timed:
            section.series.setdefault(lap.driver, []).append((lap.number, float(lap.lap_time or 0), lap.compound))
    section.series = {code: sorted(section.series[code]) for code in order if code in section.series}
    return section


def _track(status: str | None) -> str:
    """FastF1's status codes in words, "" for a clear lap ("24" → "yellow, safety car")."""
    return ", ".join(TRACK_STATUS.get(c, c) for c in dict.fromkeys(status or "") if c != "1")


def _num(value: object) -> str:
    return "—" if value is None else str(value)


def pace_table(section: F1Section) -> tuple[list[str], list[list[str]]]:
    """One row per lap, as `pitwall f1 pace` gives it (the report's lap table for an F1 session)."""
    head = ["Driver", "Lap", "Time", "S1", "S2", "S3", "Tyre", "Stint", "Age", "Pit", "Track", "Pos"]
    rows = []
    for r in section.pace:
        pit = "/".join(word for word, on in (("out", r["pit_out"]), ("in", r["pit_in"])) if on)
        sectors = [f"{s:.3f}" if s else "—" for s in r["sectors"]]
        rows.append([shown_code(r["driver"]), str(r["lap"]), format_lap_time(r["lap_time"]), *sectors,
                     (r["compound"] or "—").title(), _num(r["stint"]), _num(r["tyre_life"]), pit,
                     _track(r["track_status"]), _num(r["position"])])
    return head, rows


def stint_table(section: F1Section) -> tuple[list[str], list[list[str]]]:
    """Every stint, as `pitwall f1 stints` gives it."""
    head = ["Driver", "Stint", "Tyre", "Laps", "Count", "Tyre age", "Set"]
    rows = [[shown_code(s.driver), str(s.stint), (s.compound or "—").title(), f"{s.first_lap}–{s.last_lap}",
             str(s.laps), _num(s.tyre_life_start), "—" if s.fresh is None else ("new" if s.fresh else "used")]
            for s in section.stints]
    return head, rows
