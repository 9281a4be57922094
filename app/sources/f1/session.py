"""Load one F1 session through FastF1 into Pitwall's session model (laps, channels, results, tables)."""

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from app.domain.models import SessionData
from app.errors import PitwallError, Progress, check, no_progress
from app.sources.f1.convert import DriverTelemetry, driver_code, frame_to_table, make_lap, seconds
from app.sources.f1.replay import CallLog, F1Config, fastf1_call

TABLES = ("weather", "race_control", "track_status")


def session_key(year: int, event_name: str, session: str, frame_skip: int = 1) -> str:
    """The content key of a session in the catalog: the same session always maps to the same race row."""
    key = f"f1:{year}:{event_name}:{session}"
    return key if frame_skip <= 1 else f"{key}:skip{frame_skip}"


@dataclass
class F1Session:
    key: str
    data: SessionData
    results: list[dict] = field(default_factory=list)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _loaded(session, name: str):
    """A Session attribute, or None when FastF1 could not load it (it raises DataNotLoadedError)."""
    try:
        return getattr(session, name)
    except Exception:  # DataNotLoadedError or a half-built frame: treated as "not available"
        return None


def load_session(cfg: F1Config, year: int, event: str | int, session: str, progress: Progress = no_progress,
                 frame_skip: int = 1) -> F1Session:
    """Load laps, telemetry, results, weather, race control and track status of one session.

    Fails with a PitwallError (and nothing to store) when there is no lap timing at all; parts that are
    missing (telemetry, weather, ...) become warnings.
    """
    what = f"{year} {event} {session}"
    event_arg = int(event) if isinstance(event, str) and event.strip().isdigit() else event
    with fastf1_call(cfg, what, progress, 0, 60, steps=30) as log:
        import fastf1

        try:
            ses = fastf1.get_session(year, event_arg, session)
        except ValueError as exc:  # unknown event, round or session type (or no schedule: no network)
            if "schedule" in str(exc):
                raise
            raise PitwallError(f"No F1 session {what}: {exc}") from exc
        what = f"{year} {ses.event['EventName']} {ses.name}"
        ses.load(laps=True, telemetry=True, weather=True, messages=True)
    laps = _loaded(ses, "laps")
    if laps is None or len(laps) == 0:
        raise PitwallError(_no_laps(what, cfg, log))
    out = F1Session(key=session_key(year, ses.event["EventName"], ses.name, frame_skip),
                    data=_session_data(ses, year, frame_skip))
    out.warnings = _warnings(log)
    out.results = _results(_loaded(ses, "results"), laps)
    colors = {r["abbreviation"]: r["team_color"] for r in out.results}

    car, pos = _loaded(ses, "car_data") or {}, _loaded(ses, "pos_data") or {}
    if not car:
        out.warnings.insert(0, "No telemetry in this session: laps are listed without channels.")
    drivers = list(dict.fromkeys(laps["DriverNumber"]))
    for i, number in enumerate(drivers):
        check(progress, 60 + 30 * i // len(drivers), 100)
        tel = DriverTelemetry(car.get(number), pos.get(number), frame_skip)
        for _, row in laps[laps["DriverNumber"] == number].iterrows():
            channels = tel.lap(seconds(row.get("LapStartTime")), seconds(row.get("Time")))
            out.data.laps.append(make_lap(row, channels, colors.get(driver_code(row))))
    out.data.meta["telemetry_laps"] = sum(1 for lap in out.data.laps if lap.channels)

    for name, attr in zip(TABLES, ("weather_data", "race_control_messages", "track_status"), strict=True):
        frame = _loaded(ses, attr)
        if frame is not None and len(frame):
            out.tables[name] = frame_to_table(frame)
    check(progress, 95, 100)
    return out


def _session_data(ses, year: int, frame_skip: int) -> SessionData:
    ev = ses.event
    return SessionData(
        source="f1",
        name=f"{year} {ev['EventName']} — {ses.name}",
        laps=[],
        track=str(ev["Location"]),
        meta={
            "year": year, "round": int(ev["RoundNumber"]), "event": str(ev["EventName"]),
            "country": str(ev["Country"]), "location": str(ev["Location"]), "session": ses.name,
            "date": None if pd.isna(ses.date) else pd.Timestamp(ses.date).isoformat(),
            "frame_skip": frame_skip,
        },
    )


def _results(results: pd.DataFrame | None, laps: pd.DataFrame) -> list[dict]:
    if results is None or not len(results):
        return []
    best = laps.groupby("DriverNumber")["LapTime"].min()
    rows = []
    for _, r in results.iterrows():
        number = _text(r.get("DriverNumber"))
        colour = _text(r.get("TeamColor"))
        rows.append({
            "driver_number": number,
            # The laps' driver code: the car number when FastF1 built a minimal driver list without names.
            "abbreviation": _text(r.get("Abbreviation")) or number,
            "driver": _text(r.get("FullName")),
            "team": _text(r.get("TeamName")),
            "team_color": f"#{colour}" if colour else None,
            "position": None if pd.isna(r.get("Position")) else int(r["Position"]),
            "classified_position": str(r.get("ClassifiedPosition") or "") or None,
            "grid": None if pd.isna(r.get("GridPosition")) else int(r["GridPosition"]),
            "points": None if pd.isna(r.get("Points")) else float(r["Points"]),
            "status": str(r.get("Status") or "") or None,
            "best_lap_time": seconds(best.get(number)) if number in best.index else None,
        })
    return rows


def _text(value) -> str | None:
    """A text cell of a FastF1 frame; NaN, None and blanks → None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text if text and text.lower() != "nan" else None


def _warnings(log: CallLog) -> list[str]:
    notes = list(dict.fromkeys(w for w in log.warnings if "Offline mode" not in w))
    if log.misses:
        notes.append(f"{len(log.misses)} FastF1 responses were not in the recording (parts left empty).")
    return notes


def _no_laps(what: str, cfg: F1Config, log: CallLog) -> str:
    if cfg.offline:
        missing = f" ({len(log.misses)} responses missing, e.g. {log.misses[0]})" if log.misses else ""
        return f"{what}: the recorded FastF1 responses in {cfg.recorded} hold no lap timing for it{missing}."
    return (f"{what}: FastF1 returned no lap timing — no network, the F1 API is down or rate-limited, "
            "or the session has not run yet.")
