"""What a session report holds (plain data; app/views/session_report.py draws and writes it).

Lap table, best lap against a reference (overlay traces, the corners/segments comparison), theoretical best,
the track map of the best lap and, for F1 sessions, each driver's pace and tyre strategy. Every number comes
from the same services as the window and the command line (`pitwall laps`, `compare`, `best`, and for F1
`pitwall f1 pace|stints` through app/services/session_report_f1.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app.errors import PitwallError
from app.services.laps import format_lap_time, race_labels
from app.services.session_report_f1 import F1Section, f1_section
from app.store import Store

TRACE_CHANNELS = ("speed", "throttle", "brake")
MAX_POINTS = 1500  # per trace: plenty for a page, small enough for an HTML file


@dataclass
class ReportLap:
    label: str
    lap_id: str
    number: int
    driver: str | None
    lap_time: float | None
    sectors: tuple[float | None, float | None, float | None]
    flags: list[str]
    samples: int
    delta: float | None  # to the best lap, seconds


@dataclass
class SessionReport:
    title: str
    race: dict
    laps: list[ReportLap]
    best: ReportLap | None = None
    reference: ReportLap | None = None
    traces: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # label -> distance + channels
    comparison: dict | None = None  # `pitwall compare` of best vs reference
    theoretical: dict | None = None  # `pitwall best`
    track: dict[str, np.ndarray] | None = None  # x, y (plan view), speed of the best lap
    f1: F1Section | None = None  # F1: pace and stints as `pitwall f1 pace|stints` give them
    notes: list[str] = field(default_factory=list)

    @property
    def is_f1(self) -> bool:
        return self.race.get("source") == "f1"


def build_report(store: Store, race_id: str, reference_id: str | None = None) -> SessionReport:
    race = store.race(race_id)
    if race is None:
        raise PitwallError(f"No race with id {race_id}")
    rows = store.laps(race_id)
    if not rows:
        raise PitwallError(f"Race {race_id} has no laps to report on.")
    labels = race_labels(rows)  # the stored labels, as `pitwall laps` shows them
    clean = [r for r in rows if r.lap_time and not r.flag_list]
    best_row = min(clean, key=lambda r: r.lap_time or 0.0, default=None)
    with_data = [r for r in clean if r.sample_count]  # overlay, map and corners need telemetry
    laps = [ReportLap(labels[r.id], r.id, r.number, r.driver, r.lap_time, (r.sector1, r.sector2, r.sector3),
                      r.flag_list, r.sample_count,
                      (r.lap_time - best_row.lap_time) if best_row and best_row.lap_time and r.lap_time else None)
            for r in sorted(rows, key=lambda r: (r.driver or "", r.start_time))]
    by_id = {lap.lap_id: lap for lap in laps}
    report = SessionReport(
        title=f"{race.track or race.name} — {race.name}", laps=laps,
        race={"race_id": race.id, "source": race.source, "name": race.name, "track": race.track,
              "car": race.car, "created_at": race.created_at.isoformat(timespec="seconds") if race.created_at
              else None, "laps": len(rows), "clean_laps": len(clean)})
    if best_row is None:
        report.notes.append("No clean timed lap: no best lap, overlay or track map.")
    else:
        report.best = by_id[best_row.id]
    if best_row is not None and not best_row.sample_count:
        report.notes.append("The best lap has no telemetry: no overlay, track map or corners.")
    elif best_row is not None:
        ref_row = _reference(store, with_data, best_row, reference_id)
        report.reference = by_id.get(ref_row.id) if ref_row is not None else None
        if ref_row is not None and report.reference is None:  # a lap of another session
            report.reference = ReportLap(labels.get(ref_row.id, f"lap {ref_row.number}"), ref_row.id, ref_row.number,
                                         ref_row.driver, ref_row.lap_time, (None, None, None), ref_row.flag_list,
                                         ref_row.sample_count, None)
        for lap in (report.best, report.reference):
            trace = _trace(store, lap.lap_id) if lap is not None else {}
            if lap is not None and trace:
                report.traces[lap.label] = trace
        report.track = _track(store, best_row.id)
        if report.reference is not None:
            report.comparison = _safe(report, "compare", lambda: _compare(store, best_row.id, ref_row.id))
        else:
            report.notes.append("Only one clean lap: nothing to compare the best lap with.")
    report.theoretical = _safe(report, "theoretical best", lambda: _best(store, race_id))
    if report.is_f1:
        report.f1 = f1_section(store, race_id)
    return report


def _reference(store: Store, clean, best_row, reference_id: str | None):
    if reference_id:
        ref = store.lap(reference_id)
        if ref is None:
            raise PitwallError(f"No lap with uuid {reference_id}")
        return ref
    others = sorted((r for r in clean if r.id != best_row.id and (r.driver == best_row.driver or not r.driver)),
                    key=lambda r: r.lap_time)
    if not others:  # F1: the best lap of another driver
        others = sorted((r for r in clean if r.id != best_row.id), key=lambda r: r.lap_time)
    return others[0] if others else None


def _safe(report: SessionReport, what: str, compute):
    try:
        return compute()
    except PitwallError as exc:  # a section that cannot be made says why; the rest of the report stands
        report.notes.append(f"No {what}: {exc}")
        return None


def _compare(store: Store, lap_id: str, ref_id: str) -> dict:
    from app.services.analysis.archive import compare_laps

    return compare_laps(store, lap_id, ref_id)


def _best(store: Store, race_id: str) -> dict:
    from app.services.analysis.archive import best_report

    return best_report(store, race_id=race_id)


def _thin(n: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, MAX_POINTS)).astype(int))


def _trace(store: Store, lap_id: str) -> dict[str, np.ndarray]:
    lap = store.lap(lap_id)
    assert lap is not None
    ch = store.lap_channels(lap, ["distance", *TRACE_CHANNELS])
    if "distance" not in ch:
        return {}
    keep = _thin(len(ch["distance"]))
    return {k: np.asarray(v, dtype=np.float64)[keep] for k, v in ch.items()}


def _track(store: Store, lap_id: str) -> dict[str, np.ndarray] | None:
    lap = store.lap(lap_id)
    assert lap is not None
    ch = store.lap_channels(lap)
    if "x" not in ch or "speed" not in ch:
        return None
    plan = ch["z"] if "z" in ch and np.ptp(ch["z"]) > 1 else ch.get("y")  # AMS2: x/z is the ground plane
    if plan is None:
        return None
    keep = _thin(len(ch["x"]))
    return {"x": np.asarray(ch["x"], float)[keep], "y": np.asarray(plan, float)[keep],
            "speed": np.asarray(ch["speed"], float)[keep]}


def lap_table(report: SessionReport) -> tuple[list[str], list[list[str]]]:
    """The lap table as the report prints it (and as its tests read it back)."""
    people = any(lap.driver for lap in report.laps)
    head = ["Lap", *(["Driver"] if people else []), "Time", "S1", "S2", "S3", "Δ best", "Flags"]
    rows = []
    for lap in report.laps:
        sec = [f"{s:.3f}" if s else "—" for s in lap.sectors]
        rows.append([lap.label, *([lap.driver or ""] if people else []), format_lap_time(lap.lap_time), *sec,
                     "—" if lap.delta is None else f"{lap.delta:+.3f}", ", ".join(lap.flags)])
    return head, rows
